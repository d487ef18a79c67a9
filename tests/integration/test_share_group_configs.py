"""Per-group configs of share groups (KIP-932 group configs on the GROUP
config resource, type 32), against a real broker:

- the backlog scene: 200 tasks produced before any worker exists; the
  group's share.auto.offset.reset set to earliest with `sluice group config`;
  then two workers deliver every task exactly once. A group without the
  override (Kafka's default, latest) gets none of the backlog, only what is
  produced after its first worker, and describe shows latest / DEFAULT_CONFIG.
- DescribeConfigs and IncrementalAlterConfigs on type 32 as a Kafka client
  sends them (raw v1/v0 frames: Debian's librdkafka 2.0.2 and kafka-python
  2.0.2 predate the GROUP config resource): SET, DELETE, an unknown key and a
  bad value refused with INVALID_CONFIG (40), validate_only storing nothing.
- the config survives kill -9: described again after the restart, and used
  (a topic produced before the restart is read from its start).
"""

import signal
import struct
import threading
import time

import harness
from harness import Broker, expect
from share_util import ACCEPT, Worker, produce
from test_sluice_cli import Sluice

GROUP_RESOURCE = 32
DESCRIBE_CONFIGS, INCREMENTAL_ALTER_CONFIGS = 32, 44
INVALID_CONFIG = 40
SETTINGS = {"num.partitions": "1"}  # the broker-wide default stays Kafka's latest


def nullable(s):
    return struct.pack(">h", -1) if s is None else harness.string(s)


def describe_group(broker, group):
    """DescribeConfigs v1 of one group: (error, {name: (value, source)})."""
    body = struct.pack(">i", 1) + struct.pack(">b", GROUP_RESOURCE) + harness.string(group)
    body += struct.pack(">i", -1) + b"\x00"  # every key, no synonyms
    c = harness.Conn(broker)
    try:
        c.send(harness.request(DESCRIBE_CONFIGS, 1, 1, body))
        r = harness.Reader(c.recv_frame())
    finally:
        c.close()
    r.take("i")  # correlation id
    r.take("i")  # throttle
    expect(r.take("i") == 1, "one result")
    err = r.take("h")
    if r.take("h") >= 0:
        r.pos -= 2
        r.string()
    r.take("b")
    r.string()
    configs = {}
    for _ in range(max(0, r.take("i"))):
        name = r.string()
        n = r.take("h")
        value = None
        if n >= 0:
            value = r.data[r.pos:r.pos + n].decode()
            r.pos += n
        r.take("b")  # read only
        source = r.take("b")
        r.take("b")  # sensitive
        for _ in range(max(0, r.take("i"))):
            r.string()
            if r.take("h") >= 0:
                r.pos -= 2
                r.string()
            r.take("b")
        configs[name] = (value, source)
    return err, configs


def incremental_alter(broker, group, ops, validate_only=False):
    """IncrementalAlterConfigs v0: ops [(name, op, value)]; the resource's error code."""
    body = struct.pack(">i", 1) + struct.pack(">b", GROUP_RESOURCE) + harness.string(group)
    body += struct.pack(">i", len(ops))
    for name, op, value in ops:
        body += harness.string(name) + struct.pack(">b", op) + nullable(value)
    body += b"\x01" if validate_only else b"\x00"
    c = harness.Conn(broker)
    try:
        c.send(harness.request(INCREMENTAL_ALTER_CONFIGS, 0, 2, body))
        r = harness.Reader(c.recv_frame())
    finally:
        c.close()
    r.take("i")
    r.take("i")
    expect(r.take("i") == 1, "one response")
    return r.take("h")


def work(broker, group, topic, expected, workers=2, seconds=30):
    """Workers fetch and accept until `expected` tasks are accepted (or time
    runs out); returns {value: times accepted}."""
    accepted = {}
    lock = threading.Lock()
    errors = []

    def run():
        w = Worker(broker, group, [topic])
        try:
            w.join()
            pending = []
            deadline = time.time() + seconds
            while time.time() < deadline:
                with lock:
                    done = sum(accepted.values()) >= expected
                if done and not pending:
                    break
                got = w.fetch(max_records=20, max_wait_ms=100, acks=[(d, ACCEPT) for d in pending])
                expect(not w.ack_errors, "ack errors %s" % w.ack_errors)
                with lock:
                    for d in pending:
                        accepted[d.value] = accepted.get(d.value, 0) + 1
                pending = list(got)
            w.fetch(max_records=1, max_wait_ms=0, acks=[(d, ACCEPT) for d in pending], close=True)
            with lock:
                for d in pending:
                    accepted[d.value] = accepted.get(d.value, 0) + 1
        except Exception as e:  # reported by the caller
            errors.append(repr(e))
        finally:
            w.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 10)
    expect(not errors, "workers failed: %s" % errors)
    return accepted


def config_rows(sluice, group):
    out = sluice.out("group", "config", group)
    rows = {}
    for line in out.strip().split("\n")[1:]:
        cells = line.split()
        rows[cells[0]] = (cells[1], cells[2])
    return rows


