"""Static membership (KIP-345) with librdkafka: a consumer with
group.instance.id that restarts within its session timeout gets its
partitions back under a new member id, and the other member of the group
sees no rebalance at all (no revoke, no assign callback)."""

import time

from confluent_kafka.admin import AdminClient

import harness
from harness import expect
from group_util import SETTINGS, consumer, produce, wait_assigned

TOPIC = "static"


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    produce(broker, TOPIC, 6)  # creates the topic (6 partitions)
    events = []
    other = consumer(broker, "gs", **{"group.instance.id": "other"})
    other.subscribe([TOPIC], on_assign=lambda c, ps: events.append(("assign", len(ps))),
                    on_revoke=lambda c, ps: events.append(("revoke", len(ps))))
    restarting = consumer(broker, "gs", **{"group.instance.id": "restarting"})
    restarting.subscribe([TOPIC])
    wait_assigned([other, restarting], [3, 3])
    before = sorted(tp.partition for tp in restarting.assignment())
    # Let the group settle: librdkafka reports the assignment before its
    # callbacks have all run.
    deadline = time.time() + 2
    while time.time() < deadline:
        other.poll(0.1)
        restarting.poll(0.1)
    settled = list(events)
    admin = AdminClient({"bootstrap.servers": broker.address})
    described = [g for g in admin.list_groups(timeout=10) if g.id == "gs"]
    hosts = sorted(m.client_host for m in described[0].members) if described else []
    expect(hosts == ["/127.0.0.1", "/127.0.0.1"], "members' client_host: %s" % hosts)
    print("settled: %s, restarting holds %s" % (settled, before))

    restarting.close()  # a static member sends no LeaveGroup
    again = consumer(broker, "gs", **{"group.instance.id": "restarting"})
    again.subscribe([TOPIC])
    deadline = time.time() + 20
    while time.time() < deadline and len(again.assignment()) != 3:
        again.poll(0.1)
        other.poll(0.05)
    after = sorted(tp.partition for tp in again.assignment())
    expect(after == before, "restarted member holds %s, held %s" % (after, before))
    expect("event=group_static_member_replaced group=gs instance=restarting" in broker.output(),
           "the broker replaced the static member")
    # Keep both polling past the old member's session timeout (6 s): its
    # expiry must not rebalance the group either, since the instance moved on.
    deadline = time.time() + 7
    while time.time() < deadline:
        other.poll(0.1)
        again.poll(0.1)
    expect(events == settled, "the other member saw callbacks: %s" % events[len(settled):])
    expect(len(other.assignment()) == 3, "other kept 3 partitions")
    print("restart with the same group.instance.id: same partitions, no rebalance")
    other.close()
    again.close()


if __name__ == "__main__":
    harness.main(test)
