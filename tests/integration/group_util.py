"""Helpers shared by the consumer-group integration tests (confluent-kafka,
librdkafka 2.0.2)."""

import time

from confluent_kafka import Consumer, Producer

import harness
from harness import expect

SETTINGS = {"num.partitions": "6", "group.initial.rebalance.delay.ms": "300"}


def consumer(broker, group, **extra):
    conf = {"bootstrap.servers": broker.address, "group.id": group,
            "session.timeout.ms": 6000, "heartbeat.interval.ms": 1000,
            "auto.offset.reset": "earliest", "enable.auto.commit": False,
            "topic.metadata.refresh.interval.ms": 1000}
    conf.update(extra)
    return Consumer(conf)


def produce(broker, topic, count, start=0):
    p = Producer({"bootstrap.servers": broker.address, "linger.ms": 5, "acks": "all"})
    for i in range(start, start + count):
        p.produce(topic, key=b"k%d" % i, value=b"v%d" % i, partition=i % 6)
        if i % 1000 == 0:
            p.poll(0)
    expect(p.flush(30) == 0, "producer flushed")


def wait_assigned(consumers, want, limit_s=30, what="assignment", seen=None):
    """Polls every consumer until each holds `want[i]` partitions; messages
    polled meanwhile are counted in `seen` ({key: times seen}) if given."""
    deadline = time.time() + limit_s
    while time.time() < deadline:
        for c in consumers:
            m = c.poll(0.05)
            if m is not None and m.error() is None and seen is not None:
                seen[m.key()] = seen.get(m.key(), 0) + 1
        if [len(c.assignment()) for c in consumers] == want:
            return
    raise AssertionError("%s: %s, wanted %s" % (what, [len(c.assignment()) for c in consumers], want))


def drain(consumers, count, limit_s=30, seen=None):
    """Polls until `count` messages arrived in all (those already in `seen`
    included); returns {key: times seen}."""
    seen = {} if seen is None else seen
    deadline = time.time() + limit_s
    total = sum(seen.values())
    while total < count and time.time() < deadline:
        for c in consumers:
            for m in c.consume(500, 0.05):
                if m.error():
                    continue
                seen[m.key()] = seen.get(m.key(), 0) + 1
                total += 1
    return seen
