"""kafkajs 2.2.4 exactly-once (kafkajs/eos.js has the details): an idempotent
producer, transactions committing and aborting with read_committed and
read_uncommitted consumers, and consume-transform-produce with sendOffsets.
Then, with DescribeProducers where the broker serves it, that the broker
holds a producer state for the idempotent producer on each partition (its
last sequence matching the 200 values each got), so the test fails if
kafkajs silently fell back to plain produces."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "kafkajs"))

import eos_util  # noqa: E402
import harness  # noqa: E402
import node_driver  # noqa: E402
from harness import expect  # noqa: E402


def test(binary):
    broker = harness.Broker(binary, settings={"group.initial.rebalance.delay.ms": "0"}).start()
    eos_util.require_served(broker, [22, 24, 25, 26, 28])
    node_driver.run(broker, "eos.js", timeout_s=60)
    c = eos_util.Client(broker)
    if eos_util.served(c, 61):
        got = c.describe_producers("kafkajs-eos-idem", [0, 1, 2])
        for p in range(3):
            error, producers = got[p]
            expect(error == 0 and len(producers) == 1 and producers[0][2] == 199,
                   "DescribeProducers partition %d: error %d producers %s (expected one with "
                   "last sequence 199)" % (p, error, producers))
        print("DescribeProducers: one idempotent producer per partition, last sequence 199")
    c.close()


if __name__ == "__main__":
    harness.main(test, limit_s=80)
