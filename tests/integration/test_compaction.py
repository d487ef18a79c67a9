"""Log compaction against a real broker: a topic created with
cleanup.policy=compact by confluent-kafka's AdminClient, keys overwritten many
times and some tombstoned by confluent-kafka's Producer, read back after the
cleaner ran by kcat and confluent-kafka's Consumer: the latest value of each
key at the offset it was written at, older values gone, every surviving record
the one produced at its offset; the tombstones themselves gone once
delete.retention.ms passed after the round that first kept them; a record
without a key refused with INVALID_RECORD."""

import gzip
import os
import struct
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

import harness
from harness import expect, kcat

TOPIC = "cmp"
KEYS = 40
ROUNDS = 15
DELETED = 10  # keys k00..k09 end with a tombstone
RETENTION_MS = 8000


def read_kcat(broker):
    """[(offset, key, value or None)] of the whole partition."""
    out = kcat(broker, "-C", "-t", TOPIC, "-o", "beginning", "-e", "-Z", "-f", "%o\t%k\t%s\n")
    rows = []
    for line in out.decode().splitlines():
        o, k, v = line.split("\t", 2)
        rows.append((int(o), k, None if v == "NULL" else v))
    return rows


def read_confluent(broker):
    c = Consumer({"bootstrap.servers": broker.address, "group.id": "cmp-check",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "enable.partition.eof": True})
    c.assign([TopicPartition(TOPIC, 0, OFFSET_BEGINNING)])
    rows = []
    deadline = time.time() + 20
    while time.time() < deadline:
        m = c.poll(1.0)
        if m is None:
            continue
        if m.error():
            if m.error().name() == "_PARTITION_EOF":
                break
            continue
        v = m.value()
        rows.append((m.offset(), m.key().decode(), None if v is None else v.decode()))
    c.close()
    return rows


def varint(data, pos):
    """A zigzag varint at pos: (value, next pos)."""
    shift = raw = 0
    while True:
        b = data[pos]
        pos += 1
        raw |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return (raw >> 1) ^ -(raw & 1), pos


def stored_records(broker):
    """{offset: (key, codec)} of every record in the partition's segments, read
    from the files (gzip batches decompressed here, codec = attributes & 7)."""
    d = os.path.join(broker.data_dir, TOPIC + "-0")
    out = {}
    for name in sorted(n for n in os.listdir(d) if n.endswith(".log")):
        with open(os.path.join(d, name), "rb") as f:
            data = f.read()
        pos = 0
        while pos + 61 <= len(data):
            base, length = struct.unpack_from(">qi", data, pos)
            attributes, = struct.unpack_from(">h", data, pos + 21)
            count, = struct.unpack_from(">i", data, pos + 57)
            codec = attributes & 7
            body = data[pos + 61:pos + 12 + length]
            if codec == 1:
                body = gzip.decompress(body)
            if codec in (0, 1) and not attributes & 0x20:  # data batches we can read
                at = 0
                for _ in range(count):
                    size, at = varint(body, at)
                    end = at + size
                    at += 1  # attributes
                    _ts, at = varint(body, at)
                    delta, at = varint(body, at)
                    klen, at = varint(body, at)
                    key = body[at:at + klen].decode() if klen >= 0 else None
                    out[base + delta] = (key, codec)
                    at = end
            pos += 12 + length
    return out


def pad(producer, n):
    """Records of another key, so that the segments with the test's records roll."""
    for i in range(n):
        producer.produce(TOPIC, key=b"pad", value=b"p%d" % i)
    producer.flush(10)



