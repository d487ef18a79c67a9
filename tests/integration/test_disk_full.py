"""Disk full on a small tmpfs (needs root to mount it; skipped otherwise).

Produce until the file system is full: the broker answers
KAFKA_STORAGE_ERROR (56, retriable: librdkafka retries it), keeps serving
reads of what it holds, and once space is freed takes writes again without a
restart. Every acknowledged record is there afterwards, in order, and
nothing half-written: a librdkafka producer that kept retrying through the
full disk gets all its messages delivered once space is back, and a restart
reads the same log."""

import os
import time

import harness
from harness import expect, kcat

TOPIC = "full"


def produce(conn, cid, values):
    batch = harness.record_batch([(None, v) for v in values])
    conn.send(harness.request(0, 3, cid, harness.produce_v3(TOPIC, [(0, batch)], acks=-1)))
    r = harness.Reader(conn.recv_frame())
    expect(r.take("i") == cid, "correlation id")
    r.take("i")
    r.string()
    r.take("i")
    _index, error, base, _lat = r.take("ihqq")
    return error, base


def consume_all(broker):
    out = kcat(broker, "-C", "-t", TOPIC, "-p", "0", "-o", "beginning", "-e", "-q",
               "-f", "%o %s\n", timeout=60)
    rows = [line.split(b" ", 1) for line in out.splitlines() if line]
    return [(int(o), v) for o, v in rows]


def test(binary):
    with harness.small_tmpfs("6m", "sluice-full-") as mnt:
        if mnt is not None:
            run(binary, mnt)


def run(binary, mnt):
    data = os.path.join(mnt, "deep", "parents", "data")  # missing parents are created
    filler = os.path.join(mnt, "filler")
    broker = harness.Broker(binary, data_dir=data)
    broker.log_path = mnt.rstrip("/") + ".broker.log"  # outside the small file system
    broker.start()
    kcat(broker, "-L", "-t", TOPIC)  # auto-creates it
    # Leave about 1.5 MiB free.
    st = os.statvfs(mnt)
    with open(filler, "wb") as f:
        f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - (3 << 19)))

    acked = []  # (offset, value)
    c = harness.Conn(broker)
    cid, errors = 0, []
    payload = b"x" * 8000
    for i in range(1000):
        values = [b"v%06d-%d-" % (i, j) + payload for j in range(8)]
        cid += 1
        error, base = produce(c, cid, values)
        if error == 0:
            acked += [(base + j, v) for j, v in enumerate(values)]
        else:
            errors.append(error)
            if len(errors) >= 3:
                break
    expect(errors, "the disk never filled up (%d records acked)" % len(acked))
    st = os.statvfs(mnt)
    print("full after %d acked records; errors %s; %d bytes free" %
          (len(acked), errors, st.f_bavail * st.f_frsize))
    expect(set(errors) == {56}, "errors on a full disk: %s (want KAFKA_STORAGE_ERROR)" % errors)
    expect(broker.proc.poll() is None, "the broker died")

    # Reads of existing data keep working.
    got = consume_all(broker)
    expect(got == acked, "read %d records while full, %d acked" % (len(got), len(acked)))

    # A librdkafka producer keeps retrying KAFKA_STORAGE_ERROR; free space
    # meanwhile and all its messages get through.
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": broker.address, "acks": "all",
                  "message.timeout.ms": 40000, "retry.backoff.ms": 200,
                  "linger.ms": 5})
    delivered, failed = [], []

    def on_delivery(err, msg):
        (failed if err else delivered).append((err, msg.offset(), msg.value()))

    late = [b"late-%04d-" % i + payload for i in range(200)]
    for v in late:
        p.produce(TOPIC, v, partition=0, on_delivery=on_delivery)
    p.poll(2.0)
    expect(not delivered, "%d delivered to a full disk" % len(delivered))
    os.unlink(filler)  # space is back, no restart
    freed_at = time.time()
    left = p.flush(40)
    expect(left == 0 and not failed,
           "%d undelivered, failures %s" % (left, [str(e) for e, _, _ in failed[:3]]))
    print("librdkafka: %d delivered, the last %.1f s after space came back" %
          (len(delivered), time.time() - freed_at))
    acked += [(o, v) for _, o, v in delivered]

    # Raw produce works again too.
    cid += 1
    error, base = produce(c, cid, [b"after"])
    expect(error == 0, "produce after freeing space: error %d" % error)
    acked.append((base, b"after"))
    c.close()

    acked.sort()
    offsets = [o for o, _ in acked]
    expect(offsets == list(range(len(acked))), "acked offsets are not 0..n-1 without gaps")
    got = consume_all(broker)
    expect(got == acked, "%d records read back, %d acked" % (len(got), len(acked)))
    with open(broker.log_path, errors="replace") as f:
        expect("is offline" not in f.read(), "a log dir went offline")
    broker.restart()
    got = consume_all(broker)
    expect(got == acked, "after a restart: %d records read back, %d acked" % (len(got), len(acked)))
    print("all %d acknowledged records present, in order, before and after a restart" % len(acked))
    broker.stop()


if __name__ == "__main__":
    harness.main(test, limit_s=85)
