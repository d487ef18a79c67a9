"""Group membership survives kill -9 of the broker (docs/groups.md
"Durability": the group's type 2 record): two consumers of a Stable group
keep heartbeating across the restart with their member ids and generation,
see no rebalance (no revoke, no assign callback), and keep consuming. Then
RELIABILITY H1: a kill -9 in the middle of the rebalance a third consumer
starts; after the restart the group reforms with all three and no record is
left unconsumed."""

import signal
import time

import harness
from harness import expect
from group_util import SETTINGS, consumer, drain, produce, wait_assigned

TOPIC = "kept"


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    produce(broker, TOPIC, 6)
    events = []
    group = []
    for name in ("a", "b"):
        c = consumer(broker, "gr")
        c.subscribe([TOPIC], on_assign=lambda c, ps, n=name: events.append((n, "assign")),
                    on_revoke=lambda c, ps, n=name: events.append((n, "revoke")))
        group.append(c)
    seen = {}
    wait_assigned(group, [3, 3], seen=seen)
    deadline = time.time() + 2
    while time.time() < deadline:  # let the callbacks run and the group record flush
        for c in group:
            m = c.poll(0.1)
            if m is not None and m.error() is None:
                seen[m.key()] = seen.get(m.key(), 0) + 1
    settled = list(events)

    rc = broker.restart(signal.SIGKILL)
    expect(rc == -9, "broker killed: %s" % rc)
    produce(broker, TOPIC, 60, start=6)
    seen = drain(group, 66, seen=seen)
    expect(len(seen) == 66, "consumed %d of 66 after the restart" % len(seen))
    # Past a session timeout (6 s): restored sessions are alive, not expiring.
    deadline = time.time() + 7
    while time.time() < deadline:
        for c in group:
            c.poll(0.1)
    expect(events == settled, "callbacks after the restart: %s" % events[len(settled):])
    expect([len(c.assignment()) for c in group] == [3, 3], "assignment kept")
    expect("event=group_restored group=gr state=Stable generation=1 members=2" in broker.output(),
           "the broker restored the group")
    print("kill -9 of the broker: group restored Stable, no rebalance, consumption goes on")

    third = consumer(broker, "gr")
    third.subscribe([TOPIC])
    group.append(third)
    deadline = time.time() + 0.3  # the JoinGroup round is open now
    while time.time() < deadline:
        for c in group:
            c.poll(0.02)
    rc = broker.restart(signal.SIGKILL)
    expect(rc == -9, "broker killed mid-rebalance: %s" % rc)
    t0 = time.time()
    produce(broker, TOPIC, 60, start=66)
    deadline = time.time() + 30
    while time.time() < deadline and ([len(c.assignment()) for c in group] != [2, 2, 2] or
                                      len(seen) < 126):
        for c in group:
            m = c.poll(0.05)  # poll(), not consume(): see test_group_rebalance.py
            if m is not None and m.error() is None:
                seen[m.key()] = seen.get(m.key(), 0) + 1
    sizes = [len(c.assignment()) for c in group]
    expect(sizes == [2, 2, 2], "after the kill mid-rebalance: %s" % sizes)
    expect(len(seen) == 126, "unseen: %d of 126" % (126 - len(seen)))
    print("kill -9 mid-rebalance: Stable with 3 members %.1f s after the restart, unseen=0" %
          (time.time() - t0))
    for c in group:
        c.close()


if __name__ == "__main__":
    harness.main(test)
