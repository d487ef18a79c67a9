"""Resource limits (RELIABILITY.md F2, F3, F4, F7) over raw sockets:
idle connections are reaped after connections.max.idle.ms, connections over
max.connections.per.ip are refused, auto-creation stops at sluice.max.topics,
and when queued.max.request.bytes is used up by a client that does not read
its answers, other connections' reads pause until it reads."""

import socket
import struct
import time

import harness
from harness import Conn, Reader, expect, kcat


def api_versions(c, correlation_id):
    c.send(harness.request(18, 0, correlation_id, b""))
    r = Reader(c.recv_frame())
    expect(r.take("i") == correlation_id, "correlation id")
    expect(r.take("h") == 0, "ApiVersions error")


def idle_reaping(binary):
    broker = harness.Broker(binary, settings={"connections.max.idle.ms": 2000}).start()
    idle = Conn(broker)
    busy = Conn(broker)
    t0 = time.time()
    api_versions(idle, 1)
    closed_at = None
    i = 2
    while time.time() - t0 < 5:
        api_versions(busy, i)  # every 0.25 s: never idle
        i += 1
        if closed_at is None and idle.closed_by_peer(wait=0.25):
            closed_at = time.time() - t0
    expect(closed_at is not None, "idle connection not closed within 5 s")
    expect(1.9 <= closed_at <= 3.5, "idle connection closed after %.2f s" % closed_at)
    api_versions(busy, i)
    busy.close()
    idle.close()
    broker.stop()
    print("idle: closed after %.2f s (limit 2 s); a busy one stayed open" % closed_at)


def per_ip_limit(binary):
    metrics_port = harness.free_port()
    broker = harness.Broker(binary, settings={
        "max.connections.per.ip": 5, "metrics.listener": "127.0.0.1:%d" % metrics_port}).start()
    # The harness's readiness probe is a connection too: it counts against
    # the limit until the broker has seen it close (on its network thread).
    deadline = time.time() + 3
    while harness.metric(metrics_port, "sluice_connections_open") != 0 and time.time() < deadline:
        time.sleep(0.02)
    conns = [Conn(broker) for _ in range(5)]
    for i, c in enumerate(conns):
        api_versions(c, i)
    extra = Conn(broker)
    t0 = time.time()
    expect(extra.closed_by_peer(wait=2), "6th connection not refused")
    refused_after = time.time() - t0
    extra.close()
    for i, c in enumerate(conns):
        api_versions(c, 10 + i)  # the first five are unaffected
    conns.pop().close()
    time.sleep(0.2)
    again = Conn(broker)
    api_versions(again, 99)
    again.close()
    for c in conns:
        c.close()
    expect("reason=max_connections_per_ip" in broker.output(), "refusal not logged")
    broker.stop()
    print("per ip: 6th refused after %.0f ms; a slot freed is usable again" %
          (refused_after * 1000))


def metadata_errors(c, topics, correlation_id):
    c.send(harness.request(3, 1, correlation_id, harness.metadata_v1(topics)))
    r = Reader(c.recv_frame())
    expect(r.take("i") == correlation_id, "correlation id")
    for _ in range(r.take("i")):
        r.take("i"), r.string(), r.take("i")  # node, host, port
        r.take("h")  # rack (null)
    r.take("i")  # controller
    errors = {}
    for _ in range(r.take("i")):
        error = r.take("h")
        name = r.string()
        r.take("b")  # internal
        for _ in range(r.take("i")):
            r.take("hii")
            for _ in range(2):  # replicas, isr
                n = r.take("i")
                r.pos += 4 * n
        errors[name] = error
    return errors


def topic_cap(binary):
    broker = harness.Broker(binary, settings={"sluice.max.topics": 3}).start()
    kcat(broker, "-P", "-t", "first", input=b"x\n")
    c = Conn(broker)
    names = ["t%d" % i for i in range(6)]
    errors = metadata_errors(c, names, 5)
    expect([errors[n] for n in names] == [0, 0, 3, 3, 3, 3], "errors %r" % errors)
    expect(metadata_errors(c, ["t0", "first", "t5"], 6) == {"t0": 0, "first": 0, "t5": 3},
           "existing topics still served")
    c.close()
    out = kcat(broker, "-C", "-t", "first", "-e", "-f", "%s\n").split()
    expect(out == [b"x"], "first topic: %r" % out)
    broker.stop()
    print("topic cap: 3 topics, later names UNKNOWN_TOPIC_OR_PARTITION")


def shared_budget(binary):
    # Each Metadata request below is ~700 bytes; 16 KiB is ~23 of them.
    broker = harness.Broker(binary, settings={"queued.max.request.bytes": 16384}).start()
    topics = ["b%03d" % i for i in range(100)]
    c = Conn(broker)
    c.send(harness.request(3, 1, 0, harness.metadata_v1(topics)))
    c.recv_frame()
    # A client that sends 20,000 big-answer requests and reads nothing: once
    # the kernel's buffers are full its unwritten answers hold the budget.
    hog = Conn(broker)
    hog.sock.setblocking(False)
    frames = b"".join(harness.request(3, 1, i, harness.metadata_v1(topics))
                      for i in range(20000))
    sent = harness.push_unread(hog.sock, frames)
    time.sleep(0.3)
    # Another connection's request is now not read: no answer while paused.
    # Its request is larger than any the hog sends, so it cannot fit in what
    # the hog's last refused frame left free.
    other = Conn(broker)
    other.send(harness.request(3, 1, 77, harness.metadata_v1(topics + topics)))
    other.sock.settimeout(1.0)
    try:
        other.sock.recv(1)
        raise AssertionError("answered while the budget was used up")
    except socket.timeout:
        pass
    # The hog reads its answers: the budget frees and the other is answered.
    hog.sock.setblocking(True)
    hog.sock.settimeout(20)
    got = 0
    total = 0
    want = None
    buf = b""
    other.sock.settimeout(20)
    while True:
        if sent < len(frames):
            hog.sock.setblocking(False)
            try:
                sent += hog.sock.send(frames[sent:sent + 65536])
            except BlockingIOError:
                pass
            hog.sock.settimeout(20)
        chunk = hog.sock.recv(1 << 20)
        expect(chunk, "hog closed after %d answers" % got)
        buf += chunk
        total += len(chunk)
        pos = 0
        while len(buf) - pos >= 4:
            (size,) = struct.unpack_from(">i", buf, pos)
            if len(buf) - pos < 4 + size:
                break
            pos += 4 + size
            got += 1
        buf = buf[pos:]
        if got == 20000:
            break
    (size,) = struct.unpack(">i", other.recv_exact(4))
    r = Reader(other.recv_exact(size))
    expect(r.take("i") == 77, "other's correlation id")
    other.close()
    hog.close()
    broker.stop()
    print("shared budget: another connection waited while 16 KiB were held, then was answered")


def test(binary):
    idle_reaping(binary)
    per_ip_limit(binary)
    topic_cap(binary)
    shared_budget(binary)


if __name__ == "__main__":
    harness.main(test)
