"""RELIABILITY.md G1-G4 and G6 with a raw client (eos_util.py): RecordBatch v2
built by hand with a producer id, epoch and sequence, sent with Produce v3.
  G1 the same batch bytes resent 1,000 times: the original base offset every
     time, the log end offset unchanged, the next sequence still accepted;
  G2 a sequence gap: OUT_OF_ORDER_SEQUENCE_NUMBER (45), nothing written;
  G3 the last 5 batches are duplicates at their original offsets; the 6th
     from last is refused (45 or 46), the log end unchanged;
  G4 an idempotent epoch bump must start at sequence 0, after which the old
     epoch is refused (47/90); InitProducerId again for a transactional id
     keeps the producer id, bumps the epoch and fences the old one;
  G6 once DeleteRecords moves the log start past a producer's batches the
     broker forgets it and accepts any sequence (while before it refused);
and a transaction left open past its transaction.timeout.ms is aborted by
the broker: the LSO holds at its first offset while open, then passes it; a
read_committed consumer skips its records, read_uncommitted sees them; the
producer's old epoch is fenced; DescribeTransactions/ListTransactions show
it completed when served."""

import time

import eos_util
import harness
from eos_util import Client, expect, idempotent_batch

FENCED = (eos_util.INVALID_PRODUCER_EPOCH, eos_util.PRODUCER_FENCED)


def new_producer(c):
    error, pid, epoch = c.init_producer_id()
    expect(error == 0 and pid >= 0 and epoch == 0,
           "InitProducerId (idempotent): error %d pid %d epoch %d" % (error, pid, epoch))
    return pid


def g1_retry(c):
    topic = "g1"
    pid = new_producer(c)
    batch = idempotent_batch(pid, 0, 0, [b"g1-%d" % i for i in range(3)])
    expect(c.produce(topic, 0, batch) == (0, 0), "first append at 0")
    for i in range(1000):
        got = c.produce(topic, 0, batch)
        expect(got == (0, 0), "retry %d answered %s, original (0, 0)" % (i, got))
    expect(c.end_offset(topic, 0) == 3, "log end after 1,000 retries: %d, expected 3" %
           c.end_offset(topic, 0))
    nxt = idempotent_batch(pid, 0, 3, [b"g1-3"])
    expect(c.produce(topic, 0, nxt) == (0, 3), "the next sequence after the retries")
    values = [v for _, _, v in eos_util.read_all(c.broker, topic, 1, False)]
    expect(values == [b"g1-%d" % i for i in range(4)], "g1 log holds %s" % values)
    print("G1: 1,000 retries of one batch: original offset 0 each time, log end 3, duplicate=0")


def g2_gap(c):
    topic = "g2"
    pid = new_producer(c)
    expect(c.produce(topic, 0, idempotent_batch(pid, 0, 0, [b"a", b"b"])) == (0, 0), "seq 0-1")
    for gap_seq in (3, 4, 100, 2 ** 31 - 1):
        error, _ = c.produce(topic, 0, idempotent_batch(pid, 0, gap_seq, [b"gap"]))
        expect(error == eos_util.OUT_OF_ORDER_SEQUENCE,
               "sequence %d after 1: error %d, expected 45" % (gap_seq, error))
        expect(c.end_offset(topic, 0) == 2, "a refused gap wrote: log end %d" %
               c.end_offset(topic, 0))
    expect(c.produce(topic, 0, idempotent_batch(pid, 0, 2, [b"c"])) == (0, 2), "seq 2 accepted")
    print("G2: 4 sequence gaps refused with 45, nothing written; seq 2 then appended at 2")


def g3_window(c):
    topic = "g3"
    pid = new_producer(c)
    batches = [idempotent_batch(pid, 0, s, [b"g3-%d" % s]) for s in range(8)]
    for s, b in enumerate(batches):
        expect(c.produce(topic, 0, b) == (0, s), "batch %d" % s)
    for s in range(3, 8):  # the 5 newest: duplicates at their offsets
        got = c.produce(topic, 0, batches[s])
        expect(got == (0, s), "duplicate of batch %d answered %s, original (0, %d)" % (s, got, s))
    for s in (2, 1, 0):  # older than the 5-batch cache
        error, _ = c.produce(topic, 0, batches[s])
        expect(error in (eos_util.OUT_OF_ORDER_SEQUENCE, eos_util.DUPLICATE_SEQUENCE),
               "replay of batch %d (outside the window): error %d, expected 45 or 46" % (s, error))
    expect(c.end_offset(topic, 0) == 8, "log end after replays: %d" % c.end_offset(topic, 0))
    print("G3: the last 5 batches answered as duplicates at their offsets; "
          "the 6th-from-last refused; log end 8")


