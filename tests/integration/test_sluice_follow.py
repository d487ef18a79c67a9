"""sluice produce --follow ships a growing file like tail -F: across a
rotation (lines written late to the rotated file included), a truncation
(copytruncate), and a clean restart with another rotation while it was
down, every line arrives exactly once and in order."""

import os
import shutil
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
    s.run("topic", "create", "logs", "-p", "1")
    work = tempfile.mkdtemp(prefix="sluice-follow-")
    log = os.path.join(work, "app.log")
    state = os.path.join(work, "state")
    expected = []
    counter = [0]

    def write(path, n):
        with open(path, "a") as f:
            for _ in range(n):
                counter[0] += 1
                line = "line-%05d" % counter[0]
                expected.append(line)
                f.write(line + "\n")

    def end_offset():
        return int(s.out("offsets", "-t", "logs").strip().split(":")[2])

    def wait_for(n, what):
        deadline = time.time() + 20
        while time.time() < deadline and end_offset() < n:
            time.sleep(0.1)
        expect(end_offset() == n, "%s: %d records, want %d" % (what, end_offset(), n))

    def start():
        return subprocess.Popen([s.path, "produce", "-t", "logs", "--follow", log, "--state", state,
                                 "--poll-interval-ms", "50", "-b", broker.address],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(p):
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=15)
        expect(rc == 0, "follower stopped cleanly (%d): %s" % (rc, p.stderr.read()))

    try:
        write(log, 100)
        p = start()
        try:
            wait_for(100, "initial lines")
            write(log, 50)
            os.rename(log, log + ".1")       # logrotate's create mode
            write(log + ".1", 10)            # the app still writes to the old file
            write(log, 20)                   # ... and then the new one
            wait_for(180, "after a rotation")
            # copytruncate: the file is cut to 0 and written again
            os.truncate(log, 0)
            time.sleep(0.5)
            write(log, 5)
            wait_for(185, "after a truncation")
        finally:
            stop(p)
        expect(os.path.exists(state), "state saved")

        # While it is down: more lines, and another rotation.
        write(log, 30)
        os.rename(log, log + ".2")
        write(log, 15)
        p = start()
        try:
            wait_for(230, "after a restart")
        finally:
            stop(p)
        # A restart with nothing new sends nothing.
        p = start()
        try:
            time.sleep(1.0)
        finally:
            stop(p)
        expect(end_offset() == 230, "nothing sent twice")

        got = s.out("consume", "-t", "logs", "-e").split()
        expect(got == expected, "every line once, in order (got %d, want %d; first difference at %s)" % (
            len(got), len(expected),
            next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    harness.main(test)
