"""Share groups as a work queue (KIP-932, docs/share-groups.md): fair dispatch
between a fast and a slow worker holding one record at a time, every task
accepted exactly once; and eight workers on a two-partition topic all get
work (members outnumbering partitions share them)."""

import threading
import time

from confluent_kafka.admin import AdminClient, NewTopic

import harness
from harness import expect
from share_util import ACCEPT, SETTINGS, Worker, produce

TASKS = 50


def fair_dispatch(broker):
    produce(broker, "tasks", [b"task-%d" % i for i in range(TASKS)])
    accepted = {}  # offset -> [worker names]
    lock = threading.Lock()
    errors = []

    def run(name, seconds_per_task):
        w = Worker(broker, "fair", ["tasks"])
        try:
            w.join()
            pending = []
            deadline = time.time() + 40
            while time.time() < deadline:
                with lock:
                    done = sum(len(v) for v in accepted.values()) >= TASKS
                if done and not pending:
                    break
                got = w.fetch(max_records=1, max_wait_ms=100,
                              acks=[(d, ACCEPT) for d in pending])
                expect(not w.ack_errors, "%s: ack errors %s" % (name, w.ack_errors))
                with lock:
                    for d in pending:
                        accepted.setdefault(d.offset, []).append(name)
                pending = []
                expect(len(got) <= 1, "%s holds at most one record: %d" % (name, len(got)))
                for d in got:
                    time.sleep(seconds_per_task)
                    pending.append(d)
            w.fetch(max_records=1, max_wait_ms=0, acks=[], close=True)
        except Exception as e:  # reported by the main thread
            errors.append("%s: %r" % (name, e))
        finally:
            w.close()

    threads = [threading.Thread(target=run, args=("fast", 0.02)),
               threading.Thread(target=run, args=("slow", 0.10))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(50)
    expect(not errors, "workers failed: %s" % errors)
    expect(sorted(accepted) == list(range(TASKS)), "every task accepted: %s" % sorted(accepted))
    twice = {o: ws for o, ws in accepted.items() if len(ws) != 1}
    expect(not twice, "tasks accepted more than once: %s" % twice)
    fast = sum(1 for ws in accepted.values() if ws == ["fast"])
    slow = TASKS - fast
    print("fast worker completed %d tasks, slow worker %d" % (fast, slow))
    expect(slow >= 1 and fast >= 3 * slow, "the fast worker gets about 5x the work: %d vs %d" %
           (fast, slow))


def eight_workers_two_partitions(broker):
    admin = AdminClient({"bootstrap.servers": broker.address})
    for f in admin.create_topics([NewTopic("spread", num_partitions=2)]).values():
        f.result(10)
    produce(broker, "spread", [b"a%d" % i for i in range(40)], partition=0)
    produce(broker, "spread", [b"b%d" % i for i in range(40)], partition=1)
    workers = [Worker(broker, "spread-group", ["spread"]) for _ in range(8)]
    try:
        for w in workers:
            w.join()
        for w in workers:
            w.heartbeat()  # every member sees the final assignment
        parts = [sorted(p for ps in w.assignment.values() for p in ps) for w in workers]
        expect(all(len(p) == 1 for p in parts), "one partition each: %s" % parts)
        expect(sum(p == [0] for p in parts) == 4, "four members per partition: %s" % parts)
        got = [[] for _ in workers]
        for _ in range(2):  # nothing acknowledged: the second round adds nothing
            for i, w in enumerate(workers):
                got[i] += w.fetch(max_records=4, max_wait_ms=100)
        counts = [len(g) for g in got]
        expect(counts == [4] * 8, "every worker received work, 4 at most each: %s" % counts)
        offsets = [(d.partition, d.offset) for g in got for d in g]
        expect(len(offsets) == len(set(offsets)), "no record held by two workers at once")
        expect(sorted(offsets) == [(p, o) for p in (0, 1) for o in range(16)],
               "each partition's first 16 records, spread over its 4 members: %s" % sorted(offsets))
        print("eight workers on two partitions received %s records" % counts)
    finally:
        for w in workers:
            w.close()


def test(binary):
    broker = harness.Broker(binary, settings=SETTINGS).start()
    fair_dispatch(broker)
    eight_workers_two_partitions(broker)


if __name__ == "__main__":
    harness.main(test)
