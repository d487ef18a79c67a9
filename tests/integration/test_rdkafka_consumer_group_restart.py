"""A KIP-848 consumer group (librdkafka 2.15.1, group.protocol=consumer) across a
broker kill -9 in the middle of a reconciliation: three members share a
six-partition topic, a fourth joins, and the broker is SIGKILLed while
partitions are moving to it. After the restart the group converges (every
partition owned by one of the four) from the state it replayed from
__consumer_offsets: no member is fenced into a full rebalance (none gets back
a partition it gave up, none loses everything), and no record is left
unconsumed. Duplicates are allowed here (a commit may die with the broker)
and reported."""

import signal
import time

import harness
from harness import expect
from rdkafka_consumer_util import SETTINGS, Member, create_topics, produce, settled, wait

TOPIC = "restart"
PARTITIONS = 6
RECORDS = 20000


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    create_topics(broker, (TOPIC, PARTITIONS))
    values = ["r-%d" % i for i in range(RECORDS)]
    members = [Member(broker, "rg", TOPIC, name=n) for n in "abc"]
    wait("three members settled", lambda: settled(members, TOPIC, PARTITIONS), 30, members)
    produce(broker, TOPIC, values[:RECORDS // 2], PARTITIONS)
    wait("first half consumed",
         lambda: len({v for m in members for v in m.values()}) >= RECORDS // 2, 60, members)

    members.append(Member(broker, "rg", TOPIC, name="d"))
    # The coordinator now asks a, b and c to revoke one partition for d.
    wait("a revocation under way",
         lambda: any(k == "revoked" for m in members[:3] for k, _ in m.changes()), 20, members)
    broker.stop(signal.SIGKILL)
    killed_at = time.time()
    time.sleep(0.5)
    broker.start(broker.port)
    restarted_at = time.time()
    wait("four members settled after the restart",
         lambda: settled(members, TOPIC, PARTITIONS), 45, members)
    print("group converged %.1f s after the kill" % (time.time() - killed_at))
    for m in members[:3]:
        after = m.changes(restarted_at)
        given_up = set().union(*[f for k, f in after if k == "revoked"] or [set()])
        got = set().union(*[f for k, f in after if k == "assigned"] or [set()])
        expect(not (given_up & got),
               "%s revoked and got back %s: a full rebalance, not a continuation" % (
                   m.name, sorted(given_up & got)))
        expect(m.owned(), "%s still owns partitions" % m.name)

    produce(broker, TOPIC, values[RECORDS // 2:], PARTITIONS)
    wait("every record consumed",
         lambda: len({v for m in members for v in m.values()}) >= RECORDS, 60, members)
    seen = [v for m in members for v in m.values()]
    missing = set(values) - set(seen)
    expect(not missing, "%d records never consumed, e.g. %s" % (len(missing), sorted(missing)[:5]))
    print("%d records consumed, %d twice (commits lost with the broker)" % (
        RECORDS, len(seen) - len(set(seen))))
    for m in members:
        m.close()
    broker.stop()


if __name__ == "__main__":
    harness.main(test, limit_s=170)
