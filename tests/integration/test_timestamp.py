"""`kcat -C -o s@<ms>` (ListOffsets by timestamp) starts at the first message
produced at or after that time. kcat 1.7 cannot set message timestamps, so the
messages are produced in two phases with the boundary time taken between them."""

import time

import harness
from harness import expect, kcat


def test(binary):
    broker = harness.Broker(binary).start()
    topic = "ts"
    kcat(broker, "-P", "-t", topic, input=b"".join(b"early-%d\n" % i for i in range(500)))
    time.sleep(0.3)
    boundary_ms = int(time.time() * 1000)
    time.sleep(0.3)
    kcat(broker, "-P", "-t", topic, input=b"".join(b"late-%d\n" % i for i in range(500)))

    out = kcat(broker, "-C", "-t", topic, "-o", "s@%d" % boundary_ms, "-e",
               "-f", "%o %s %T\n").decode().splitlines()
    expect(len(out) == 500, "from the boundary: %d messages" % len(out))
    first_offset, first_value, first_ts = out[0].split()
    expect(first_offset == "500" and first_value == "late-0", "first message %r" % out[0])
    expect(int(first_ts) >= boundary_ms, "timestamp %s before boundary %d" % (first_ts, boundary_ms))

    # Before everything: from the start. After everything: nothing (end).
    out = kcat(broker, "-C", "-t", topic, "-o", "s@1000", "-e", "-f", "%o\n").decode().split()
    expect(out[:1] == ["0"] and len(out) == 1000, "from s@1000: %d messages" % len(out))
    future = int(time.time() * 1000) + 3600 * 1000
    out = kcat(broker, "-C", "-t", topic, "-o", "s@%d" % future, "-e", "-f", "%o\n").decode().split()
    expect(out == [], "from a future timestamp: %r" % out[:5])


if __name__ == "__main__":
    harness.main(test)
