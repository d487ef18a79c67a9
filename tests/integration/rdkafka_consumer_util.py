"""Runs rdkafka_consumer_member (librdkafka 2.15.1 with group.protocol=consumer,
KIP-848; one process per member) for the test_rdkafka_consumer_group*.py
tests and reads what each member reports: the partitions assigned and
revoked, and the records consumed (the protocol is in
rdkafka_consumer_member.cc)."""

import time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

import harness
from harness import expect
from member_process import MemberProcess

# Short session and heartbeat intervals so that a dead member's partitions
# move in seconds, not the defaults' 45 s.
SESSION_MS = 6000
SETTINGS = {"group.consumer.session.timeout.ms": str(SESSION_MS),
            "group.consumer.heartbeat.interval.ms": "500"}


class Member(MemberProcess):
    def __init__(self, broker, group, subscription, *flags, name):
        expect(harness.program, "--program (the rdkafka_consumer_member executable) is required")
        super().__init__([harness.program, broker.address, group, subscription] + list(flags),
                         name)

    def owned(self):
        """The partitions it holds now: assigned minus revoked, in order."""
        held = set()
        for kind, f in self.changes():
            held = held | f if kind == "assigned" else held - f
        return held

    def changes(self, since=0.0):
        out = []
        with self.lock:
            for k, f, t in self.events:
                if k in ("assigned", "revoked") and t >= since:
                    out.append((k, set() if f == ["-"] else
                                {(x.rsplit(":", 1)[0], int(x.rsplit(":", 1)[1]))
                                 for x in f[0].split(",")}))
        return out

    def values(self, topic=None):
        return [f[3] for f in self.fields("rec") if topic is None or f[0] == topic]


def create_topics(broker, *specs):
    admin = AdminClient({"bootstrap.servers": broker.address})
    for f in admin.create_topics([NewTopic(n, num_partitions=p) for n, p in specs]).values():
        f.result(10)


def produce(broker, topic, values, partitions):
    p = Producer({"bootstrap.servers": broker.address, "linger.ms": 5})
    for i, v in enumerate(values):
        p.produce(topic, v.encode(), partition=i % partitions)
    expect(p.flush(30) == 0, "every record delivered")


def wait(what, cond, seconds, members):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if cond():
            return time.time()
        for m in members:
            expect(m.proc.poll() is None, "%s exited early: %s" % (m.name, m.report()))
        time.sleep(0.05)
    raise AssertionError("timed out waiting for %s; %s" % (what, "; ".join(
        "%s owns %s: %s" % (m.name, sorted(m.owned()), m.report()) for m in members)))


def settled(members, topic, partitions):
    """Every partition of `topic` owned by exactly one member and the
    members balanced (counts differ by at most one, as both server assignors
    target). Full coverage alone is not enough: while a member still holds a
    partition it is asked to revoke, another may already own the rest."""
    # One reading per member: owned() replays a log that the member's reader
    # thread keeps growing, so two readings could disagree.
    held = [[p for p in m.owned() if p[0] == topic] for m in members]
    counts = [len(h) for h in held]
    return (sorted(p for h in held for p in h) == [(topic, i) for i in range(partitions)] and
            min(counts) >= 1 and max(counts) - min(counts) <= 1)


def consumed(members, topic=None):
    return sum(len(m.values(topic)) for m in members)


def exactly_once(members, values, topic=None):
    seen = {}
    for m in members:
        for v in m.values(topic):
            seen[v] = seen.get(v, 0) + 1
    twice = [v for v, n in seen.items() if n > 1]
    missing = [v for v in values if v not in seen]
    expect(not twice, "%d records consumed twice, e.g. %s" % (len(twice), twice[:5]))
    expect(not missing, "%d records never consumed, e.g. %s" % (len(missing), missing[:5]))
