"""sluice share consume against a real broker:
- two workers in one share group together print every record exactly once
  (--ack auto, each stopping at -c and releasing what it fetched beyond);
- --ack auto is the share consumer's implicit mode: with --max-inflight 4 a
  worker only gets more once the next poll has accepted what it printed, and
  every record is printed once, with delivery count 1, and never again;
- a manual run that answers `x` for one record puts it in the group's
  dead-letter topic with its headers;
- the work queue through the CLI: two manual workers with --max-inflight 1,
  one answering five times slower, accept all 50 tasks exactly once between
  them, the fast one clearly more;
- `n` (renew) keeps a record's lock past the lock duration, so another
  worker does not get it; unanswered, it goes to the other worker;
- a manual answer that takes more than twice the session timeout still
  counts: the consumer heartbeats in the background while it waits on stdin,
  so it stays a member and keeps the record (its lock is long).
"""

import json
import queue
import subprocess
import threading
import time

import harness
import share_util
from harness import Broker, expect
from test_sluice_cli import Sluice

SETTINGS = dict(share_util.SETTINGS, **{"sluice.share.dlq.topic.suffix": ".dlq"})


def consume_args(sluice, group, topic, *extra, idle_ms=10000):
    return [sluice.path, "share", "consume", "-b", sluice.broker.address, "--group", group,
            "-t", topic, "--idle-timeout-ms", str(idle_ms), "-f", "%s\\n"] + list(extra)


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


def auto_mode_accepts_on_the_next_poll(sluice, broker):
    values = [b"auto-%d" % i for i in range(30)]
    share_util.produce(broker, "auto", values)
    # Each fetch may acquire 4 and the broker hands a member no more while it
    # holds 4: all 30 come only if each poll accepts what the last returned.
    p = sluice.run("share", "consume", "--group", "a", "-t", "auto", "--ack", "auto",
                   "--max-inflight", "4", "--json", "--idle-timeout-ms", "2000", timeout=30)
    got = [json.loads(line) for line in p.stdout.decode().splitlines()]
    expect(sorted(r["value"].encode() for r in got) == sorted(values),
           "every record once: %r" % [r["value"] for r in got])
    expect(all(r["delivery_count"] == 1 for r in got), "never redelivered: %r" % got)
    expect(p.stderr == b"", "no acknowledgement errors: %r" % p.stderr)
    late = sluice.run("share", "consume", "--group", "a", "-t", "auto", "--idle-timeout-ms",
                      "1500", timeout=20)
    expect(late.stdout == b"", "accepted, not released at exit: %r" % late.stdout)


class Lines:
    """A process's stdout lines, read by a thread, taken with a deadline."""

    def __init__(self, proc):
        self.q = queue.Queue()

        def pump():
            for line in proc.stdout:
                self.q.put(line.rstrip(b"\n"))
            self.q.put(None)
        threading.Thread(target=pump, daemon=True).start()

    def next(self, timeout):
        try:
            line = self.q.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no line within %.1f s" % timeout)
        expect(line is not None, "the process ended before printing a line")
        return line


def answer(proc, text):
    proc.stdin.write(text)
    proc.stdin.flush()


def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()


