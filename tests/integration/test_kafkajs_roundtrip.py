"""kafkajs 2.2.4 (npm) producer and group consumer round trip: a 3-partition
topic created by kafkajs admin, 1000 records with keys and headers sent in
batches (one gzip), each read back once and intact, and the group's committed
offsets equal to the end offsets (kafkajs/roundtrip.js has the details)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "kafkajs"))

import harness  # noqa: E402
import node_driver  # noqa: E402


def test(binary):
    broker = harness.Broker(binary, settings={"group.initial.rebalance.delay.ms": "300"}).start()
    node_driver.run(broker, "roundtrip.js", timeout_s=60)


if __name__ == "__main__":
    harness.main(test, limit_s=80)
