"""Consumer groups under load (librdkafka): a slow and a fast consumer of one
group on a 2-partition topic each make progress on their own partition; then
a 4th consumer joining 3 on a 6-partition topic moves partitions while
records keep coming, and no record is lost (each consumed at least once,
with auto commit: the committed offsets carry over the rebalance)."""

import threading
import time

from confluent_kafka import Producer

import harness
from harness import expect
from group_util import consumer, produce, wait_assigned

SETTINGS = {"num.partitions": "2", "group.initial.rebalance.delay.ms": "300"}


def slow_and_fast(broker):
    p = Producer({"bootstrap.servers": broker.address, "acks": "all", "linger.ms": 5})
    for i in range(400):
        p.produce("pair", value=b"v%d" % i, partition=i % 2)
    expect(p.flush(30) == 0, "producer flushed")
    fast = consumer(broker, "pair")
    slow = consumer(broker, "pair")
    for c in (fast, slow):
        c.subscribe(["pair"])
    wait_assigned([fast, slow], [1, 1])
    got = {fast: 0, slow: 0}
    partitions = {fast: set(), slow: set()}
    deadline = time.time() + 30
    while time.time() < deadline and got[fast] < 200:
        for m in fast.consume(50, 0.05):
            if m.error() is None:
                got[fast] += 1
                partitions[fast].add(m.partition())
        # The slow one takes a record at a time, with a pause.
        m = slow.poll(0.05)
        if m is not None and m.error() is None:
            got[slow] += 1
            partitions[slow].add(m.partition())
            time.sleep(0.02)
    expect(got[fast] == 200, "fast consumer read its whole partition: %d" % got[fast])
    expect(got[slow] > 0, "slow consumer made progress too")
    expect(partitions[fast].isdisjoint(partitions[slow]),
           "each on its own partition: %s %s" % (partitions[fast], partitions[slow]))
    print("fast read %d, slow %d, on partitions %s and %s" %
          (got[fast], got[slow], partitions[fast], partitions[slow]))
    for c in (fast, slow):
        c.close()


def fourth_joins(broker):
    topic = "six"
    p = Producer({"bootstrap.servers": broker.address, "acks": "all", "linger.ms": 5})
    # Create the topic with 6 partitions through the admin API.
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": broker.address})
    for f in admin.create_topics([NewTopic(topic, 6, 1)]).values():
        f.result(10)
    group = [consumer(broker, "six", **{"enable.auto.commit": True,
                                        "auto.commit.interval.ms": 200}) for _ in range(3)]
    for c in group:
        c.subscribe([topic])
    seen = {}
    wait_assigned(group, [2, 2, 2], seen=seen)
    total = 3000
    done = threading.Event()

    def producing():
        for i in range(total):
            p.produce(topic, key=b"k%d" % i, value=b"v", partition=i % 6)
            if i % 100 == 0:
                p.poll(0)
                time.sleep(0.1)  # about 3 s of records: the rebalance happens meanwhile
        left = p.flush(30)
        if left:
            print("producer: %d records not delivered" % left)
        done.set()

    t = threading.Thread(target=producing)
    t.start()
    time.sleep(0.5)
    fourth = consumer(broker, "six", **{"enable.auto.commit": True,
                                        "auto.commit.interval.ms": 200})
    fourth.subscribe([topic])
    everyone = group + [fourth]
    deadline = time.time() + 40

    def sizes():
        return sorted(len(c.assignment()) for c in everyone)

    while time.time() < deadline and (len(seen) < total or not done.is_set() or
                                      sizes() != [1, 1, 2, 2]):
        for c in everyone:
            # poll(), not consume(): librdkafka 2.0's batch API can lose
            # fetched records across a rebalance (its v2.0.0 known issues).
            for i in range(200):
                m = c.poll(0.02 if i == 0 else 0)
                if m is None:
                    break
                if m.error() is None:
                    seen[m.key()] = seen.get(m.key(), 0) + 1
    t.join(5)
    sizes = sizes()
    missing = total - len(seen)
    lost = sorted(int(k[1:]) for k in (b"k%d" % i for i in range(total)) if k not in seen)
    expect(missing == 0, "%d of %d records never consumed: %s" %
           (missing, total, [(i % 6, i // 6) for i in lost][:40]))
    expect(sizes == [1, 1, 2, 2], "assignment after the 4th joined: %s" % sizes)
    print("4th consumer joined: partitions %s, %d records all consumed (%d redelivered)" %
          (sizes, total, sum(n - 1 for n in seen.values())))
    for c in everyone:
        c.close()


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    slow_and_fast(broker)
    fourth_joins(broker)


if __name__ == "__main__":
    harness.main(test, limit_s=85)
