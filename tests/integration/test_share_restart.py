"""Share-group state survives kill -9 of the broker (docs/share-groups.md
"Durability"): an ACCEPTed record, acknowledged before the crash, is never
delivered again; records that were acquired but not acknowledged are
delivered again after the restart."""

import signal

import harness
from harness import expect
from share_util import ACCEPT, SETTINGS, Worker, produce


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    produce(broker, "jobs", [b"job-%d" % i for i in range(10)])
    w = Worker(broker, "durable", ["jobs"])
    w.join()
    got = []
    while len(got) < 10:
        got += w.fetch(max_records=10, max_wait_ms=500)
    expect(sorted(d.offset for d in got) == list(range(10)), "all ten delivered")
    done = [d for d in got if d.offset < 5]
    expect(w.acknowledge([(d, ACCEPT) for d in done]) == [0], "accepted 0-4")
    w.close()
    rc = broker.restart(signal.SIGKILL)
    expect(rc == -9, "broker killed: %s" % rc)
    fresh = Worker(broker, "durable", ["jobs"])
    fresh.join()
    again = []
    for _ in range(3):
        again += fresh.fetch(max_records=10, max_wait_ms=500)
    offsets = sorted(d.offset for d in again)
    expect(offsets == [5, 6, 7, 8, 9], "only the unacknowledged come back: %s" % offsets)
    expect(all(d.delivery_count == 2 for d in again), "second delivery: %s" %
           [d.delivery_count for d in again])
    expect(fresh.acknowledge([(d, ACCEPT) for d in again]) == [0], "accepted 5-9")
    fresh.close()
    print("after kill -9: accepted records stay done, unacknowledged ones are redelivered")


if __name__ == "__main__":
    harness.main(test)
