"""Fetch storm (RELIABILITY.md F6): many consumers fetch from offset 0 with
max_bytes = 2^31-1. Every answer is capped by the broker's fetch.max.bytes
(plus at most one whole batch, KIP-74), the records come from the segment
files with sendfile, and the broker's memory stays flat while the answers
wait in unread sockets."""

import os
import struct
import time

import harness
from harness import Conn, Reader, expect, kcat

CONSUMERS = 400
FETCH_MAX = 1 << 20


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fetch_v4(topic, partition, offset):
    body = struct.pack(">iiiib", -1, 100, 1, 0x7FFFFFFF, 0) + struct.pack(">i", 1)
    body += harness.string(topic) + struct.pack(">i", 1)
    body += struct.pack(">iqi", partition, offset, 0x7FFFFFFF)
    return harness.request(1, 4, 3, body)


def record_bytes(frame):
    """The size of the one partition's records in a Fetch v4 answer."""
    r = Reader(frame)
    r.take("i")  # correlation id
    r.take("i")  # throttle
    r.take("i")  # topics
    r.string()
    r.take("i")  # partitions
    _index, error, _hw, _lso = r.take("ihqq")
    expect(error == 0, "fetch error %d" % error)
    r.take("i")  # aborted transactions (null)
    return r.take("i")


def test(binary):
    broker = harness.Broker(binary, settings={"num.partitions": 1,
                                              "fetch.max.bytes": FETCH_MAX}).start()
    # ~8 MiB in batches of at most ~64 KiB.
    lines = b"".join(b"%07d-" % i + b"x" * 1000 + b"\n" for i in range(8000))
    kcat(broker, "-P", "-t", "storm", "-X", "batch.size=65536", input=lines, timeout=60)
    pid = broker.proc.pid
    rss0 = rss_kib(pid)

    conns = []
    for _ in range(CONSUMERS):
        c = Conn(broker, timeout=30)
        c.send(fetch_v4("storm", 0, 0))
        conns.append(c)
    # Nobody reads yet: the answers wait in the broker, which must not copy them.
    time.sleep(1.5)
    peak = rss_kib(pid)
    largest = 0
    for c in conns:
        size = record_bytes(c.recv_frame())
        largest = max(largest, size)
        c.close()
    growth_mib = (peak - rss0) / 1024
    print("%d fetches of max_bytes 2^31-1: largest answer %d record bytes (fetch.max.bytes %d), "
          "RSS growth %.1f MiB" % (CONSUMERS, largest, FETCH_MAX, growth_mib))
    expect(0 < largest <= FETCH_MAX + 1048588, "answer of %d bytes past the cap" % largest)
    expect(growth_mib <= 64, "RSS grew %.1f MiB" % growth_mib)
    out = kcat(broker, "-C", "-t", "storm", "-o", "-1", "-e", "-f", "%s\n").split()
    expect(out[-1].startswith(b"0007999-"), "broker still serves: %r" % out[-1:])
    broker.stop()


if __name__ == "__main__":
    harness.main(test, limit_s=80)
