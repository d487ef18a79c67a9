"""Raw Kafka requests for the exactly-once tests (test_eos_*.py): RecordBatch
v2 with a producer id, epoch and sequence built by hand, and the requests an
idempotent or transactional producer sends (InitProducerId, Produce,
AddPartitionsToTxn, EndTxn), plus ListOffsets with an isolation level,
DeleteRecords, DescribeTransactions and ListTransactions. Non-flexible
versions where Kafka still serves them, so the bytes are easy to read; the
two flexible-only APIs (65, 66) use compact encodings.

Every call sends one request on a Conn and reads its answer; values come
back as plain tuples and dicts. Retriable coordinator errors are retried by
the callers that need it (retry()), never hidden here."""

import struct
import time

import harness
from harness import Conn, Reader, crc32c, expect, string, varint

# Kafka error codes the tests name.
NONE = 0
NOT_LEADER = 6
COORDINATOR_LOAD_IN_PROGRESS = 14
COORDINATOR_NOT_AVAILABLE = 15
NOT_COORDINATOR = 16
OUT_OF_ORDER_SEQUENCE = 45
DUPLICATE_SEQUENCE = 46
INVALID_PRODUCER_EPOCH = 47
INVALID_TXN_STATE = 48
CONCURRENT_TRANSACTIONS = 51
PRODUCER_FENCED = 90
RETRIABLE = {COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR,
             CONCURRENT_TRANSACTIONS}

TRANSACTIONAL = 0x10


def nullable_string(s):
    return struct.pack(">h", -1) if s is None else string(s)


def idempotent_batch(producer_id, epoch, base_sequence, values, transactional=False,
                     timestamp_ms=None, max_timestamp_ms=None):
    """An uncompressed RecordBatch v2 of `values` (bytes) with keys None,
    from `producer_id` at `epoch`, sequences base_sequence..+len-1.
    max_timestamp_ms overrides the header's maxTimestamp (Sarama 1.22 sends -1)."""
    ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    max_ts = ts if max_timestamp_ms is None else max_timestamp_ms
    recs = b""
    for i, v in enumerate(values):
        body = b"\x00" + varint(0) + varint(i) + varint(-1) + varint(len(v)) + v + varint(0)
        recs += varint(len(body)) + body
    n = len(values)
    attributes = TRANSACTIONAL if transactional else 0
    after_crc = struct.pack(">hiqqqhii", attributes, n - 1, ts, max_ts, producer_id, epoch,
                            base_sequence, n) + recs
    length = 4 + 1 + 4 + len(after_crc)
    return struct.pack(">qiibI", 0, length, -1, 2, crc32c(after_crc)) + after_crc


