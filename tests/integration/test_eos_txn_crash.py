"""Crash points inside the transaction coordinator: a raw transactional
producer (eos_util.py) writes one transaction over 3 partitions, sends
EndTxn (commit, or every third time abort) and the broker is killed -9 a
moment later, from at once to 8 ms after (so the kill lands before the
prepare record is durable, after it, between markers, or after the
answer). After each restart InitProducerId for the same transactional id
(retried while the coordinator answers CONCURRENT_TRANSACTIONS) must
settle the previous transaction. At the end, with read_committed across
the 3 partitions, every transaction is visible in all 3 or in none, never
in some; an aborted one never; one whose commit was answered always; the
last stable offset of each partition is its high watermark (nothing left
hanging); read_uncommitted still holds every record written.
test_eos_txn_crash_slow.py runs more rounds."""

import random
import select
import time

import eos_util
import harness
from eos_util import expect, idempotent_batch

TOPIC = "crash"
PARTITIONS = 3
TID = "crash-tx"
DELAYS = (0, 0.0005, 0.001, 0.002, 0.004, 0.008)


def value(k, p, i):
    return b"k%04d-p%d-%d" % (k, p, i)


def one_round(broker, k, commit, delay):
    """Writes transaction k, sends EndTxn, kills the broker `delay` s later;
    returns the EndTxn error if its answer came before the kill, else None."""
    c = eos_util.reconnect(broker)
    error, pid, epoch = eos_util.retry("init", lambda: c.init_producer_id(TID, 20000), 30)
    expect(error == 0, "round %d: InitProducerId error %d" % (k, error))
    errs = eos_util.retry("add", lambda: (
        max(c.add_partitions(TID, pid, epoch, TOPIC, list(range(PARTITIONS))).values()),))
    expect(errs[0] == 0, "round %d: AddPartitionsToTxn error %d" % (k, errs[0]))
    for p in range(PARTITIONS):
        batch = idempotent_batch(pid, epoch, 0, [value(k, p, i) for i in range(2)],
                                 transactional=True)
        error, _ = c.produce(TOPIC, p, batch, transactional_id=TID)
        expect(error == 0, "round %d: produce to %d: error %d" % (k, p, error))
    cid, frame = c.end_txn_request(TID, pid, epoch, commit)
    c.conn.send(frame)
    if delay:
        time.sleep(delay)
    answered = None
    if select.select([c.conn.sock], [], [], 0)[0]:
        try:
            r = harness.Reader(c.conn.recv_frame())
            if r.take("i") == cid:
                r.take("i")
                answered = r.take("h")
        except (OSError, EOFError):
            pass
    broker.proc.kill()
    broker.proc.wait()
    c.close()
    broker.start(broker.port)
    return answered


def run(binary, rounds):
    broker = harness.Broker(binary, settings={
        "transaction.abort.timed.out.transaction.cleanup.interval.ms": "200"}).start()
    eos_util.require_served(broker, [22, 24, 26])
    eos_util.create_topic(broker, TOPIC, PARTITIONS)
    rng = random.Random(12)
    wanted = {}  # k -> commit?
    answered = {}
    for k in range(rounds):
        commit = k % 3 != 2
        wanted[k] = commit
        answered[k] = one_round(broker, k, commit, DELAYS[k % len(DELAYS)] * rng.uniform(0.5, 1.5))
    c = eos_util.reconnect(broker)
    error, _, _ = eos_util.retry("init", lambda: c.init_producer_id(TID, 20000), 30)
    expect(error == 0, "final InitProducerId: error %d" % error)
    for p in range(PARTITIONS):
        deadline = time.time() + 10
        while (c.end_offset(TOPIC, p, read_committed=True) != c.end_offset(TOPIC, p) and
               time.time() < deadline):
            time.sleep(0.1)
        lso, hw = c.end_offset(TOPIC, p, read_committed=True), c.end_offset(TOPIC, p)
        expect(lso == hw, "partition %d: LSO %d below HW %d: a transaction left hanging" %
               (p, lso, hw))
    c.close()

    visible = {}
    for p, _, v in eos_util.read_all(broker, TOPIC, PARTITIONS, True, limit_s=30):
        k = int(v[1:5])
        visible.setdefault(k, []).append(v)
    torn = {k: sorted(vs) for k, vs in visible.items()
            if sorted(vs) != sorted(value(k, p, i) for p in range(PARTITIONS) for i in range(2))}
    expect(not torn, "%d torn transactions, e.g. %s" % (len(torn), list(torn.items())[:2]))
    shown_aborts = [k for k in visible if not wanted[k]]
    expect(not shown_aborts, "aborted transactions visible: %s" % shown_aborts)
    lost = [k for k, e in answered.items() if e == 0 and wanted[k] and k not in visible]
    expect(not lost, "commits answered before the kill but not visible: %s" % lost)
    everything = eos_util.read_all(broker, TOPIC, PARTITIONS, False, limit_s=30)
    expect(len(everything) == rounds * PARTITIONS * 2,
           "read_uncommitted holds %d records, written %d" %
           (len(everything), rounds * PARTITIONS * 2))
    commits = sum(1 for k in wanted if wanted[k])
    print("%d rounds killed after EndTxn: %d of %d commits visible in all 3 partitions "
          "(%d answered before the kill), %d aborts invisible, torn=0" %
          (rounds, len(visible), commits, sum(1 for e in answered.values() if e == 0),
           rounds - commits))


def test(binary):
    run(binary, 30)


if __name__ == "__main__":
    harness.main(test)