def work_queue_through_the_cli(sluice, broker):
    tasks = [b"task-%02d" % i for i in range(50)]
    share_util.produce(broker, "seed", tasks)
    delays = {"fast": 0.02, "slow": 0.1}
    procs = {name: subprocess.Popen(consume_args(sluice, "seed", "seed", "--ack", "manual",
                                                 "--max-inflight", "1", idle_ms=2000),
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
             for name in delays}
    handled = {name: [] for name in delays}

    def drive(name):
        p = procs[name]
        for line in p.stdout:  # one record a line, flushed as printed
            handled[name].append(line.strip())
            time.sleep(delays[name])
            try:
                answer(p, b"a\n")
            except BrokenPipeError:
                return
    threads = [threading.Thread(target=drive, args=(n,), daemon=True) for n in delays]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        expect(not any(t.is_alive() for t in threads), "workers finished within 30 s")
        for name, p in procs.items():
            rc = p.wait(timeout=10)
            err = p.stderr.read()
            expect(rc == 0, "%s worker exited %d: %s" % (name, rc, err))
            expect(err == b"", "%s worker: no warnings: %r" % (name, err))
    finally:
        stop(procs.values())
    fast, slow = handled["fast"], handled["slow"]
    expect(sorted(fast + slow) == tasks, "each task handled exactly once: %r" % (fast + slow))
    print("work queue: fast worker %d tasks, slow worker %d" % (len(fast), len(slow)))
    expect(len(fast) >= 3 * len(slow), "the fast worker did more: %d vs %d" %
           (len(fast), len(slow)))
    late = sluice.run("share", "consume", "--group", "seed", "-t", "seed", "--idle-timeout-ms",
                      "1500", timeout=20)
    expect(late.stdout == b"", "all 50 accepted: %r" % late.stdout)


def renew_keeps_the_lock(binary):
    lock_s = 1.5
    broker = Broker(binary, settings=dict(
        share_util.SETTINGS, **{"group.share.record.lock.duration.ms": str(int(lock_s * 1000))}))
    broker.start()
    sluice = Sluice(binary, broker)
    share_util.produce(broker, "slow", [b"kept"])
    holder = subprocess.Popen(consume_args(sluice, "r", "slow", "--ack", "manual",
                                           "--max-inflight", "1", idle_ms=4000),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    other = None
    try:
        lines = Lines(holder)
        expect(lines.next(15) == b"kept", "the holder gets the record")
        acquired = time.time()
        # Another member polls all along; only the renewals keep it from the
        # record once the first lock would have expired.
        other = subprocess.Popen(consume_args(sluice, "r", "slow", "--ack", "auto", "-c", "1",
                                              idle_ms=5000),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while time.time() < acquired + 3 * lock_s:
            answer(holder, b"n\n")
            time.sleep(lock_s / 4)
        answer(holder, b"a\n")
        out, err = other.communicate(timeout=20)
        expect(out == b"", "renewed past %.1f s, not redelivered: %r %r" % (3 * lock_s, out, err))

        # Unanswered, the next record goes to another member once its lock
        # expires; renewing or accepting it afterwards is refused.
        share_util.produce(broker, "slow", [b"lapsed"])
        expect(lines.next(10) == b"lapsed", "the holder gets the next record")
        taker = sluice.run("share", "consume", "--group", "r", "-t", "slow", "-c", "1", "--json",
                           "--idle-timeout-ms", "10000", timeout=20)
        got = json.loads(taker.stdout)
        expect(got["value"] == "lapsed" and got["delivery_count"] == 2,
               "redelivered after the lock expired: %r" % got)
        answer(holder, b"n\na\n")
        holder.stdin.close()
        rc = holder.wait(timeout=15)
        err = holder.stderr.read()
        expect(rc == 0, "holder exited %d: %s" % (rc, err))
        expect(err.count(b"INVALID_RECORD_STATE") == 2 and b"renew offset 1" in err,
               "late renew and accept refused: %r" % err)
        late = sluice.run("share", "consume", "--group", "r", "-t", "slow", "--idle-timeout-ms",
                          "1500", timeout=20)
        expect(late.stdout == b"", "both accepted once: %r" % late.stdout)
    finally:
        stop([holder] + ([other] if other else []))


def membership_outlives_a_slow_answer(binary):
    session_s = 2.0
    broker = Broker(binary, settings=dict(share_util.SETTINGS, **{
        "group.share.session.timeout.ms": str(int(session_s * 1000)),
        "group.share.heartbeat.interval.ms": "300",
        "group.share.record.lock.duration.ms": "20000"}))
    broker.start()
    sluice = Sluice(binary, broker)
    share_util.produce(broker, "long", [b"slow-job"])
    holder = subprocess.Popen(consume_args(sluice, "h", "long", "--ack", "manual", "-c", "1"),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    other = None
    try:
        expect(Lines(holder).next(15) == b"slow-job", "the holder gets the record")
        # Another member polls all along: had the holder been dropped from the
        # group, the record would have been released to it.
        other = subprocess.Popen(consume_args(sluice, "h", "long", "-c", "1", idle_ms=5000),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(2.5 * session_s)
        answer(holder, b"a\n")
        rc = holder.wait(timeout=15)
        err = holder.stderr.read()
        expect(rc == 0, "holder exited %d: %s" % (rc, err))
        expect(err == b"", "accepted after %.1f s, no INVALID_RECORD_STATE or other warning: %r"
               % (2.5 * session_s, err))
        out, err = other.communicate(timeout=20)
        expect(other.returncode == 0, "other member exited %d: %s" % (other.returncode, err))
        expect(out == b"", "the held record was not delivered to another member: %r" % out)
        late = sluice.run("share", "consume", "--group", "h", "-t", "long", "--idle-timeout-ms",
                          "1500", timeout=20)
        expect(late.stdout == b"", "accepted once: %r" % late.stdout)
    finally:
        stop([holder] + ([other] if other else []))
        broker.stop()


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
    expect(b"a/accept, r/release, x/reject or n/renew" in p.stderr,
           "bad answer explained: %r" % p.stderr)


def test(broker_binary):
    broker = Broker(broker_binary, settings=SETTINGS).start()
    sluice = Sluice(broker_binary, broker)
    two_workers_share_the_work(sluice, broker)
    auto_mode_accepts_on_the_next_poll(sluice, broker)
    rejected_record_goes_to_dlq(sluice, broker)
    work_queue_through_the_cli(sluice, broker)
    renew_keeps_the_lock(broker_binary)
    membership_outlives_a_slow_answer(broker_binary)
    sluice.fails("share", "consume", "--group", "g", "-t", "jobs", "--ack", "sometimes",
                 contains="--ack")
    sluice.fails("share", "consume", "--group", "g", "-t", "no-such-topic",
                 contains="UNKNOWN_TOPIC_OR_PARTITION")


if __name__ == "__main__":
    harness.main(test, limit_s=80)
