"""kafkajs 2.2.4 (npm) admin client: createTopics with partitions and
configs, listTopics, fetchTopicMetadata, describeConfigs, alterConfigs,
createPartitions, deleteTopicRecords, deleteTopics, and the errors for
duplicate, illegal, shrinking and missing topics (kafkajs/admin.js has the
details)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "kafkajs"))

import harness  # noqa: E402
import node_driver  # noqa: E402


def test(binary):
    broker = harness.Broker(binary).start()
    node_driver.run(broker, "admin.js", timeout_s=60)


if __name__ == "__main__":
    harness.main(test, limit_s=80)
