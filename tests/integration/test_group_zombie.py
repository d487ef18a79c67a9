"""A zombie member cannot move committed offsets (RELIABILITY H3): member A
of generation 1 is dropped when it fails to rejoin a round B started, and
then commits over raw protocol: UNKNOWN_MEMBER_ID. B commits with the old
generation: ILLEGAL_GENERATION. OffsetFetch shows neither commit changed
anything."""

import struct

import harness
from harness import Conn, Reader, expect, request, string

GROUP = "zombies"
TOPIC = "zt"
UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION = 25, 22


class Client:
    def __init__(self, broker):
        self.conn = Conn(broker, timeout=20)
        self.correlation = 0

    def call(self, api_key, version, body):
        self.correlation += 1
        self.conn.send(request(api_key, version, self.correlation, body))
        r = Reader(self.conn.recv_frame())
        expect(r.take("i") == self.correlation, "correlation id")
        return r

    def join(self, member_id=""):
        """JoinGroup v1: session 6 s, rebalance timeout 1 s."""
        body = string(GROUP) + struct.pack(">ii", 6000, 1000) + string(member_id)
        body += string("consumer") + struct.pack(">i", 1) + string("range")
        body += struct.pack(">i", 0)  # empty protocol metadata
        r = self.call(11, 1, body)
        error, generation = r.take("hi")
        r.string()  # protocol
        leader, member = r.string(), r.string()
        return error, generation, leader, member

    def sync(self, generation, member, assign=()):
        body = string(GROUP) + struct.pack(">i", generation) + string(member)
        body += struct.pack(">i", len(assign))
        for m in assign:
            body += string(m) + struct.pack(">i", 0)
        r = self.call(14, 1, body)
        r.take("i")  # throttle
        return r.take("h")

    def commit(self, generation, member, offset):
        """OffsetCommit v2, one partition; returns its error code."""
        body = string(GROUP) + struct.pack(">i", generation) + string(member)
        body += struct.pack(">q", -1) + struct.pack(">i", 1) + string(TOPIC)
        body += struct.pack(">iiq", 1, 0, offset) + string("")
        r = self.call(8, 2, body)
        expect(r.take("i") == 1, "one topic")
        r.string()
        expect(r.take("i") == 1, "one partition")
        return r.take("ih")[1]

    def fetch(self):
        """OffsetFetch v1 of partition 0."""
        body = string(GROUP) + struct.pack(">i", 1) + string(TOPIC) + struct.pack(">ii", 1, 0)
        r = self.call(9, 1, body)
        r.take("i")
        r.string()
        r.take("i")
        partition, offset = r.take("iq")
        r.string()
        expect(r.take("h") == 0, "OffsetFetch error")
        return offset


def test(binary):
    broker = harness.Broker(binary, settings={"group.initial.rebalance.delay.ms": "300"}).start()
    # Commits to a topic that does not exist are refused (as Kafka does).
    harness.kcat(broker, "-P", "-t", TOPIC, "-p", "0", input=b"x\n")
    a, b = Client(broker), Client(broker)
    error, generation, leader, member_a = a.join()
    expect(error == 0 and generation == 1 and leader == member_a, "A joined: %s" % error)
    expect(a.sync(1, member_a, [member_a]) == 0, "A synced")
    expect(a.commit(1, member_a, 42) == 0, "A's commit in generation 1")
    expect(a.fetch() == 42, "committed 42")

    # B joins; A does not rejoin within the 1 s rebalance timeout and is dropped.
    error, generation, leader, member_b = b.join()
    expect(error == 0 and generation == 2 and leader == member_b,
           "B alone in generation 2: error %d generation %d" % (error, generation))
    expect(b.sync(2, member_b, [member_b]) == 0, "B synced")

    got = a.commit(1, member_a, 1000)
    expect(got == UNKNOWN_MEMBER_ID, "zombie A's commit answered %d" % got)
    got = b.commit(1, member_b, 2000)
    expect(got == ILLEGAL_GENERATION, "B's commit with generation 1 answered %d" % got)
    expect(a.fetch() == 42, "offset unchanged by the rejected commits")
    expect(b.commit(2, member_b, 43) == 0, "B's commit in generation 2")
    expect(a.fetch() == 43, "committed 43")
    print("zombie commits refused (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION), offset kept")


if __name__ == "__main__":
    harness.main(test)
