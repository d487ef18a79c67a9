"""Debian's Prometheus scrapes the broker (docs/metrics.md): every scrape
succeeds (the whole page parses: `up` is 1), and PromQL over its HTTP API
answers what a kafka_exporter dashboard (Grafana 7589) asks: the lag of a
group that committed offsets behind the end, per partition, and the rate of
records in (Sluice's counter and the dashboard's rate of
kafka_topic_partition_current_offset). Skips when the prometheus binary is
missing (scripts/install-deps.sh installs it)."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import harness
from harness import expect
from confluent_kafka import Producer, TopicPartition
from group_util import consumer

TOPIC = "prom"
GROUP = "pg"


def query(port, promql):
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": promql}))
    with urllib.request.urlopen(url, timeout=5) as r:
        answer = json.loads(r.read().decode())
    expect(answer.get("status") == "success", "query %s: %s" % (promql, answer))
    return answer["data"]["result"]


def wait_for(port, promql, accept, seconds=25):
    """The result of `promql` once accept(result) holds; fails after `seconds`."""
    deadline = time.time() + seconds
    result = None
    while time.time() < deadline:
        try:
            result = query(port, promql)
        except OSError:  # not listening yet
            result = None
        if result is not None and accept(result):
            return result
        time.sleep(0.2)
    raise AssertionError("%s never gave the expected series; last: %s" % (promql, result))


def by_partition(result):
    return {s["metric"].get("partition"): float(s["value"][1]) for s in result}


def test(binary):
    prometheus = shutil.which("prometheus")
    if prometheus is None:
        print("SKIP: the prometheus binary is missing (apt-get install prometheus; "
              "scripts/install-deps.sh lists it)")
        return
    mport = harness.free_port()
    broker = harness.Broker(binary, settings={
        "metrics.listener": "127.0.0.1:%d" % mport, "num.partitions": 2}).start()
    work = tempfile.mkdtemp(prefix="sluice-prometheus-")
    pport = harness.free_port()
    with open(os.path.join(work, "prometheus.yml"), "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                "scrape_configs:\n  - job_name: sluice\n    static_configs:\n"
                "      - targets: ['127.0.0.1:%d']\n" % mport)
    log = open(os.path.join(work, "prometheus.log"), "w")
    prom = subprocess.Popen(
        [prometheus, "--config.file=" + os.path.join(work, "prometheus.yml"),
         "--storage.tsdb.path=" + os.path.join(work, "data"),
         "--web.listen-address=127.0.0.1:%d" % pport, "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        run(broker, pport)
    except BaseException:
        log.flush()
        with open(os.path.join(work, "prometheus.log")) as f:
            print("---- prometheus log ----\n" + f.read()[-4000:])
        raise
    finally:
        prom.terminate()
        try:
            prom.wait(10)
        except subprocess.TimeoutExpired:
            prom.kill()
            prom.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def run(broker, pport):
    # Every scrape of the whole page must parse, or `up` is 0.
    wait_for(pport, 'up{job="sluice"}', lambda r: len(r) == 1 and r[0]["value"][1] == "1")

    # Records in over a few seconds of scrapes, so the rates have samples.
    p = Producer({"bootstrap.servers": broker.address, "linger.ms": 5, "acks": "all"})
    sent = {0: 0, 1: 0}
    for _ in range(5):
        for i in range(100):
            part = i % 2
            p.produce(TOPIC, value=b"record-%d" % i, partition=part)
            sent[part] += 1
        expect(p.flush(30) == 0, "producer flushed")
        time.sleep(0.4)

    c = consumer(broker, GROUP)
    committed = {0: 150, 1: 40}
    c.commit(offsets=[TopicPartition(TOPIC, n, o) for n, o in committed.items()],
             asynchronous=False)
    c.close()  # the lag is reported without members too
    want = {str(n): float(sent[n] - committed[n]) for n in (0, 1)}

    lag = wait_for(pport, 'kafka_consumergroup_lag{consumergroup="%s",topic="%s"}' % (GROUP, TOPIC),
                   lambda r: by_partition(r) == want)
    print("kafka_consumergroup_lag: %s" % by_partition(lag))
    offsets = wait_for(
        pport, 'kafka_consumergroup_current_offset{consumergroup="%s"}' % GROUP,
        lambda r: by_partition(r) == {str(n): float(o) for n, o in committed.items()})
    expect(len(offsets) == 2, "current offsets: %s" % offsets)
    wait_for(pport, 'kafka_consumergroup_members{consumergroup="%s"}' % GROUP,
             lambda r: len(r) == 1 and r[0]["value"][1] == "0")
    wait_for(pport, 'sum(kafka_consumergroup_lag_sum{consumergroup="%s"})' % GROUP,
             lambda r: len(r) == 1 and float(r[0]["value"][1]) == sum(want.values()))

    rate = wait_for(pport, 'rate(sluice_topic_records_in_total{topic="%s"}[30s])' % TOPIC,
                    lambda r: len(r) == 1 and float(r[0]["value"][1]) > 0)
    print("rate of records in: %s/s" % rate[0]["value"][1])
    # Grafana 7589's "Message in per second".
    dashboard = wait_for(
        pport, 'sum(rate(kafka_topic_partition_current_offset{topic="%s"}[30s]))' % TOPIC,
        lambda r: len(r) == 1 and float(r[0]["value"][1]) > 0)
    print("sum(rate(kafka_topic_partition_current_offset)): %s/s" % dashboard[0]["value"][1])
    wait_for(pport, 'kafka_topic_partitions{topic="%s"}' % TOPIC,
             lambda r: len(r) == 1 and r[0]["value"][1] == "2")
    wait_for(pport, 'kafka_brokers', lambda r: len(r) == 1 and r[0]["value"][1] == "1")
    # Every record produced is counted once.
    wait_for(pport, 'sluice_topic_records_in_total{topic="%s"}' % TOPIC,
             lambda r: len(r) == 1 and float(r[0]["value"][1]) == sum(sent.values()))
    wait_for(pport, 'sum(sluice_log_size_bytes{topic="%s"})' % TOPIC,
             lambda r: len(r) == 1 and float(r[0]["value"][1]) > 0)
    wait_for(pport, 'sluice_build_info', lambda r: len(r) == 1 and "version" in r[0]["metric"])
    # Every request dispatched was timed in the queue histogram.
    wait_for(pport, 'sluice_request_queue_time_seconds_count - scalar(sum(sluice_requests_total))',
             lambda r: len(r) == 1 and float(r[0]["value"][1]) == 0)
    # The page stayed parseable through all of it.
    wait_for(pport, 'min_over_time(up{job="sluice"}[1m])',
             lambda r: len(r) == 1 and r[0]["value"][1] == "1")


if __name__ == "__main__":
    harness.main(test)
