"""librdkafka 2.15.1's admin API (rdkafka_current_admin.cc): IncrementalAlterConfigs
SET and DELETE of a topic key seen by DescribeConfigs, unknown topics and keys
refused, and DescribeCluster (a cluster id, one node, the controller).
Needs the library that scripts/build-test-clients.sh builds."""

import subprocess

import harness
from harness import expect


def test(binary):
    expect(harness.program, "--program (the rdkafka_current_admin executable) is required")
    broker = harness.Broker(binary).start()
    p = subprocess.run([harness.program, broker.address], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode(errors="replace")
    print(out)
    expect(p.returncode == 0, "rdkafka_current_admin exited %d: %s" % (
        p.returncode, [line for line in out.splitlines() if line.startswith("FAIL")][:5]))


if __name__ == "__main__":
    harness.main(test, limit_s=80)
