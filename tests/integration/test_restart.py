"""Messages acknowledged with acks=all survive a restart, in order and at the
same offsets: after a clean stop (SIGTERM: exit 0, clean-shutdown marker) and
after kill -9 (recovery scans the tail)."""

import os
import signal

import harness
from harness import expect, kcat

COUNT = 3000


def produce(broker, topic, start):
    lines = "".join("k%d:v%d\n" % (i, i) for i in range(start, start + COUNT))
    kcat(broker, "-P", "-t", topic, "-K:", "-X", "acks=all", "-X", "linger.ms=5",
         input=lines.encode())


def consume_all(broker, topic, expected_count):
    out = kcat(broker, "-C", "-t", topic, "-e", "-f", "%o %k %s\n").decode().splitlines()
    expect(len(out) == expected_count, "%s: %d messages, expected %d" %
           (topic, len(out), expected_count))
    for i, line in enumerate(out):
        expect(line == "%d k%d v%d" % (i, i, i), "%s: line %d is %r" % (topic, i, line))


def test(binary):
    broker = harness.Broker(binary).start()
    for sig, name in ((signal.SIGTERM, "sigterm"), (signal.SIGKILL, "sigkill")):
        topic = "restart-" + name
        produce(broker, topic, 0)
        consume_all(broker, topic, COUNT)
        rc = broker.restart(sig)
        expect(rc == (0 if sig == signal.SIGTERM else -9), "%s: broker exit code %s" % (name, rc))
        consume_all(broker, topic, COUNT)
        # Appends continue after the recovered end.
        produce(broker, topic, COUNT)
        consume_all(broker, topic, 2 * COUNT)
        print("%s: %d messages intact after restart" % (name, 2 * COUNT))
    expect(os.path.exists(os.path.join(broker.data_dir, "meta.properties")), "meta.properties")


if __name__ == "__main__":
    harness.main(test)
