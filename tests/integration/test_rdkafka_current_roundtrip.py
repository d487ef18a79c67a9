"""librdkafka 2.15.1 with its defaults (rdkafka_current_roundtrip.cc): CreateTopics,
1,000 keyed records produced and read back by a group consumer, byte-exact and
where their delivery reports put them, committed offsets equal to the end
offsets, and a second member resuming after the commit. Then the request
versions it used: each must be the newest that both librdkafka 2.15.1 and
Kafka's current message specs know (Fetch 16 only happens when Metadata gave
the topic an id; librdkafka falls back to Fetch 12 otherwise).
Needs the library that scripts/build-test-clients.sh builds."""

import subprocess

import harness
from harness import expect

# min(librdkafka 2.15.1's maximum, Kafka's newest) for the requests this
# round trip must send. Heartbeat is left out: a short run may not send one.
NEWEST = {"ApiVersion": 3, "Metadata": 12, "CreateTopics": 4, "Produce": 10, "Fetch": 16,
          "FindCoordinator": 2, "JoinGroup": 5, "SyncGroup": 3, "OffsetFetch": 9,
          "OffsetCommit": 9, "ListOffsets": 7, "LeaveGroup": 1}


def test(binary):
    expect(harness.program, "--program (the rdkafka_current_roundtrip executable) is required")
    broker = harness.Broker(binary, settings={"group.initial.rebalance.delay.ms": "300"}).start()
    p = subprocess.run([harness.program, broker.address], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=80)
    out = p.stdout.decode(errors="replace")
    print(out)
    err = p.stderr.decode(errors="replace")
    print(err[-4000:])
    used = {}
    for line in out.splitlines():
        if line.startswith("versions"):
            used = dict((k, int(v)) for k, v in (f.split("=") for f in line.split()[1:]))
    expect(p.returncode == 0, "rdkafka_current_roundtrip exited %d: %s" % (
        p.returncode, [line for line in err.splitlines() if line.startswith("FAIL")][:5]))
    older = {k: (used.get(k), v) for k, v in NEWEST.items() if used.get(k, -1) < v}
    expect(not older, "requests not at their newest version (used, newest): %s" % older)
    print("request versions: %s" % " ".join("%s=%d" % kv for kv in sorted(used.items())))


if __name__ == "__main__":
    harness.main(test, limit_s=110)
