"""Transactions V2 (KIP-890 part 2) against a real broker, and RELIABILITY G8.

Raw requests at the TV2 versions (Produce v12, EndTxn v5, both flexible):
  - ApiVersions v3 advertises transaction.version, supported 0-2, finalized 2;
  - a transactional Produce v12 adds its partition to the transaction itself
    (no AddPartitionsToTxn) and every EndTxn v5 answers the bumped epoch;
  - G8: the EndTxn of the previous transaction, replayed byte for byte while
    the next transaction is open, is fenced (90; 47 in its v1 form) and ends
    nothing; a late batch of the previous epoch is refused too; a
    read_committed consumer (librdkafka 2.0.2) sees the committed
    transactions exactly once, no aborted record and no torn transaction;
  - kill -9 with a TV2 transaction open, and kill -9 right after its EndTxn
    was sent: after the restart the transaction completes in every partition
    (the EndTxn retried with the same epoch answers the bumped one), never half.
Then Sluice's own client on TV2 end to end: `sluice produce --transactional-id`
runs three transactions (the epoch DescribeTransactions shows rose by one per
transaction, which only TV2 does) and `sluice consume --isolation
read_committed` shows them."""

import signal
import struct
import time

import eos_util
import harness
from eos_util import (Client, compact_string, expect, idempotent_batch, read_compact_string,
                      read_uvarint, skip_tags, uvarint)
from harness import Reader

TOPIC = "tv2"


def api_features(c):
    """ApiVersions v3: {feature: (min, max)} supported and {feature: level} finalized."""
    body = compact_string("it") + compact_string("1") + b"\x00"
    # Request header v2; the response header of ApiVersions is always v0.
    cid = c.next_id
    c.next_id += 1
    c.conn.send(harness.request(18, 3, cid, body, flexible=True))
    r = Reader(c.conn.recv_frame())
    expect(r.take("i") == cid, "ApiVersions v3 correlation id")
    expect(r.take("h") == 0, "ApiVersions v3 error")
    for _ in range(read_uvarint(r) - 1):
        r.take("hhh")
        skip_tags(r)
    r.take("i")
    supported, finalized = {}, {}
    for _ in range(read_uvarint(r)):
        tag, size = read_uvarint(r), read_uvarint(r)
        end = r.pos + size
        if tag == 0:
            for _ in range(read_uvarint(r) - 1):
                name = read_compact_string(r)
                supported[name] = r.take("hh")
                skip_tags(r)
        elif tag == 2:
            for _ in range(read_uvarint(r) - 1):
                name = read_compact_string(r)
                finalized[name] = r.take("hh")[0]  # max_version_level
                skip_tags(r)
        r.pos = end
    return supported, finalized


def produce_v12(c, tid, partition, batch):
    """One partition of TOPIC: (error, base_offset)."""
    body = compact_string(tid) + struct.pack(">hi", -1, 10000)
    body += uvarint(2) + compact_string(TOPIC) + uvarint(2)
    body += struct.pack(">i", partition) + uvarint(len(batch) + 1) + batch + b"\x00"
    body += b"\x00\x00"
    r = c.call(0, 12, body, flexible=True)
    expect(read_uvarint(r) == 2, "one topic in the Produce v12 answer")
    read_compact_string(r)
    expect(read_uvarint(r) == 2, "one partition in the Produce v12 answer")
    index, error, base = r.take("ihq")
    expect(index == partition, "Produce v12 answered partition %d" % index)
    return error, base


def end_txn_v5_frame(c, tid, pid, epoch, commit):
    body = compact_string(tid) + struct.pack(">qhb", pid, epoch, 1 if commit else 0) + b"\x00"
    cid = c.next_id
    c.next_id += 1
    return cid, harness.request(26, 5, cid, body, flexible=True)


def send_end_txn_v5(c, frame_and_cid):
    """(error, producer_id, epoch) of an EndTxn v5 frame sent as it is."""
    cid, frame = frame_and_cid
    c.conn.send(frame)
    r = Reader(c.conn.recv_frame())
    expect(r.take("i") == cid, "EndTxn v5 correlation id")
    expect(r.take("B") == 0, "EndTxn v5 response header tags")
    _throttle, error, pid, epoch = r.take("ihqh")
    return error, pid, epoch


