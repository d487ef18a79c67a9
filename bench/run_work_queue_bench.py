#!/usr/bin/python3
"""The work-queue scene through share groups (issue 16's target): 500 tasks
on one partition, two workers of one share group (librdkafka 2.15.1's share
consumer, tests/integration/rdkafka_share_member --one: max.poll.records=1,
at most one task held), one doing 2 ms of work per task and the other 10 ms.

The ideal is the split of a perfectly fair dispatcher: the workers complete
tasks at 500/s and 100/s, so 417/83 in 500 / 600 s = 0.833 s. Prints, per
round, the wall time from the first task handed out to the last one
accepted (durable), the split, and the broker's CPU seconds (utime + stime
from /proc). The broker is pinned to core 0 and the workers to core 1 (the
last core on a machine with more).

  bench/run_work_queue_bench.py [--broker B] [--member M] [--rounds N]

Two ways to acknowledge, each a set of rounds: "sync" (each acknowledgement
committed with rd_kafka_share_commit_sync, a ShareAcknowledge, before the
next poll) and "async" (rdkafka_share_member --async: the acknowledgement
rides on the next poll's ShareFetch, which answers with the next task once
the acknowledgement is durable: one round trip per task).

Defaults: build/broker/sluice-broker and build/tests/integration/
rdkafka_share_member (the test build, which has librdkafka 2.15.1).
"""

import argparse
import os
import statistics
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "integration"))

import harness  # noqa: E402
from rdkafka_share_util import SETTINGS, Member, create_topic  # noqa: E402
from share_util import produce  # noqa: E402
from machine_limits import cpu_seconds, fdatasync_ms  # noqa: E402

TASKS = 500
IDEAL_S = TASKS / (1000 / 2 + 1000 / 10)
IDEAL_FAST = round(TASKS * 500 / 600)


def pin(pid, cpus):
    """Every thread of `pid`, and those it starts later, on `cpus`."""
    for tid in os.listdir("/proc/%d/task" % pid):
        os.sched_setaffinity(int(tid), cpus)


def broker_time(port):
    """Per share API, the broker's cumulative latency histogram (request's
    last byte read to its answer ready, sluice_request_duration_seconds):
    {api: {le: count}}. What of a task's round trips the broker spends."""
    import re
    import urllib.request
    out = {}
    pattern = re.compile(r'sluice_request_duration_seconds_bucket\{api="(Share\w+)",le="([^"]+)"\} (\S+)')
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
        for line in r.read().decode().splitlines():
            m = pattern.match(line)
            if m:
                out.setdefault(m.group(1), {})[m.group(2)] = float(m.group(3))
    return out


def median_bound(before, after):
    """The count of requests between two scrapes and the upper bound of the
    bucket holding their median, in ms (a bucket's bound, not exact)."""
    deltas = [(float(le), n - before.get(le, 0)) for le, n in after.items()]
    deltas.sort()
    total = deltas[-1][1] if deltas else 0
    for le, n in deltas:
        if total and n >= total / 2:
            return total, le * 1000
    return total, float("nan")


def one_round(broker, n, flags):
    topic, group = "tasks-%d" % n, "workers-%d" % n
    create_topic(broker, topic, 1)
    fast = Member(broker, group, topic, "--one", *flags, "--work-ms", "2", name="fast")
    slow = Member(broker, group, topic, "--one", *flags, "--work-ms", "10", name="slow")
    client_cpu = {max(os.sched_getaffinity(0))}
    for m in (fast, slow):
        pin(m.proc.pid, client_cpu)
    time.sleep(2)  # both joined before the tasks arrive
    produce(broker, topic, [b"task-%d" % i for i in range(TASKS)])
    cpu_before = cpu_seconds(broker.proc.pid)
    deadline = time.time() + 60
    while fast.count("accepted") + slow.count("accepted") < TASKS and time.time() < deadline:
        time.sleep(0.01)
    cpu = cpu_seconds(broker.proc.pid) - cpu_before
    got = [t for m in (fast, slow) for t, _ in m.timed("got")]
    done = [t for m in (fast, slow) for t, _ in m.timed("accepted")]
    split = (fast.count("accepted"), slow.count("accepted"))
    released = fast.count("released") + slow.count("released")
    fast.close()
    slow.close()
    if sum(split) < TASKS:
        raise RuntimeError("only %d of %d tasks accepted in 60 s" % (sum(split), TASKS))
    # Wall: first task handed out to last one accepted. In async mode the
    # last acknowledgement rides on a ShareFetch that has nothing to acquire,
    # so its confirmation waits out MaxWaitMs: `handed` (first to last task
    # handed out) is the figure to compare there.
    return max(done) - min(got), max(got) - min(got), split, released, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--broker", default=os.path.join(here, "..", "build", "broker",
                                                     "sluice-broker"))
    ap.add_argument("--member", default=os.path.join(here, "..", "build", "tests",
                                                     "integration", "rdkafka_share_member"))
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    harness.program = args.member
    metrics_port = harness.free_port()
    broker = harness.Broker(args.broker, settings=dict(
        SETTINGS, **{"metrics.listener": "127.0.0.1:%d" % metrics_port})).start()
    try:
        pin(broker.proc.pid, {0})
        print("ideal: %.3f s, %d/%d; RabbitMQ 3.x prefetch 1 (issue 16): 0.948 s, 409/91"
              % (IDEAL_S, IDEAL_FAST, TASKS - IDEAL_FAST))
        took = fdatasync_ms(broker.data_dir)
        p50, p90 = took[len(took) // 2], took[len(took) * 9 // 10]
        print("disk: fdatasync after a 200 B append p50 %.2f ms, p90 %.2f ms "
              "(each acknowledgement waits for one)" % (p50, p90))
        print("%-6s %-6s %8s %8s %10s %9s %14s" % ("mode", "round", "wall_s", "handed_s", "split",
                                                   "released", "broker_cpu_s"))
        n = 0
        for mode, flags in (("sync", []), ("async", ["--async"])):
            walls, fasts = [], []
            before = broker_time(metrics_port)
            for r in range(args.rounds):
                wall, handed, split, released, cpu = one_round(broker, n, flags)
                n += 1
                walls.append(wall)
                fasts.append(split[0])
                print("%-6s %-6d %8.3f %8.3f %10s %9d %14.2f" % (mode, r, wall, handed,
                                                                "%d/%d" % split, released, cpu))
            print("%s median: %.3f s (%.2f x ideal), fast worker %d (ideal %d, %+.1f %% of tasks)"
                  % (mode, statistics.median(walls), statistics.median(walls) / IDEAL_S,
                     statistics.median(fasts), IDEAL_FAST,
                     100.0 * (statistics.median(fasts) - IDEAL_FAST) / TASKS))
            after = broker_time(metrics_port)
            for api in ("ShareFetch", "ShareAcknowledge"):
                count, p50 = median_bound(before.get(api, {}), after.get(api, {}))
                if count:
                    print("%s broker time: %s %.2f per task, median <= %.2f ms (last byte read "
                          "to answer ready)" % (mode, api, count / (TASKS * args.rounds), p50))
    finally:
        broker.cleanup()


if __name__ == "__main__":
    main()
