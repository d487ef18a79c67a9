"""`kcat -L` lists this broker (node 0 at its advertised address, the
controller) and the topics with their partitions; topics are auto-created
with num.partitions; an illegal name gets INVALID_TOPIC_EXCEPTION."""

import json
import struct

import harness
from harness import expect, kcat


def test(binary):
    broker = harness.Broker(binary, settings={"num.partitions": 3}).start()
    kcat(broker, "-P", "-t", "alpha", input=b"a\nb\n")
    kcat(broker, "-P", "-t", "beta", "-p", "2", input=b"c\n")

    text = kcat(broker, "-L").decode()
    print(text)
    expect("broker 0 at %s (controller)" % broker.address in text, "broker line missing")
    expect('topic "alpha" with 3 partitions' in text, "alpha missing")
    expect('topic "beta" with 3 partitions' in text, "beta missing")
    expect("partition 2, leader 0, replicas: 0, isrs: 0" in text, "partition line missing")

    meta = json.loads(kcat(broker, "-L", "-J"))
    expect([b["id"] for b in meta["brokers"]] == [0], "brokers %s" % meta["brokers"])
    topics = {t["topic"]: t for t in meta["topics"]}
    expect(set(topics) == {"alpha", "beta"}, "topics %s" % sorted(topics))
    expect(len(topics["alpha"]["partitions"]) == 3, "alpha partitions")

    # An unknown topic is auto-created on Metadata; an illegal name is refused.
    expect('topic "gamma" with 3 partitions' in kcat(broker, "-L", "-t", "gamma").decode(),
           "gamma was not auto-created")
    c = harness.Conn(broker)
    c.send(harness.request(3, 1, 8, harness.metadata_v1(["bad name!"])))
    frame = c.recv_frame()
    needle = struct.pack(">h", 17) + harness.string("bad name!")
    expect(needle in frame, "no INVALID_TOPIC_EXCEPTION for an illegal name")
    c.close()


if __name__ == "__main__":
    harness.main(test)
