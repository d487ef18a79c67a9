"""sluice produce and consume against kcat, both ways: keys, headers and
values (binary ones too) come out identical; offsets, times, ranges, -c, -e,
format strings and JSON lines."""

import base64
import json
import time

import harness
from harness import Broker, expect, kcat
from test_sluice_cli import Sluice


def test(binary):
    broker = Broker(binary).start()
    s = Sluice(binary, broker)
    s.run("topic", "create", "a", "-p", "1")
    s.run("topic", "create", "b", "-p", "1")

    # sluice -> kcat: -K splits the key, -H adds headers, -z compresses.
    lines = b"k1:v1\nk2:v:2\nno-key\n:empty-key\n"
    s.run("produce", "-t", "a", "-K", ":", "-H", "h1=x", "-H", "h2=y=z", "-z", "lz4", input=lines)
    got = kcat(broker, "-C", "-t", "a", "-e", "-q", "-f", "%k|%s|%h|%K\n").decode()
    expect(got == "k1|v1|h1=x,h2=y=z|2\nk2|v:2|h1=x,h2=y=z|2\n|no-key|h1=x,h2=y=z|-1\n"
                  "|empty-key|h1=x,h2=y=z|0\n", "kcat read %r" % got)

    # kcat -> sluice, binary-safe: a value with every byte but '\n'.
    binary_value = bytes(b for b in range(256) if b != 10)
    kcat(broker, "-P", "-t", "b", "-k", "key\x01", "-H", "hk=hv", "-D", "\n",
         input=b"plain\n" + binary_value + b"\n")
    raw = s.run("consume", "-t", "b", "-e", "-f", "%k\\t%s\\t%h\\n").stdout
    expect(raw == b"key\x01\tplain\thk=hv\n" + b"key\x01\t" + binary_value + b"\thk=hv\n",
           "sluice read %r" % raw)
    records = [json.loads(l) for l in s.out("consume", "-t", "b", "-e", "--json").splitlines()]
    expect(len(records) == 2, "two JSON lines")
    expect(records[0]["value"] == "plain" and records[0]["key"] == "key\x01" and
           records[0]["headers"] == [{"key": "hk", "value": "hv"}] and records[0]["offset"] == 0,
           "json %r" % records[0])
    expect(base64.b64decode(records[1]["value_base64"]) == binary_value, "binary as base64")

    # Offsets, counts, ranges and times on 10 records of known timestamps.
    s.run("topic", "create", "n", "-p", "1")
    t0 = int(time.time() * 1000) - 100000
    conn = harness.Conn(broker)
    for i in range(10):
        batch = harness.record_batch([(None, b"r%d" % i)], timestamp_ms=t0 + i * 1000)
        conn.send(harness.request(0, 3, i, harness.produce_v3("n", [(0, batch)], acks=-1)))
        conn.recv_frame()
    conn.close()

    def values(*args):
        return s.out("consume", "-t", "n", "-e", *args).split()

    got = values()
    expect(got == ["r%d" % i for i in range(10)], "from the beginning: %s" % got)
    expect(values("-o", "7") == ["r7", "r8", "r9"], "from offset 7")
    expect(values("-o", "-2") == ["r8", "r9"], "two from the end")
    expect(values("-o", "end") == [], "from the end")
    expect(values("-o", "2:5") == ["r2", "r3", "r4"], "offset range")
    expect(values("-o", "4", "-c", "2") == ["r4", "r5"], "count")
    expect(values("-o", "@%d" % (t0 + 6000)) == ["r6", "r7", "r8", "r9"], "from a time")
    expect(values("-o", "@%d:%d" % (t0 + 2500, t0 + 5000)) == ["r3", "r4"], "time range")
    iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime((t0 + 8000) / 1000))
    iso += ".%03dZ" % ((t0 + 8000) % 1000)
    expect(values("-o", "@" + iso) == ["r8", "r9"], "ISO time")
    expect(values("-o", "@-1h") == ["r%d" % i for i in range(10)], "an hour back")
    fmt = s.out("consume", "-t", "n", "-e", "-o", "9", "-f", "%t %p %o %T %S %s\\n")
    expect(fmt == "n 0 9 %d 2 r9\n" % (t0 + 9000), "format %r" % fmt)

    # Without -e, -c still ends it once enough records came.
    expect(s.out("consume", "-t", "n", "-c", "3").split() == ["r0", "r1", "r2"], "count without -e")


if __name__ == "__main__":
    harness.main(test)
