"""kafka-python's KafkaConsumer in a group (group_id, auto commit) consumes
every record produced, and the offsets it committed are what a fresh
consumer of the group sees (committed()), also after it closed."""

import time

import harness
from harness import expect


def test(binary):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    broker = harness.Broker(binary, settings={
        "num.partitions": "3", "group.initial.rebalance.delay.ms": "300"}).start()
    producer = KafkaProducer(bootstrap_servers=broker.address, acks="all")
    count = 900
    for i in range(count):
        producer.send("kp", key=b"k%d" % i, value=b"v%d" % i, partition=i % 3)
    producer.flush(30)
    producer.close()

    consumer = KafkaConsumer("kp", bootstrap_servers=broker.address, group_id="kpg",
                             auto_offset_reset="earliest", enable_auto_commit=True,
                             auto_commit_interval_ms=200, session_timeout_ms=6000,
                             heartbeat_interval_ms=1000, consumer_timeout_ms=20000)
    seen = set()
    deadline = time.time() + 40
    while len(seen) < count and time.time() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            for r in records:
                seen.add(r.key)
    expect(len(seen) == count, "consumed %d of %d" % (len(seen), count))
    consumer.close()  # commits the final positions (autocommit on close)

    check = KafkaConsumer(bootstrap_servers=broker.address, group_id="kpg",
                          enable_auto_commit=False)
    committed = [check.committed(TopicPartition("kp", p)) for p in range(3)]
    expect(committed == [300, 300, 300], "committed offsets %s" % committed)
    check.close()
    print("KafkaConsumer in a group: %d records, committed %s" % (count, committed))


if __name__ == "__main__":
    harness.main(test, limit_s=80)