class Client:
    """One raw connection with its own correlation ids."""

    def __init__(self, broker, timeout=10):
        self.broker = broker
        self.conn = Conn(broker, timeout=timeout)
        self.next_id = 1

    def close(self):
        self.conn.close()

    def call(self, api_key, version, body, flexible=False):
        cid = self.next_id
        self.next_id += 1
        self.conn.send(harness.request(api_key, version, cid, body, flexible=flexible))
        r = Reader(self.conn.recv_frame())
        expect(r.take("i") == cid, "api %d: correlation id" % api_key)
        if flexible:
            expect(r.take("B") == 0, "api %d: response header tags" % api_key)
        return r

    # ---- InitProducerId v1: (error, producer_id, epoch)
    def init_producer_id(self, transactional_id=None, timeout_ms=60000):
        body = nullable_string(transactional_id) + struct.pack(">i", timeout_ms)
        r = self.call(22, 1, body)
        _throttle, error, pid, epoch = r.take("ihqh")
        return error, pid, epoch

    # ---- Produce v3, one partition: (error, base_offset)
    def produce(self, topic, partition, batch, transactional_id=None, acks=-1):
        body = nullable_string(transactional_id) + struct.pack(">hi", acks, 10000)
        body += struct.pack(">i", 1) + string(topic) + struct.pack(">i", 1)
        body += struct.pack(">ii", partition, len(batch)) + batch
        r = self.call(0, 3, body)
        expect(r.take("i") == 1, "one topic in the Produce answer")
        r.string()
        expect(r.take("i") == 1, "one partition in the Produce answer")
        index, error, base, _append_time = r.take("ihqq")
        expect(index == partition, "Produce answered partition %d" % index)
        return error, base

    # ---- ListOffsets v2 latest: the high watermark (isolation 0) or the LSO (1)
    def end_offset(self, topic, partition, read_committed=False):
        body = struct.pack(">ib", -1, 1 if read_committed else 0)
        body += struct.pack(">i", 1) + string(topic) + struct.pack(">i", 1)
        body += struct.pack(">iq", partition, -1)
        r = self.call(2, 2, body)
        r.take("i")  # throttle
        expect(r.take("i") == 1, "one topic in the ListOffsets answer")
        r.string()
        expect(r.take("i") == 1, "one partition in the ListOffsets answer")
        _index, error, _ts, offset = r.take("ihqq")
        expect(error == 0, "ListOffsets %s-%d: error %d" % (topic, partition, error))
        return offset

    def start_offset(self, topic, partition):
        body = struct.pack(">ib", -1, 0) + struct.pack(">i", 1) + string(topic)
        body += struct.pack(">i", 1) + struct.pack(">iq", partition, -2)
        r = self.call(2, 2, body)
        r.take("i")
        r.take("i")
        r.string()
        r.take("i")
        _index, error, _ts, offset = r.take("ihqq")
        expect(error == 0, "ListOffsets earliest: error %d" % error)
        return offset

    # ---- DeleteRecords v0, one partition: (error, low_watermark)
    def delete_records(self, topic, partition, before):
        body = struct.pack(">i", 1) + string(topic) + struct.pack(">i", 1)
        body += struct.pack(">iq", partition, before) + struct.pack(">i", 10000)
        r = self.call(21, 0, body)
        r.take("i")
        r.take("i")
        r.string()
        r.take("i")
        _index, low, error = r.take("iqh")
        return error, low

    # ---- AddPartitionsToTxn v1: {partition: error}
    def add_partitions(self, transactional_id, pid, epoch, topic, partitions):
        body = string(transactional_id) + struct.pack(">qh", pid, epoch)
        body += struct.pack(">i", 1) + string(topic) + struct.pack(">i", len(partitions))
        body += b"".join(struct.pack(">i", p) for p in partitions)
        r = self.call(24, 1, body)
        r.take("i")
        out = {}
        for _ in range(r.take("i")):
            r.string()
            for _ in range(r.take("i")):
                index, error = r.take("ih")
                out[index] = error
        return out

    # ---- EndTxn v1: error
    def end_txn_request(self, transactional_id, pid, epoch, commit):
        body = string(transactional_id) + struct.pack(">qhb", pid, epoch, 1 if commit else 0)
        cid = self.next_id
        self.next_id += 1
        return cid, harness.request(26, 1, cid, body)

    def end_txn(self, transactional_id, pid, epoch, commit):
        cid, frame = self.end_txn_request(transactional_id, pid, epoch, commit)
        self.conn.send(frame)
        r = Reader(self.conn.recv_frame())
        expect(r.take("i") == cid, "EndTxn correlation id")
        r.take("i")
        return r.take("h")

    # ---- ApiVersions v0: {api_key: (min, max)}
    def api_versions(self):
        r = self.call(18, 0, b"")
        expect(r.take("h") == 0, "ApiVersions error")
        out = {}
        for _ in range(r.take("i")):
            key, lo, hi = r.take("hhh")
            out[key] = (lo, hi)
        return out

    # ---- DescribeTransactions v0 (flexible): {id: (error, state, pid, epoch, {topic: [p]})}
    def describe_transactions(self, ids):
        body = uvarint(len(ids) + 1) + b"".join(compact_string(i) for i in ids) + b"\x00"
        r = self.call(65, 0, body, flexible=True)
        r.take("i")
        out = {}
        for _ in range(read_uvarint(r) - 1):
            error = r.take("h")
            tid = read_compact_string(r)
            state = read_compact_string(r)
            _timeout, _start, pid, epoch = r.take("iqqh")
            topics = {}
            for _ in range(read_uvarint(r) - 1):
                name = read_compact_string(r)
                topics[name] = [r.take("i") for _ in range(read_uvarint(r) - 1)]
                skip_tags(r)
            skip_tags(r)
            out[tid] = (error, state, pid, epoch, topics)
        return out

    # ---- ListTransactions v0 (flexible): (error, {id: (pid, state)})
    def list_transactions(self):
        r = self.call(66, 0, b"\x01\x01\x00", flexible=True)
        r.take("i")
        error = r.take("h")
        for _ in range(read_uvarint(r) - 1):
            read_compact_string(r)
        out = {}
        for _ in range(read_uvarint(r) - 1):
            tid = read_compact_string(r)
            pid = r.take("q")
            out[tid] = (pid, read_compact_string(r))
            skip_tags(r)
        return error, out

    # ---- DescribeProducers v0 (flexible):
    #      {partition: (error, [(pid, epoch, last_seq, txn_start)])}
    def describe_producers(self, topic, partitions):
        body = b"\x02" + compact_string(topic) + uvarint(len(partitions) + 1)
        body += b"".join(struct.pack(">i", p) for p in partitions) + b"\x00\x00"
        r = self.call(61, 0, body, flexible=True)
        r.take("i")
        out = {}
        for _ in range(read_uvarint(r) - 1):
            read_compact_string(r)
            for _ in range(read_uvarint(r) - 1):
                index, error = r.take("ih")
                n = read_uvarint(r)  # error message, nullable
                r.pos += max(n - 1, 0)
                producers = []
                for _ in range(read_uvarint(r) - 1):
                    pid, epoch, last_seq, _ts, _coord, txn_start = r.take("qiiqiq")
                    skip_tags(r)
                    producers.append((pid, epoch, last_seq, txn_start))
                skip_tags(r)
                out[index] = (error, producers)
            skip_tags(r)
        return out


