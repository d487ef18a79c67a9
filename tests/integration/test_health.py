"""Health endpoints on the metrics listener (docs/broker.md "Health"):
/v1/status/live answers 200 as soon as the process serves HTTP, and
/v1/status/ready answers 503 while the log recovers after an unclean stop,
then 200 once recovery is done and the Kafka listener is bound. Recovery is
made long enough to watch by killing the broker (SIGKILL) after writing a
few hundred MiB, so that every segment is scanned again at start."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import harness
from harness import expect

MIB = 1 << 20


def status(port, path):
    """The HTTP status, or None while nothing listens."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=2) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, ConnectionError, socket.timeout):
        return None, ""


def kafka_listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def fill(broker, mib):
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": broker.address, "acks": "1", "linger.ms": 20,
                  "batch.num.messages": 100000, "queue.buffering.max.kbytes": 262144})
    value = os.urandom(1000)
    for i in range(mib * MIB // len(value)):
        while True:
            try:
                p.produce("big", value, partition=i % 4)
                break
            except BufferError:
                p.poll(0.05)
        if i % 1000 == 0:
            p.poll(0)
    expect(p.flush(60) == 0, "records left unsent")


def test(binary):
    metrics_port = harness.free_port()
    broker = harness.Broker(binary, settings={
        "metrics.listener": "127.0.0.1:%d" % metrics_port, "num.partitions": 4,
        "log.segment.bytes": str(16 * MIB)}).start()
    code, body = status(metrics_port, "/v1/status/ready")
    expect(code == 200 and body == "ready\n", "ready after start: %r %r" % (code, body))
    expect(status(metrics_port, "/v1/status/live")[0] == 200, "live after start")
    expect(status(metrics_port, "/v1/status/nothing")[0] == 404, "unknown path")
    fill(broker, int(os.environ.get("SLUICE_HEALTH_MIB", "300")))
    expect(broker.stop(signal.SIGKILL) == -9, "SIGKILL")

    # Start by hand: the harness's start() waits for the Kafka port, and the
    # interesting part is before that.
    args = [binary, "--port", str(broker.port), "--set", "log.dirs=" + broker.data_dir,
            "--set", "metrics.listener=127.0.0.1:%d" % metrics_port,
            "--set", "log.segment.bytes=%d" % (16 * MIB)]
    log = open(broker.log_path, "ab")
    broker.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    # One probe: ready, then live, /metrics and the Kafka port, then ready
    # again; only a probe with 503 both times was wholly during recovery.
    seen = []  # (ready before, live, /metrics, Kafka port accepting, ready after)
    deadline = time.time() + 30
    while time.time() < deadline and broker.proc.poll() is None:
        ready, body = status(metrics_port, "/v1/status/ready")
        if ready == 503:
            expect(body.startswith("not ready"), "503 body %r" % body)
        live = status(metrics_port, "/v1/status/live")[0]
        metrics = status(metrics_port, "/metrics")[0]
        kafka = kafka_listening(broker.port)
        after = status(metrics_port, "/v1/status/ready")[0]
        seen.append((ready, live, metrics, kafka, after))
        if after == 200:
            break
    log.close()
    recovering = [s for s in seen if s[0] == 503 and s[4] == 503]
    print("probes: %d, wholly during recovery: %d" % (len(seen), len(recovering)))
    expect(seen and seen[-1][4] == 200, "never ready: %r" % seen[-5:])
    expect(kafka_listening(broker.port), "ready but the Kafka port refuses connections")
    expect(recovering, "no probe saw 503 during recovery: %r" % seen[:5])
    for ready, live, metrics, kafka, after in recovering:
        expect(live == 200, "live %r while recovering" % live)
        # Not rendered while recovering: /metrics would read a half-open log.
        expect(metrics == 503, "/metrics %r while recovering" % metrics)
        expect(not kafka, "Kafka port open before ready")
    out = broker.output()
    expect("event=storage_opened" in out, "no storage_opened")


if __name__ == "__main__":
    harness.main(test, limit_s=85)
