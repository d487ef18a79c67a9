"""A minimal share-group client (KIP-932) speaking the flexible wire format by
hand, for the share integration tests: Debian's clients have no share
consumer yet. Request header v2 (client id keeps its int16 length, then an
empty tagged-field section), response header v1 (correlation id, tags).

Worker: joins with ShareGroupHeartbeat v1, learns topic ids from
ShareGroupDescribe v1, fetches with ShareFetch v1 (acknowledging the previous
delivery in the same request when asked) and acknowledges with
ShareAcknowledge v1. Records come back parsed from uncompressed RecordBatch
v2 data, and only those inside the acquired ranges are handed out, as a real
share consumer must.
"""

import socket
import struct
import uuid

import harness

HEARTBEAT, DESCRIBE, FETCH, ACK = 76, 77, 78, 79
ACCEPT, RELEASE, REJECT = 1, 2, 3
SETTINGS = {"sluice.share.auto.offset.reset": "earliest", "num.partitions": "1"}


def uvarint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def cstring(s):
    if s is None:
        return b"\x00"
    b = s.encode()
    return uvarint(len(b) + 1) + b


def carray(items, enc):
    return uvarint(len(items) + 1) + b"".join(enc(i) for i in items)


class R:
    """Reads flexible-format fields."""

    def __init__(self, data):
        self.d, self.p = data, 0

    def take(self, fmt):
        (v,) = struct.unpack_from(">" + fmt, self.d, self.p)
        self.p += struct.calcsize(">" + fmt)
        return v

    def uvarint(self):
        shift = n = 0
        while True:
            b = self.d[self.p]
            self.p += 1
            n |= (b & 0x7F) << shift
            if b < 0x80:
                return n
            shift += 7

    def varint(self):
        n = self.uvarint()
        return (n >> 1) ^ -(n & 1)

    def raw(self, n):
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def cstring(self):
        n = self.uvarint()
        return None if n == 0 else self.raw(n - 1).decode()

    def cbytes(self):
        n = self.uvarint()
        return None if n == 0 else self.raw(n - 1)

    def array(self, fn):
        n = self.uvarint()
        return [] if n == 0 else [fn() for _ in range(n - 1)]

    def tags(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.raw(self.uvarint())


def parse_records(data):
    """[(offset, key, value, {header: value})] of uncompressed batches."""
    out = []
    r = R(data or b"")
    while len(r.d) - r.p >= 61:
        base = r.take("q")
        length = r.take("i")
        end = r.p + length
        if end > len(r.d):
            break
        r.take("i"), r.take("b"), r.take("I")
        attrs = r.take("h")
        assert attrs & 7 == 0, "compressed batch: produce test data with -z none"
        r.take("i"), r.take("q"), r.take("q"), r.take("q"), r.take("h"), r.take("i")
        for _ in range(r.take("i")):
            r.varint()
            r.take("b")
            r.varint()
            delta = r.varint()
            klen = r.varint()
            key = None if klen < 0 else r.raw(klen)
            vlen = r.varint()
            value = None if vlen < 0 else r.raw(vlen)
            headers = {}
            for _ in range(r.varint()):
                hk = r.raw(r.varint()).decode()
                hl = r.varint()
                headers[hk] = None if hl < 0 else r.raw(hl)
            out.append((base + delta, key, value, headers))
        r.p = end
    return out


class Conn:
    def __init__(self, broker):
        self.sock = socket.create_connection(("127.0.0.1", broker.port), timeout=30)
        self.cid = 0

    def call(self, key, version, body):
        self.cid += 1
        header = struct.pack(">hhi", key, version, self.cid) + harness.string("share-it") + b"\x00"
        frame = header + body
        self.sock.sendall(struct.pack(">i", len(frame)) + frame)
        size = struct.unpack(">i", self._exact(4))[0]
        r = R(self._exact(size))
        assert r.take("i") == self.cid
        r.tags()
        return r

    def _exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("broker closed the connection")
            buf += chunk
        return buf

    def close(self):
        self.sock.close()


class Delivery:
    def __init__(self, topic_id, partition, offset, key, value, headers, delivery_count):
        self.topic_id, self.partition, self.offset = topic_id, partition, offset
        self.key, self.value, self.headers = key, value, headers
        self.delivery_count = delivery_count


class Worker:
    """One share-group member on its own connection."""

    def __init__(self, broker, group, topics):
        self.conn = Conn(broker)
        self.group, self.topics = group, topics
        self.member = str(uuid.uuid4())
        self.epoch = 0
        self.session_epoch = 0
        self.assignment = {}  # topic id -> [partitions]
        self.names = {}  # topic id -> name

    def heartbeat(self, leave=False):
        epoch = -1 if leave else self.epoch
        body = (cstring(self.group) + cstring(self.member) + struct.pack(">i", epoch) + b"\x00")
        body += carray(self.topics, cstring) if epoch == 0 else b"\x00"
        body += b"\x00"
        r = self.conn.call(HEARTBEAT, 1, body)
        r.take("i")
        err = r.take("h")
        msg = r.cstring()
        assert err == 0, "heartbeat error %d %s" % (err, msg)
        r.cstring()
        self.epoch = r.take("i")
        r.take("i")
        if r.take("b") >= 0:
            def topic():
                tid = r.raw(16)
                parts = r.array(lambda: r.take("i"))
                r.tags()
                return tid, parts
            self.assignment = dict(r.array(topic))
            r.tags()
        return self.assignment

    def describe(self):
        r = self.conn.call(DESCRIBE, 1, carray([self.group], cstring) + b"\x00\x00")
        r.take("i")
        groups = []

        def group():
            g = {"error": r.take("h"), "message": r.cstring(), "id": r.cstring(),
                 "state": r.cstring(), "epoch": r.take("i"), "assignment_epoch": r.take("i"),
                 "assignor": r.cstring()}

            def member():
                m = {"id": r.cstring(), "rack": r.cstring(), "epoch": r.take("i"),
                     "client": r.cstring(), "host": r.cstring(),
                     "topics": r.array(r.cstring)}

                def tp():
                    tid, name = r.raw(16), r.cstring()
                    parts = r.array(lambda: r.take("i"))
                    r.tags()
                    self.names[tid] = name
                    return name, parts
                m["assignment"] = dict(r.array(tp))
                r.tags()
                r.tags()
                return m
            g["members"] = r.array(member)
            r.take("i")
            r.tags()
            return g
        groups = r.array(group)
        return groups[0]

    def join(self):
        self.heartbeat()
        self.describe()
        return self.assignment

    def _next_session_epoch(self):
        e = self.session_epoch
        self.session_epoch = e + 1
        return e

    def fetch(self, max_records=10, max_wait_ms=500, acks=(), close=False):
        """acks: [(Delivery, type)]; returns [Delivery] acquired by this fetch."""
        by_part = {}
        for tid, parts in self.assignment.items():
            for p in parts:
                by_part[(tid, p)] = []
        for d, t in acks:
            by_part.setdefault((d.topic_id, d.partition), []).append((d.offset, t))
        epoch = -1 if close else self._next_session_epoch()
        if epoch == 0:
            for k in by_part:
                by_part[k] = []  # no acknowledgements in a session's first request
        topics = {}
        for (tid, p), a in by_part.items():
            topics.setdefault(tid, []).append((p, a))

        def batch(item):
            off, t = item
            return struct.pack(">qq", off, off) + carray([t], lambda x: struct.pack(">b", x)) + b"\x00"

        def part(item):
            p, a = item
            return struct.pack(">i", p) + carray(sorted(a), batch) + b"\x00"

        def topic(item):
            tid, parts = item
            return tid + carray(parts, part) + b"\x00"
        body = cstring(self.group) + cstring(self.member)
        body += struct.pack(">iiiiii", epoch, max_wait_ms, 1, 1 << 20, max_records, max_records)
        body += carray(list(topics.items()), topic) + b"\x01" + b"\x00"
        r = self.conn.call(FETCH, 1, body)
        return self._parse_fetch(r)

    def _parse_fetch(self, r):
        r.take("i")
        err = r.take("h")
        msg = r.cstring()
        assert err == 0, "share fetch error %d %s" % (err, msg)
        r.take("i")
        out = []
        self.ack_errors = []

        def topic():
            tid = r.raw(16)

            def part():
                p = r.take("i")
                e = r.take("h")
                r.cstring()
                ae = r.take("h")
                r.cstring()
                r.take("i"), r.take("i")
                r.tags()
                records = parse_records(r.cbytes())

                def acquired():
                    a = (r.take("q"), r.take("q"), r.take("h"))
                    r.tags()
                    return a
                ranges = r.array(acquired)
                r.tags()
                assert e == 0, "partition error %d" % e
                if ae:
                    self.ack_errors.append(ae)
                for off, k, v, h in records:
                    for first, last, count in ranges:
                        if first <= off <= last:
                            out.append(Delivery(tid, p, off, k, v, h, count))
            r.array(part)
            r.tags()
        r.array(topic)
        return out

    def acknowledge(self, acks, close=False):
        """acks: [(Delivery, type)]; returns the partition error codes."""
        by = {}
        for d, t in acks:
            by.setdefault(d.topic_id, {}).setdefault(d.partition, []).append((d.offset, t))
        epoch = -1 if close else self._next_session_epoch()

        def batch(item):
            off, t = item
            return struct.pack(">qq", off, off) + carray([t], lambda x: struct.pack(">b", x)) + b"\x00"

        def part(item):
            p, a = item
            return struct.pack(">i", p) + carray(sorted(a), batch) + b"\x00"

        def topic(item):
            tid, parts = item
            return tid + carray(list(parts.items()), part) + b"\x00"
        body = cstring(self.group) + cstring(self.member) + struct.pack(">i", epoch)
        body += carray(list(by.items()), topic) + b"\x00"
        r = self.conn.call(ACK, 1, body)
        r.take("i")
        err = r.take("h")
        r.cstring()
        assert err == 0, "share acknowledge error %d" % err
        errors = []

        def topic_resp():
            r.raw(16)

            def part():
                r.take("i")
                errors.append(r.take("h"))
                r.cstring()
                r.take("i"), r.take("i")
                r.tags()
                r.tags()
            r.array(part)
            r.tags()
        r.array(topic_resp)
        return errors

    def close(self):
        self.conn.close()


def produce(broker, topic, values, partition=None):
    """Values as lines, uncompressed (kcat -z none), so batches parse here."""
    args = ["-P", "-t", topic, "-z", "none"]
    if partition is not None:
        args += ["-p", str(partition)]
    harness.kcat(broker, *args, input=b"".join(v + b"\n" for v in values))
