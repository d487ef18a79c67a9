"""Builds the Sarama 1.22 test programs (Debian's Go 1.19 and
golang-github-shopify-sarama-dev, GOPATH mode), once per source version."""

import hashlib
import os
import subprocess

from harness import expect

HERE = os.path.dirname(os.path.abspath(__file__))


def build_go(source, name):
    """The program's path, building `source` unless this version of it was built before."""
    with open(source, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    out_dir = "/tmp/sluice-%s-%s" % (name, digest)
    binary = os.path.join(out_dir, name)
    if os.path.exists(binary):
        return binary
    os.makedirs(out_dir, exist_ok=True)
    env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode", GOFLAGS="",
               GOCACHE=os.path.join(out_dir, "cache"), HOME=out_dir)
    tmp = binary + ".tmp"
    r = subprocess.run(["go", "build", "-o", tmp, source], env=env, cwd=out_dir,
                       capture_output=True, text=True, timeout=60)
    expect(r.returncode == 0, "go build of %s:\n%s" % (source, r.stderr))
    os.rename(tmp, binary)  # a concurrent run never sees half a binary
    return binary
