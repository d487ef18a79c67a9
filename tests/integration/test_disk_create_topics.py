"""CreateTopics on a nearly full small file system (a tmpfs: needs root to
mount it; skipped otherwise): a topic that does not fit is refused with
KAFKA_STORAGE_ERROR and leaves no partition behind (no partial topic, also
after a restart); once space is freed the same CreateTopics succeeds."""

import json
import os
import struct

import harness
from harness import expect, kcat

PARTITIONS = 64


def create(broker, name, partitions, cid):
    body = struct.pack(">i", 1) + harness.string(name)
    body += struct.pack(">ihii", partitions, 1, 0, 0) + struct.pack(">i", 30000)
    c = harness.Conn(broker, timeout=60)
    c.send(harness.request(19, 0, cid, body))
    r = harness.Reader(c.recv_frame())
    c.close()
    r.take("i")
    r.take("i")
    r.string()
    return r.take("h")


def partition_dirs(broker, name):
    return [d for d in os.listdir(broker.data_dir) if d.startswith(name + "-")]


def listed(broker, name):
    meta = json.loads(kcat(broker, "-L", "-J"))
    return any(t["topic"] == name for t in meta["topics"])


def test(binary):
    with harness.small_tmpfs("4m", "sluice-small-") as mnt:
        if mnt is None:
            return
        log_path = mnt.rstrip("/") + ".broker.log"
        broker = harness.Broker(binary, data_dir=os.path.join(mnt, "data"))
        broker.log_path = log_path
        broker.start()
        filler = os.path.join(mnt, "filler")
        st = os.statvfs(mnt)
        with open(filler, "wb") as f:  # leave room for a few partitions only
            f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - 96 * 1024))

        err = create(broker, "many", PARTITIONS, 1)
        expect(err == 56, "CreateTopics on a full disk: error %d, want KAFKA_STORAGE_ERROR" % err)
        expect(partition_dirs(broker, "many") == [],
               "a partial topic was left: %s" % sorted(partition_dirs(broker, "many")))
        expect(not listed(broker, "many"), "Metadata lists the failed topic")
        broker.restart()
        expect(not listed(broker, "many"), "the failed topic appeared after a restart")
        print("refused with KAFKA_STORAGE_ERROR, nothing left behind")

        os.unlink(filler)
        err = create(broker, "many", PARTITIONS, 2)
        expect(err == 0, "CreateTopics after freeing space: error %d" % err)
        expect(len(partition_dirs(broker, "many")) == PARTITIONS, "partitions missing")
        kcat(broker, "-P", "-t", "many", "-p", str(PARTITIONS - 1), input=b"ok\n")
        out = kcat(broker, "-C", "-t", "many", "-p", str(PARTITIONS - 1), "-o", "beginning",
                   "-e", "-q")
        expect(out == b"ok\n", "read back %r" % out)
        print("created once space was back, without a restart")
        broker.stop()

if __name__ == "__main__":
    harness.main(test, limit_s=60)