def g4_epochs(c):
    topic = "g4"
    pid = new_producer(c)
    expect(c.produce(topic, 0, idempotent_batch(pid, 0, 0, [b"e0-0", b"e0-1"])) == (0, 0), "e0")
    error, _ = c.produce(topic, 0, idempotent_batch(pid, 1, 5, [b"e1-bad"]))
    expect(error == eos_util.OUT_OF_ORDER_SEQUENCE,
           "a new epoch starting at sequence 5: error %d, expected 45" % error)
    expect(c.produce(topic, 0, idempotent_batch(pid, 1, 0, [b"e1-0"])) == (0, 2), "epoch 1 seq 0")
    error, _ = c.produce(topic, 0, idempotent_batch(pid, 0, 2, [b"e0-late"]))
    expect(error in FENCED, "old epoch after the bump: error %d, expected 47 or 90" % error)
    expect(c.end_offset(topic, 0) == 3, "refused writes wrote: log end %d" % c.end_offset(topic, 0))

    # Transactional id: InitProducerId again keeps the id and bumps the epoch.
    tid = "g4-tx"
    error, tpid, e0 = eos_util.retry("init", lambda: c.init_producer_id(tid))
    expect(error == 0 and tpid >= 0, "InitProducerId(%s): error %d" % (tid, error))
    error, tpid2, e1 = eos_util.retry("init", lambda: c.init_producer_id(tid))
    expect(error == 0 and tpid2 == tpid and e1 == e0 + 1,
           "InitProducerId again: error %d pid %d->%d epoch %d->%d" % (error, tpid, tpid2, e0, e1))
    got = c.add_partitions(tid, tpid, e0, topic, [0])
    expect(got.get(0) in FENCED, "AddPartitionsToTxn with the old epoch: %s" % got)
    got = eos_util.retry("add", lambda: (c.add_partitions(tid, tpid, e1, topic, [0]).get(0),))
    expect(got[0] == 0, "AddPartitionsToTxn with the new epoch: error %s" % got[0])
    error, base = c.produce(topic, 0, idempotent_batch(tpid, e1, 0, [b"tx"], transactional=True),
                            transactional_id=tid)
    expect(error == 0 and base == 3, "transactional produce: error %d base %d" % (error, base))
    error, _ = c.produce(topic, 0, idempotent_batch(tpid, e0, 1, [b"tx-old"], transactional=True),
                         transactional_id=tid)
    expect(error in FENCED, "transactional produce with the old epoch: error %d" % error)
    expect(c.end_offset(topic, 0) == 4, "log end %d" % c.end_offset(topic, 0))
    error = c.end_txn(tid, tpid, e0, True)
    expect(error in FENCED, "EndTxn with the old epoch: error %d" % error)
    error = eos_util.retry("end", lambda: c.end_txn(tid, tpid, e1, True))
    expect(error == 0, "EndTxn commit: error %d" % error)
    seen = [v for _, _, v in eos_util.read_all(c.broker, topic, 1, True)]
    expect(seen == [b"e0-0", b"e0-1", b"e1-0", b"tx"], "read_committed g4: %s" % seen)
    print("G4: bumped epoch must start at 0 (45), old epoch refused (47/90); transactional "
          "InitProducerId again: same pid, epoch %d->%d, old epoch fenced everywhere" % (e0, e1))


def g6_deleted(c):
    topic = "g6"
    pid = new_producer(c)
    expect(c.produce(topic, 0, idempotent_batch(pid, 0, 0, [b"x"] * 5)) == (0, 0), "seq 0-4")
    error, _ = c.produce(topic, 0, idempotent_batch(pid, 0, 42, [b"y"]))
    expect(error == eos_util.OUT_OF_ORDER_SEQUENCE, "seq 42 while known: error %d" % error)
    error, low = c.delete_records(topic, 0, 5)
    expect(error == 0 and low == 5, "DeleteRecords before 5: error %d low %d" % (error, low))
    got = c.produce(topic, 0, idempotent_batch(pid, 0, 42, [b"y"]))
    expect(got == (0, 5), "seq 42 after its batches were deleted: %s, expected (0, 5)" % (got,))
    got = c.produce(topic, 0, idempotent_batch(pid, 0, 43, [b"z"]))
    expect(got == (0, 6), "then seq 43 continues: %s" % (got,))
    print("G6: a producer whose batches were deleted is unknown: seq 42 accepted (refused before)")


