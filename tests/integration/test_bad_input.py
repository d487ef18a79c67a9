"""Bad input over raw sockets (RELIABILITY.md E1, E2, E5, F1): each bad
connection is closed (or answered with the right error) and the broker keeps
serving kcat; a corrupt batch is not written while another partition of the
same Produce request is; pipelined answers come back in request order."""

import struct
import time

import harness
from harness import Conn, Reader, expect, kcat


def still_serves(broker, tag):
    kcat(broker, "-P", "-t", "alive", "-p", "0", input=("after-%s\n" % tag).encode())
    out = kcat(broker, "-C", "-t", "alive", "-p", "0", "-e", "-f", "%s\n").decode().splitlines()
    expect(out[-1] == "after-" + tag, "kcat after %s: %r" % (tag, out[-3:]))


def expect_closed(broker, data, tag):
    c = Conn(broker)
    c.send(data)
    expect(c.closed_by_peer(), "%s: connection not closed" % tag)
    c.close()
    still_serves(broker, tag)
    print("%s: closed, broker still serves" % tag)


def log_end_offsets(broker, topic, partitions):
    c = Conn(broker)
    c.send(harness.request(2, 1, 99, harness.list_offsets_v1(topic, partitions, -1)))
    r = Reader(c.recv_frame())
    expect(r.take("i") == 99, "correlation id")
    out = {}
    for _ in range(r.take("i")):
        r.string()
        for _ in range(r.take("i")):
            index, error, _ts, offset = r.take("ihqq")
            expect(error == 0, "ListOffsets error %d" % error)
            out[index] = offset
    c.close()
    return out


def test(binary):
    broker = harness.Broker(binary, settings={"num.partitions": 2,
                                              "sluice.request.read.timeout.ms": 500}).start()
    still_serves(broker, "start")

    expect_closed(broker, struct.pack(">i", 104857600 + 1), "size above socket.request.max.bytes")
    expect_closed(broker, struct.pack(">i", -5), "negative size")
    # A client set to security.protocol=SSL on this PLAINTEXT port: its TLS
    # ClientHello is refused as what it is, not as a 369 MB frame.
    import ssl
    hello = ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(ssl.MemoryBIO(), hello, server_hostname="x")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    expect_closed(broker, hello.read(), "TLS ClientHello")
    expect("reason=tls_handshake_on_plaintext_listener" in broker.output(),
           "no tls_handshake_on_plaintext_listener line:\n" + broker.output()[-600:])
    expect_closed(broker, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP request")
    expect("reason=http_request_on_kafka_listener" in broker.output(), "no http line")
    expect_closed(broker, struct.pack(">i", 4) + b"\x00" * 4, "size below the header")
    expect_closed(broker, harness.request(1000, 0, 1, b""), "unknown api key")
    expect_closed(broker, harness.request(32, 1, 1, b""), "api not served (DescribeConfigs)")
    expect_closed(broker, harness.request(1, 3, 1, b""), "Fetch v3 (below the served range)")

    # Slowloris: a frame that never completes is closed at the read deadline.
    c = Conn(broker)
    c.send(struct.pack(">i", 100) + b"\x00")
    t0 = time.time()
    expect(c.closed_by_peer(wait=5), "slow frame not closed")
    expect(time.time() - t0 < 3, "slow frame closed after %.1f s" % (time.time() - t0))
    c.close()
    print("slow frame: closed after the read deadline")

    # ApiVersions v9 (header v2, as for every version from 3 on): UNSUPPORTED_VERSION
    # in the v0 layout, listing 18 [0, 4].
    c = Conn(broker)
    c.send(harness.request(18, 9, 42, b"", flexible=True))
    r = Reader(c.recv_frame())
    expect(r.take("i") == 42, "correlation id")
    expect(r.take("h") == 35, "ApiVersions v9 error code")
    ranges = {}
    for _ in range(r.take("i")):
        key, lo, hi = r.take("hhh")
        ranges[key] = (lo, hi)
    expect(r.pos == len(r.data), "v0 body has %d extra bytes" % (len(r.data) - r.pos))
    expect(ranges.get(18) == (0, 4), "ApiVersions range %s" % ranges)
    c.close()
    print("ApiVersions v9: error 35, v0 body, range %s" % (ranges[18],))

    # Produce v3: partition 0 gets a batch with a broken CRC, partition 1 a good one.
    topic = "crc"
    kcat(broker, "-L", "-t", topic)  # auto-creates both partitions
    before = log_end_offsets(broker, topic, [0, 1])
    good = harness.record_batch([(b"k", b"good-%d" % i) for i in range(3)])
    bad = bytearray(harness.record_batch([(b"k", b"bad")]))
    bad[-1] ^= 0xFF  # a record byte: covered by the CRC
    c = Conn(broker)
    c.send(harness.request(0, 3, 5, harness.produce_v3(topic, [(0, bytes(bad)), (1, good)], acks=-1)))
    r = Reader(c.recv_frame())
    expect(r.take("i") == 5, "correlation id")
    results = {}
    for _ in range(r.take("i")):
        r.string()
        for _ in range(r.take("i")):
            index, error, base, _lat = r.take("ihqq")
            results[index] = (error, base)
    c.close()
    expect(results[0][0] == 2, "bad batch: error %d, expected CORRUPT_MESSAGE" % results[0][0])
    expect(results[1] == (0, before[1]), "good batch: %s" % (results[1],))
    after = log_end_offsets(broker, topic, [0, 1])
    expect(after[0] == before[0], "partition 0 end moved %d -> %d" % (before[0], after[0]))
    expect(after[1] == before[1] + 3, "partition 1 end %d -> %d" % (before[1], after[1]))
    print("corrupt CRC: CORRUPT_MESSAGE, log end unchanged; other partition appended")

    # Pipelining: acks=all, then acks=0 (no answer), then Metadata; the answers
    # come back in request order even though the first completes last.
    c = Conn(broker)
    batch = harness.record_batch([(None, b"p")])
    c.send(harness.request(0, 3, 100, harness.produce_v3(topic, [(1, batch)], acks=-1)) +
           harness.request(0, 3, 101, harness.produce_v3(topic, [(1, batch)], acks=0)) +
           harness.request(3, 1, 102, harness.metadata_v1([topic])))
    ids = [struct.unpack(">i", c.recv_frame()[:4])[0] for _ in range(2)]
    expect(ids == [100, 102], "answers in order %s" % ids)
    c.close()
    # The acks=0 append becomes visible once its group-committed fdatasync ends.
    deadline = time.time() + 5
    while log_end_offsets(broker, topic, [1])[1] != before[1] + 5 and time.time() < deadline:
        time.sleep(0.05)
    expect(log_end_offsets(broker, topic, [1])[1] == before[1] + 5, "pipelined appends")
    print("pipelined: answers %s in request order" % ids)
    still_serves(broker, "end")


if __name__ == "__main__":
    harness.main(test)
