"""Runs one kafkajs program (tests/integration/kafkajs/<name>.js) against a
broker the calling test started, the way rdkafka_interop.py runs its C
program: bounded in time, its output printed, its exit status checked.

kafkajs comes from npm: `npm ci` in tests/integration/kafkajs installs the
version package-lock.json pins (scripts/test.sh does it before ctest). Without
node or without node_modules the test fails and says so: a missing client
must not look like a passing interop test."""

import os
import shutil
import subprocess

from harness import expect

HERE = os.path.dirname(os.path.abspath(__file__))


def run(broker, program, timeout_s):
    node = shutil.which("node")
    expect(node is not None, "node is not installed: run scripts/install-deps.sh")
    expect(os.path.isfile(os.path.join(HERE, "node_modules", "kafkajs", "package.json")),
           "kafkajs is not installed: run `npm ci --no-audit --no-fund` in %s "
           "(scripts/test.sh does)" % HERE)
    try:
        p = subprocess.run([node, os.path.join(HERE, program), broker.address], cwd=HERE,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout_s)
    except subprocess.TimeoutExpired as e:
        print((e.stdout or b"").decode(errors="replace"))
        raise AssertionError("%s did not finish within %d s" % (program, timeout_s))
    out = p.stdout.decode(errors="replace")
    print(out)
    expect(p.returncode == 0, "%s exited %d: %s" % (program, p.returncode,
                                                  (out.strip().splitlines() or ["no output"])[-1]))
