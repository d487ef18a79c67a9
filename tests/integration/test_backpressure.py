"""A client that pipelines requests and does not read the answers (RELIABILITY
F5) makes the broker stop reading from it instead of queueing answers without
bound; other clients are served meanwhile, and once the client reads, every
answer arrives, in order."""

import socket
import struct
import time

import harness
from harness import expect, kcat

REQUESTS = 40000
TOPICS = 100


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test(binary):
    broker = harness.Broker(binary).start()
    kcat(broker, "-P", "-t", "other", input=b"x\n")
    # Big answers, small requests: Metadata for all of 100 topics (~3 KiB each,
    # ~120 MiB in all, far more than the kernel's socket buffers hold).
    c = harness.Conn(broker)
    c.send(harness.request(3, 1, 1, harness.metadata_v1(["t%03d" % i for i in range(TOPICS)])))
    c.recv_frame()
    c.close()
    base_rss = rss_kib(broker.proc.pid)

    all_topics = struct.pack(">i", -1)
    frames = b"".join(harness.request(3, 1, i, all_topics) for i in range(REQUESTS))
    c = harness.Conn(broker)
    c.sock.setblocking(False)
    sent = harness.push_unread(c.sock, frames)
    time.sleep(0.5)  # let the broker do all it would do
    grown = rss_kib(broker.proc.pid) - base_rss
    print("sent %d of %d request bytes without reading; broker RSS grew %d KiB" %
          (sent, len(frames), grown))
    # Without backpressure the broker would hold ~120 MiB of answers.
    expect(grown < 32 * 1024, "RSS grew by %d KiB" % grown)

    out = kcat(broker, "-C", "-t", "other", "-e", "-f", "%s\n").decode().split()
    expect(out == ["x"], "another client was not served: %r" % out)

    # Now read: the rest of the requests go through and every answer comes in order.
    c.sock.setblocking(True)
    c.sock.settimeout(20)
    expected = 0
    buf = b""
    while expected < REQUESTS:
        if sent < len(frames):
            c.sock.setblocking(False)
            try:
                sent += c.sock.send(frames[sent:sent + 65536])
            except BlockingIOError:
                pass
            c.sock.settimeout(20)
        try:
            chunk = c.sock.recv(1 << 20)
        except socket.timeout:
            raise AssertionError("no answer after %d" % expected)
        expect(chunk, "closed after %d answers" % expected)
        buf += chunk
        pos = 0
        while len(buf) - pos >= 8:
            (size,) = struct.unpack_from(">i", buf, pos)
            if len(buf) - pos < 4 + size:
                break
            (corr,) = struct.unpack_from(">i", buf, pos + 4)
            expect(corr == expected, "answer %d has correlation id %d" % (expected, corr))
            expected += 1
            pos += 4 + size
        buf = buf[pos:]
    c.close()
    print("all %d answers arrived in order" % REQUESTS)


if __name__ == "__main__":
    harness.main(test)
