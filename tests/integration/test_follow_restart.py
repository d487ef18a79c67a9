"""sluice produce --follow rides out broker restarts: two followers ship two
files into a 4-partition topic, keyed by file (--key-by-file), while the
broker is stopped for ~2.5 s and started again, twice. One file is rotated
logrotate's create way (renamed, a new one created; once twice within one
poll interval, which only inotify sees), the other by copytruncate. Every
line arrives exactly once, each file's lines in order in one partition, and
both followers are still running at the end (and stop cleanly)."""

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
    s.run("topic", "create", "logs", "-p", "4")
    work = tempfile.mkdtemp(prefix="sluice-follow-restart-")
    files = {"create": os.path.join(work, "create.log"), "copy": os.path.join(work, "copy.log")}
    written = {name: [] for name in files}

    def write(name, n, path=None):
        with open(path or files[name], "a") as f:
            for _ in range(n):
                line = "%s-%05d" % (name, len(written[name]) + 1)
                written[name].append(line)
                f.write(line + "\n")

    def total():
        out = s.out("offsets", "-t", "logs")
        return sum(int(l.split(":")[2]) for l in out.strip().split("\n"))

    def caught_up(what, timeout=30):
        want = sum(len(v) for v in written.values())
        deadline = time.time() + timeout
        while time.time() < deadline and total() < want:
            time.sleep(0.1)
        expect(total() == want, "%s: %d records, want %d" % (what, total(), want))

    def follower(name, poll_ms):
        return subprocess.Popen([s.path, "produce", "-t", "logs", "--follow", files[name],
                                 "--key-by-file", "--poll-interval-ms", str(poll_ms),
                                 "-b", broker.address],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def outage(during):
        """Stops the broker, runs `during` while it is down, starts it ~2.5 s later."""
        harness.outages(broker, lambda _n: None, rounds=1, while_down=during)

    def alive(p, name):
        expect(p.poll() is None, "follower of %s still running (exited %s: %s)" %
               (name, p.returncode, p.stderr.read().decode(errors="replace") if p.poll() is not None
                else ""))

    write("create", 50)
    write("copy", 50)
    # create.log: a poll interval much longer than the double rotation below.
    procs = {"create": follower("create", 1000), "copy": follower("copy", 100)}
    try:
        caught_up("initial lines")

        # Outage 1: lines written while the broker is down, and a create-style rotation.
        def first():
            write("create", 40)
            write("copy", 40)
            os.rename(files["create"], files["create"] + ".1")
            write("create", 10, files["create"] + ".1")  # the app still had it open
            write("create", 30)
            write("copy", 20)
        outage(first)
        write("create", 20)
        write("copy", 20)
        caught_up("after the first restart")
        for name, p in procs.items():
            alive(p, name)

        # Two rotations faster than the 1 s poll interval: create.log.1 lives
        # at the path for only ~0.2 s.
        os.rename(files["create"], files["create"] + ".2")
        write("create", 15)
        time.sleep(0.2)
        os.rename(files["create"], files["create"] + ".1")
        write("create", 15)
        # copytruncate, once the follower has everything (the inherent race:
        # lines written between its last read and the truncation are only in
        # the copy; docs/cli.md).
        caught_up("before copytruncate")
        shutil.copyfile(files["copy"], files["copy"] + ".1")
        os.truncate(files["copy"], 0)
        time.sleep(0.3)
        write("copy", 25)

        # Outage 2: more lines while down, then after.
        def second():
            write("create", 30)
            write("copy", 30)
        outage(second)
        write("create", 10)
        write("copy", 10)
        caught_up("after the second restart")
        for name, p in procs.items():
            alive(p, name)
    finally:
        for name, p in procs.items():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            rc = p.wait(timeout=20)
            expect(rc == 0, "follower of %s stopped cleanly (%d): %s" %
                   (name, rc, p.stderr.read().decode(errors="replace")))

    out = s.out("consume", "-t", "logs", "-e", "-f", "%k|%p|%o|%s\\n")
    got = {}
    for line in out.strip().split("\n"):
        key, partition, offset, value = line.split("|")
        got.setdefault(key, []).append((int(partition), int(offset), value))
    for name, path in files.items():
        recs = got.get(path, [])
        partitions = {p for p, _, _ in recs}
        expect(len(partitions) == 1, "%s in one partition, got %s" % (name, sorted(partitions)))
        values = [v for _, _, v in sorted(recs)]
        expect(values == written[name],
               "%s: %d records, want %d exactly once in order (first difference at %s)" %
               (name, len(values), len(written[name]),
                next((i for i, (a, b) in enumerate(zip(values, written[name])) if a != b),
                     min(len(values), len(written[name])))))
    expect(set(got) == set(files.values()), "keys are the file paths: %s" % sorted(got))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    harness.main(test, limit_s=80)
