"""sluice share consume stays a member across broker restarts: one worker of
a share group reads a topic while the broker is stopped for ~2.5 s and
started again, twice; it never exits, fetches again once the broker is back
(a probe record it prints shows that), prints every record produced before,
between and after the outages (at least once: records acquired but not yet
acknowledged when the broker stopped may come again, as delivery attempt
2), and stops cleanly on SIGTERM."""

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
    s.run("topic", "create", "tasks", "-p", "2")
    out_path = tempfile.mktemp(prefix="sluice-share-restart-")
    sent = []

    def produce(n):
        lines = ["task-%05d" % (len(sent) + i) for i in range(n)]
        s.run("produce", "-t", "tasks", input=("\n".join(lines) + "\n").encode())
        sent.extend(lines)

    def printed():
        with open(out_path) as f:
            return set(l for l in f.read().split("\n") if l)

    def wait_printed(what, timeout=40):
        deadline = time.time() + timeout
        while time.time() < deadline and not set(sent) <= printed():
            time.sleep(0.1)
        missing = set(sent) - printed()
        expect(not missing, "%s: %d of %d never printed" % (what, len(missing), len(sent)))

    def member_back(what, timeout=30):
        # Probes until one is printed: the worker fetches again. (The tasks
        # themselves are sent after that, so share.auto.offset.reset cannot
        # decide whether the test sees them.)
        deadline = time.time() + timeout
        n = 0
        while time.time() < deadline:
            n += 1
            s.run("produce", "-t", "tasks", input=("probe-%d-%s\n" % (n, what)).encode())
            t = time.time() + 0.5
            while time.time() < t:
                if any(l.startswith("probe-") and l.endswith(what) for l in printed()):
                    return
                time.sleep(0.05)
        raise AssertionError("%s: the worker printed no probe in %d s" % (what, timeout))

    def alive():
        expect(w.poll() is None, "share consume still running (exited %s: %s)" %
               (w.returncode, w.stderr.read().decode(errors="replace") if w.poll() is not None
                else ""))

    with open(out_path, "w") as out:
        w = subprocess.Popen([s.path, "share", "consume", "-G", "workers", "-t", "tasks",
                              "-b", broker.address], stdout=out, stderr=subprocess.PIPE)
    try:
        member_back("start")
        produce(50)
        wait_printed("before any restart")
        def after_restart(n):
            member_back("restart%d" % n)
            produce(50)
            wait_printed("after restart %d" % n)
            alive()
        harness.outages(broker, after_restart, while_down=alive)
    finally:
        if w.poll() is None:
            w.send_signal(signal.SIGTERM)
        rc = w.wait(timeout=20)
        err = w.stderr.read().decode(errors="replace")
    expect(rc == 0, "share consume stopped cleanly (%d): %s" % (rc, err))
    os.unlink(out_path)


if __name__ == "__main__":
    harness.main(test, limit_s=80)
