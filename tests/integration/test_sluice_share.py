"""sluice share consume against a real broker: two workers in one share
group together print every record exactly once (--ack auto, each stopping at
-c and releasing what it fetched beyond), and a manual run that answers `x`
for one record puts it in the group's dead-letter topic with its headers.
"""

import subprocess
import time

import harness
import share_util
from harness import Broker, expect
from test_sluice_cli import Sluice

SETTINGS = dict(share_util.SETTINGS, **{"sluice.share.dlq.topic.suffix": ".dlq"})


def consume_args(sluice, group, topic, *extra):
    return [sluice.path, "share", "consume", "-b", sluice.broker.address, "--group", group,
            "-t", topic, "--idle-timeout-ms", "10000", "-f", "%s\\n"] + list(extra)


def two_workers_share_the_work(sluice, broker):
    values = [b"job-%d" % i for i in range(20)]
    share_util.produce(broker, "jobs", values)
    workers = [subprocess.Popen(consume_args(sluice, "w", "jobs", "--ack", "auto", "-c", "10",
                                             "--max-inflight", "3"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for _ in range(2)]
    outs = []
    for w in workers:
        out, err = w.communicate(timeout=30)
        expect(w.returncode == 0, "worker exited %d: %s" % (w.returncode, err.decode()))
        outs.append(out.split())
    got = outs[0] + outs[1]
    expect(sorted(got) == sorted(values), "every record exactly once, got %r" % got)
    expect(len(outs[0]) == 10 and len(outs[1]) == 10, "each worker stops at -c 10")
    # Accepted: a later member of the group gets nothing.
    late = sluice.run("share", "consume", "--group", "w", "-t", "jobs", "--idle-timeout-ms",
                      "1500", timeout=20)
    expect(late.stdout == b"", "accepted records are not delivered again: %r" % late.stdout)


def rejected_record_goes_to_dlq(sluice, broker):
    harness.kcat(broker, "-P", "-t", "tasks", "-z", "none", "-H", "origin=it",
                 input=b"t0\nt1\nt2\n")
    p = sluice.run("share", "consume", "--group", "m", "-t", "tasks", "--ack", "manual", "-c", "3",
                   "--idle-timeout-ms", "10000", input=b"a\nx\naccept\n", timeout=30)
    expect(p.stdout.split() == [b"t0", b"t1", b"t2"], "printed in order: %r" % p.stdout)
    out = b""
    deadline = time.time() + 10
    while time.time() < deadline:
        out = harness.kcat(broker, "-C", "-t", "m.dlq", "-e", "-f", "%s|%h\\n", check=False)
        if out.strip():
            break
        time.sleep(0.2)
    lines = out.strip().split(b"\n")
    expect(len(lines) == 1 and lines[0].startswith(b"t1|"), "only t1 dead-lettered: %r" % out)
    headers = lines[0].split(b"|", 1)[1]
    for h in (b"origin=it", b"sluice.dlq.reason=rejected", b"sluice.dlq.group=m",
              b"sluice.dlq.offset=1"):
        expect(h in headers, "%r in DLQ headers %r" % (h, headers))
    # A bad answer is refused without acknowledging, then a good one counts.
    harness.kcat(broker, "-P", "-t", "tasks", "-z", "none", input=b"t3\n")
    p = sluice.run("share", "consume", "--group", "m", "-t", "tasks", "--ack", "manual", "-c", "1",
                   "--idle-timeout-ms", "10000", input=b"maybe\nr\n", timeout=30)
    expect(p.stdout.split() == [b"t3"], "t3 printed: %r" % p.stdout)
    expect(b"a/accept, r/release or x/reject" in p.stderr, "bad answer explained: %r" % p.stderr)


def test(broker_binary):
    broker = Broker(broker_binary, settings=SETTINGS).start()
    sluice = Sluice(broker_binary, broker)
    two_workers_share_the_work(sluice, broker)
    rejected_record_goes_to_dlq(sluice, broker)
    sluice.fails("share", "consume", "--group", "g", "-t", "jobs", "--ack", "sometimes",
                 contains="--ack")
    sluice.fails("share", "consume", "--group", "g", "-t", "no-such-topic",
                 contains="UNKNOWN_TOPIC_OR_PARTITION")


if __name__ == "__main__":
    harness.main(test, limit_s=80)
