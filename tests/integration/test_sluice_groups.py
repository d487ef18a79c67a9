"""sluice group list|describe|delete|reset-offsets|wait with a real broker:
describe prints kafka-consumer-groups.sh's columns (also with no member);
a dry run changes nothing and --execute commits exactly the plan it printed;
an active group is refused; wait ends at lag 0 or fails on timeout."""

import os
import signal
import subprocess
import tempfile
import time

import harness
from harness import Broker, expect
from test_sluice_cli import Sluice

HEADER = ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID",
          "HOST", "CLIENT-ID"]


def table(text):
    """Rows of the first table in `text` (after its header line), as lists."""
    lines = [l for l in text.splitlines() if l.strip()]
    start = next(i for i, l in enumerate(lines) if l.split()[:1] == ["GROUP"])
    return lines[start].split(), [l.split() for l in lines[start + 1:]]


def describe(s, group):
    header, rows = table(s.out("group", "describe", group))
    expect(header == HEADER, "describe header %s" % header)
    return {(r[1], int(r[2])): r for r in rows}


def test(binary):
    broker = Broker(binary, settings={"group.initial.rebalance.delay.ms": "0"}).start()
    s = Sluice(binary, broker)
    s.run("topic", "create", "t", "-p", "3")
    lines = "".join("k%d:v%d\n" % (i, i) for i in range(30)).encode()
    s.run("produce", "-t", "t", "-K", ":", input=lines)

    # A group that read everything, then left: no active member, lag 0.
    out = s.out("consume", "-t", "t", "-G", "g1", "-e", "-o", "beginning")
    expect(len(out.split()) == 30, "group consumed 30: %r" % out)
    expect("g1" in s.out("group", "list").split(), "listed")
    text = s.out("group", "describe", "g1")
    expect("has no active members" in text, text)
    rows = describe(s, "g1")
    expect(sorted(rows) == [("t", 0), ("t", 1), ("t", 2)], "rows %s" % rows)
    ends = {p: int(rows[("t", p)][4]) for p in range(3)}
    expect(sum(ends.values()) == 30, "log end offsets %s" % ends)
    for p in range(3):
        r = rows[("t", p)]
        expect(r[3] == r[4] and r[5] == "0" and r[6:] == ["-", "-", "-"], "row %s" % r)
    s.run("group", "wait", "g1", "--wait-timeout-ms", "5000")

    # Dry run: prints a plan, changes nothing.
    header, plan = table(s.out("group", "reset-offsets", "g1", "--topic", "t", "--shift-by", "-4"))
    expect(header == ["GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"], "plan header %s" % header)
    planned = {(r[1], int(r[2])): int(r[3]) for r in plan}
    expect(planned == {("t", p): max(0, ends[p] - 4) for p in range(3)}, "plan %s" % planned)
    expect(describe(s, "g1") == rows, "dry run changed nothing")
    # --execute commits exactly that plan.
    header, plan2 = table(s.out("group", "reset-offsets", "g1", "--topic", "t", "--shift-by", "-4",
                                "--execute"))
    expect(plan2 == plan, "execute printed the same plan")
    after = describe(s, "g1")
    for (t, p), off in planned.items():
        expect(int(after[(t, p)][3]) == off, "committed %s-%d = %s" % (t, p, after[(t, p)]))
        expect(int(after[(t, p)][5]) == ends[p] - off, "lag %s" % after[(t, p)])
    s.fails("group", "wait", "g1", "--wait-timeout-ms", "700", contains="lag")

    # Other specs, one partition at a time, and a CSV file.
    s.run("group", "reset-offsets", "g1", "--topic", "t:1", "--to-earliest", "--execute")
    expect(describe(s, "g1")[("t", 1)][3] == "0", "to-earliest on t:1")
    s.run("group", "reset-offsets", "g1", "--all-topics", "--to-latest", "--execute")
    expect(all(r[5] == "0" for r in describe(s, "g1").values()), "to-latest")
    s.run("group", "reset-offsets", "g1", "--topic", "t:0", "--to-offset", "100000", "--execute")
    expect(int(describe(s, "g1")[("t", 0)][3]) == ends[0], "to-offset clamped to the end")
    s.run("group", "reset-offsets", "g1", "--topic", "t", "--to-datetime", "2000-01-01T00:00:00Z",
          "--execute")
    expect(all(r[3] == "0" for r in describe(s, "g1").values()), "to-datetime long ago")
    s.run("group", "reset-offsets", "g1", "--topic", "t", "--by-duration", "PT0S", "--execute")
    expect(all(r[5] == "0" for r in describe(s, "g1").values()), "by-duration 0: the end")
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("t,0,1\nt,2,2\n")
    try:
        s.run("group", "reset-offsets", "g1", "--from-file", f.name, "--execute")
    finally:
        os.unlink(f.name)
    now = describe(s, "g1")
    expect(now[("t", 0)][3] == "1" and now[("t", 2)][3] == "2" and now[("t", 1)][5] == "0",
           "from-file %s" % now)

    # An active group is refused; its member shows in describe.
    member = subprocess.Popen([s.path, "consume", "-t", "t", "-G", "g1", "-b", broker.address],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            rows = describe(s, "g1")
            if all(r[6] != "-" for r in rows.values()):
                break
            time.sleep(0.2)
        expect(all(r[6] != "-" and r[8] == "sluice" for r in rows.values()), "member shown: %s" % rows)
        s.fails("group", "reset-offsets", "g1", "--topic", "t", "--to-earliest", "--execute",
                contains="inactive")
        s.fails("group", "delete", "g1", contains="NON_EMPTY_GROUP")
        s.run("group", "wait", "g1", "--wait-timeout-ms", "15000")  # the member catches up
    finally:
        member.send_signal(signal.SIGTERM)
        rc = member.wait(timeout=15)
    expect(rc == 0, "member stopped cleanly (%d): %s" % (rc, member.stderr.read()))

    # Delete the now empty group.
    expect("successful" in s.out("group", "delete", "g1"), "deleted")
    expect("g1" not in s.out("group", "list").split(), "gone from the list")
    s.fails("group", "describe", "g1", contains="does not exist")


if __name__ == "__main__":
    harness.main(test)
