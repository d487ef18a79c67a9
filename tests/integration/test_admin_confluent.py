"""confluent-kafka-python's AdminClient (librdkafka 2.0.2) against Sluice:
create topics (one with configs, one refused for its replication factor, one
that exists), add partitions, describe a topic's and the broker's configs,
alter a topic's configs (the set replaces the overrides), delete topics, and
a retention setting altered through AlterConfigs still described after a
broker restart."""

import os

import harness
from admin_util import wait_all, error_name
from harness import expect


def topic_configs(admin, topic):
    from confluent_kafka.admin import ConfigResource
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    entries = admin.describe_configs([res])[res].result(timeout=15)
    return entries


def test(binary):
    from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

    broker = harness.Broker(binary).start()
    admin = AdminClient({"bootstrap.servers": broker.address})

    fs = admin.create_topics([
        NewTopic("adm-a", num_partitions=2, replication_factor=1,
                 config={"retention.ms": "3600000", "segment.bytes": "1048576"}),
        NewTopic("adm-b", num_partitions=1, replication_factor=1),
        NewTopic("adm-rf", num_partitions=1, replication_factor=3),
        NewTopic("adm-bad", num_partitions=1, replication_factor=1,
                 config={"cleanup.policy": "shred"}),
    ], operation_timeout=10)
    got = wait_all(fs)
    expect(got["adm-a"] is None and got["adm-b"] is None, "create: %r" % got)
    expect(error_name(got["adm-rf"]) == "INVALID_REPLICATION_FACTOR", "rf: %r" % got["adm-rf"])
    expect(error_name(got["adm-bad"]) == "INVALID_CONFIG", "config: %r" % got["adm-bad"])
    again = wait_all(admin.create_topics([NewTopic("adm-b", 1, 1)]))
    expect(error_name(again["adm-b"]) == "TOPIC_ALREADY_EXISTS", "exists: %r" % again)
    dry = wait_all(admin.create_topics([NewTopic("adm-dry", 1, 1)], validate_only=True))
    expect(dry["adm-dry"] is None, "validate_only: %r" % dry)
    md = admin.list_topics(timeout=10)
    expect(len(md.topics["adm-a"].partitions) == 2, "adm-a partitions")
    expect("adm-dry" not in md.topics and "adm-rf" not in md.topics, "validate_only created")
    print("created topics")

    got = wait_all(admin.create_partitions([NewPartitions("adm-b", 4)]))
    expect(got["adm-b"] is None, "create_partitions: %r" % got)
    shrink = wait_all(admin.create_partitions([NewPartitions("adm-b", 2)]))
    expect(error_name(shrink["adm-b"]) == "INVALID_PARTITIONS", "shrink: %r" % shrink)
    md = admin.list_topics(timeout=10)
    expect(len(md.topics["adm-b"].partitions) == 4, "adm-b has %d partitions"
           % len(md.topics["adm-b"].partitions))
    print("added partitions")

    entries = topic_configs(admin, "adm-a")
    expect(entries["retention.ms"].value == "3600000", "retention.ms %r" % entries["retention.ms"])
    expect(not entries["retention.ms"].is_default, "retention.ms is an override")
    expect(entries["segment.ms"].is_default, "segment.ms is a default")
    expect(entries["cleanup.policy"].value == "delete", "cleanup.policy")
    bres = ConfigResource(ConfigResource.Type.BROKER, "0")
    bentries = admin.describe_configs([bres])[bres].result(timeout=15)
    expect(bentries["num.partitions"].value == "1", "broker num.partitions")
    expect(bentries["num.partitions"].is_read_only, "broker configs are read-only")
    unknown = ConfigResource(ConfigResource.Type.TOPIC, "adm-none")
    bad = wait_all(admin.describe_configs([unknown]))
    expect(error_name(bad[unknown]) == "UNKNOWN_TOPIC_OR_PART", "unknown: %r" % bad)
    print("described configs (%d topic keys, %d broker keys)" % (len(entries), len(bentries)))

    res = ConfigResource(ConfigResource.Type.TOPIC, "adm-a",
                         set_config={"retention.ms": "7200000", "retention.bytes": "10485760"})
    got = wait_all(admin.alter_configs([res]))
    expect(all(v is None for v in got.values()), "alter: %r" % got)
    entries = topic_configs(admin, "adm-a")
    expect(entries["retention.ms"].value == "7200000", "altered retention.ms")
    expect(entries["retention.bytes"].value == "10485760", "altered retention.bytes")
    # Non-incremental: segment.bytes was not in the set, so it is back to the default.
    expect(entries["segment.bytes"].is_default, "segment.bytes reset by AlterConfigs")
    badres = ConfigResource(ConfigResource.Type.TOPIC, "adm-a", set_config={"retention.ms": "x"})
    got = wait_all(admin.alter_configs([badres]))
    expect(error_name(list(got.values())[0]) == "INVALID_CONFIG", "bad alter: %r" % got)
    cfg_file = os.path.join(broker.data_dir, "__sluice_topics", "adm-a.properties")
    with open(cfg_file) as f:
        text = f.read()
    expect("retention.ms=7200000" in text, "config file: %r" % text)
    print("altered configs")

    broker.restart()
    admin = AdminClient({"bootstrap.servers": broker.address})
    entries = topic_configs(admin, "adm-a")
    expect(entries["retention.ms"].value == "7200000", "retention.ms after restart %r"
           % entries["retention.ms"].value)
    expect(entries["retention.bytes"].value == "10485760", "retention.bytes after restart")
    print("retention survived a restart")

    got = wait_all(admin.delete_topics(["adm-a", "adm-b"], operation_timeout=10))
    expect(all(v is None for v in got.values()), "delete: %r" % got)
    gone = wait_all(admin.delete_topics(["adm-a"]))
    expect(error_name(gone["adm-a"]) == "UNKNOWN_TOPIC_OR_PART", "delete twice: %r" % gone)
    md = admin.list_topics(timeout=10)
    expect("adm-a" not in md.topics and "adm-b" not in md.topics, "topics still listed")
    expect(not os.path.exists(broker.partition_dir("adm-a", 0)), "partition dir left")
    expect(not os.path.exists(cfg_file), "config file left")
    print("deleted topics")
    expect(broker.stop() == 0, "clean stop")


if __name__ == "__main__":
    harness.main(test)
