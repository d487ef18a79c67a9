"""A consume reads only batch headers into user space (docs/decisions.md
D21): 16 MiB of 1 KiB records in 4 partitions, consumed whole with
confluent-kafka (librdkafka 2.0.2) and kcat; the broker's
sluice_fetch_scan_bytes_total grows by at most 1 % of the record bytes it
answered (sluice_fetch_record_bytes_total), and every record comes back.
Before D21 the scans read about twice the bytes sent."""


import harness
from harness import expect, kcat

RECORDS = 16384
TOPIC = "scan"



def test(binary):
    from confluent_kafka import Consumer, Producer, TopicPartition

    mport = harness.free_port()
    broker = harness.Broker(binary, settings={
        "metrics.listener": "127.0.0.1:%d" % mport, "num.partitions": "4"}).start()
    p = Producer({"bootstrap.servers": broker.address, "linger.ms": 20})
    value = b"x" * 1024
    for i in range(RECORDS):
        p.produce(TOPIC, value=value, partition=i % 4)
        if i % 1000 == 0:
            p.poll(0)
    expect(p.flush(30) == 0, "produced")

    scan0 = harness.metric(mport, "sluice_fetch_scan_bytes_total")
    sent0 = harness.metric(mport, "sluice_fetch_record_bytes_total")
    c = Consumer({"bootstrap.servers": broker.address, "group.id": "scan",
                  "enable.auto.commit": False, "fetch.max.bytes": 4 << 20})
    c.assign([TopicPartition(TOPIC, n, 0) for n in range(4)])
    got = 0
    idle = 0
    while got < RECORDS and idle < 50:
        msgs = c.consume(1000, timeout=0.2)
        idle = idle + 1 if not msgs else 0
        got += sum(1 for m in msgs if m.error() is None)
    c.close()
    expect(got == RECORDS, "consumed %d of %d" % (got, RECORDS))
    out = kcat(broker, "-C", "-t", TOPIC, "-e", "-q", "-f", "%p\n", timeout=60).split()
    expect(len(out) == RECORDS, "kcat read %d of %d" % (len(out), RECORDS))

    scanned = harness.metric(mport, "sluice_fetch_scan_bytes_total") - scan0
    sent = harness.metric(mport, "sluice_fetch_record_bytes_total") - sent0
    reads = harness.metric(mport, "sluice_fetch_scan_reads_total")
    print("fetch answered %.1f MiB of records; batch scans read %d bytes in user space "
          "(%.5f per byte sent, %d preads)" % (sent / 2**20, scanned, scanned / sent, reads))
    expect(sent >= 2 * RECORDS * 1024, "record bytes sent: %d" % sent)
    expect(scanned <= 0.01 * sent, "scans read %d bytes for %d sent" % (scanned, sent))
    expect(scanned > 0, "the counter moves (it counts the header reads)")
    # Records out come from the offsets the read path already knows (no reads).
    records_out = harness.metric(mport, 'sluice_topic_records_out_total{topic="%s"}' % TOPIC)
    expect(records_out >= 2 * RECORDS, "records out %d, two full reads of %d" %
           (records_out, RECORDS))


if __name__ == "__main__":
    harness.main(test)
