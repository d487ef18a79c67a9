"""sluice produce --transactional-id and sluice consume --isolation against a
real broker: each group of lines is one transaction; read_committed shows
committed groups only, exactly once; an interrupted group and a group the
broker refuses are aborted (exit 1, one error line) and never visible to
read_committed, while read_uncommitted shows what was written; transaction
markers are never printed; a later producer with the same transactional id
goes on."""

import signal
import subprocess
import time

import harness
from harness import Broker, expect
from test_sluice_cli import Sluice


def values(s, topic, isolation):
    out = s.out("consume", "-t", topic, "-e", "--isolation", isolation, "-f", "%s\n")
    return sorted(v for v in out.split("\n") if v)


def test(binary):
    broker = Broker(binary).start()
    s = Sluice(binary, broker)
    s.run("topic", "create", "eos", "-p", "2")

    # Two committed transactions: an empty line ends the first.
    s.run("produce", "-t", "eos", "--transactional-id", "cli-1", input=b"a1\na2\n\nb1\nb2\nb3\n")
    committed = ["a1", "a2", "b1", "b2", "b3"]
    expect(values(s, "eos", "read_committed") == committed,
           "read_committed after two commits: %r" % values(s, "eos", "read_committed"))
    expect(values(s, "eos", "read_uncommitted") == committed, "read_uncommitted sees the same")
    # Markers take offsets but are never printed.
    offsets = s.out("consume", "-t", "eos", "-e", "-f", "%o\n").split()
    ends = [int(line.split(":")[2]) for line in s.out("offsets", "-t", "eos").split("\n") if line]
    expect(len(offsets) == 5 and sum(ends) > 5,
           "5 records printed, more offsets taken by markers: %r, ends %r" % (offsets, ends))
    # --transaction-lines ends a group after N lines.
    s.run("produce", "-t", "eos", "--transactional-id", "cli-1", "--transaction-lines", "2",
          input=b"c1\nc2\nc3\n")
    committed += ["c1", "c2", "c3"]
    expect(values(s, "eos", "read_committed") == sorted(committed), "three more committed")

    # An interrupted group is aborted: its records were written but never commit.
    cmd = [s.path, "produce", "-t", "eos", "--transactional-id", "cli-2", "-b", broker.address]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write(b"x1\nx2\n")
    proc.stdin.flush()
    deadline = time.time() + 15
    while time.time() < deadline and "x2" not in values(s, "eos", "read_uncommitted"):
        time.sleep(0.1)
    expect("x2" in values(s, "eos", "read_uncommitted"), "the open transaction's records written")
    expect(values(s, "eos", "read_committed") == sorted(committed),
           "an open transaction is not visible to read_committed")
    proc.send_signal(signal.SIGINT)
    # stdin stays open until it exits: an end of input would end (commit) the group.
    deadline = time.time() + 20
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    _, err = proc.communicate(timeout=20)
    err = err.decode(errors="replace")
    expect(proc.returncode != 0 and "interrupted: transaction 1 (lines 1-2) aborted" in err,
           "interrupted transaction reported: rc %d %r" % (proc.returncode, err))
    expect(values(s, "eos", "read_committed") == sorted(committed),
           "aborted records never visible to read_committed: %r" % values(s, "eos", "read_committed"))
    expect({"x1", "x2"} <= set(values(s, "eos", "read_uncommitted")),
           "read_uncommitted still shows the aborted records")

    # A group the broker refuses (a record over the topic's max.message.bytes)
    # is aborted with one error line naming it; the group before it stays.
    s.run("topic", "create", "small", "-p", "1", "--config", "max.message.bytes=200")
    line = s.fails("produce", "-t", "small", "--transactional-id", "cli-3",
                   input=b"ok1\n\nfine\n" + b"y" * 400 + b"\n", contains="transaction 2 (lines 3-4)")
    expect("aborted" in line and "MESSAGE_TOO_LARGE" in line, "why it aborted: %r" % line)
    expect(values(s, "small", "read_committed") == ["ok1"], "only the committed group")

    # The same transactional id again: the new producer fences the old
    # epoch and commits.
    s.run("produce", "-t", "eos", "--transactional-id", "cli-2", input=b"z1\n")
    committed.append("z1")
    expect(values(s, "eos", "read_committed") == sorted(committed), "a later producer commits")

    # Bad flag values: one clear line each.
    s.fails("consume", "-t", "eos", "-e", "--isolation", "dirty", contains="--isolation")
    s.fails("produce", "-t", "eos", "--transactional-id", "t", "--acks", "1", input=b"q\n",
            contains="--acks all")
    s.fails("produce", "-t", "eos", "--transaction-lines", "3", input=b"q\n",
            contains="--transactional-id")


if __name__ == "__main__":
    harness.main(test, limit_s=80)