def end_txn_v5(c, tid, pid, epoch, commit):
    return eos_util.retry("EndTxn v5", lambda: send_end_txn_v5(
        c, end_txn_v5_frame(c, tid, pid, epoch, commit)))


def txn_batch(pid, epoch, seq, values):
    return idempotent_batch(pid, epoch, seq, values, transactional=True)


def produce_both(c, tid, pid, epoch, name):
    """A transaction's data: two records in each of TOPIC's 2 partitions."""
    values = []
    for p in (0, 1):
        vs = [b"%s-p%d-%d" % (name, p, i) for i in range(2)]
        error, _ = eos_util.retry("produce", lambda: produce_v12(c, tid, p, txn_batch(
            pid, epoch, 0, vs)))
        expect(error == 0, "%s: Produce v12 to partition %d: error %d" % (name, p, error))
        values += vs
    return values


def g8(c, broker, tid):
    error, pid, e0 = eos_util.retry("init", lambda: c.init_producer_id(tid))
    expect(error == 0, "InitProducerId: error %d" % error)

    # Transaction 1: no AddPartitionsToTxn; Produce v12 adds the partitions.
    committed = produce_both(c, tid, pid, e0, b"t1")
    state = c.describe_transactions([tid])[tid]
    expect(state[1] == "Ongoing" and state[4] == {TOPIC: [0, 1]},
           "Produce v12 added both partitions: %s" % (state,))
    late_end = end_txn_v5_frame(c, tid, pid, e0, True)
    error, pid1, e1 = send_end_txn_v5(c, late_end)
    expect(error == 0 and pid1 == pid and e1 == e0 + 1,
           "EndTxn v5 commit: error %d, pid %d, epoch %d->%d" % (error, pid1, e0, e1))
    # Its retry (the answer was lost) answers the same, with the new epoch.
    got = send_end_txn_v5(c, (late_end[0], late_end[1]))
    expect(got == (0, pid, e1), "retried EndTxn v5: %s" % (got,))

    # Transaction 2 at the new epoch, then the late EndTxn of transaction 1.
    aborted = produce_both(c, tid, pid, e1, b"t2")
    lso_open = [c.end_offset(TOPIC, p, read_committed=True) for p in (0, 1)]
    error, _, _ = send_end_txn_v5(c, late_end)
    expect(error == eos_util.PRODUCER_FENCED,
           "G8: late EndTxn v5 of transaction 1 during transaction 2: error %d, expected 90" %
           error)
    error = c.end_txn(tid, pid, e0, True)
    expect(error == eos_util.INVALID_PRODUCER_EPOCH,
           "G8: the same late EndTxn as v1: error %d, expected 47" % error)
    error, _ = c.produce(TOPIC, 0, txn_batch(pid, e0, 2, [b"t1-late"]), transactional_id=tid)
    expect(error in (eos_util.INVALID_PRODUCER_EPOCH, eos_util.PRODUCER_FENCED),
           "a late batch of transaction 1's epoch: error %d" % error)
    state = c.describe_transactions([tid])[tid]
    expect(state[1] == "Ongoing" and state[3] == e1, "transaction 2 untouched: %s" % (state,))
    lso_after = [c.end_offset(TOPIC, p, read_committed=True) for p in (0, 1)]
    expect(lso_after == lso_open, "the late EndTxn moved the LSO: %s -> %s" % (lso_open,
                                                                               lso_after))
    error, _, e2 = end_txn_v5(c, tid, pid, e1, False)
    expect(error == 0 and e2 == e1 + 1, "EndTxn v5 abort: error %d epoch %d" % (error, e2))

    # Transaction 3 commits.
    committed += produce_both(c, tid, pid, e2, b"t3")
    error, _, e3 = end_txn_v5(c, tid, pid, e2, True)
    expect(error == 0 and e3 == e2 + 1, "EndTxn v5 commit 3: error %d epoch %d" % (error, e3))
    print("G8: late EndTxn of the previous transaction fenced (90, v1: 47), late batch refused; "
          "epoch %d -> %d over 3 transactions" % (e0, e3))
    return pid, e3, committed, aborted


