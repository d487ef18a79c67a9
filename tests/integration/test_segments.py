"""Consuming from the middle of a log of many segments (log.segment.bytes=65536):
reads start at the requested offset whichever segment holds it, and continue
across segment boundaries to the end."""

import glob
import os

import harness
from harness import expect, kcat

COUNT = 20000


def test(binary):
    broker = harness.Broker(binary, settings={"log.segment.bytes": 65536}).start()
    topic = "segments"
    lines = "".join("v-%06d-%s\n" % (i, "y" * 60) for i in range(COUNT))
    kcat(broker, "-P", "-t", topic, "-X", "linger.ms=5", "-X", "batch.num.messages=200",
         input=lines.encode())
    segments = glob.glob(os.path.join(broker.partition_dir(topic, 0), "*.log"))
    expect(len(segments) >= 10, "only %d segments" % len(segments))

    for start in (1, 7777, 12345, COUNT - 1):
        out = kcat(broker, "-C", "-t", topic, "-o", str(start), "-c", "50", "-e",
                   "-f", "%o %s\n").decode().splitlines()
        want = min(50, COUNT - start)
        expect(len(out) == want, "from %d: %d messages" % (start, len(out)))
        for j, line in enumerate(out):
            o = start + j
            expect(line == "%d v-%06d-%s" % (o, o, "y" * 60), "from %d: %r" % (start, line))

    out = kcat(broker, "-C", "-t", topic, "-o", "9000", "-e", "-f", "%o\n").decode().split()
    expect(out == [str(i) for i in range(9000, COUNT)], "9000..end: %d offsets" % len(out))
    print("%d segments; reads from the middle and across boundaries are exact" % len(segments))


if __name__ == "__main__":
    harness.main(test)
