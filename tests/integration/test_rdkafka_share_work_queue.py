"""The work-queue scene of the seeds with librdkafka 2.15.1's share consumer:
500 tasks on one partition, two workers of one share group, one doing 2 ms of
work per task and the other 10 ms, each holding at most one task at a time
(max.poll.records=1; rdkafka_share_member --one releases anything beyond the
first record of a poll, unworked). Asserts correctness only (every task
accepted exactly once); prints the split between the workers and the time,
which depend on the machine."""

import time

import harness
from harness import expect
from rdkafka_share_util import SETTINGS, Member, accepted_once, create_topic, wait_all_accepted
from share_util import produce

TASKS = 500


def scene(broker, topic, *flags):
    create_topic(broker, topic, 1)
    group = "workers-" + topic
    fast = Member(broker, group, topic, "--one", *flags, "--work-ms", "2", name="fast")
    slow = Member(broker, group, topic, "--one", *flags, "--work-ms", "10", name="slow")
    time.sleep(2)  # both joined before the tasks arrive
    values = ["task-%d" % i for i in range(TASKS)]
    started = time.time()
    produce(broker, topic, [v.encode() for v in values])
    wait_all_accepted([fast, slow], TASKS, 60)
    took = time.time() - started
    fast.close()
    slow.close()
    accepted_once([fast, slow], values)
    errors = fast.errors() + slow.errors()
    expect(not errors, "no errors: %s" % errors[:10])
    print("%s: %d tasks in %.1f s: fast worker (2 ms) accepted %d, slow worker (10 ms) %d; "
          "records released unworked because a poll returned more than one: %d" %
          (" ".join(flags) or "commit_sync", TASKS, took, len(fast.records("accepted")),
           len(slow.records("accepted")), fast.count("released") + slow.count("released")))


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    scene(broker, "tasks")
    # The acknowledgements ride on the next ShareFetch; the last one's answer
    # waits out MaxWaitMs with nothing to acquire and must still confirm it.
    scene(broker, "tasks-async", "--async")


if __name__ == "__main__":
    harness.main(test, limit_s=90)
