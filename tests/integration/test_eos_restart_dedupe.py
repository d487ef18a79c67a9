"""RELIABILITY.md G5, dedupe across restart: an idempotent batch is acked
(acks=all), the broker is killed (-9; every 10th cycle a clean SIGTERM
instead, so recovery starts from a clean-close snapshot too) and restarted,
and the same bytes are resent: the broker must answer the original offsets
and write nothing, its producer state rebuilt from the snapshot and the log
after it. Small segments make the log roll (a snapshot at each roll) as the
cycles go. Every 5th batch carries maxTimestamp -1 in its header, as Sarama
1.22 sends them (Kafka sets the real maximum as it appends): the producer
must not look expired after recovery because of it. Each cycle also resends
a batch 4 back (inside the 5-batch window) and checks the log end offset; at
the end every value is in the log exactly once, in order, and a new
InitProducerId after all the restarts never hands out a producer id given
before.
test_eos_restart_dedupe_slow.py runs the same with 500 cycles."""

import signal

import eos_util
import harness
from eos_util import expect, idempotent_batch

TOPIC = "g5"


def value(i, j):
    return b"g5-%05d-%d-" % (i, j) + b"v" * 300


def run(binary, cycles):
    broker = harness.Broker(binary, settings={"log.segment.bytes": "4096"}).start()
    eos_util.require_served(broker, [22])
    eos_util.create_topic(broker, TOPIC, 1)
    c = eos_util.Client(broker)
    error, pid, epoch = c.init_producer_id()
    expect(error == 0, "InitProducerId: error %d" % error)
    pids = {pid}
    batches = []
    kills = 0
    for i in range(cycles):
        batch = idempotent_batch(pid, epoch, 2 * i, [value(i, 0), value(i, 1)],
                                 max_timestamp_ms=-1 if i % 5 == 2 else None)
        batches.append(batch)
        got = c.produce(TOPIC, 0, batch)
        expect(got == (0, 2 * i), "cycle %d: first append answered %s, expected (0, %d)" %
               (i, got, 2 * i))
        c.close()
        sig = signal.SIGTERM if i % 10 == 9 else signal.SIGKILL
        rc = broker.restart(sig)
        expect(rc == (0 if sig == signal.SIGTERM else -9), "cycle %d: exit %s" % (i, rc))
        kills += sig == signal.SIGKILL
        c = eos_util.reconnect(broker)
        got = c.produce(TOPIC, 0, batch)
        expect(got == (0, 2 * i), "cycle %d: resend after restart answered %s, original (0, %d)" %
               (i, got, 2 * i))
        if i >= 4:
            got = c.produce(TOPIC, 0, batches[i - 4])
            expect(got == (0, 2 * (i - 4)), "cycle %d: resend of batch %d answered %s" %
                   (i, i - 4, got))
        end = c.end_offset(TOPIC, 0)
        expect(end == 2 * (i + 1), "cycle %d: log end %d, expected %d" % (i, end, 2 * (i + 1)))
    values = [v for _, _, v in eos_util.read_all(broker, TOPIC, 1, False, limit_s=30)]
    want = [value(i, j) for i in range(cycles) for j in range(2)]
    expect(values == want, "log holds %d values, expected %d in order (first mismatch at %s)" %
           (len(values), len(want),
            next((k for k, (a, b) in enumerate(zip(values, want)) if a != b), min(len(values),
                                                                                 len(want)))))
    error, new_pid, _ = c.init_producer_id()
    expect(error == 0 and new_pid not in pids, "InitProducerId after the restarts: error %d, "
           "pid %d (given before: %s)" % (error, new_pid, sorted(pids)))
    c.close()
    print("G5: %d cycles (%d kill -9), every resend a duplicate at its original offset, "
          "log of %d values intact, duplicate=0" % (cycles, kills, len(values)))


def test(binary):
    run(binary, 50)


if __name__ == "__main__":
    harness.main(test)
