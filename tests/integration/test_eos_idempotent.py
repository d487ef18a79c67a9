"""An idempotent producer (confluent-kafka-python on librdkafka 2.0.2,
enable.idempotence=true, 5 requests in flight) streams 30,000 values to 3
partitions while the broker is killed -9 and restarted 4 times mid-stream.
Every delivery report (partition, offset, value) is recorded; then a
consumer reads everything back and the history is checked: no value twice,
every acknowledged value at the offset its report gave, each partition's
values in the order the producer sent them, and nothing the producer did not
send. Without producer state that survives the kill (or with a broker that
appends retries again) the retried in-flight batches show up as duplicates;
a producer-state mismatch shows up as a fatal idempotence error."""

import signal
import time

from confluent_kafka import Producer

import eos_util
import harness
from harness import expect

TOPIC = "idem"
PARTITIONS = 3
COUNT = 30000
KILL_AT = (6000, 12000, 18000, 24000)



def test(binary):
    broker = harness.Broker(binary).start()
    eos_util.require_served(broker, [22])
    eos_util.create_topic(broker, TOPIC, PARTITIONS)
    delivered = {}  # value -> (partition, offset)
    failed = []
    errors = []

    def on_delivery(err, m):
        if err is not None:
            failed.append((m.value(), str(err)))
        else:
            delivered[m.value()] = (m.partition(), m.offset())

    def on_error(err):
        errors.append(err)

    p = Producer({"bootstrap.servers": broker.address, "enable.idempotence": True,
                  "linger.ms": 2, "batch.num.messages": 200, "message.timeout.ms": 45000,
                  "retry.backoff.ms": 50, "reconnect.backoff.ms": 50,
                  "reconnect.backoff.max.ms": 250, "socket.timeout.ms": 5000,
                  "on_delivery": on_delivery, "error_cb": on_error})
    kills = 0
    t0 = time.time()
    for i in range(COUNT):
        eos_util.send_stream_value(p, TOPIC, i, PARTITIONS)
        if i % 500 == 0:
            p.poll(0)
            time.sleep(0.02)  # spread the stream so the kills land in its middle
        if i in KILL_AT:
            in_flight = len(p)
            rc = broker.restart(signal.SIGKILL)
            expect(rc == -9, "broker killed: %s" % rc)
            kills += 1
            print("kill -9 #%d after %d values sent, %d acknowledged, %d queued" %
                  (kills, i + 1, len(delivered), in_flight))
    left = p.flush(50)
    fatal = [e for e in errors if e.fatal()]
    expect(not fatal, "fatal producer errors: %s" % fatal)
    expect(left == 0, "%d values still unacknowledged after flush" % left)
    expect(not failed, "%d deliveries failed, first: %s" % (len(failed), failed[:3]))
    expect(len(delivered) == COUNT, "%d of %d acknowledged" % (len(delivered), COUNT))
    print("produced %d values in %.1f s across %d kills; %d non-fatal client errors (%s)" %
          (COUNT, time.time() - t0, kills, len(errors), sorted({e.name() for e in errors})))

    records = eos_util.read_all(broker, TOPIC, PARTITIONS, False, limit_s=30)
    eos_util.check_history(records, delivered, PARTITIONS, COUNT)
    print("history: %d values, duplicate=0, lost=0, per-partition order kept" % len(records))
    # One producer id and epoch from start to end: had the broker lost its
    # producer state across a kill, librdkafka would have had to reset (a new
    # id or epoch, sequences from 0), and each partition's last sequence shows it.
    c = eos_util.Client(broker)
    if eos_util.served(c, 61):
        got = c.describe_producers(TOPIC, list(range(PARTITIONS)))
        for part in range(PARTITIONS):
            error, producers = got[part]
            expect(error == 0 and len(producers) == 1 and
                   producers[0][2] == COUNT // PARTITIONS - 1,
                   "DescribeProducers partition %d: error %d %s (expected one producer with "
                   "last sequence %d)" % (part, error, producers, COUNT // PARTITIONS - 1))
        print("DescribeProducers: one producer id, epoch %d, last sequence %d on each partition"
              % (got[0][1][0][1], COUNT // PARTITIONS - 1))
    c.close()


if __name__ == "__main__":
    harness.main(test, limit_s=80)
