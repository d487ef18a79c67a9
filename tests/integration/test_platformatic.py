"""@platformatic/kafka (npm, pinned by platformatic/package-lock.json) round
trip at its newest versions: admin CreateTopics with a topic id, Metadata,
IncrementalAlterConfigs/DescribeConfigs, DescribeCluster, DescribeLogDirs,
DeleteTopics; a producer and a group consumer with committed offsets equal
to the end offsets (platformatic/roundtrip.mjs has the details). Then the
request versions it sent: each must be the newest both the library and
Kafka's current message specs know.

It runs on the node that platformatic_util.py names."""

import harness
import platformatic_util
from harness import expect

# min(@platformatic/kafka 2.12.1's newest, Kafka's newest) for the requests
# this round trip must send. ApiVersions: the library sends v3 (and v1 as a
# fallback), though it carries a v4 codec.
NEWEST = {"ApiVersions": 3, "Metadata": 12, "CreateTopics": 7, "DeleteTopics": 6,
          "Produce": 11, "Fetch": 17, "ListOffsets": 9, "FindCoordinator": 6, "JoinGroup": 9,
          "SyncGroup": 5, "OffsetCommit": 9, "OffsetFetch": 9, "LeaveGroup": 5,
          "DescribeConfigs": 4, "IncrementalAlterConfigs": 1, "DescribeCluster": 1,
          "DescribeLogDirs": 4}


def test(binary):
    broker = harness.Broker(binary, settings={"group.initial.rebalance.delay.ms": "300"}).start()
    used = platformatic_util.run("roundtrip.mjs", broker, 70)
    older = {k: (used.get(k), v) for k, v in NEWEST.items() if used.get(k, -1) < v}
    expect(not older, "requests not at their newest version (used, newest): %s" % older)
    print("request versions: %s" % " ".join("%s=%d" % kv for kv in sorted(used.items())))


if __name__ == "__main__":
    harness.main(test, limit_s=85)
