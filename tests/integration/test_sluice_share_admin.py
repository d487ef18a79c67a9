"""Share groups through `sluice group`, against a real broker: describe shows
members with the records each holds and each share partition's start and end
offsets, records in flight and acquired, and lag; reset-offsets moves the
start offset of an empty share group (AlterShareGroupOffsets), which the next
`sluice share consume` follows, and it survives a broker restart; list shows
share groups and delete removes an empty one for good.
"""

import harness
import share_util
from harness import Broker, expect
from share_util import ACCEPT
from test_sluice_cli import Sluice


def row_of(out, topic):
    """The describe row of `topic` partition 0 as {column: value}."""
    lines = out.strip().split("\n")
    header = next(l for l in lines if l.startswith("GROUP "))
    cols = header.split()
    for line in lines:
        cells = line.split()
        if len(cells) == len(cols) and cells[1] == topic and cells[2] == "0":
            return dict(zip(cols, cells))
    raise AssertionError("no row for %s in %r" % (topic, out))


def consume_all(sluice, group, topic, count):
    p = sluice.run("share", "consume", "--group", group, "-t", topic, "--ack", "auto", "-c",
                   str(count), "--idle-timeout-ms", "5000", "-f", "%s\\n", timeout=30)
    return p.stdout.split()


def test(broker_binary):
    broker = Broker(broker_binary, settings=share_util.SETTINGS).start()
    sluice = Sluice(broker_binary, broker)
    values = [b"job-%d" % i for i in range(10)]
    share_util.produce(broker, "q", values)

    worker = share_util.Worker(broker, "ops", ["q"])
    worker.join()
    got = worker.fetch(max_records=3)
    expect(len(got) == 3, "worker holds 3 records, got %d" % len(got))
    expect(worker.acknowledge([(got[0], ACCEPT)]) == [0], "accepted job-0")

    out = sluice.out("group", "describe", "ops")
    expect("Share group 'ops'" in out, "describe names a share group: %r" % out)
    expect(worker.member in out, "the member is listed: %r" % out)
    member_line = next(l for l in out.split("\n") if l.startswith(worker.member))
    expect(member_line.split()[3] == "2", "the member holds 2 records: %r" % member_line)
    row = row_of(out, "q")
    expect(row["START-OFFSET"] == "1" and row["END-OFFSET"] == "3", "offsets: %r" % row)
    expect(row["IN-FLIGHT"] == "2" and row["ACQUIRED"] == "2", "in flight: %r" % row)
    expect(row["LAG"] == "9", "lag counts every record not yet done: %r" % row)

    sluice.fails("group", "reset-offsets", "ops", "--topic", "q", "--to-offset", "5",
                 "--execute", contains="inactive")
    worker.heartbeat(leave=True)
    worker.close()

    plan = sluice.out("group", "reset-offsets", "ops", "--topic", "q", "--to-offset", "5")
    expect(row_of(plan, "q")["NEW-OFFSET"] == "5", "dry run plan: %r" % plan)
    expect(row_of(sluice.out("group", "describe", "ops"), "q")["START-OFFSET"] == "1",
           "a dry run changes nothing")
    sluice.run("group", "reset-offsets", "ops", "--topic", "q", "--to-offset", "5", "--execute")
    out = sluice.out("group", "describe", "ops")
    expect("has no active members" in out, "empty group: %r" % out)
    row = row_of(out, "q")
    expect(row["START-OFFSET"] == "5" and row["IN-FLIGHT"] == "0" and row["LAG"] == "5",
           "moved to 5: %r" % row)

    # The start offset survives a restart, and the next member follows it.
    broker.restart()
    expect(row_of(sluice.out("group", "describe", "ops"), "q")["START-OFFSET"] == "5",
           "start offset 5 after a restart")
    expect(consume_all(sluice, "ops", "q", 5) == values[5:], "consumed from 5")

    # Replay: back to the earliest offset, everything is delivered again.
    sluice.run("group", "reset-offsets", "ops", "--topic", "q", "--to-earliest", "--execute")
    expect(consume_all(sluice, "ops", "q", 10) == values, "replayed from the start")

    # Past the end is clamped to the log end, as kafka-consumer-groups.sh does.
    sluice.run("group", "reset-offsets", "ops", "--topic", "q", "--to-offset", "99", "--execute")
    row = row_of(sluice.out("group", "describe", "ops"), "q")
    expect(row["START-OFFSET"] == "10" and row["LAG"] == "0", "clamped to the end: %r" % row)
    sluice.fails("group", "reset-offsets", "ops", "--topic", "nosuch", "--to-offset", "1",
                 "--execute")
    sluice.fails("group", "describe", "no-such-group", contains="does not exist")

    # Share groups are listed and deleted like consumer groups (one namespace).
    busy = share_util.Worker(broker, "busy", ["q"])
    busy.join()
    listed = sluice.out("group", "list").split()
    expect("ops" in listed and "busy" in listed, "share groups listed: %r" % listed)
    sluice.fails("group", "delete", "busy", contains="NON_EMPTY_GROUP")
    busy.heartbeat(leave=True)
    busy.close()
    sluice.run("group", "delete", "ops", "busy")
    sluice.fails("group", "describe", "ops", contains="does not exist")
    broker.restart()
    listed = sluice.out("group", "list").split()
    expect("ops" not in listed and "busy" not in listed, "deleted after a restart: %r" % listed)
    # A new member of the deleted group starts afresh (earliest here).
    expect(consume_all(sluice, "ops", "q", 10) == values, "a deleted group starts over")
    print("share groups: describe, reset and replay through sluice group")


if __name__ == "__main__":
    harness.main(test, limit_s=80)
