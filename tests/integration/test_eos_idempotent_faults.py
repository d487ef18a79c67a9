"""RELIABILITY G7 with D4/D5 faults: an idempotent producer
(confluent-kafka-python on librdkafka 2.0.2, enable.idempotence=true, 5
requests in flight) streams 20,000 values to 2 partitions through the
project's TCP fault proxy (fault_proxy.py; the broker advertises the proxy,
so every connection goes through it), which cuts a connection every ~150 ms,
half of the time after throwing away the broker's answers for a moment, so
that appends happen and their acknowledgements are lost. The producer
reconnects and retries its in-flight batches; the broker must recognise each
retry by its sequence and answer the original offsets. Checked afterwards
(eos_util.check_history): duplicate=0, nothing acknowledged lost or moved,
each partition in send order (nonmonotonic-send=0)."""

import time

from confluent_kafka import Producer

import eos_util
import harness
from fault_proxy import FaultProxy
from harness import expect

TOPIC = "idem-faults"
PARTITIONS = 2
COUNT = 20000



def test(binary):
    proxy = FaultProxy()
    broker = harness.Broker(binary, settings={
        "advertised.listeners": "PLAINTEXT://" + proxy.address}).start()
    proxy.target_port = broker.port
    eos_util.require_served(broker, [22])
    eos_util.create_topic(broker, TOPIC, PARTITIONS)
    delivered = {}
    failed = []
    errors = []

    def on_delivery(err, m):
        if err is not None:
            failed.append((m.value(), str(err)))
        else:
            delivered[m.value()] = (m.partition(), m.offset())

    p = Producer({"bootstrap.servers": proxy.address, "enable.idempotence": True,
                  "max.in.flight.requests.per.connection": 5, "linger.ms": 2,
                  "batch.num.messages": 100, "message.timeout.ms": 60000,
                  "retry.backoff.ms": 20, "reconnect.backoff.ms": 20,
                  "reconnect.backoff.max.ms": 200, "socket.timeout.ms": 3000,
                  "on_delivery": on_delivery, "error_cb": lambda e: errors.append(e)})
    done = []
    faults = proxy.run_faults(0.15, lambda: bool(done))
    t0 = time.time()
    for i in range(COUNT):
        eos_util.send_stream_value(p, TOPIC, i, PARTITIONS)
        if i % 200 == 0:
            p.poll(0)
            time.sleep(0.04)  # a stream of about 5 s, so that many cuts land in it
    left = p.flush(60)
    done.append(True)
    faults.join(2)
    took = time.time() - t0
    fatal = [e for e in errors if e.fatal()]
    expect(not fatal, "fatal producer errors: %s" % fatal)
    expect(left == 0, "%d values still unacknowledged after flush" % left)
    expect(not failed, "%d deliveries failed, first: %s" % (len(failed), failed[:3]))
    expect(len(delivered) == COUNT, "%d of %d acknowledged" % (len(delivered), COUNT))
    expect(proxy.cuts >= 10, "only %d cuts landed during the stream" % proxy.cuts)

    # Read back through the proxy (what the broker advertises), faults off.
    records = eos_util.read_all(broker, TOPIC, PARTITIONS, False, limit_s=30)
    proxy.close()
    eos_util.check_history(records, delivered, PARTITIONS, COUNT)
    print("%d values in %.1f s through %d connection cuts (%d after dropping answers); "
          "%d non-fatal client errors; duplicate=0, lost=0, order kept per partition" %
          (COUNT, took, proxy.cuts, proxy.answers_dropped, len(errors)))


if __name__ == "__main__":
    harness.main(test, limit_s=120)
