"""Group lag on the Prometheus endpoint (docs/groups.md "Metrics"): after a
group commits and its consumer leaves, the committed offset and the lag
(high watermark - committed) of each partition are on the page, and the lag
follows new records."""

import harness
from harness import expect
from confluent_kafka import Producer, TopicPartition
from group_util import consumer
from test_metrics import scrape


def produce(broker, topic, partition, count):
    p = Producer({"bootstrap.servers": broker.address, "acks": "all"})
    for i in range(count):
        p.produce(topic, value=b"v%d" % i, partition=partition)
    expect(p.flush(30) == 0, "producer flushed")


def series(values, name, group, topic, partition):
    return values.get('%s{group="%s",topic="%s",partition="%d"}' % (name, group, topic, partition))


def test(binary):
    metrics_port = harness.free_port()
    broker = harness.Broker(binary, settings={
        "metrics.listener": "127.0.0.1:%d" % metrics_port, "num.partitions": 2}).start()
    produce(broker, "lagged", 0, 50)
    produce(broker, "lagged", 1, 50)
    c = consumer(broker, "lg")
    c.commit(offsets=[TopicPartition("lagged", 0, 30), TopicPartition("lagged", 1, 10)],
             asynchronous=False)
    c.close()  # no member left: the lag must still be reported
    values = scrape(metrics_port)
    got = [(series(values, "sluice_group_committed_offset", "lg", "lagged", p),
            series(values, "sluice_group_lag", "lg", "lagged", p)) for p in (0, 1)]
    expect(got == [(30, 20), (10, 40)], "committed and lag: %s" % got)
    produce(broker, "lagged", 0, 5)
    values = scrape(metrics_port)
    lag = series(values, "sluice_group_lag", "lg", "lagged", 0)
    expect(lag == 25, "lag after 5 more records: %s" % lag)
    print("committed offsets and lag per partition reported: %s" % got)


if __name__ == "__main__":
    harness.main(test)
