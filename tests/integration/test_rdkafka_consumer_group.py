"""librdkafka 2.15.1 with group.protocol=consumer (KIP-848: the broker assigns;
rdkafka_consumer_member.cc, one process per member) against the broker:
- three members on a six-partition topic: 60,000 records, each consumed
  exactly once by the group;
- a fourth member joins mid-stream: every old member keeps what it is not
  asked to give up (nothing revoked from it comes back to it), the new one
  gets its share, and the group stays exactly once;
- a member SIGKILLed: its partitions move to the others within the session
  timeout + 3 s, and the records after its last commit are consumed;
- a regex subscription picks up a topic created after the member joined.
Needs the library that scripts/build-test-clients.sh builds."""

import time

import harness
from harness import expect
from test_sluice_cli import Sluice
from rdkafka_consumer_util import (SESSION_MS, SETTINGS, Member, consumed, create_topics,
                                   exactly_once, produce, settled, wait)

RECORDS = 60000
TOPIC = "events"
PARTITIONS = 6


def tool_view(binary, broker, members):
    """`sluice group list` and `describe` show the consumer-protocol group:
    each partition with its owner's member id, and no lag once all is read."""
    sluice = Sluice(binary, broker)
    expect("g" in sluice.out("group", "list").split(), "sluice group list names g")
    lines = [line.split() for line in sluice.out("group", "describe", "g").splitlines()]
    rows = [f for f in lines if len(f) >= 6 and f[0] == "g" and f[1] == TOPIC]
    expect(len(rows) == PARTITIONS, "describe shows %d partitions: %s" % (PARTITIONS, lines))
    expect(all(f[5] == "0" for f in rows), "no lag after everything was read: %s" % rows)
    owners = {f[6] for f in rows if len(f) > 6 and f[6] != "-"}
    expect(len(owners) == len(members), "each of the %d members owns a row: %s" % (
        len(members), rows))


def group_round(binary, broker):
    create_topics(broker, (TOPIC, PARTITIONS))
    values = ["e-%d" % i for i in range(RECORDS)]
    members = [Member(broker, "g", TOPIC, name=n) for n in "abc"]
    wait("three members settled", lambda: settled(members, TOPIC, PARTITIONS), 30, members)
    expect(all(len(m.owned()) == 2 for m in members),
           "uniform: two partitions each, got %s" % {m.name: sorted(m.owned()) for m in members})
    produce(broker, TOPIC, values[:RECORDS // 2], PARTITIONS)
    wait("first half consumed", lambda: consumed(members) >= RECORDS // 2, 60, members)

    joined_at = time.time()
    before = {m.name: m.owned() for m in members}
    members.append(Member(broker, "g", TOPIC, name="d"))
    wait("four members settled", lambda: settled(members, TOPIC, PARTITIONS), 30, members)
    for m in members[:3]:
        revoked = set().union(*[f for k, f in m.changes(joined_at) if k == "revoked"] or [set()])
        expect(not (revoked & m.owned()), "%s got back %s after revoking it" % (m.name, revoked))
        expect(m.owned() <= before[m.name], "%s only kept partitions: %s -> %s" % (
            m.name, sorted(before[m.name]), sorted(m.owned())))
    moved = sum(len(before[m.name] - m.owned()) for m in members[:3])
    expect(moved == len(members[3].owned()) == 1,
           "only what balance needs moved: %d moved, d owns %s" % (moved, members[3].owned()))
    produce(broker, TOPIC, values[RECORDS // 2:], PARTITIONS)
    wait("all consumed", lambda: consumed(members) >= RECORDS, 60, members)
    time.sleep(0.5)  # a duplicate would arrive now
    exactly_once(members, values)
    tool_view(binary, broker, members)
    print("4 members: %d records consumed exactly once (%s); the join moved %d partition" % (
        RECORDS, ", ".join("%s %d" % (m.name, len(m.values())) for m in members), moved))

    victim = members.pop(2)
    lost = victim.owned()
    victim.kill()
    killed_at = time.time()
    moved_at = wait("the killed member's partitions moved",
                    lambda: settled(members, TOPIC, PARTITIONS), SESSION_MS / 1000 + 10, members)
    took = moved_at - killed_at
    expect(took <= SESSION_MS / 1000 + 3, "partitions %s moved after %.1f s (session %d ms)" % (
        sorted(lost), took, SESSION_MS))
    extra = ["k-%d" % i for i in range(600)]
    produce(broker, TOPIC, extra, PARTITIONS)
    wait("records after the kill consumed",
         lambda: set(extra) <= {v for m in members for v in m.values()}, 30, members)
    print("killed member's partitions %s moved in %.1f s (session timeout %.1f s)" % (
        sorted(lost), took, SESSION_MS / 1000))
    for m in members:
        m.close()
    expect(not any(m.errors() for m in members), "no errors: %s" % [m.errors() for m in members])


def regex_round(broker):
    create_topics(broker, ("rx.a", 2), ("other", 1))
    m = Member(broker, "rx-group", r"^rx\..*", name="rx")
    wait("rx.a assigned", lambda: {p[0] for p in m.owned()} == {"rx.a"}, 30, [m])
    create_topics(broker, ("rx.b", 3))
    wait("rx.b picked up", lambda: {p[0] for p in m.owned()} == {"rx.a", "rx.b"}, 30,
                  [m])
    produce(broker, "rx.b", ["b-%d" % i for i in range(300)], 3)
    produce(broker, "other", ["o-%d" % i for i in range(10)], 1)
    wait("rx.b consumed", lambda: len(m.values("rx.b")) >= 300, 30, [m])
    time.sleep(0.3)
    expect(not m.values("other"), "a topic the regex does not match is not consumed")
    exactly_once([m], ["b-%d" % i for i in range(300)], "rx.b")
    m.close()
    print("regex ^rx\\..* picked up rx.b, created after the member joined")


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    group_round(binary, broker)
    regex_round(broker)
    broker.stop()


if __name__ == "__main__":
    harness.main(test, limit_s=170)
