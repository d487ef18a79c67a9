"""Sarama 1.22 (Debian's golang-github-shopify-sarama-dev), a Go client that
does not negotiate versions: a ConsumerGroup with sarama.NewConfig()'s
defaults commits with OffsetCommit v1 and fetches its offsets with
OffsetFetch v1 (sarama/main.go says which setting it changes and why). It
consumes the records produced before it started, commits (MarkMessage, the
one-second auto-commit and the commit on Close), is closed and started
again, and must then read only what was produced after the restart: a broker
that refused v1 commits made it read everything again (issue 11).

The Go program is built offline (GO111MODULE=off, GOPATH=/usr/share/gocode)
and cached under /tmp by the hash of its source. Skipped, with the reason,
only when `go` is not installed (scripts/install-deps.sh installs it)."""

import os
import shutil
import subprocess
import sys

import harness
from harness import expect
from sarama_util import build_go
from group_util import produce

TOPIC = "sarama"
GROUP = "sarama-group"
SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sarama", "main.go")


def build():
    return build_go(SOURCE, "sarama_group")


def consume(program, broker, want, idle_ms):
    r = subprocess.run([program, broker.address, TOPIC, GROUP, str(want), str(idle_ms)],
                       capture_output=True, text=True, timeout=50)
    expect(r.returncode == 0, "sarama_group exited %d:\n%s" % (r.returncode, r.stderr))
    return [line.split()[2] for line in r.stdout.splitlines() if line.strip()]


def test(binary):
    program = build()
    broker = harness.Broker(binary, settings={"num.partitions": "6",
                                              "group.initial.rebalance.delay.ms": "0"}).start()
    produce(broker, TOPIC, 30)
    first = consume(program, broker, 30, 1500)
    expect(sorted(first) == sorted("v%d" % i for i in range(30)),
           "first run read the 30 records once each: %s" % first)
    print("first run: 30 records, committed with OffsetCommit v1")

    produce(broker, TOPIC, 12, start=30)
    # A re-read would deliver v0..v29 again, within the idle wait if not first.
    second = consume(program, broker, 12, 3000)
    expect(sorted(second) == sorted("v%d" % i for i in range(30, 42)),
           "after the restart only the 12 new records: %s" % second)
    print("second run: resumed from the committed offsets, no record read again")


if __name__ == "__main__":
    if shutil.which("go") is None:
        print("SKIP: `go` is not installed (apt-get install golang-go "
              "golang-github-shopify-sarama-dev; scripts/install-deps.sh lists them)")
        sys.exit(0)
    harness.main(test, limit_s=85)
