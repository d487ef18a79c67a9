"""Internal topics are the coordinators' (broker/internal_topics.h): over the
wire, with confluent-kafka's AdminClient (librdkafka 2.0.2) for CreateTopics,
DeleteTopics, CreatePartitions and AlterConfigs, and raw frames for
DeleteRecords and IncrementalAlterConfigs (which that client lacks), each is
refused on __consumer_offsets with Kafka's error: TOPIC_AUTHORIZATION_FAILED,
and INVALID_TOPIC_EXCEPTION for DeleteRecords. The topic keeps its fixed
shape (one partition, no retention), and a group's committed offsets survive
every attempt and a broker restart."""

import struct

import harness
from admin_util import wait_all, error_name
from harness import expect

OFFSETS = "__consumer_offsets"
TOPIC = "it-data"
TOPIC_AUTHORIZATION_FAILED = 29
INVALID_TOPIC_EXCEPTION = 17


def delete_records_v0(broker, topic, offset):
    """DeleteRecords v0 of partition 0; returns (low watermark, error code)."""
    body = struct.pack(">i", 1) + harness.string(topic) + struct.pack(">iiqi", 1, 0, offset, 5000)
    c = harness.Conn(broker)
    c.send(harness.request(21, 0, 7, body))
    r = harness.Reader(c.recv_frame())
    c.close()
    expect(r.take("i") == 7, "correlation id")
    r.take("i")  # throttle
    expect(r.take("i") == 1 and r.string() == topic and r.take("i") == 1, "one partition answered")
    partition, low, err = r.take("iqh")
    return low, err


def incremental_set_v0(broker, topic, key, value):
    """IncrementalAlterConfigs v0 SET of one topic key; returns the error code."""
    body = (struct.pack(">ib", 1, 2) + harness.string(topic) + struct.pack(">i", 1) +
            harness.string(key) + struct.pack(">b", 0) + harness.string(value) + b"\x00")
    c = harness.Conn(broker)
    c.send(harness.request(44, 0, 8, body))
    r = harness.Reader(c.recv_frame())
    c.close()
    expect(r.take("i") == 8, "correlation id")
    r.take("i")  # throttle
    expect(r.take("i") == 1, "one resource answered")
    return r.take("h")


def committed(broker, group):
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": broker.address, "group.id": group,
                  "enable.auto.commit": False})
    got = c.committed([TopicPartition(TOPIC, 0), TopicPartition(TOPIC, 1)], timeout=15)
    c.close()
    return [tp.offset for tp in got]


def retention_of(admin, topic):
    from confluent_kafka.admin import ConfigResource
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    entries = admin.describe_configs([res])[res].result(timeout=15)
    return entries["retention.ms"].value, entries["retention.bytes"].value


def attempt_everything(broker, admin):
    from confluent_kafka.admin import ConfigResource, NewPartitions, NewTopic
    for validate_only in (False, True):
        got = wait_all(admin.create_topics(
            [NewTopic(OFFSETS, 50, 1), NewTopic("__transaction_state", 3, 1,
                                                config={"retention.ms": "1"})],
            validate_only=validate_only))
        for name, e in got.items():
            expect(error_name(e) == "TOPIC_AUTHORIZATION_FAILED",
                   "CreateTopics %s (validate_only=%s): %r" % (name, validate_only, e))
    got = wait_all(admin.delete_topics([OFFSETS], operation_timeout=10))
    expect(error_name(got[OFFSETS]) == "TOPIC_AUTHORIZATION_FAILED", "DeleteTopics: %r" % got)
    got = wait_all(admin.create_partitions([NewPartitions(OFFSETS, 50)]))
    expect(error_name(got[OFFSETS]) == "TOPIC_AUTHORIZATION_FAILED",
           "CreatePartitions: %r" % got)
    res = ConfigResource(ConfigResource.Type.TOPIC, OFFSETS,
                         set_config={"retention.ms": "1", "retention.bytes": "1"})
    got = wait_all(admin.alter_configs([res]))
    expect(error_name(list(got.values())[0]) == "TOPIC_AUTHORIZATION_FAILED",
           "AlterConfigs: %r" % got)
    err = incremental_set_v0(broker, OFFSETS, "retention.ms", "1")
    expect(err == TOPIC_AUTHORIZATION_FAILED, "IncrementalAlterConfigs: error %d" % err)
    for offset in (-1, 1):
        low, err = delete_records_v0(broker, OFFSETS, offset)
        expect(err == INVALID_TOPIC_EXCEPTION and low == -1,
               "DeleteRecords to %d: error %d, low watermark %d" % (offset, err, low))
    # The same requests on a user topic are accepted: the refusals are by name.
    expect(incremental_set_v0(broker, TOPIC, "retention.ms", "86400000") == 0,
           "IncrementalAlterConfigs of a user topic")
    expect(delete_records_v0(broker, TOPIC, 0)[1] == 0, "DeleteRecords of a user topic")


def shape(broker, admin):
    md = admin.list_topics(timeout=10)
    expect(OFFSETS in md.topics, "%s exists" % OFFSETS)
    expect(len(md.topics[OFFSETS].partitions) == 1, "%s has %d partitions" %
           (OFFSETS, len(md.topics[OFFSETS].partitions)))
    expect("__transaction_state" not in md.topics, "CreateTopics created __transaction_state")
    expect(retention_of(admin, OFFSETS) == ("-1", "-1"),
           "%s retention: %r" % (OFFSETS, retention_of(admin, OFFSETS)))


def test(binary):
    from confluent_kafka import Consumer, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient

    broker = harness.Broker(binary, settings={"num.partitions": "2"}).start()
    p = Producer({"bootstrap.servers": broker.address})
    for i in range(10):
        p.produce(TOPIC, value=b"v%d" % i, partition=i % 2)
    expect(p.flush(15) == 0, "produced")
    c = Consumer({"bootstrap.servers": broker.address, "group.id": "keep",
                  "enable.auto.commit": False})
    c.commit(offsets=[TopicPartition(TOPIC, 0, 3), TopicPartition(TOPIC, 1, 4)],
             asynchronous=False)
    c.close()
    expect(committed(broker, "keep") == [3, 4], "committed before: %r" % committed(broker, "keep"))

    admin = AdminClient({"bootstrap.servers": broker.address})
    shape(broker, admin)
    attempt_everything(broker, admin)
    shape(broker, admin)
    expect(committed(broker, "keep") == [3, 4], "committed after the attempts")
    print("every operation on %s refused; offsets and shape unchanged" % OFFSETS)

    broker.restart()
    expect(committed(broker, "keep") == [3, 4],
           "committed after a restart: %r" % committed(broker, "keep"))
    admin = AdminClient({"bootstrap.servers": broker.address})
    shape(broker, admin)
    print("after a restart: offsets [3, 4] still committed, one partition, no retention")


if __name__ == "__main__":
    harness.main(test)
