"""kafka-python's KafkaAdminClient (Debian's python3-kafka 2.0.2) creates
topics (with a config; an existing name is refused), reads them in Metadata,
adds partitions, and deletes them."""

import logging

import harness
from harness import expect


def test(binary):
    logging.basicConfig(level=logging.CRITICAL)
    from kafka import KafkaConsumer
    from kafka.admin import KafkaAdminClient, NewPartitions, NewTopic
    from kafka.errors import TopicAlreadyExistsError

    broker = harness.Broker(binary, settings={"auto.create.topics.enable": "false"}).start()
    admin = KafkaAdminClient(bootstrap_servers=broker.address, request_timeout_ms=10000)
    r = admin.create_topics([NewTopic("kp-a", 3, 1, topic_configs={"retention.ms": "60000"}),
                             NewTopic("kp-b", 1, 1)])
    errors = [t[1] for t in r.topic_errors]
    expect(errors == [0, 0], "create errors %r" % (r.topic_errors,))
    try:
        admin.create_topics([NewTopic("kp-b", 1, 1)])
        expect(False, "creating an existing topic succeeded")
    except TopicAlreadyExistsError:
        pass
    consumer = KafkaConsumer(bootstrap_servers=broker.address, group_id=None)
    expect(consumer.partitions_for_topic("kp-a") == {0, 1, 2}, "kp-a partitions")
    print("created topics: %r" % sorted(t for t in consumer.topics() if t.startswith("kp-")))

    r = admin.create_partitions({"kp-b": NewPartitions(total_count=2)})
    expect([t[1] for t in r.topic_errors] == [0], "create_partitions %r" % (r.topic_errors,))

    r = admin.delete_topics(["kp-a", "kp-b"])
    expect([t[1] for t in r.topic_error_codes] == [0, 0], "delete %r" % (r.topic_error_codes,))
    consumer.close()
    consumer = KafkaConsumer(bootstrap_servers=broker.address, group_id=None)
    left = [t for t in consumer.topics() if t.startswith("kp-")]
    expect(left == [], "topics left: %r" % left)
    consumer.close()
    admin.close()
    print("deleted topics")
    expect(broker.stop() == 0, "clean stop")


if __name__ == "__main__":
    harness.main(test)
