"""Consumer groups with librdkafka (confluent-kafka): three consumers of one
group on a 6-partition topic get 2 partitions each and consume 60,000 messages
exactly once between them; a second group on the same topic gets every
message too."""

import harness
from harness import expect
from group_util import SETTINGS, consumer, drain, produce, wait_assigned

COUNT = 60000


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    topic = "grouped"
    produce(broker, topic, 6)  # creates the topic (6 partitions)
    group = [consumer(broker, "g1") for _ in range(3)]
    for c in group:
        c.subscribe([topic])
    seen = {}
    wait_assigned(group, [2, 2, 2], seen=seen)
    print("g1: 3 members with 2 partitions each")
    produce(broker, topic, COUNT, start=6)
    seen = drain(group, COUNT + 6, seen=seen)
    expect(len(seen) == COUNT + 6, "g1: %d distinct messages, expected %d" % (len(seen), COUNT + 6))
    dups = [k for k, n in seen.items() if n != 1]
    expect(not dups, "g1: duplicates %s" % dups[:5])
    print("g1: %d messages, each exactly once" % len(seen))

    other = consumer(broker, "g2")
    other.subscribe([topic])
    seen2 = {}
    wait_assigned([other], [6], seen=seen2)
    seen2 = drain([other], COUNT + 6, seen=seen2)
    expect(len(seen2) == COUNT + 6, "g2: %d distinct messages" % len(seen2))
    print("g2: every message too")
    for c in group + [other]:
        c.close()


if __name__ == "__main__":
    harness.main(test)
