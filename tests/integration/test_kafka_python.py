"""kafka-python (Debian's python3-kafka, a client nobody here wrote): a
KafkaProducer sends 1,000 keyed records and a group-less KafkaConsumer
(assign + seek_to_beginning) reads them back byte-exact. The broker version
kafka-python infers from ApiVersions must be at least 2.3 (it then uses
Produce v7, Fetch v10/11, ListOffsets v2+, Metadata v1+)."""

import logging

import harness
from harness import expect

N = 1000


def test(binary):
    # A Fetch still in flight when the consumer closes is logged as "Cancelled".
    logging.basicConfig(level=logging.CRITICAL)
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    broker = harness.Broker(binary, settings={"num.partitions": 3}).start()
    producer = KafkaProducer(bootstrap_servers=broker.address, acks="all", linger_ms=5,
                             request_timeout_ms=10000)
    version = producer.config["api_version"]
    print("kafka-python inferred broker version %s" % (version,))
    expect(tuple(version[:2]) >= (2, 3), "inferred api_version %r < (2, 3)" % (version,))
    futures = [producer.send("kp", key=b"k%d" % (i % 17), value=b"value-%06d" % i)
               for i in range(N)]
    producer.flush(timeout=20)
    where = {}
    for i, f in enumerate(futures):
        md = f.get(timeout=10)
        where[i] = (md.partition, md.offset)
    producer.close(timeout=5)

    consumer = KafkaConsumer(bootstrap_servers=broker.address, group_id=None,
                             enable_auto_commit=False, consumer_timeout_ms=10000)
    expect(tuple(consumer.config["api_version"][:2]) >= (2, 3), "consumer api_version")
    parts = [TopicPartition("kp", p) for p in consumer.partitions_for_topic("kp")]
    expect(len(parts) == 3, "partitions %r" % parts)
    consumer.assign(parts)
    consumer.seek_to_beginning()
    got = {}
    for msg in consumer:
        i = int(msg.value.split(b"-")[1])
        expect(msg.key == b"k%d" % (i % 17), "key of %d: %r" % (i, msg.key))
        expect((msg.partition, msg.offset) == where[i],
               "record %d at %r, producer said %r" % (i, (msg.partition, msg.offset), where[i]))
        got[i] = msg
        if len(got) == N:
            break
    consumer.close()
    expect(len(got) == N, "consumed %d of %d" % (len(got), N))
    by_key = {}
    for i, msg in got.items():
        by_key.setdefault(msg.key, set()).add(msg.partition)
    expect(all(len(p) == 1 for p in by_key.values()), "a key on two partitions: %r" % by_key)
    print("round trip of %d records over %d partitions" % (N, len(parts)))


if __name__ == "__main__":
    harness.main(test)
