"""Kafka's stock server.properties (config/server.properties and
config/kraft/server.properties: their keys with their values, written here)
starts Sluice without a single configuration warning, and its
log.retention.hours takes effect: set to 1, DescribeConfigs reports
retention.ms=3600000 from the broker's log.retention.hours, and a segment
whose records are two hours old is deleted by retention while one with fresh
records is kept. The start-up log names the version and the effective
configuration (docs/broker.md "Configuration")."""

import os
import subprocess
import time

import harness
from harness import expect

# Both stock files merged, in their order; log.dirs and the listeners are
# replaced below (a test binds 127.0.0.1 on a free port), and
# log.retention.hours is 1 instead of 168.
STOCK = """\
broker.id=0
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
inter.broker.listener.name=PLAINTEXT
advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
log.dirs=/tmp/kafka-logs
num.partitions=1
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
log.retention.hours=1
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
zookeeper.connect=localhost:2181
zookeeper.connection.timeout.ms=18000
group.initial.rebalance.delay.ms=0
"""


def test(binary):
    from confluent_kafka import Consumer, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, ConfigResource

    broker = harness.Broker(binary)
    port = harness.free_port()
    path = broker.data_dir.rstrip("/") + ".properties"
    with open(path, "w") as f:
        f.write(STOCK)
    # The file first, then what a test must change: where it listens and
    # stores, small segments and a quick retention check (flags win).
    args = [binary, path, "--set", "log.dirs=" + broker.data_dir,
            "--set", "listeners=PLAINTEXT://127.0.0.1:%d" % port,
            "--set", "advertised.listeners=PLAINTEXT://127.0.0.1:%d" % port,
            "--set", "metrics.listener=127.0.0.1:0",
            "--set", "log.segment.bytes=4096", "--set", "log.retention.check.interval.ms=200"]
    broker.port = port
    log = open(broker.log_path, "ab")
    broker.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 15
    while not harness_listening(port) and time.time() < deadline:
        expect(broker.proc.poll() is None, "broker exited:\n" + broker.output())
        time.sleep(0.05)
    out = broker.output()
    expect("config_warning" not in out, "warnings for Kafka's stock keys:\n" + out)
    expect("event=broker_version version=" in out, "no version line")
    expect("log.retention.ms=3600000" in out and "zookeeper.connect=localhost:2181(inert)" in out,
           "effective configuration line:\n" + out)

    admin = AdminClient({"bootstrap.servers": broker.address})
    p = Producer({"bootstrap.servers": broker.address, "acks": "all", "linger.ms": 0})
    now_ms = int(time.time() * 1000)
    old = now_ms - 2 * 3600 * 1000
    value = b"x" * 500
    # Two hours old: three segments' worth (4 KiB each) of records.
    for i in range(30):
        p.produce("ret", value, partition=0, timestamp=old + i)
        p.flush(10)
    for i in range(10):
        p.produce("ret", value, partition=0, timestamp=now_ms + i)
        p.flush(10)

    res = ConfigResource(ConfigResource.Type.TOPIC, "ret")
    entries = admin.describe_configs([res])[res].result(timeout=15)
    retention = entries["retention.ms"]
    expect(retention.value == "3600000", "retention.ms %r" % retention.value)
    expect(retention.source == 4, "retention.ms source %r (want STATIC_BROKER_CONFIG)"
           % retention.source)

    c = Consumer({"bootstrap.servers": broker.address, "group.id": "ret-check"})
    deadline = time.time() + 15
    low = high = 0
    while time.time() < deadline:
        low, high = c.get_watermark_offsets(TopicPartition("ret", 0), timeout=5)
        if low > 0:
            break
        time.sleep(0.2)
    c.close()
    expect(high == 40, "high watermark %d" % high)
    # The old segments go; the segments holding fresh records stay.
    expect(0 < low <= 30, "log start offset %d after retention (want the old segments gone)" % low)
    log.close()


def harness_listening(port):
    import socket
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


if __name__ == "__main__":
    harness.main(test, limit_s=60)
