"""sluice topic create|list|describe|alter|delete and sluice offsets against a
real broker; describe prints kafka-topics.sh's tab-separated lines."""

import time

import harness
from harness import Broker, expect
from test_sluice_cli import Sluice


def test(binary):
    broker = Broker(binary).start()
    s = Sluice(binary, broker)

    expect(s.out("topic", "create", "orders", "-p", "3", "--config", "retention.ms=3600000")
           == "Created topic orders.\n", "create")
    s.run("topic", "create", "audit", "-p", "1")
    names = s.out("topic", "list").split()
    expect("orders" in names and "audit" in names, "list: %s" % names)

    lines = s.out("topic", "describe", "orders").rstrip("\n").split("\n")
    expect(len(lines) == 4, "one header and three partition lines: %r" % lines)
    head = lines[0].split("\t")
    expect(head[0] == "Topic: orders" and head[1].startswith("TopicId: ") and
           head[2] == "PartitionCount: 3" and head[3] == "ReplicationFactor: 1" and
           head[4].startswith("Configs: ") and "retention.ms=3600000" in head[4], "header %r" % head)
    for i, line in enumerate(lines[1:]):
        cols = line.split("\t")
        expect(cols[0] == "" and cols[1] == "Topic: orders" and cols[2] == "Partition: %d" % i and
               cols[3].startswith("Leader: ") and cols[4].startswith("Replicas: ") and
               cols[5].startswith("Isr: "), "partition line %r" % line)

    # alter: more partitions, a config set and another removed.
    s.run("topic", "alter", "orders", "-p", "4", "--config", "cleanup.policy=delete",
          "--delete-config", "retention.ms")
    head = s.out("topic", "describe", "orders").split("\n")[0]
    expect("PartitionCount: 4" in head, head)
    expect("cleanup.policy=delete" in head and "retention.ms" not in head, head)

    # offsets: earliest, latest, by time.
    before = int(time.time() * 1000)
    harness.kcat(broker, "-P", "-t", "orders", "-p", "1", input=b"a\nb\nc\n")
    out = s.out("offsets", "-t", "orders", "--time", "latest").split()
    expect(out == ["orders:0:0", "orders:1:3", "orders:2:0", "orders:3:0"], "latest %s" % out)
    out = s.out("offsets", "-t", "orders", "-p", "1", "--time", "earliest").split()
    expect(out == ["orders:1:0"], "earliest %s" % out)
    out = s.out("offsets", "-t", "orders", "-p", "1", "--time", str(before - 1000)).split()
    expect(out == ["orders:1:0"], "by time %s" % out)
    out = s.out("offsets", "-t", "orders", "-p", "1", "--time", "@" + str(before + 3600000)).split()
    expect(out == ["orders:1:-1"], "no record that late %s" % out)

    expect(s.out("topic", "delete", "audit") == "Deleted topic audit.\n", "delete")
    deadline = time.time() + 10
    while "audit" in s.out("topic", "list").split() and time.time() < deadline:
        time.sleep(0.1)
    expect("audit" not in s.out("topic", "list").split(), "deleted topic gone")
    s.run("topic", "delete", "audit", "--if-exists")
    s.fails("topic", "delete", "audit", contains="UNKNOWN_TOPIC_OR_PARTITION")

    # Topic ids (Metadata v10+): a real one per topic, kept across a restart,
    # and a topic created again under the same name gets a new one.
    def topic_id(name):
        head = s.out("topic", "describe", name).split("\n")[0].split("\t")
        return head[1][len("TopicId: "):]
    orders_id = topic_id("orders")
    expect(len(orders_id) == 22 and orders_id != "A" * 22, "a real topic id: %r" % orders_id)
    s.run("topic", "create", "audit", "-p", "1")
    audit_id = topic_id("audit")
    expect(audit_id not in (orders_id, "A" * 22), "audit has its own id: %r" % audit_id)
    broker.stop()
    broker.start(port=broker.port)
    expect(topic_id("orders") == orders_id, "id kept across a restart")
    s.run("topic", "delete", "audit")
    deadline = time.time() + 10
    while "audit" in s.out("topic", "list").split() and time.time() < deadline:
        time.sleep(0.1)
    s.run("topic", "create", "audit", "-p", "1")
    expect(topic_id("audit") != audit_id, "a re-created topic gets a new id")


if __name__ == "__main__":
    harness.main(test)