def uvarint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def compact_string(s):
    b = s.encode()
    return uvarint(len(b) + 1) + b


def read_uvarint(r):
    shift = value = 0
    while True:
        b = r.take("B")
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value
        shift += 7


def read_compact_string(r):
    n = read_uvarint(r) - 1
    s = r.data[r.pos:r.pos + n].decode()
    r.pos += n
    return s


def skip_tags(r):
    for _ in range(read_uvarint(r)):
        read_uvarint(r)
        r.pos += read_uvarint(r)


def retry(what, fn, limit_s=20):
    """Calls fn() -> (error, ...) until its error is not a retriable
    coordinator error; returns the last result."""
    deadline = time.time() + limit_s
    while True:
        got = fn()
        error = got[0] if isinstance(got, tuple) else got
        if error not in RETRIABLE or time.time() > deadline:
            return got
        time.sleep(0.05)


def reconnect(broker, limit_s=15):
    """A Client once the (restarted) broker answers ApiVersions."""
    deadline = time.time() + limit_s
    while True:
        try:
            c = Client(broker)
            c.api_versions()
            return c
        except (OSError, EOFError):
            if time.time() > deadline:
                raise
            time.sleep(0.05)


_admins = {}


def create_topic(broker, topic, partitions):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = _admins.get(broker.address)
    if admin is None:
        admin = _admins[broker.address] = AdminClient({"bootstrap.servers": broker.address})
    futures = admin.create_topics([NewTopic(topic, partitions, 1)], operation_timeout=10)
    futures[topic].result(15)


def served(client, api_key):
    return api_key in client.api_versions()


