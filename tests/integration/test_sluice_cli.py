"""The sluice tool's shared test helpers, and its command-line contract:
--help on every command, and every failure exits non-zero with one
"sluice: error: ..." line on stderr. Other test_sluice_*.py import the helpers.
"""

import os
import subprocess

import harness
from harness import Broker, expect

COMMANDS = [
    [], ["topic"], ["topic", "create"], ["topic", "list"], ["topic", "describe"],
    ["topic", "delete"], ["topic", "alter"], ["produce"], ["consume"], ["group"],
    ["group", "list"], ["group", "describe"], ["group", "delete"], ["group", "reset-offsets"],
    ["group", "wait"], ["offsets"], ["perf"], ["perf", "produce"], ["perf", "consume"],
    ["perf", "e2e"], ["share"], ["share", "consume"],
]


def sluice_binary(broker_binary):
    """build/broker/sluice-broker -> build/tools/sluice ($SLUICE_BIN overrides)."""
    if os.environ.get("SLUICE_BIN"):
        return os.environ["SLUICE_BIN"]
    build = os.path.dirname(os.path.dirname(os.path.abspath(broker_binary)))
    path = os.path.join(build, "tools", "sluice")
    expect(os.access(path, os.X_OK), "sluice binary at %s" % path)
    return path


class Sluice:
    def __init__(self, broker_binary, broker=None):
        self.path = sluice_binary(broker_binary)
        self.broker = broker

    def run(self, *args, input=None, timeout=30, check=True, bootstrap=True):
        cmd = [self.path] + list(args)
        if bootstrap and self.broker is not None:
            cmd += ["-b", self.broker.address]
        p = subprocess.run(cmd, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError("sluice %s failed (%d): %s" %
                                 (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))
        return p

    def out(self, *args, **kw):
        return self.run(*args, **kw).stdout.decode()

    def fails(self, *args, contains=None, **kw):
        """Runs a command that must fail: non-zero, one 'sluice: error:' line."""
        p = self.run(*args, check=False, **kw)
        err = p.stderr.decode(errors="replace")
        expect(p.returncode != 0, "sluice %s should fail, exited 0" % " ".join(args))
        lines = err.strip("\n").split("\n")
        expect(len(lines) == 1 and lines[0].startswith("sluice: error: "),
               "one error line for %s, got %r" % (" ".join(args), err))
        if contains:
            expect(contains in err, "%r in %r" % (contains, err))
        return lines[0]


def test(binary):
    broker = Broker(binary).start()
    s = Sluice(binary, broker)

    for cmd in COMMANDS:
        p = s.run(*(cmd + ["--help"]), bootstrap=False)
        text = p.stdout.decode()
        expect("Usage" in text or "usage" in text.lower(), "help of %s: %s" % (cmd, text))
    leaf = s.out("consume", "--help", bootstrap=False)
    expect("--bootstrap-server" in leaf and "127.0.0.1:9092" in leaf, "consume help names -b")

    # Usage errors and run-time failures alike.
    s.fails(bootstrap=False)
    s.fails("nope", bootstrap=False)
    s.fails("topic", bootstrap=False)
    s.fails("produce", bootstrap=False)
    s.fails("consume", "-t", "x", "-c", "many")
    s.fails("consume", "-t", "missing", "-e", contains="UNKNOWN_TOPIC_OR_PARTITION")
    s.fails("topic", "describe", "missing", contains="missing")
    s.fails("topic", "create", "bad", "--config", "noequals", contains="key=value")
    s.run("topic", "create", "t", "-p", "2")
    s.fails("topic", "create", "t", contains="TOPIC_ALREADY_EXISTS")
    s.run("topic", "create", "t", "--if-not-exists")
    s.fails("consume", "-t", "t", "-o", "sometime", contains="bad offset")
    s.fails("consume", "-t", "t", "-p", "7", "-e", contains="no partition 7")
    s.fails("consume", "-t", "t", "-f", "%q", "-e", contains="%q")
    s.fails("produce", "-t", "t", "-z", "brotli", input=b"x\n", contains="compression")
    s.fails("produce", "-t", "t", "--acks", "2", input=b"x\n", contains="acks")
    s.fails("offsets", "-t", "t", "--time", "yesterday", contains="bad time")
    s.fails("group", "describe", "nobody", contains="does not exist")
    s.fails("group", "reset-offsets", "g", "--topic", "t", contains="exactly one")
    s.fails("perf", "produce", "--topic", "t", "--num-records", "5", "--producer-props", "foo=1",
            contains="foo=1")
    # Producing to a topic that does not exist yet creates it (the broker
    # allows it by default), as kcat and Kafka's console producer do.
    s.run("produce", "-t", "fresh", input=b"a\nb\n")
    got = s.out("consume", "-t", "fresh", "-e", "-f", "%s\n").split()
    expect(got == ["a", "b"], "records of the auto-created topic: %r" % got)
    # Where the broker does not allow it, the producer says so and sends nothing.
    closed = Broker(binary, settings={"auto.create.topics.enable": "false"}).start()
    c = Sluice(binary, closed)
    c.fails("produce", "-t", "nope", input=b"x\n", contains="UNKNOWN_TOPIC_OR_PARTITION")
    expect("nope" not in c.out("topic", "list"), "no topic created when auto-create is off")
    closed.stop()

    # Nothing listens there: a clear reason, quickly.
    port = harness.free_port()
    s.fails("topic", "list", "-b", "127.0.0.1:%d" % port, bootstrap=False, contains="NETWORK_EXCEPTION")


if __name__ == "__main__":
    harness.main(test)
