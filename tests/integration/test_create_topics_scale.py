"""A CreateTopics of 2,000 partitions completes in seconds without stalling
other clients: a probe connection sends Metadata requests back to back the
whole time and its p99 latency stays low (the broker creates partitions in
short slices on its event loop). Each idle partition costs at most 64 KiB of
disk by `du` (index files grow on demand instead of being preallocated at
log.index.size.max.bytes)."""

import os
import struct
import subprocess
import threading
import time

import harness
from harness import expect

PARTITIONS = 2000


def create_topics_v0(name, partitions, timeout_ms):
    body = struct.pack(">i", 1) + harness.string(name)
    body += struct.pack(">ihii", partitions, 1, 0, 0)  # no assignments, no configs
    return body + struct.pack(">i", timeout_ms)


def error_of_create_v0(frame):
    r = harness.Reader(frame)
    r.take("i")  # correlation id
    expect(r.take("i") == 1, "one topic answered")
    r.string()
    return r.take("h")


def probe(broker, stop, latencies):
    c = harness.Conn(broker, timeout=30)
    cid = 1000
    while not stop.is_set():
        cid += 1
        start = time.monotonic()
        c.send(harness.request(3, 1, cid, harness.metadata_v1([])))
        c.recv_frame()
        latencies.append(time.monotonic() - start)
        time.sleep(0.002)
    c.close()


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))]


def test(binary):
    broker = harness.Broker(binary).start()
    stop = threading.Event()
    baseline = []
    t = threading.Thread(target=probe, args=(broker, stop, baseline))
    t.start()
    time.sleep(1.0)
    stop.set()
    t.join()

    stop = threading.Event()
    during = []
    t = threading.Thread(target=probe, args=(broker, stop, during))
    t.start()
    time.sleep(0.2)
    c = harness.Conn(broker, timeout=120)
    start = time.monotonic()
    c.send(harness.request(19, 0, 7, create_topics_v0("wide", PARTITIONS, 60000)))
    err = error_of_create_v0(c.recv_frame())
    took = time.monotonic() - start
    stop.set()
    t.join()
    c.close()
    expect(err == 0, "CreateTopics answered error %d" % err)
    dirs = [d for d in os.listdir(broker.data_dir) if d.startswith("wide-")]
    expect(len(dirs) == PARTITIONS, "%d partition directories" % len(dirs))
    p99 = percentile(during, 0.99)
    print("created %d partitions in %.2f s; Metadata probe: %d requests during, p50 %.1f ms, "
          "p99 %.1f ms, max %.1f ms (baseline p99 %.1f ms)" %
          (PARTITIONS, took, len(during), 1000 * percentile(during, 0.5), 1000 * p99,
           1000 * max(during), 1000 * percentile(baseline, 0.99)), flush=True)
    expect(took < 60, "creation took %.1f s" % took)
    expect(len(during) >= 10, "the probe got only %d answers while the topic was created"
           % len(during))
    expect(p99 < 0.5, "Metadata p99 %.0f ms while creating" % (1000 * p99))

    # The topic is whole and usable.
    harness.kcat(broker, "-P", "-t", "wide", "-p", str(PARTITIONS - 1), input=b"last\n")
    out = harness.kcat(broker, "-C", "-t", "wide", "-p", str(PARTITIONS - 1), "-o", "beginning",
                       "-e", "-q")
    expect(out == b"last\n", "read back %r" % out)

    # Disk: what du says about the partitions (idle ones, and the one written).
    du = subprocess.run(["du", "-s", "-B1"] + [os.path.join(broker.data_dir, d) for d in dirs],
                        stdout=subprocess.PIPE, check=True).stdout.decode().split("\n")
    sizes = [int(line.split()[0]) for line in du if line.strip()]
    print("du per partition: max %d bytes, total %.1f MiB" % (max(sizes), sum(sizes) / 2**20))
    expect(max(sizes) <= 64 * 1024, "a partition takes %d bytes of disk" % max(sizes))


if __name__ == "__main__":
    harness.main(test, limit_s=85)