def txn_timeout(c):
    topic = "gt"
    tid = "gt-tx"
    error, pid, epoch = eos_util.retry("init", lambda: c.init_producer_id(tid, timeout_ms=1000))
    expect(error == 0, "InitProducerId(%s, 1000 ms): error %d" % (tid, error))
    got = eos_util.retry("add", lambda: (c.add_partitions(tid, pid, epoch, topic, [0]).get(0),))
    expect(got[0] == 0, "AddPartitionsToTxn: %s" % got[0])
    batch = idempotent_batch(pid, epoch, 0, [b"open-%d" % i for i in range(3)], transactional=True)
    expect(c.produce(topic, 0, batch, transactional_id=tid) == (0, 0), "transactional produce")
    expect(c.produce(topic, 0, harness.record_batch([(None, b"plain")])) == (0, 3), "plain")
    lso = c.end_offset(topic, 0, read_committed=True)
    expect(lso == 0, "LSO while the transaction is open: %d, expected 0" % lso)
    t0 = time.time()
    describe = eos_util.served(c, 65)
    if describe:
        state = c.describe_transactions([tid])[tid]
        expect(state[0] == 0 and state[1] == "Ongoing" and state[4] == {topic: [0]},
               "DescribeTransactions while open: %s" % (state,))
    deadline = time.time() + 15
    while time.time() < deadline and c.end_offset(topic, 0, read_committed=True) < 4:
        time.sleep(0.1)
    lso, hw = c.end_offset(topic, 0, read_committed=True), c.end_offset(topic, 0)
    expect(lso == hw == 5, "after the timeout: LSO %d HW %d, expected 5 (3 + plain + marker)" %
           (lso, hw))
    print("transaction timeout: aborted by the broker %.1f s after it was seen open" %
          (time.time() - t0))
    committed = [v for _, _, v in eos_util.read_all(c.broker, topic, 1, True)]
    expect(committed == [b"plain"], "read_committed after the timeout: %s" % committed)
    everything = [v for _, _, v in eos_util.read_all(c.broker, topic, 1, False)]
    expect(everything == [b"open-0", b"open-1", b"open-2", b"plain"],
           "read_uncommitted: %s" % everything)
    error, _ = c.produce(topic, 0, idempotent_batch(pid, epoch, 3, [b"late"], transactional=True),
                         transactional_id=tid)
    expect(error in FENCED, "produce from the timed-out epoch: error %d" % error)
    error = c.end_txn(tid, pid, epoch, True)
    expect(error in FENCED, "EndTxn commit from the timed-out epoch: error %d" % error)
    if describe:
        state = c.describe_transactions([tid])[tid]
        expect(state[0] == 0 and state[1] in ("CompleteAbort", "Empty") and state[3] > epoch,
               "DescribeTransactions after the timeout: %s" % (state,))
        print("DescribeTransactions: %s, epoch %d -> %d" % (state[1], epoch, state[3]))
    if eos_util.served(c, 66):
        error, listed = c.list_transactions()
        expect(error == 0 and listed.get(tid, (None, None))[1] in ("CompleteAbort", "Empty"),
               "ListTransactions: error %d %s" % (error, listed))
        print("ListTransactions: %s %s" % (tid, listed[tid][1]))
    print("timed-out transaction: read_committed skips its 3 records, old epoch fenced")


def test(binary):
    broker = harness.Broker(binary, settings={
        "transaction.abort.timed.out.transaction.cleanup.interval.ms": "200"}).start()
    eos_util.require_served(broker, [22])
    for topic in ("g1", "g2", "g3", "g4", "g6", "gt"):
        eos_util.create_topic(broker, topic, 1)
    c = Client(broker)
    g1_retry(c)
    g2_gap(c)
    g3_window(c)
    g4_epochs(c)
    g6_deleted(c)
    eos_util.require_served(broker, [24, 26])
    txn_timeout(c)
    c.close()


if __name__ == "__main__":
    harness.main(test)
