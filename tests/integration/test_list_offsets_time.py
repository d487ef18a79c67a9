"""ListOffsets by timestamp is exact inside batches, as Kafka's: two real
clients (kafka-python 2.0.2 and confluent-kafka over librdkafka 2.0.2) ask
offsets_for_times against a topic whose batches each hold several records
with distinct timestamps, one batch per codec (none, gzip, zstd, lz4,
snappy). The answer is the first record, in offset order, whose timestamp is
at or after the target, even in the middle of a compressed batch.

The test reads the partition's segment file to make sure the producers did
write multi-record batches with the intended codecs: otherwise it would pass
on a batch-granular lookup too."""

import glob
import logging
import struct
import time

import harness
from harness import expect

TOPIC = "times"
CODECS = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}


def batches_on_disk(broker):
    """(base offset, record count, codec name) per batch of partition 0."""
    out = []
    for path in sorted(glob.glob(broker.partition_dir(TOPIC, 0) + "/*.log")):
        data = open(path, "rb").read()
        at = 0
        while at + 61 <= len(data):
            base, length = struct.unpack(">qi", data[at:at + 12])
            attributes, = struct.unpack(">h", data[at + 21:at + 23])
            count, = struct.unpack(">i", data[at + 57:at + 61])
            out.append((base, count, CODECS.get(attributes & 7, "?")))
            at += 12 + length
    return out


def test(binary):
    logging.basicConfig(level=logging.CRITICAL)
    from confluent_kafka import Consumer, Producer
    from confluent_kafka import TopicPartition as CTopicPartition
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    broker = harness.Broker(binary, settings={"num.partitions": 1}).start()
    base = int(time.time() * 1000) - 600000  # ten minutes ago: inside retention
    # (codec, timestamps relative to base); each list becomes one batch.
    plan = [("none", [1000, 1100, 1200, 1300]),   # offsets 0-3
            ("gzip", [2000, 2100, 2600, 2050]),   # 4-7, out of order inside
            ("zstd", [3000, 3100, 3200]),         # 8-10
            ("lz4", [4000, 4100]),                # 11-12
            ("snappy", [5000, 5100])]             # 13-14
    # Compressible values: both clients send a batch uncompressed when the
    # codec does not make it smaller.
    def value(codec, i):
        return b"%s-%d-" % (codec.encode(), i) + b"abcdefgh" * 200

    for codec, stamps in plan:
        if codec in ("none", "gzip"):
            p = KafkaProducer(bootstrap_servers=broker.address, acks="all", linger_ms=2000,
                              compression_type=None if codec == "none" else codec,
                              request_timeout_ms=10000)
            p.partitions_for(TOPIC)
            for i, ts in enumerate(stamps):
                p.send(TOPIC, value=value(codec, i), timestamp_ms=base + ts)
            p.flush(timeout=20)
            p.close(timeout=5)
        else:
            p = Producer({"bootstrap.servers": broker.address, "linger.ms": 2000,
                          "compression.codec": codec, "acks": "all"})
            # Metadata first, so the records wait out linger.ms together
            # instead of the first one leaving alone when the leader is known.
            p.list_topics(TOPIC, timeout=10)
            for i, ts in enumerate(stamps):
                p.produce(TOPIC, value=value(codec, i), timestamp=base + ts)
            expect(p.flush(20) == 0, "confluent producer did not flush (%s)" % codec)

    on_disk = batches_on_disk(broker)
    expect([(c, n) for _, n, c in on_disk] == [(c, len(s)) for c, s in plan],
           "batches on disk %r" % on_disk)

    # target (relative) -> (offset, timestamp relative) or None
    cases = {0: (0, 1000), 1150: (2, 1200), 1300: (3, 1300),
             1301: (4, 2000), 2001: (5, 2100),
             2101: (6, 2600),   # 2050 (offset 7) is nearer, 2600 comes first
             2601: (8, 3000), 3150: (10, 3200), 3201: (11, 4000),
             4050: (12, 4100), 5001: (14, 5100), 6000: None}

    kc = KafkaConsumer(bootstrap_servers=broker.address, group_id=None,
                       enable_auto_commit=False, request_timeout_ms=11000)
    tp = TopicPartition(TOPIC, 0)
    for target, want in cases.items():
        got = kc.offsets_for_times({tp: base + target})[tp]
        if want is None:
            expect(got is None, "kafka-python %d: %r, expected none" % (target, got))
        else:
            expect(got is not None and (got.offset, got.timestamp) == (want[0], base + want[1]),
                   "kafka-python target %d: %r, expected %r" % (target, got, want))
    kc.close()

    cc = Consumer({"bootstrap.servers": broker.address, "group.id": "list-offsets-time"})
    for target, want in cases.items():
        got = cc.offsets_for_times([CTopicPartition(TOPIC, 0, base + target)], timeout=10)[0]
        expect(got.error is None, "confluent %d: %r" % (target, got.error))
        # librdkafka answers offset -1 (OFFSET_END) when no record is that new.
        expected = want[0] if want is not None else -1
        expect(got.offset == expected, "confluent target %d: offset %d, expected %d" %
               (target, got.offset, expected))
    cc.close()


if __name__ == "__main__":
    harness.main(test, limit_s=80)
