"""Runs rdkafka_share_member (librdkafka 2.15.1's share consumer, one process
per member) for the test_rdkafka_share*.py tests and collects what each
member reports on stdout: "got", "accepted", "held", "released" records and
errors (the protocol is in rdkafka_share_member.cc)."""

import signal
import subprocess
import threading
import time

from confluent_kafka.admin import AdminClient, NewTopic

import harness
from harness import expect

# Short heartbeats and acquisition locks so that joins and redelivery take
# seconds, not the defaults' tens of seconds.
SETTINGS = {"sluice.share.auto.offset.reset": "earliest", "num.partitions": "1",
            "group.share.heartbeat.interval.ms": "500",
            "group.share.record.lock.duration.ms": "2000"}


def create_topic(broker, name, partitions):
    """The topic must exist before members subscribe: the share consumer
    resolves topics by id and never auto-creates them."""
    admin = AdminClient({"bootstrap.servers": broker.address})
    for f in admin.create_topics([NewTopic(name, num_partitions=partitions)]).values():
        f.result(10)


class Member:
    def __init__(self, broker, group, topic, *flags, name=None):
        expect(harness.program, "--program (the rdkafka_share_member executable) is required")
        self.name = name or group
        self.events = []  # (kind, fields) in the order printed
        self.stderr = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen([harness.program, broker.address, group, topic] +
                                     list(flags), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self._threads = [threading.Thread(target=self._read, args=(self.proc.stdout, False)),
                         threading.Thread(target=self._read, args=(self.proc.stderr, True))]
        for t in self._threads:
            t.daemon = True
            t.start()
        self.wait_for("ready", lambda: self.count("ready") > 0, 10)

    def _read(self, stream, is_err):
        for raw in stream:
            line = raw.decode(errors="replace").rstrip("\n")
            with self.lock:
                if is_err:
                    self.stderr.append(line)
                else:
                    kind, _, rest = line.partition(" ")
                    self.events.append((kind, rest.split(" ")))

    def records(self, kind):
        """[(partition, offset, delivery_count, value)] reported as `kind`."""
        with self.lock:
            return [(int(f[0]), int(f[1]), int(f[2]), f[3]) for k, f in self.events
                    if k == kind]

    def count(self, kind):
        with self.lock:
            return sum(1 for k, _ in self.events if k == kind)

    def errors(self):
        with self.lock:
            return [k + " " + " ".join(f) for k, f in self.events if k.endswith("-error")]

    def wait_for(self, what, cond, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if cond():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError("%s: timed out waiting for %s; %s" % (self.name, what, self.report()))

    def report(self):
        with self.lock:
            tail = self.stderr[-15:]
        return "exit %s, errors %s, stderr:\n  %s" % (self.proc.poll(), self.errors()[:10],
                                                     "\n  ".join(tail) or "(none)")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def close(self, timeout=15):
        """SIGTERM: the member commits, leaves the group and says "closed"."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("%s did not close within %d s" % (self.name, timeout))
        for t in self._threads:
            t.join(2)
        expect(self.proc.returncode == 0 and self.count("closed") == 1,
               "%s closed cleanly: %s" % (self.name, self.report()))


def wait_all_accepted(members, want, seconds):
    """Waits until the members together accepted `want` records."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if sum(len(m.records("accepted")) for m in members) >= want:
            return
        for m in members:
            expect(m.proc.poll() is None, "%s exited early: %s" % (m.name, m.report()))
        time.sleep(0.05)
    got = {m.name: len(m.records("accepted")) for m in members}
    raise AssertionError("accepted %s of %d within %d s; %s" % (
        got, want, seconds, "; ".join("%s: %s" % (m.name, m.report()) for m in members)))


def accepted_once(members, values):
    """Every value in `values` accepted exactly once across `members`."""
    by_value = {}
    for m in members:
        for p, o, dc, v in m.records("accepted"):
            by_value.setdefault(v, []).append((m.name, p, o, dc))
    twice = {v: w for v, w in by_value.items() if len(w) > 1}
    expect(not twice, "records accepted more than once: %s" % dict(list(twice.items())[:5]))
    missing = [v for v in values if v not in by_value]
    expect(not missing, "%d records never accepted, e.g. %s" % (len(missing), missing[:5]))
    wanted = set(values)
    extra = [v for v in by_value if v not in wanted]
    expect(not extra, "accepted records nobody produced: %s" % extra[:5])
    return by_value