def test(binary):
    mport = harness.free_port()
    broker = harness.Broker(binary, settings={
        "metrics.listener": "127.0.0.1:%d" % mport,
        "log.segment.bytes": 4096,
        "log.retention.check.interval.ms": 100,
        "log.cleaner.backoff.ms": 100,
    }).start()
    admin = AdminClient({"bootstrap.servers": broker.address})
    fs = admin.create_topics([NewTopic(TOPIC, 1, 1, config={
        "cleanup.policy": "compact",
        "min.cleanable.dirty.ratio": "0.01",
        "delete.retention.ms": str(RETENTION_MS),
        "segment.ms": "200",
    })], operation_timeout=10)
    fs[TOPIC].result(timeout=10)

    produced = {}  # offset -> (key, value)
    # gzip: the cleaner reads keys from compressed batches and writes them back
    # compressed with the same codec.
    p = Producer({"bootstrap.servers": broker.address, "linger.ms": 5, "acks": "all",
                  "compression.type": "gzip"})

    def report(err, msg):
        expect(err is None, "delivery: %r" % err)
        v = msg.value()
        produced[msg.offset()] = (msg.key().decode(), None if v is None else v.decode())

    for r in range(ROUNDS):
        for k in range(KEYS):
            p.produce(TOPIC, key=b"k%02d" % k, value=b"v%02d-%02d-%s" % (k, r, b"x" * 30),
                      on_delivery=report)
        p.flush(10)
    for k in range(DELETED):
        p.produce(TOPIC, key=b"k%02d" % k, value=None, on_delivery=report)
    p.flush(10)
    time.sleep(0.3)
    pad(p, 3)  # rolls the segment holding the tombstones (segment.ms)
    total = len(produced)
    latest = {}
    for o in sorted(produced):
        latest[produced[o][0]] = (o, produced[o][1])

    # The cleaner runs on its own; wait until no key has an older value left.
    deadline = time.time() + 25
    rows = []
    while time.time() < deadline:
        rows = [r for r in read_kcat(broker) if r[1] != "pad"]
        if len(rows) == KEYS:
            break
        time.sleep(0.3)
        pad(p, 1)
    expect(len(rows) == KEYS, "after compaction %d of %d records remain: %r"
           % (len(rows), total, rows[:5]))
    for o, k, v in rows:
        expect(produced.get(o) == (k, v), "offset %d holds %r, %r was produced" %
               (o, (k, v), produced.get(o)))
        expect(latest[k] == (o, v), "key %s: %r is not its latest %r" % (k, (o, v), latest[k]))
    tombstones = [r for r in rows if r[2] is None]
    expect(len(tombstones) == DELETED, "tombstones kept for now: %d" % len(tombstones))
    stored = stored_records(broker)
    for o, k, _v in rows:
        expect(stored.get(o) == (k, 1), "offset %d is stored as %r, want key %s in a gzip batch"
               % (o, stored.get(o), k))
    same = [r for r in read_confluent(broker) if r[1] != "pad"]
    expect(same == rows, "confluent-kafka reads %d records, kcat %d" % (len(same), len(rows)))

    # After delete.retention.ms the next round drops the tombstones.
    deadline = time.time() + RETENTION_MS / 1000 + 20
    while time.time() < deadline:
        rows = [r for r in read_kcat(broker) if r[1] != "pad"]
        if len(rows) == KEYS - DELETED:
            break
        time.sleep(0.5)
    expect(len(rows) == KEYS - DELETED and all(v is not None for _, _, v in rows),
           "after delete.retention.ms: %d records, %d tombstones"
           % (len(rows), sum(v is None for _, _, v in rows)))
    for o, k, v in rows:
        expect(latest[k] == (o, v), "key %s moved: %r" % (k, (o, v)))

    # The cleaner's work shows on /metrics.
    removed = harness.metric(mport, "sluice_log_cleaner_records_removed_total")
    expect(removed >= total - len(rows) - 10,
           "records removed %d, %d produced and %d left" % (removed, total, len(rows)))
    expect(harness.metric(mport, "sluice_log_cleaner_segments_swapped_total") > 0,
           "segments swapped")
    expect(harness.metric(mport, "sluice_log_cleaner_rounds_total") > 0, "rounds finished")

    # A record without a key has no place in a compacted topic: refused
    # (INVALID_RECORD, as Kafka), nothing written.
    errors = []
    p.produce(TOPIC, value=b"no key", on_delivery=lambda err, _msg: errors.append(err))
    p.flush(10)
    expect(len(errors) == 1 and errors[0] is not None and errors[0].name() == "INVALID_RECORD",
           "a keyless record: %r" % errors)

    # A restart (recovery of the cleaned segments with their offset gaps).
    broker.restart()
    again = [r for r in read_kcat(broker) if r[1] != "pad"]
    expect(again == rows, "after restart %d records, before %d" % (len(again), len(rows)))
    print("%d records compacted to %d (latest per key, offsets unchanged); %d tombstones gone "
          "after delete.retention.ms" % (total, len(rows), DELETED))


if __name__ == "__main__":
    harness.main(test, limit_s=80)
