"""Group administration with librdkafka (confluent-kafka 1.7): a live group is
listed and described with its member (AdminClient.list_groups: ListGroups +
DescribeGroups); DeleteGroups refuses it while it has a member and deletes it
(with its committed offsets) after the consumer closes; after a restart the
offsets stay gone. confluent-kafka 1.7's Python API has no
delete_consumer_groups, so DeleteGroups v1 is sent as a raw request."""

import struct
import time

from confluent_kafka import TopicPartition
from confluent_kafka.admin import AdminClient

import harness
from harness import expect
from group_util import SETTINGS, consumer, drain, produce, wait_assigned

NON_EMPTY_GROUP = 68
GROUP_ID_NOT_FOUND = 69


def delete_groups(broker, groups):
    """DeleteGroups v1; returns {group: error code}."""
    body = struct.pack(">i", len(groups)) + b"".join(harness.string(g) for g in groups)
    c = harness.Conn(broker)
    try:
        c.send(harness.request(42, 1, 5, body))
        r = harness.Reader(c.recv_frame())
    finally:
        c.close()
    expect(r.take("i") == 5, "DeleteGroups correlation id")
    r.take("i")  # throttle_time_ms
    out = {}
    for _ in range(r.take("i")):
        name = r.string()
        out[name] = r.take("h")
    return out


def listed(broker, group):
    admin = AdminClient({"bootstrap.servers": broker.address})
    return [g for g in admin.list_groups(timeout=10) if g.id == group]


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    topic = "admin"
    produce(broker, topic, 60)
    c = consumer(broker, "ga", **{"client.id": "admin-test"})
    c.subscribe([topic])
    wait_assigned([c], [6])
    drain([c], 60)
    c.commit(asynchronous=False)
    committed = [p for p in c.committed([TopicPartition(topic, i) for i in range(6)], timeout=10)
                 if p.offset >= 0]
    expect(len(committed) == 6, "6 committed partitions, got %d" % len(committed))

    groups = listed(broker, "ga")
    expect(len(groups) == 1, "ga listed: %s" % groups)
    g = groups[0]
    expect(g.state == "Stable", "ga state %s" % g.state)
    expect(g.protocol_type == "consumer", "ga protocol type %s" % g.protocol_type)
    expect(len(g.members) == 1 and g.members[0].client_id == "admin-test",
           "ga members %s" % [(m.id, m.client_id) for m in g.members])
    expect(len(g.members[0].assignment) > 0, "ga member has an assignment")
    print("ga: listed and described, Stable with 1 member")

    res = delete_groups(broker, ["ga", "nobody"])
    expect(res == {"ga": NON_EMPTY_GROUP, "nobody": GROUP_ID_NOT_FOUND}, "while active: %s" % res)
    print("ga: DeleteGroups refused while the member is in it")

    c.close()  # LeaveGroup: the group goes Empty once its rebalance round ends
    deadline = time.time() + 10
    res = delete_groups(broker, ["ga"])
    while res == {"ga": NON_EMPTY_GROUP} and time.time() < deadline:
        time.sleep(0.1)
        res = delete_groups(broker, ["ga"])
    expect(res == {"ga": 0}, "after close: %s" % res)
    expect(not listed(broker, "ga"), "ga no longer listed")
    print("ga: deleted after the consumer closed")

    broker.restart()
    res = delete_groups(broker, ["ga"])
    expect(res == {"ga": GROUP_ID_NOT_FOUND}, "after restart: %s" % res)
    again = consumer(broker, "ga")
    left = [p for p in again.committed([TopicPartition(topic, i) for i in range(6)], timeout=10)
            if p.offset >= 0]
    expect(not left, "offsets after restart: %s" % left)
    again.close()
    print("ga: offsets still gone after a restart")


if __name__ == "__main__":
    harness.main(test)
