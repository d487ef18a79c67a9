"""sluice consume -G stays a member across broker restarts: one consumer in
a group reads a 4-partition topic while the broker is stopped for ~2.5 s and
started again, twice; it never exits, prints every record produced before,
between and after the outages, in order per partition and exactly once (the
group's membership and its positions survive the restart), and stops
cleanly on SIGTERM, committing what it printed."""

import os
import signal
import subprocess
import tempfile
import time

import harness
from harness import Broker, expect
from test_sluice_cli import Sluice


def test(binary):
    broker = Broker(binary).start()
    s = Sluice(binary, broker)
    s.run("topic", "create", "events", "-p", "4")
    out_path = tempfile.mktemp(prefix="sluice-group-restart-")
    sent = []

    def produce(n):
        lines = ["k%d:ev-%05d" % (i % 7, len(sent) + i) for i in range(n)]
        s.run("produce", "-t", "events", "-K", ":", input=("\n".join(lines) + "\n").encode())
        sent.extend(l.split(":", 1)[1] for l in lines)

    def printed():
        with open(out_path) as f:
            return [l.split("|") for l in f.read().split("\n") if l]

    def wait_printed(what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline and len(printed()) < len(sent):
            time.sleep(0.1)
        expect(len(printed()) >= len(sent),
               "%s: %d printed, want %d" % (what, len(printed()), len(sent)))

    def alive():
        expect(c.poll() is None, "consume -G still running (exited %s: %s)" %
               (c.returncode, c.stderr.read().decode(errors="replace") if c.poll() is not None
                else ""))

    produce(100)
    with open(out_path, "w") as out:
        c = subprocess.Popen([s.path, "consume", "-G", "watchers", "-t", "events",
                              "-f", "%p|%o|%s\\n", "-b", broker.address],
                             stdout=out, stderr=subprocess.PIPE)
    try:
        wait_printed("before any restart")
        def after_restart(n):
            produce(100)
            wait_printed("after restart %d" % n)
            alive()
        harness.outages(broker, after_restart, while_down=alive)
    finally:
        if c.poll() is None:
            c.send_signal(signal.SIGTERM)
        rc = c.wait(timeout=20)
        err = c.stderr.read().decode(errors="replace")
    expect(rc == 0, "consume -G stopped cleanly (%d): %s" % (rc, err))

    recs = printed()
    values = [v for _, _, v in recs]
    expect(sorted(values) == sorted(sent),
           "every record exactly once: %d printed, %d sent, %d distinct" %
           (len(values), len(sent), len(set(values))))
    by_partition = {}
    for p, o, _ in recs:
        by_partition.setdefault(p, []).append(int(o))
    for p, offsets in by_partition.items():
        expect(offsets == sorted(offsets), "partition %s printed in offset order" % p)
    # What it printed is committed: the group has no lag.
    text = s.out("group", "describe", "watchers")
    rows = [l.split() for l in text.splitlines() if l.strip()]
    start = next(i for i, r in enumerate(rows) if r[:1] == ["GROUP"])
    lag_at = rows[start].index("LAG")
    lags = [int(r[lag_at]) for r in rows[start + 1:] if len(r) > lag_at and r[1] == "events"]
    expect(len(lags) == 4 and all(l == 0 for l in lags), "no lag left: %s" % text)
    os.unlink(out_path)


if __name__ == "__main__":
    harness.main(test, limit_s=80)
