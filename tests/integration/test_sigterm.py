"""SIGTERM with librdkafka clients connected (confluent-kafka): a producer
with acks=all sending continuously and a group consumer long-polling. The
broker must answer what is in flight and exit well under
sluice.shutdown.timeout.ms (10 s), every time: 20 rounds, each on a fresh
broker, each bounded (docs/broker.md "Shutdown")."""

import threading
import time

import harness
from harness import expect

ROUNDS = 20
# Well under the 10 s shutdown timeout: answering what is in flight (a Fetch
# waits at most fetch.wait.max.ms, a Produce one fdatasync) takes far less.
LIMIT_S = 3.0
# Large enough that a write or an fdatasync is nearly always in flight when
# the signal lands: an acks=all Produce waits on both.
PAYLOAD = b"x" * 16384


def one_round(binary, i):
    from confluent_kafka import Consumer, Producer

    broker = harness.Broker(binary, settings={"group.initial.rebalance.delay.ms": "0"}).start()
    stop = threading.Event()
    delivered = [0]

    def on_delivery(err, msg):
        if err is None:
            delivered[0] += 1

    producer = Producer({"bootstrap.servers": broker.address, "acks": "all", "linger.ms": 5,
                         "reconnect.backoff.max.ms": 100})
    consumer = Consumer({"bootstrap.servers": broker.address, "group.id": "g%d" % i,
                         "auto.offset.reset": "earliest", "fetch.wait.max.ms": 500,
                         # Nothing to commit at close, so close() does not wait
                         # on the broker this test stopped.
                         "enable.auto.commit": False,
                         "reconnect.backoff.max.ms": 100})
    consumer.subscribe(["t"])
    consumed = [0]

    def produce():
        n = 0
        while not stop.is_set():
            try:
                producer.produce("t", PAYLOAD, on_delivery=on_delivery)
                n += 1
            except BufferError:
                pass
            producer.poll(0.002)

    def consume():
        while not stop.is_set():
            m = consumer.poll(0.1)
            if m is not None and m.error() is None:
                consumed[0] += 1

    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for t in threads:
        t.start()
    try:
        # Until both clients are busy: deliveries acknowledged and records consumed.
        deadline = time.time() + 15
        while (delivered[0] < 50 or consumed[0] < 10) and time.time() < deadline:
            time.sleep(0.02)
        expect(delivered[0] >= 50 and consumed[0] >= 10,
               "round %d: clients not busy (delivered %d, consumed %d)"
               % (i, delivered[0], consumed[0]))
        # Vary the moment within a consumer's long-poll.
        time.sleep((i % 5) * 0.1)
        started = time.time()
        rc = broker.stop(timeout=15)
        took = time.time() - started
    finally:
        stop.set()
        for t in threads:
            t.join()
        consumer.close()
        producer.flush(0)
    expect(rc == 0, "round %d: exit code %r" % (i, rc))
    out = broker.output()
    expect("shutdown_complete" in out, "round %d: no shutdown_complete" % i)
    broker.cleanup()
    print("round %d: %.2f s (delivered %d, consumed %d)" % (i, took, delivered[0], consumed[0]),
          flush=True)
    return took


def test(binary):
    times = [one_round(binary, i) for i in range(ROUNDS)]
    print("SIGTERM to exit, s: " + " ".join("%.2f" % t for t in times))
    slow = [(i, t) for i, t in enumerate(times) if t > LIMIT_S]
    expect(not slow, "rounds over %.1f s: %r" % (LIMIT_S, slow))


if __name__ == "__main__":
    harness.main(test, limit_s=85)
