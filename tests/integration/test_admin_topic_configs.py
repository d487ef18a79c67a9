"""Kafka's topic configuration through real clients. confluent-kafka-python
(librdkafka 2.0.2: CreateTopics v4, DescribeConfigs v1 with synonyms):
standard Kafka topic keys are accepted at creation, keys whose behaviour
Sluice lacks are refused naming the key, and DescribeConfigs reports each
key's source and synonyms in Kafka's order, with a broker setting given on
the command line as STATIC_BROKER_CONFIG. librdkafka 2.0.2 has no
IncrementalAlterConfigs, DescribeCluster or DescribeLogDirs, so those go as
raw flexible frames (IncrementalAlterConfigs v1, DescribeCluster v1,
DescribeLogDirs v4) and their answers are checked against what the admin
client then describes."""

import struct

import harness
from admin_util import wait_all
from harness import expect

TOPIC = 2  # ConfigResource type


def uvarint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def cstring(s):
    if s is None:
        return b"\x00"
    b = s.encode()
    return uvarint(len(b) + 1) + b


def carray(items):
    return uvarint(len(items) + 1) + b"".join(items)


class CReader(harness.Reader):
    """Compact (flexible) fields."""

    def uvarint(self):
        shift = n = 0
        while True:
            b = self.data[self.pos]
            self.pos += 1
            n |= (b & 0x7F) << shift
            if b < 0x80:
                return n
            shift += 7

    def cstring(self):
        n = self.uvarint() - 1
        if n < 0:
            return None
        s = self.data[self.pos:self.pos + n].decode()
        self.pos += n
        return s

    def count(self):
        return self.uvarint() - 1

    def tags(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.pos += self.uvarint()


def call(broker, api_key, version, body, corr=7):
    conn = harness.Conn(broker)
    conn.send(harness.request(api_key, version, corr, body, flexible=True))
    frame = conn.recv_frame()
    conn.close()
    r = CReader(frame)
    expect(r.take("i") == corr, "correlation id")
    r.tags()  # response header v1
    return r


def incremental_alter(broker, resources, validate_only=False):
    """resources: [(name, [(key, op, value)])] -> [(name, error_code, message)]."""
    body = carray([struct.pack(">b", TOPIC) + cstring(name) +
                   carray([cstring(k) + struct.pack(">b", op) + cstring(v) + b"\x00"
                           for k, op, v in configs]) + b"\x00"
                   for name, configs in resources])
    body += struct.pack(">?", validate_only) + b"\x00"
    r = call(broker, 44, 1, body)
    r.take("i")
    out = []
    for _ in range(r.count()):
        code = r.take("h")
        message = r.cstring()
        r.take("b")
        out.append((r.cstring(), code, message))
        r.tags()
    return out


def describe_cluster(broker):
    r = call(broker, 60, 1, struct.pack(">?b", False, 1) + b"\x00")
    r.take("i")
    code = r.take("h")
    r.cstring()
    endpoint_type = r.take("b")
    cluster_id = r.cstring()
    controller = r.take("i")
    brokers = []
    for _ in range(r.count()):
        node, host, port = r.take("i"), r.cstring(), r.take("i")
        r.cstring()
        r.tags()
        brokers.append((node, host, port))
    return code, endpoint_type, cluster_id, controller, brokers


def describe_log_dirs(broker):
    r = call(broker, 35, 4, b"\x00\x00")  # topics null: all
    r.take("i")
    expect(r.take("h") == 0, "DescribeLogDirs top-level error")
    dirs = {}
    for _ in range(r.count()):
        code, path = r.take("h"), r.cstring()
        topics = {}
        for _ in range(r.count()):
            name = r.cstring()
            parts = {}
            for _ in range(r.count()):
                index, size, lag, future = r.take("iqq?")
                r.tags()
                parts[index] = (size, lag, future)
            r.tags()
            topics[name] = parts
        total, usable = r.take("qq")
        r.tags()
        dirs[path] = (code, topics, total, usable)
    return dirs


def test(binary):
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource, NewTopic

    broker = harness.Broker(binary, settings={"log.retention.ms": "3600000"}).start()
    admin = AdminClient({"bootstrap.servers": broker.address})

    standard = {"min.insync.replicas": "1", "unclean.leader.election.enable": "false",
                "message.timestamp.difference.max.ms": "9223372036854775807",
                "delete.retention.ms": "3600000", "preallocate": "true",
                "cleanup.policy": "delete", "compression.type": "producer",
                "message.timestamp.type": "CreateTime", "segment.bytes": "1048576"}
    got = wait_all(admin.create_topics([
        NewTopic("tc-std", 2, 1, config=standard),
        NewTopic("tc-ts", 1, 1, config={"message.timestamp.difference.max.ms": "3600000"}),
        NewTopic("tc-compact", 1, 1, config={"cleanup.policy": "shred"}),
        NewTopic("tc-badtype", 1, 1, config={"preallocate": "maybe"}),
    ], operation_timeout=10))
    expect(got["tc-std"] is None, "standard keys refused: %r" % got["tc-std"])
    for name, key in (("tc-ts", "message.timestamp.difference.max.ms"),
                      ("tc-compact", "cleanup.policy"), ("tc-badtype", "preallocate")):
        err = got[name].args[0] if got[name] is not None else None
        expect(err is not None and err.name() == "INVALID_CONFIG", "%s: %r" % (name, got[name]))
        expect(key in err.str(), "%s: the message names the key: %r" % (name, err.str()))
    md = admin.list_topics(timeout=10)
    expect("tc-ts" not in md.topics and "tc-compact" not in md.topics, "refused topics exist")
    print("CreateTopics: %d standard keys accepted, unsupported ones refused by name"
          % len(standard))

    res = ConfigResource(ConfigResource.Type.TOPIC, "tc-std")
    entries = admin.describe_configs([res])[res].result(timeout=15)
    expect(len(entries) >= 35, "%d topic keys described" % len(entries))
    retention = entries["retention.ms"]
    expect(retention.value == "3600000", "retention.ms from the broker setting: %r" % retention)
    expect(retention.source == ConfigSource.STATIC_BROKER_CONFIG.value,
           "retention.ms source %r" % retention.source)
    syn = [(s.name, s.source) for s in retention.synonyms.values()]
    expect(syn == [("log.retention.ms", ConfigSource.STATIC_BROKER_CONFIG.value),
                   ("log.retention.hours", ConfigSource.DEFAULT_CONFIG.value)],
           "retention.ms synonyms %r" % syn)
    drm = entries["delete.retention.ms"]
    expect(drm.value == "3600000" and drm.source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value,
           "delete.retention.ms %r" % drm)
    syn = [s.name for s in drm.synonyms.values()]
    expect(syn == ["delete.retention.ms", "log.cleaner.delete.retention.ms"],
           "delete.retention.ms synonyms %r" % syn)
    seg = entries["segment.ms"]
    expect(seg.source == ConfigSource.DEFAULT_CONFIG.value and seg.is_default, "segment.ms %r" % seg)
    expect([s.name for s in seg.synonyms.values()] == ["log.roll.hours"], "segment.ms synonyms")
    expect(entries["min.insync.replicas"].value == "1", "min.insync.replicas")
    print("DescribeConfigs: sources and synonyms in Kafka's order")

    # IncrementalAlterConfigs v1: SET one key, the others stay; a refused
    # APPEND leaves its resource unchanged.
    out = incremental_alter(broker, [("tc-std", [("retention.ms", 0, "7200000")]),
                                     ("tc-std", [("cleanup.policy", 2, "shred")])])
    expect(out[0][1] == 0, "SET retention.ms: %r" % (out[0],))
    expect(out[1][1] == 40 and "cleanup.policy" in (out[1][2] or ""), "APPEND shred %r"
           % (out[1],))
    out = incremental_alter(broker, [("tc-std", [("preallocate", 1, None)])])
    expect(out[0][1] == 0, "DELETE preallocate: %r" % (out,))
    entries = admin.describe_configs([res])[res].result(timeout=15)
    expect(entries["retention.ms"].value == "7200000", "incremental SET not applied")
    expect(entries["retention.ms"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value, "source")
    expect(entries["delete.retention.ms"].value == "3600000", "incremental SET dropped a key")
    expect(entries["preallocate"].is_default, "DELETE did not restore the default")
    expect(entries["cleanup.policy"].value == "delete", "refused APPEND changed cleanup.policy")
    print("IncrementalAlterConfigs: SET, DELETE, refused APPEND")

    code, etype, cluster_id, controller, brokers = describe_cluster(broker)
    expect(code == 0 and etype == 1 and cluster_id, "DescribeCluster %r" % ((code, cluster_id),))
    expect(brokers == [(controller, "127.0.0.1", broker.port)], "brokers %r" % brokers)
    print("DescribeCluster: cluster %s, controller %d" % (cluster_id, controller))

    p = Producer({"bootstrap.servers": broker.address})
    for i in range(100):
        p.produce("tc-std", b"x" * 100, partition=0)
    expect(p.flush(15) == 0, "produce")
    dirs = describe_log_dirs(broker)
    expect(list(dirs) == [broker.data_dir], "log dirs %r" % list(dirs))
    code, topics, total, usable = dirs[broker.data_dir]
    expect(code == 0 and set(topics.get("tc-std", {})) == {0, 1}, "partitions %r" % topics)
    size0, lag, future = topics["tc-std"][0]
    expect(size0 > 100 * 100 and lag == 0 and not future, "partition 0 %r" % (topics["tc-std"],))
    expect(topics["tc-std"][1][0] == 0, "partition 1 is empty")
    expect(total > 0 and 0 <= usable <= total, "space %d/%d" % (usable, total))
    print("DescribeLogDirs: partition 0 holds %d bytes" % size0)
    expect(broker.stop() == 0, "clean stop")


if __name__ == "__main__":
    harness.main(test)
