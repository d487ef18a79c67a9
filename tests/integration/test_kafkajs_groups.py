"""kafkajs 2.2.4 (npm) consumer groups: two members split a 4-partition topic
and read each record once; listGroups/describeGroups show the group; on the
Empty group setOffsets and resetOffsets move where the next member starts,
and deleteGroups removes it (kafkajs/groups.js has the details)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "kafkajs"))

import harness  # noqa: E402
import node_driver  # noqa: E402


def test(binary):
    broker = harness.Broker(binary, settings={"group.initial.rebalance.delay.ms": "300"}).start()
    node_driver.run(broker, "groups.js", timeout_s=70)


if __name__ == "__main__":
    harness.main(test, limit_s=85)