def backlog_scene(broker, sluice):
    tasks = [b"task-%d" % i for i in range(200)]
    produce(broker, "tasks", tasks)  # before any worker exists
    rows = config_rows(sluice, "workers")
    expect(rows["share.auto.offset.reset"] == ("latest", "DEFAULT_CONFIG"),
           "Kafka's default before any override: %s" % rows)
    sluice.run("group", "config", "workers", "--set", "share.auto.offset.reset=earliest")
    rows = config_rows(sluice, "workers")
    expect(rows["share.auto.offset.reset"] == ("earliest", "GROUP_CONFIG"),
           "the override is described: %s" % rows)
    accepted = work(broker, "workers", "tasks", len(tasks))
    expect(sorted(accepted) == sorted(tasks),
           "every backlog task delivered: %d of %d" % (len(accepted), len(tasks)))
    twice = {v: n for v, n in accepted.items() if n != 1}
    expect(not twice, "tasks accepted more than once: %s" % twice)
    print("earliest: %d backlog tasks, each delivered once" % len(accepted))

    # No override: Kafka's default latest, so the backlog is not delivered.
    lazy = Worker(broker, "lazy", ["tasks"])
    try:
        lazy.join()
        expect(lazy.fetch(max_records=50, max_wait_ms=300) == [], "latest: no backlog")
        produce(broker, "tasks", [b"late-%d" % i for i in range(5)])
        got = []
        deadline = time.time() + 10
        while len(got) < 5 and time.time() < deadline:
            got += lazy.fetch(max_records=50, max_wait_ms=200, acks=[(d, ACCEPT) for d in got])
        values = sorted(d.value for d in got)
        expect(values == [b"late-%d" % i for i in range(5)],
               "latest: only the tasks sent after the first worker: %s" % values)
    finally:
        lazy.close()
    rows = config_rows(sluice, "lazy")
    expect(rows["share.auto.offset.reset"] == ("latest", "DEFAULT_CONFIG"), "lazy: %s" % rows)


def kafka_wire(broker, sluice):
    err, configs = describe_group(broker, "workers")
    expect(err == 0, "DescribeConfigs GROUP: error %d" % err)
    expect(configs["share.auto.offset.reset"] == ("earliest", 8),
           "GROUP_CONFIG (8) for the override: %s" % (configs["share.auto.offset.reset"],))
    expect(configs["share.record.lock.duration.ms"] == ("30000", 5),
           "DEFAULT_CONFIG (5) for the rest: %s" % (configs["share.record.lock.duration.ms"],))
    SET, DELETE = 0, 1
    expect(incremental_alter(broker, "ops", [("share.record.lock.duration.ms", SET, "20000"),
                                             ("share.isolation.level", SET, "read_committed")])
           == 0, "SET two keys")
    expect(incremental_alter(broker, "ops", [("share.no.such.key", SET, "1")]) == INVALID_CONFIG,
           "unknown key: INVALID_CONFIG")
    expect(incremental_alter(broker, "ops", [("share.auto.offset.reset", SET, "by_duration:-PT1H")])
           == INVALID_CONFIG, "negative duration: INVALID_CONFIG")
    expect(incremental_alter(broker, "ops", [("share.auto.offset.reset", SET, "earliest")],
                             validate_only=True) == 0, "validate_only")
    expect(incremental_alter(broker, "ops", [("share.isolation.level", DELETE, None)]) == 0,
           "DELETE")
    _, configs = describe_group(broker, "ops")
    expect(configs["share.record.lock.duration.ms"] == ("20000", 8), "SET stored: %s" % configs)
    expect(configs["share.isolation.level"] == ("read_uncommitted", 5), "DELETE: %s" % configs)
    expect(configs["share.auto.offset.reset"] == ("latest", 5), "validate_only stored nothing")

    line = sluice.fails("group", "config", "ops", "--set", "share.no.such.key=1",
                        contains="share.no.such.key")
    print("unknown key through the CLI: %s" % line)
    p = sluice.run("group", "config", "ops", "--set", "no-equals-sign", check=False)
    expect(p.returncode == 2, "a malformed --set is a usage error (exit 2): %d" % p.returncode)
    sluice.run("group", "config", "ops", "--delete", "share.record.lock.duration.ms")
    expect(config_rows(sluice, "ops")["share.record.lock.duration.ms"] == ("30000", "DEFAULT_CONFIG"),
           "--delete returns the default")


def survives_kill_9(broker, sluice):
    produce(broker, "later", [b"old-%d" % i for i in range(20)])
    broker.restart(sig=signal.SIGKILL)
    rows = config_rows(sluice, "workers")
    expect(rows["share.auto.offset.reset"] == ("earliest", "GROUP_CONFIG"),
           "the override survives kill -9: %s" % rows)
    accepted = work(broker, "workers", "later", 20, workers=1, seconds=15)
    expect(sorted(accepted) == sorted(b"old-%d" % i for i in range(20)),
           "and is used after the restart: %s" % sorted(accepted))


def test(binary):
    broker = Broker(binary, settings=SETTINGS).start()
    sluice = Sluice(binary, broker)
    backlog_scene(broker, sluice)
    kafka_wire(broker, sluice)
    survives_kill_9(broker, sluice)


if __name__ == "__main__":
    harness.main(test)
