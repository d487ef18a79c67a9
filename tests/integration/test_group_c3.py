"""RELIABILITY C3, many cycles: an OffsetCommit that librdkafka saw
acknowledged (synchronous commit) survives kill -9 of the broker; after each
restart OffsetFetch returns exactly what was committed last. 12 cycles, each
with different offsets."""

import signal

from confluent_kafka import TopicPartition

import harness
from harness import expect
from group_util import SETTINGS, consumer, produce

TOPIC = "c3"
CYCLES = 12


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    produce(broker, TOPIC, 6)
    for cycle in range(CYCLES):
        want = [(p, 1000 * cycle + 7 * p + 1) for p in range(6)]
        c = consumer(broker, "c3")
        c.commit(offsets=[TopicPartition(TOPIC, p, o) for p, o in want], asynchronous=False)
        c.close()  # not a member: closing sends nothing, the commit is all there is
        rc = broker.restart(signal.SIGKILL)
        expect(rc == -9, "cycle %d: broker killed: %s" % (cycle, rc))
        fresh = consumer(broker, "c3")
        got = fresh.committed([TopicPartition(TOPIC, p) for p in range(6)], timeout=10)
        got = [(tp.partition, tp.offset) for tp in got]
        expect(got == want, "cycle %d: committed %s, fetched %s" % (cycle, want, got))
        fresh.close()
    print("%d kill -9 cycles: every acknowledged commit fetched back exactly" % CYCLES)


if __name__ == "__main__":
    harness.main(test, limit_s=80)
