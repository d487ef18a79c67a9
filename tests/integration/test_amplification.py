"""Amplification and decompression bombs (RELIABILITY.md E4, E6): requests
whose work or memory could grow far beyond their size get bounded work.

- Produce with 10^6 null partitions (an 8 MB frame): refused (connection
  closed) before decoding, nothing is written, the broker's peak extra RSS
  stays within 4x the frame and its CPU within 50 ms per MiB of request; a
  request with 1,000 unknown partitions is still answered per partition.
- Metadata naming 10^5 new topics: auto-creation stops at sluice.max.topics.
- A zstd batch that would expand to 4 GiB is stored as it arrived (the broker
  never decompresses): RSS barely moves and kcat reads back the same bytes.
"""

import os
import struct
import time

import harness
from harness import Conn, Reader, expect, kcat

CLK_TCK = os.sysconf("SC_CLK_TCK")


def status_kib(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s in /proc/%d/status" % (key, pid))


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def reset_peak(pid):
    # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")


def null_partitions_produce(broker, topic, count):
    """Sends a Produce naming `count` partitions with null records; returns
    the error codes answered, or None if the broker closed the connection."""
    body = struct.pack(">hhi", -1, 1, 10000) + struct.pack(">i", 1) + harness.string(topic)
    body += struct.pack(">i", count)
    body += b"".join(struct.pack(">ii", i, -1) for i in range(count))
    frame = harness.request(0, 3, 7, body)
    pid = broker.proc.pid
    reset_peak(pid)
    rss0, cpu0 = status_kib(pid, "VmRSS"), cpu_seconds(pid)
    c = Conn(broker, timeout=60)
    c.send(frame)
    try:
        data = c.recv_frame()
    except (EOFError, ConnectionResetError):
        data = None
    cpu = cpu_seconds(pid) - cpu0
    peak = status_kib(pid, "VmHWM")
    c.close()
    frame_mib = len(frame) / 2**20
    extra_mib = (peak - rss0) / 1024
    print("produce with %d null partitions (%.2f MiB frame): %s, peak extra RSS %.1f MiB, "
          "CPU %.0f ms" % (count, frame_mib, "closed" if data is None else "answered",
                          extra_mib, cpu * 1000))
    expect(extra_mib <= max(4 * frame_mib, 2), "peak extra RSS %.1f MiB > 4 x frame" % extra_mib)
    expect(cpu * 1000 <= max(50 * frame_mib, 20), "CPU %.0f ms > 50 ms per MiB" % (cpu * 1000))
    if data is None:
        return None
    r = Reader(data)
    expect(r.take("i") == 7, "correlation id")
    expect(r.take("i") == 1, "one topic in the answer")
    expect(r.string() == topic, "topic name")
    n = r.take("i")
    expect(n == count, "%d partitions answered, want %d" % (n, count))
    errors = set()
    for _ in range(n):
        _index, error, _base, _append_time = r.take("ihqq")
        errors.add(error)
    return errors


def nullable_string(r):
    n = r.take("h")
    r.pos += max(n, 0)


def metadata_flood(broker, count, cap):
    names = ["flood-%06d" % i for i in range(count)]
    c = Conn(broker, timeout=60)
    c.send(harness.request(3, 4, 9, harness.metadata_v1(names) + b"\x01"))
    r = Reader(c.recv_frame())
    c.close()
    expect(r.take("i") == 9, "correlation id")
    r.take("i")  # throttle
    for _ in range(r.take("i")):  # brokers
        r.take("i")
        r.string()
        r.take("i")
        nullable_string(r)  # rack
    nullable_string(r)  # cluster id
    r.take("i")  # controller
    created = 0
    for _ in range(r.take("i")):
        error = r.take("h")
        r.string()
        r.take("b")
        for _ in range(r.take("i")):
            r.take("hii")
            for _ in range(2):  # replica and isr node ids
                for _ in range(r.take("i")):
                    r.take("i")
        created += error == 0
    print("metadata naming %d new topics: %d created (cap %d)" % (count, created, cap))
    expect(created <= cap, "%d topics created past the cap of %d" % (created, cap))


def zstd_rle_bomb(expanded_bytes):
    """A zstd frame of RLE blocks: 4 bytes per 128 KiB of output."""
    frame = struct.pack("<I", 0xFD2FB528) + b"\x00" + b"\x00"  # no content size, window 1 KiB
    block = 128 * 1024
    blocks = expanded_bytes // block
    out = bytearray(frame)
    for i in range(blocks):
        last = 1 if i == blocks - 1 else 0
        header = last | (1 << 1) | (block << 3)  # block type 1 = RLE
        out += header.to_bytes(3, "little") + b"A"
    return bytes(out)


def compressed_batch(payload, records):
    ts = int(time.time() * 1000)
    after_crc = struct.pack(">hiqqqhii", 4, records - 1, ts, ts, -1, -1, -1, records) + payload
    crc = harness.crc32c(after_crc)
    return struct.pack(">qiibI", 0, 4 + 1 + 4 + len(after_crc), -1, 2, crc) + after_crc


def decompression_bomb(broker, topic):
    payload = zstd_rle_bomb(4 * 2**30)
    batch = compressed_batch(payload, 1)
    pid = broker.proc.pid
    reset_peak(pid)
    rss0, cpu0 = status_kib(pid, "VmRSS"), cpu_seconds(pid)
    c = Conn(broker)
    c.send(harness.request(0, 3, 11, harness.produce_v3(topic, [(0, batch)])))
    r = Reader(c.recv_frame())
    cpu = cpu_seconds(pid) - cpu0
    peak = status_kib(pid, "VmHWM")
    c.close()
    expect(r.take("i") == 11, "correlation id")
    r.take("i")
    r.string()
    r.take("i")
    index, error, base = r.take("ihq")
    print("zstd bomb (%d KiB -> 4 GiB): error %d, peak extra RSS %.1f MiB, CPU %.0f ms"
          % (len(batch) // 1024, error, (peak - rss0) / 1024, cpu * 1000))
    expect(error == 0, "bomb batch refused with %d (the broker must store it as is)" % error)
    expect(peak - rss0 <= 10 * 1024, "peak extra RSS %d KiB > 10 MiB" % (peak - rss0))
    # The stored bytes are the bytes sent: fetch the raw batch back (Fetch v4).
    body = struct.pack(">iiiib", -1, 1000, 1, 4 << 20, 0) + struct.pack(">i", 1)
    body += harness.string(topic) + struct.pack(">i", 1) + struct.pack(">iqi", 0, base, 4 << 20)
    c = Conn(broker)
    c.send(harness.request(1, 4, 12, body))
    data = c.recv_frame()
    c.close()
    expect(payload in data, "fetched bytes differ from the stored batch")
    print("zstd bomb: fetched back byte-identical")


def test(binary):
    cap = 50
    broker = harness.Broker(binary, settings={"num.partitions": 1,
                                              "sluice.max.topics": cap}).start()
    kcat(broker, "-P", "-t", "amp", "-p", "0", input=b"before\n")
    # Up to 1,000 partitions that do not exist are answered one by one
    # (CORRUPT_MESSAGE for the null records of partition 0, UNKNOWN_TOPIC_OR_PARTITION
    # for the rest); 10^6 of them close the connection before any decoding.
    errors = null_partitions_produce(broker, "amp", 1001)
    expect(errors == {2, 3}, "errors for 1,001 entries: %r" % errors)
    expect(null_partitions_produce(broker, "amp", 1_000_000) is None,
           "10^6 null partitions answered instead of refused")
    out = kcat(broker, "-C", "-t", "amp", "-e", "-f", "%o:%s\n").split()
    expect(out == [b"0:before"], "log changed: %r" % out[:5])
    metadata_flood(broker, 100_000, cap)
    decompression_bomb(broker, "amp")
    kcat(broker, "-P", "-t", "amp", "-p", "0", input=b"after\n")
    broker.stop()


if __name__ == "__main__":
    harness.main(test, limit_s=80)
