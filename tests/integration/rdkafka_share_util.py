"""Runs rdkafka_share_member (librdkafka 2.15.1's share consumer, one process
per member) for the test_rdkafka_share*.py tests and collects what each
member reports on stdout: "got", "accepted", "held", "released" records and
errors (the protocol is in rdkafka_share_member.cc)."""

import time

from confluent_kafka.admin import AdminClient, NewTopic

import harness
from harness import expect
from member_process import MemberProcess

# Short heartbeats and acquisition locks so that joins and redelivery take
# seconds, not the defaults' tens of seconds.
SETTINGS = {"sluice.share.auto.offset.reset": "earliest", "num.partitions": "1",
            "group.share.heartbeat.interval.ms": "500",
            "group.share.record.lock.duration.ms": "2000"}


def create_topic(broker, name, partitions):
    """The topic must exist before members subscribe: the share consumer
    resolves topics by id and never auto-creates them."""
    admin = AdminClient({"bootstrap.servers": broker.address})
    for f in admin.create_topics([NewTopic(name, num_partitions=partitions)]).values():
        f.result(10)


class Member(MemberProcess):
    def __init__(self, broker, group, topic, *flags, name=None):
        expect(harness.program, "--program (the rdkafka_share_member executable) is required")
        super().__init__([harness.program, broker.address, group, topic] + list(flags),
                         name or group)

    def records(self, kind):
        """[(partition, offset, delivery_count, value)] reported as `kind`."""
        return [(int(f[0]), int(f[1]), int(f[2]), f[3]) for f in self.fields(kind)]


def wait_all_accepted(members, want, seconds):
    """Waits until the members together accepted `want` records."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if sum(len(m.records("accepted")) for m in members) >= want:
            return
        for m in members:
            expect(m.proc.poll() is None, "%s exited early: %s" % (m.name, m.report()))
        time.sleep(0.05)
    got = {m.name: len(m.records("accepted")) for m in members}
    raise AssertionError("accepted %s of %d within %d s; %s" % (
        got, want, seconds, "; ".join("%s: %s" % (m.name, m.report()) for m in members)))


def accepted_once(members, values):
    """Every value in `values` accepted exactly once across `members`."""
    by_value = {}
    for m in members:
        for p, o, dc, v in m.records("accepted"):
            by_value.setdefault(v, []).append((m.name, p, o, dc))
    twice = {v: w for v, w in by_value.items() if len(w) > 1}
    expect(not twice, "records accepted more than once: %s" % dict(list(twice.items())[:5]))
    missing = [v for v in values if v not in by_value]
    expect(not missing, "%d records never accepted, e.g. %s" % (len(missing), missing[:5]))
    wanted = set(values)
    extra = [v for v in by_value if v not in wanted]
    expect(not extra, "accepted records nobody produced: %s" % extra[:5])
    return by_value
