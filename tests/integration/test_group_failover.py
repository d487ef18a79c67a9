"""Consumer groups: committed offsets survive kill -9 of the broker
(RELIABILITY C3/H4), and a consumer killed with kill -9 loses its partitions
to the living members after its session timeout (H2)."""

import os
import signal
import subprocess
import sys
import time

from confluent_kafka import TopicPartition

import harness
from harness import expect
from group_util import SETTINGS, consumer, produce, wait_assigned

CHILD = r"""
import sys, time
sys.path.insert(0, %r)
from confluent_kafka import Consumer
c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "gf", "session.timeout.ms": 6000,
              "heartbeat.interval.ms": 1000, "auto.offset.reset": "earliest"})
c.subscribe(["failover"])
while True:
    c.poll(0.1)
    if c.assignment():
        print("assigned", len(c.assignment()), flush=True)
"""


def committed_survive(broker):
    c = consumer(broker, "gc")
    c.subscribe(["durable"])
    wait_assigned([c], [6])
    offsets = [TopicPartition("durable", p, 100 + p) for p in range(6)]
    c.commit(offsets=offsets, asynchronous=False)
    c.close()
    rc = broker.restart(signal.SIGKILL)
    expect(rc == -9, "broker killed: %s" % rc)
    fresh = consumer(broker, "gc")
    got = fresh.committed([TopicPartition("durable", p) for p in range(6)], timeout=10)
    expect([(tp.partition, tp.offset) for tp in got] == [(p, 100 + p) for p in range(6)],
           "committed after kill -9: %s" % [(tp.partition, tp.offset) for tp in got])
    fresh.close()
    print("committed offsets survive kill -9")


def dead_member_moves(broker):
    produce(broker, "failover", 6)
    child = subprocess.Popen([sys.executable, "-c", CHILD % os.path.dirname(__file__), broker.address],
                             stdout=subprocess.PIPE)
    try:
        time.sleep(1)
        living = [consumer(broker, "gf") for _ in range(2)]
        for c in living:
            c.subscribe(["failover"])
        wait_assigned(living, [2, 2], what="with the child")
        child.send_signal(signal.SIGKILL)
        child.wait()
        t0 = time.time()
        wait_assigned(living, [3, 3], limit_s=20, what="after kill -9")
        print("partitions moved %.1f s after the kill" % (time.time() - t0))
        for c in living:
            c.close()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    produce(broker, "durable", 6)
    committed_survive(broker)
    dead_member_moves(broker)


if __name__ == "__main__":
    harness.main(test)
