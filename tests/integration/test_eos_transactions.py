"""Transactions with confluent-kafka-python (librdkafka 2.0.2):
  - a transactional producer runs 10 transactions over 3 partitions,
    committing and aborting in turn; a read_committed consumer sees each
    committed value exactly once and no aborted one, a read_uncommitted
    consumer sees all of them (so the filter is what makes the difference);
  - consume-transform-produce: a group consumer (read_committed) reads an
    input topic, a transactional producer writes the transformed values and
    the consumer's positions with send_offsets_to_transaction. While the
    transaction is open, and after it is aborted, the group's committed
    offsets stay unset and the output shows nothing; after the commit they
    equal the input's end offsets and the output holds each value once;
  - a second producer instance with the same transactional.id fences the
    first (its next transaction fails)."""

import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

import eos_util
import harness
from harness import expect

PARTITIONS = 3


def txn_producer(broker, tid, **extra):
    conf = {"bootstrap.servers": broker.address, "transactional.id": tid,
            "transaction.timeout.ms": 20000, "linger.ms": 5}
    conf.update(extra)
    p = Producer(conf)
    p.init_transactions(20)
    return p


def alternate(broker):
    topic = "txn-alt"
    eos_util.create_topic(broker, topic, PARTITIONS)
    p = txn_producer(broker, "alt-tx")
    committed, aborted = set(), set()
    for t in range(10):
        p.begin_transaction()
        values = [b"t%d-%d" % (t, i) for i in range(30)]
        for i, v in enumerate(values):
            p.produce(topic, value=v, partition=i % PARTITIONS)
        if t % 2 == 0:
            p.commit_transaction(20)
            committed.update(values)
        else:
            p.flush(20)  # the records are in the log before the abort
            p.abort_transaction(20)
            aborted.update(values)
    rc = [v for _, _, v in eos_util.read_all(broker, topic, PARTITIONS, True)]
    expect(not (set(rc) & aborted), "read_committed saw %d aborted values, e.g. %s" %
           (len(set(rc) & aborted), sorted(set(rc) & aborted)[:3]))
    expect(len(rc) == len(set(rc)), "read_committed saw %d duplicates" % (len(rc) - len(set(rc))))
    expect(set(rc) == committed, "read_committed: %d values, committed %d (missing %s)" %
           (len(set(rc)), len(committed), sorted(committed - set(rc))[:3]))
    ru = [v for _, _, v in eos_util.read_all(broker, topic, PARTITIONS, False)]
    expect(sorted(ru) == sorted(committed | aborted),
           "read_uncommitted: %d values, expected all %d" % (len(ru), len(committed | aborted)))
    print("alternating commit/abort: read_committed %d values (each once, none aborted), "
          "read_uncommitted %d" % (len(rc), len(ru)))


def committed_offsets(broker, group, topic):
    # read_uncommitted: librdkafka 2.0.2 asks OffsetFetch for stable offsets
    # (and waits them out) only under read_committed.
    c = Consumer({"bootstrap.servers": broker.address, "group.id": group,
                  "enable.auto.commit": False, "isolation.level": "read_uncommitted"})
    got = c.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=10)
    c.close()
    return {tp.partition: tp.offset for tp in got}


def consume_transform_produce(broker):
    src, dst, group = "ctp-in", "ctp-out", "ctp-group"
    eos_util.create_topic(broker, src, PARTITIONS)
    eos_util.create_topic(broker, dst, PARTITIONS)
    plain = Producer({"bootstrap.servers": broker.address, "acks": "all"})
    for i in range(60):
        plain.produce(src, value=b"in-%d" % i, partition=i % PARTITIONS)
    expect(plain.flush(20) == 0, "input produced")

    c = Consumer({"bootstrap.servers": broker.address, "group.id": group,
                  "enable.auto.commit": False, "auto.offset.reset": "earliest",
                  "isolation.level": "read_committed", "session.timeout.ms": 6000})
    c.subscribe([src])
    got = []
    deadline = time.time() + 25
    while len(got) < 60 and time.time() < deadline:
        for m in c.consume(100, 0.1):
            if not m.error():
                got.append(m.value())
    expect(sorted(got) == sorted(b"in-%d" % i for i in range(60)),
           "consumed %d of 60 input values" % len(got))
    positions = c.position(c.assignment())
    ends = {tp.partition: tp.offset for tp in positions}
    expect(ends == {p: 20 for p in range(PARTITIONS)}, "positions %s" % ends)

    p = txn_producer(broker, "ctp-tx")
    for attempt in ("abort", "commit"):
        p.begin_transaction()
        for v in got:
            p.produce(dst, value=v.replace(b"in-", b"out-"), partition=int(v[3:]) % PARTITIONS)
        p.send_offsets_to_transaction(positions, c.consumer_group_metadata(), 20)
        p.flush(20)
        during = committed_offsets(broker, group, src)
        expect(all(o < 0 for o in during.values()),
               "committed offsets visible inside the open transaction: %s" % during)
        outside = eos_util.read_all(broker, dst, PARTITIONS, True)
        expect(not outside, "read_committed sees %d output values of the open transaction" %
               len(outside))
        if attempt == "abort":
            p.abort_transaction(20)
            after = committed_offsets(broker, group, src)
            expect(all(o < 0 for o in after.values()),
                   "committed offsets after the abort: %s" % after)
            expect(not eos_util.read_all(broker, dst, PARTITIONS, True),
                   "read_committed sees output of the aborted transaction")
            print("consume-transform-produce, aborted: no offsets committed, no output visible")
        else:
            p.commit_transaction(20)
            after = committed_offsets(broker, group, src)
            expect(after == ends, "committed offsets after the commit: %s, expected %s" %
                   (after, ends))
            out = [v for _, _, v in eos_util.read_all(broker, dst, PARTITIONS, True)]
            expect(sorted(out) == sorted(b"out-%d" % i for i in range(60)),
                   "read_committed output: %d values (%d distinct)" % (len(out), len(set(out))))
            print("consume-transform-produce, committed: offsets %s, 60 output values once" % after)
    c.close()

    # Fencing: a new instance with the same transactional.id.
    p2 = txn_producer(broker, "ctp-tx")
    p2.begin_transaction()
    p2.produce(dst, value=b"from-new-instance", partition=0)
    p2.commit_transaction(20)
    fenced = None
    try:
        p.begin_transaction()
        p.produce(dst, value=b"from-zombie", partition=0)
        p.commit_transaction(10)
    except KafkaException as e:
        fenced = e.args[0]
    expect(fenced is not None, "the fenced producer committed a transaction")
    expect(fenced.fatal() or fenced.code() in (
        eos_util.PRODUCER_FENCED, eos_util.INVALID_PRODUCER_EPOCH),
        "the fenced producer got %s" % fenced)
    out = [v for _, _, v in eos_util.read_all(broker, dst, PARTITIONS, True)]
    expect(b"from-new-instance" in out and b"from-zombie" not in out,
           "after fencing read_committed holds new=%s zombie=%s" %
           (b"from-new-instance" in out, b"from-zombie" in out))
    print("fencing: the second instance commits, the first fails with %s" % fenced.name())


def test(binary):
    broker = harness.Broker(binary, settings={"group.initial.rebalance.delay.ms": "0"}).start()
    eos_util.require_served(broker, [22, 24, 25, 26, 28])
    alternate(broker)
    consume_transform_produce(broker)


if __name__ == "__main__":
    harness.main(test, limit_s=80)
