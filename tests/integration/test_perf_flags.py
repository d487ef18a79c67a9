"""sluice perf takes Kafka's perf-tool flags: bootstrap.servers in
--producer-props / --consumer.config is where it connects (no -b given),
kafka-consumer-perf-test's --messages, --print-metrics' table, and a
--report that records the run's settings."""

import os
import tempfile

import harness
from harness import Broker, expect
from test_sluice_cli import Sluice


def test(binary):
    broker = Broker(binary).start()
    s = Sluice(binary, broker)
    s.run("topic", "create", "perf", "-p", "2")
    work = tempfile.mkdtemp(prefix="sluice-perf-flags-")
    report = os.path.join(work, "produce.html")
    env_free = dict(os.environ)
    env_free.pop("SLUICE_BOOTSTRAP_SERVERS", None)

    # No -b: the producer props say where the broker is (Kafka's habit).
    p = s.run("perf", "produce", "--topic", "perf", "--num-records", "2000", "--record-size", "50",
              "--throughput", "-1", "--producer-props", "bootstrap.servers=" + broker.address,
              "acks=1", "linger.ms=2", "--print-metrics", "--report", report, bootstrap=False,
              timeout=60)
    out = p.stdout.decode()
    expect("2000 records sent" in out, "perf produce reached the broker: %s" % out)
    expect("producer-metrics:record-send-total:{client-id=sluice}" in out and
           ": 2000.000" in out, "--print-metrics table: %s" % out)
    with open(report) as f:
        page = f.read()
    for setting in ("--record-size 50", "--producer-props", "acks=1", "linger.ms=2"):
        expect(setting in page, "report records %r" % setting)

    # A properties file and --messages, as kafka-consumer-perf-test takes them.
    config = os.path.join(work, "consumer.properties")
    with open(config, "w") as f:
        f.write("# where to read\nbootstrap.servers=%s\nfetch.max.wait.ms=100\n" % broker.address)
    c = s.run("perf", "consume", "--topic", "perf", "--messages", "2000", "--consumer.config",
              config, "--print-metrics", bootstrap=False, timeout=60)
    out = c.stdout.decode()
    expect("data.consumed.in.nMsg" in out, "perf consume header: %s" % out)
    expect("consumer-fetch-manager-metrics:records-consumed-total:{client-id=sluice}" in out,
           "consumer metrics: %s" % out)

    # A bad property file is a usage error (exit 2) before any connection.
    bad = s.run("perf", "consume", "--topic", "perf", "--messages", "1", "--consumer.config",
                os.path.join(work, "missing.properties"), check=False)
    expect(bad.returncode == 2, "missing config file exits 2, got %d" % bad.returncode)


if __name__ == "__main__":
    harness.main(test, limit_s=60)
