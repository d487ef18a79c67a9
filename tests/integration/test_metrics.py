"""The Prometheus endpoint (docs/metrics.md): GET /metrics answers the text
format; after kcat produces and consumes, the request counters, latency
histogram, bytes per topic and partition offsets have moved."""

import re
import socket
import time
import urllib.error
import urllib.request

import harness
from harness import expect, kcat

SERIES = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


def scrape(port, path="/metrics"):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        expect(r.status == 200, "status %d" % r.status)
        ctype = r.headers.get("Content-Type", "")
        expect(ctype.startswith("text/plain; version=0.0.4"), "content type %r" % ctype)
        text = r.read().decode()
    values = {}
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        m = SERIES.match(line)
        expect(m, "not a sample line: %r" % line)
        values[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return values


def test(binary):
    metrics_port = harness.free_port()
    broker = harness.Broker(binary, settings={
        "metrics.listener": "127.0.0.1:%d" % metrics_port, "num.partitions": 2}).start()
    before = scrape(metrics_port)
    expect(before['sluice_requests_total{api="Produce"}'] == 0, "Produce count before")
    # The harness's readiness probe connection closes a moment after start.
    deadline = time.time() + 3
    while before["sluice_connections_open"] != 0 and time.time() < deadline:
        time.sleep(0.05)
        before = scrape(metrics_port)
    expect(before["sluice_connections_open"] == 0, "connections before")

    n = 500
    kcat(broker, "-P", "-t", "m", "-p", "0", "-X", "acks=all",
         input=b"".join(b"value-%04d\n" % i for i in range(n)))
    mid = scrape(metrics_port)
    produce = mid['sluice_requests_total{api="Produce"}']
    expect(produce >= 1, "Produce count did not move: %r" % produce)
    expect(mid['sluice_requests_total{api="Metadata"}'] >= 1, "Metadata count")
    expect(mid['sluice_request_duration_seconds_count{api="Produce"}'] == produce,
           "histogram count != requests")
    expect(mid['sluice_request_duration_seconds_bucket{api="Produce",le="+Inf"}'] == produce,
           "+Inf bucket != count")
    expect(mid['sluice_request_duration_seconds_sum{api="Produce"}'] > 0, "latency sum")
    bytes_in = mid['sluice_topic_bytes_in_total{topic="m"}']
    expect(bytes_in >= n * 10, "bytes in %r" % bytes_in)
    expect(mid['sluice_partition_log_end_offset{topic="m",partition="0"}'] == n, "LEO")
    expect(mid['sluice_partition_high_watermark{topic="m",partition="0"}'] == n, "HW")
    expect(mid['sluice_partition_log_start_offset{topic="m",partition="0"}'] == 0, "LSO")
    expect(mid['sluice_partition_log_end_offset{topic="m",partition="1"}'] == 0, "LEO p1")
    expect(mid["sluice_topics"] == 1, "topics")
    expect(mid["sluice_connections_accepted_total"] >= 1, "accepted")
    # Durable by default: the acknowledged records were fdatasynced, and each
    # sync is in the flush histogram.
    syncs = mid["sluice_log_flush_duration_seconds_count"]
    expect(syncs >= 1, "no fdatasync counted: %r" % syncs)
    expect(mid['sluice_log_flush_duration_seconds_bucket{le="+Inf"}'] == syncs, "flush +Inf bucket")
    expect(mid["sluice_log_flush_duration_seconds_sum"] > 0, "flush sum")

    out = kcat(broker, "-C", "-t", "m", "-p", "0", "-e", "-f", "%s\n").split()
    expect(len(out) == n, "consumed %d" % len(out))
    after = scrape(metrics_port)
    bytes_out = after['sluice_topic_bytes_out_total{topic="m"}']
    expect(bytes_out >= bytes_in, "bytes out %r < bytes in %r" % (bytes_out, bytes_in))
    expect(after['sluice_requests_total{api="Fetch"}'] >= 1, "Fetch count")

    # An open client connection shows; a request in flight is a Fetch long poll.
    c = harness.Conn(broker)
    c.send(harness.request(18, 0, 1, b""))
    c.recv_frame()
    # kcat's connections close once their last Fetch long poll (500 ms) ends.
    deadline = time.time() + 3
    now = scrape(metrics_port)
    while now["sluice_connections_open"] != 1 and time.time() < deadline:
        time.sleep(0.05)
        now = scrape(metrics_port)
    expect(now["sluice_connections_open"] == 1, "open %r" % now["sluice_connections_open"])
    expect(now["sluice_requests_in_flight"] == 0, "in flight")
    c.close()

    try:
        urllib.request.urlopen("http://127.0.0.1:%d/other" % metrics_port, timeout=5)
        raise AssertionError("/other answered 200")
    except urllib.error.HTTPError as e:
        expect(e.code == 404, "/other: %d" % e.code)
    # Keep-alive: two requests on one HTTP/1.1 connection.
    s = socket.create_connection(("127.0.0.1", metrics_port), timeout=5)
    req = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
    s.sendall(req + req)
    got = b""
    while got.count(b"HTTP/1.1 200 OK") < 2:
        chunk = s.recv(65536)
        expect(chunk, "closed before two answers")
        got += chunk
    s.close()
    print("Produce %d, bytes in %d, bytes out %d" % (produce, bytes_in, bytes_out))


if __name__ == "__main__":
    harness.main(test)