def require_served(broker, api_keys):
    """Fails naming the APIs this broker does not serve (so a missing feature
    reads as what it is, not as a protocol error later)."""
    c = Client(broker)
    have = c.api_versions()
    c.close()
    missing = [k for k in api_keys if k not in have]
    expect(not missing, "the broker does not serve api keys %s (InitProducerId=22, "
           "AddPartitionsToTxn=24, AddOffsetsToTxn=25, EndTxn=26, TxnOffsetCommit=28)" % missing)


def read_all(broker, topic, partitions, read_committed, limit_s=20, extra=None):
    """Every record of `topic` a fresh consumer (librdkafka 2.0.2) with the
    given isolation level reads from the start up to the end it reports
    (the LSO for read_committed): a list of (partition, offset, value)."""
    from confluent_kafka import Consumer, TopicPartition, KafkaError
    conf = {"bootstrap.servers": broker.address, "group.id": "eos-reader-%d" % time.time_ns(),
            "enable.auto.commit": False, "enable.partition.eof": True,
            "isolation.level": "read_committed" if read_committed else "read_uncommitted"}
    conf.update(extra or {})
    c = Consumer(conf)
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    out = []
    at_end = set()
    deadline = time.time() + limit_s
    while len(at_end) < partitions and time.time() < deadline:
        for m in c.consume(500, 0.1):
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(m.partition())
                    continue
                raise AssertionError("consume %s: %s" % (topic, m.error()))
            at_end.discard(m.partition())
            out.append((m.partition(), m.offset(), m.value()))
    c.close()
    expect(len(at_end) == partitions, "%s: only partitions %s reached their end in %d s" %
           (topic, sorted(at_end), limit_s))
    return out


def stream_value(i, partitions):
    """The i-th value of a checked stream (check_history): b"<partition>-<i>"."""
    return b"%d-%06d" % (i % partitions, i)


def send_stream_value(producer, topic, i, partitions):
    """Produces stream_value(i) to partition i % partitions, waiting while
    the producer's queue is full."""
    while True:
        try:
            producer.produce(topic, value=stream_value(i, partitions), partition=i % partitions)
            return
        except BufferError:
            producer.poll(0.01)


def check_history(records, delivered, partitions, count):
    """The history of an idempotent producer that sent stream_value(i) to
    partition i % partitions, i in [0, count): `records` [(partition, offset, value)] read back, `delivered`
    {value: (partition, offset)} from its delivery reports. Nothing twice,
    nothing the producer did not have acknowledged, nothing acknowledged
    lost or moved, each partition's values in the order sent."""
    seen = {}
    duplicates = []
    for part, offset, v in records:
        if v in seen:
            duplicates.append((v, seen[v], (part, offset)))
        seen[v] = (part, offset)
    expect(not duplicates, "%d duplicates, first: %s" % (len(duplicates), duplicates[:3]))
    unknown = [v for v in seen if v not in delivered]
    expect(not unknown, "%d values in the log the producer never had acknowledged: %s" %
           (len(unknown), unknown[:3]))
    lost = [v for v in delivered if v not in seen]
    expect(not lost, "%d acknowledged values lost, first: %s" % (len(lost), sorted(lost)[:3]))
    moved = [(v, delivered[v], seen[v]) for v in delivered if delivered[v] != seen[v]]
    expect(not moved, "%d values not where their report put them, first: %s" %
           (len(moved), moved[:3]))
    for part in range(partitions):
        seqs = [int(v.split(b"-")[1]) for q, _, v in sorted(records) if q == part]
        bad = [k for k in range(1, len(seqs)) if seqs[k] <= seqs[k - 1]]
        expect(not bad, "partition %d out of order at %d: %s" %
               (part, bad[0] if bad else -1, seqs[bad[0] - 1:bad[0] + 2] if bad else []))
        expect(seqs == list(range(part, count, partitions)),
               "partition %d holds %d values, sent %d" %
               (part, len(seqs), len(range(part, count, partitions))))
