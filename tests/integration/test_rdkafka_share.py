"""librdkafka 2.15.1's share consumer (KIP-932, explicit acknowledgement;
rdkafka_share_member.cc, one process per member) against the broker:
- two members of one share group on a two-partition topic: 1,000 records,
  each delivered once and accepted exactly once across the two;
- a member SIGKILLed while it holds records: they are redelivered to the
  other member (delivery count 2) and accepted there, each exactly once, as
  soon as the broker sees the killed member's connection close, not when
  their 30 s acquisition locks expire.
Needs the library that scripts/build-test-clients.sh builds."""

import time

import harness
from harness import expect
from rdkafka_share_util import SETTINGS, Member, accepted_once, create_topic, wait_all_accepted
from share_util import produce

RECORDS = 1000


def two_members(broker):
    create_topic(broker, "pairs", 2)
    a = Member(broker, "pairs-group", "pairs", "--work-ms", "1", name="a")
    b = Member(broker, "pairs-group", "pairs", "--work-ms", "1", name="b")
    time.sleep(2)  # both joined and assigned before the records arrive
    values = ["r-%d" % i for i in range(RECORDS)]
    produce(broker, "pairs", [v.encode() for v in values[:RECORDS // 2]], partition=0)
    produce(broker, "pairs", [v.encode() for v in values[RECORDS // 2:]], partition=1)
    wait_all_accepted([a, b], RECORDS, 40)
    a.close()
    b.close()
    accepted_once([a, b], values)
    got = a.records("got") + b.records("got")
    expect(len(got) == RECORDS, "each record delivered once, got %d deliveries" % len(got))
    expect(not a.errors() and not b.errors(), "no errors: %s %s" % (a.errors(), b.errors()))
    print("two members accepted %d records exactly once: a %d, b %d" %
          (RECORDS, len(a.records("accepted")), len(b.records("accepted"))))


def killed_member(broker):
    create_topic(broker, "crash", 1)
    holder = Member(broker, "crash-group", "crash", "--hold", name="holder")
    time.sleep(1)
    values = ["c-%d" % i for i in range(20)]
    produce(broker, "crash", [v.encode() for v in values])
    holder.wait_for("records to hold", lambda: holder.count("held") > 0, 20)
    time.sleep(0.3)  # the rest of the batch printed
    held = {v for _, _, _, v in holder.records("held")}
    other = Member(broker, "crash-group", "crash", name="other")
    time.sleep(1)  # the other member joined while the records are still held
    killed_at = time.time()
    holder.kill()
    wait_all_accepted([other], len(values), 30)
    waited = time.time() - killed_at
    other.close()
    by_value = accepted_once([other], values)
    redelivered = {v: by_value[v][0][3] for v in held}
    expect(all(dc >= 2 for dc in redelivered.values()),
           "held records come back with delivery count >= 2: %s" % redelivered)
    # Locks last 30 s here: redelivery well before that is the closed
    # connection releasing them.
    expect(waited < 10, "held records redelivered after %.1f s (lock 30 s)" % waited)
    print("member killed holding %d records; the other accepted all %d, the held ones "
          "within %.1f s" % (len(held), len(values), waited))


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    two_members(broker)
    broker.stop()
    long_locks = dict(SETTINGS, **{"group.share.record.lock.duration.ms": "30000"})
    killed_member(harness.Broker(binary, settings=long_locks).start())


if __name__ == "__main__":
    harness.main(test, limit_s=100)
