"""Sarama 1.22 idempotent producer (sarama/idempotent/main.go: Producer.Idempotent,
Net.MaxOpenRequests=1, RequiredAcks=WaitForAll, Version V0_11_0_0). Before
InitProducerId was served Sarama panicked on a nil producer id (issue 12).
It sends 300 values to 3 partitions; every value it reports acknowledged is
in the log once, at the offset it reported, in the order sent per
partition; DescribeProducers (where served) shows its producer id holding
each partition's last sequence. After a kill -9 of the broker a second run
gets another producer id and appends after the first run's values.

Built offline like test_sarama_group.py (GO111MODULE=off,
GOPATH=/usr/share/gocode), cached under /tmp by the hash of its source.
Skipped, with the reason, only when `go` is not installed."""

import os
import shutil
import signal
import subprocess
import sys

import eos_util
import harness
from harness import expect
from sarama_util import build_go

TOPIC = "sarama-idem"
SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sarama", "idempotent",
                      "main.go")


def build():
    return build_go(SOURCE, "sarama_idempotent")


def produce(program, broker, count, run):
    r = subprocess.run([program, broker.address, TOPIC, "3", str(count)], capture_output=True,
                       text=True, timeout=40)
    expect(r.returncode == 0, "sarama_idempotent exited %d:\n%s" % (r.returncode, r.stderr[-3000:]))
    acked = {}
    for line in r.stdout.splitlines():
        part, offset, v = line.split()
        acked[v.replace("sarama-", "sarama-%d-" % run, 1)] = (int(part), int(offset))
    expect(len(acked) == count, "%d of %d acknowledged" % (len(acked), count))
    return acked


def producer_ids(broker):
    c = eos_util.Client(broker)
    if not eos_util.served(c, 61):
        c.close()
        return None
    got = c.describe_producers(TOPIC, [0, 1, 2])
    c.close()
    return got


def test(binary):
    program = build()
    broker = harness.Broker(binary).start()
    eos_util.require_served(broker, [22])
    eos_util.create_topic(broker, TOPIC, 3)
    first = produce(program, broker, 300, 0)
    described = producer_ids(broker)
    pids = set()
    if described is not None:
        for p in range(3):
            error, producers = described[p]
            expect(error == 0 and len(producers) == 1 and producers[0][2] == 99,
                   "DescribeProducers partition %d: %s (expected one producer, last seq 99)" %
                   (p, described[p]))
            pids.add(producers[0][0])
        expect(len(pids) == 1, "one producer id on all partitions: %s" % pids)
    rc = broker.restart(signal.SIGKILL)
    expect(rc == -9, "kill -9: %s" % rc)
    second = produce(program, broker, 90, 1)
    described = producer_ids(broker)
    if described is not None:
        now = {pr[0] for p in range(3) for pr in described[p][1]}
        expect(pids <= now, "the first run's producer id %s was forgotten across the kill -9 "
               "(its state must be rebuilt from the log); producers now: %s" % (pids, now))
        expect(len(now) == 2, "producer ids after the second run: %s (first %s)" % (now, pids))
    acked = dict(first)
    acked.update(second)
    records = eos_util.read_all(broker, TOPIC, 3, False)
    seen = {}
    for part, offset, v in records:
        name = v.decode()
        run = 0 if offset < 100 else 1  # the first run wrote offsets 0-99 of each partition
        key = name.replace("sarama-", "sarama-%d-" % run, 1)
        expect(key not in seen, "%s read twice" % key)
        seen[key] = (part, offset)
    expect(seen == acked, "log %d values, acknowledged %d; differing: %s" % (
        len(seen), len(acked),
        sorted(k for k in set(seen) | set(acked) if seen.get(k) != acked.get(k))[:5]))
    for part in range(3):
        order = [int(v.split(b"-")[1]) for q, _, v in sorted(records) if q == part]
        want = list(range(part, 300, 3)) + list(range(part, 90, 3))
        expect(order == want, "partition %d order: %s..." % (part, order[:10]))
    print("Sarama idempotent: 300 + 90 values (a kill -9 between the runs) each once, at their "
          "acknowledged offsets, in order; producer ids %s" % sorted(pids))


if __name__ == "__main__":
    if shutil.which("go") is None:
        print("SKIP: `go` is not installed (apt-get install golang-go "
              "golang-github-shopify-sarama-dev; scripts/install-deps.sh lists them)")
        sys.exit(0)
    harness.main(test, limit_s=85)