def crash_cases(c, broker, tid, pid, epoch, committed):
    # kill -9 with a TV2 transaction open: it survives the restart and commits whole.
    committed += produce_both(c, tid, pid, epoch, b"t4")
    c.close()
    broker.restart(signal.SIGKILL)
    c = eos_util.reconnect(broker)
    error, _, nxt = end_txn_v5(c, tid, pid, epoch, True)
    expect(error == 0 and nxt == epoch + 1,
           "EndTxn v5 after kill -9 with the transaction open: error %d epoch %d" % (error, nxt))
    epoch = nxt
    # kill -9 right after the EndTxn is sent: the retry answers the bumped epoch.
    committed += produce_both(c, tid, pid, epoch, b"t5")
    c.conn.send(end_txn_v5_frame(c, tid, pid, epoch, True)[1])
    broker.restart(signal.SIGKILL)
    c.close()
    c = eos_util.reconnect(broker)
    error, _, nxt = end_txn_v5(c, tid, pid, epoch, True)
    expect(error == 0 and nxt == epoch + 1,
           "EndTxn v5 retried after kill -9: error %d epoch %d -> %d" % (error, epoch, nxt))
    print("kill -9 with a TV2 transaction open, and right after its EndTxn: both committed")
    return c, committed


def check_reads(broker, committed, aborted):
    seen = [v for _, _, v in eos_util.read_all(broker, TOPIC, 2, True)]
    expect(sorted(seen) == sorted(committed),
           "read_committed: %d records, expected the %d committed exactly once; extra %s, "
           "missing %s" % (len(seen), len(committed), sorted(set(seen) - set(committed)),
                           sorted(set(committed) - set(seen))))
    expect(not set(seen) & set(aborted), "aborted records visible")
    everything = [v for _, _, v in eos_util.read_all(broker, TOPIC, 2, False)]
    expect(sorted(everything) == sorted(committed + aborted),
           "read_uncommitted: %d records, expected %d" % (len(everything),
                                                           len(committed) + len(aborted)))
    print("read_committed: %d committed records exactly once, 0 aborted, 0 torn" % len(seen))


def cli(binary, broker, c):
    from test_sluice_cli import Sluice
    s = Sluice(binary, broker)
    s.run("topic", "create", "cli-tv2", "-p", "2")
    s.run("produce", "-t", "cli-tv2", "--transactional-id", "cli-tv2",
          input=b"a1\na2\n\nb1\n\nc1\nc2\nc3\n")
    state = c.describe_transactions(["cli-tv2"])["cli-tv2"]
    expect(state[0] == 0 and state[1] == "CompleteCommit" and state[3] == 3,
           "after 3 transactions of sluice produce: %s (TV2 bumps the epoch at each, 0 -> 3)" %
           (state,))
    out = s.out("consume", "-t", "cli-tv2", "-e", "--isolation", "read_committed", "-f", "%s\n")
    got = sorted(v for v in out.split("\n") if v)
    expect(got == ["a1", "a2", "b1", "c1", "c2", "c3"], "sluice consume read_committed: %r" % got)
    print("sluice produce --transactional-id on TV2: 3 transactions, epoch 0 -> 3; "
          "sluice consume --isolation read_committed shows all 6 records")


def test(binary):
    broker = harness.Broker(binary).start()
    c = Client(broker)
    supported, finalized = api_features(c)
    expect(supported.get("transaction.version") == (0, 2) and
           finalized.get("transaction.version") == 2,
           "ApiVersions v3 features: supported %s finalized %s" % (supported, finalized))
    versions = c.api_versions()
    expect(versions[26][1] >= 5 and versions[0][1] >= 12, "EndTxn v5 / Produce v12 advertised")
    eos_util.create_topic(broker, TOPIC, 2)
    tid = "tv2-g8"
    pid, epoch, committed, aborted = g8(c, broker, tid)
    c, committed = crash_cases(c, broker, tid, pid, epoch, committed)
    check_reads(broker, committed, aborted)
    cli(binary, broker, c)
    c.close()


if __name__ == "__main__":
    harness.main(test, limit_s=80)
