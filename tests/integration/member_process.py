"""A group member run as its own process (a program built against a real
client library), so that a test can SIGKILL it: its stdout lines are events
"kind field field ..." collected in order; stderr is kept for the report."""

import signal
import subprocess
import threading
import time

from harness import expect


class MemberProcess:
    def __init__(self, argv, name, ready="ready", ready_s=10):
        self.name = name
        self.events = []  # (kind, fields, time received) in the order printed
        self.stderr = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._threads = [threading.Thread(target=self._read, args=(self.proc.stdout, False)),
                         threading.Thread(target=self._read, args=(self.proc.stderr, True))]
        for t in self._threads:
            t.daemon = True
            t.start()
        if ready:
            self.wait_for(ready, lambda: self.count(ready) > 0, ready_s)

    def _read(self, stream, is_err):
        for raw in stream:
            line = raw.decode(errors="replace").rstrip("\n")
            with self.lock:
                if is_err:
                    self.stderr.append(line)
                else:
                    kind, _, rest = line.partition(" ")
                    self.events.append((kind, rest.split(" "), time.time()))

    def fields(self, kind):
        """The fields of every event of `kind`, in order."""
        with self.lock:
            return [f for k, f, _ in self.events if k == kind]

    def timed(self, kind):
        """(time received, fields) of every event of `kind`, in order."""
        with self.lock:
            return [(t, f) for k, f, t in self.events if k == kind]

    def count(self, kind):
        with self.lock:
            return sum(1 for k, _, _ in self.events if k == kind)

    def errors(self):
        with self.lock:
            return [k + " " + " ".join(f) for k, f, _ in self.events
                    if k == "error" or k.endswith("-error")]

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
