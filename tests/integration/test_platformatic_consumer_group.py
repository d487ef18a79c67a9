"""@platformatic/kafka's KIP-848 consumer (groupProtocol 'consumer': the broker
computes the assignment and members reconcile through ConsumerGroupHeartbeat):
two members of one group on a four-partition topic share it two and two and
read 2,000 records exactly once, byte-exact, with committed offsets equal to
the end offsets (platformatic/consumer_group.mjs has the details). It must
speak ConsumerGroupHeartbeat at v1, the newest in Kafka's specs and the
library, and never fall back to the classic JoinGroup."""

import harness
import platformatic_util
from harness import expect


def test(binary):
    broker = harness.Broker(binary, settings={"group.consumer.heartbeat.interval.ms": "500"})
    used = platformatic_util.run("consumer_group.mjs", broker.start(), 80)
    expect(used.get("ConsumerGroupHeartbeat") == 1,
           "ConsumerGroupHeartbeat at v1, sent: %s" % used)
    expect("JoinGroup" not in used, "no classic JoinGroup: %s" % used)
    print("request versions: %s" % " ".join("%s=%d" % kv for kv in sorted(used.items())))


if __name__ == "__main__":
    harness.main(test, limit_s=95)
