"""The sanitizer stress (issue 16): a broker built with ASan+UBSan or TSan,
with two network threads so that socket threads and the shard thread race
for real, driven by stress_driver (many librdkafka clients producing with
acks=1 and acks=all, fetching, joining and leaving a group, creating and
deleting topics) for SLUICE_STRESS_SECONDS. It fails when the driver found
a lost, misplaced or reordered record or an unexpected error, when the
broker died or did not exit 0 on SIGTERM, or when the sanitizer wrote any
report. Run by ctest as sanitize.stress, which exists only in a tree
configured with -DSLUICE_SANITIZE=address|thread (scripts/sanitize-stress.sh,
docs/broker.md "Sanitizer stress"); SLUICE_SANITIZER names which one the broker has."""

import glob
import os
import shutil
import subprocess
import tempfile

import harness
from harness import expect

HERE = os.path.dirname(os.path.abspath(__file__))
SECONDS = int(os.environ.get("SLUICE_STRESS_SECONDS", "30"))
SANITIZER = os.environ.get("SLUICE_SANITIZER", "")


def sanitizer_env(logs):
    """Options that make every report land in `logs` and fail the exit code;
    ASan stops at the first report (it cannot go on), TSan keeps going so
    that one run lists every race."""
    prefix = os.path.join(logs, "report")
    common = "exitcode=66:log_path=%s" % prefix
    if SANITIZER == "address":
        return {"ASAN_OPTIONS": common + ":halt_on_error=1:detect_leaks=1",
                "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1:log_path=%s" % prefix}
    if SANITIZER == "thread":
        options = common + ":halt_on_error=0:second_deadlock_stack=1"
        # Only proven false positives, each explained there.
        supp = os.path.join(HERE, "tsan.supp")
        if os.path.exists(supp):
            options += ":suppressions=" + supp
        return {"TSAN_OPTIONS": options}
    return {}


def stacks(pid, name):
    if not shutil.which("gdb"):
        return "(no gdb for the stacks of %s)\n" % name
    p = subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt 20"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    return "---- stacks of %s ----\n%s" % (name, p.stdout.decode(errors="replace"))


def test(binary):
    expect(harness.program, "--program (the stress_driver executable) is required")
    logs = tempfile.mkdtemp(prefix="sluice-sanitize-")
    try:
        os.environ.update(sanitizer_env(logs))
        broker = harness.Broker(binary, settings={"num.network.threads": 2,
                                                  "group.initial.rebalance.delay.ms": 0})
        broker.start()
        p = subprocess.Popen([harness.program, broker.address, "--seconds", str(SECONDS)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            out, _ = p.communicate(timeout=SECONDS + 400)
        except subprocess.TimeoutExpired:
            # A hang is a finding: say where both processes wait.
            print(stacks(p.pid, "stress_driver") + stacks(broker.proc.pid, "sluice-broker"))
            p.kill()
            out, _ = p.communicate()
            print(out.decode(errors="replace")[-20000:])
            raise AssertionError("stress_driver hung (stacks above)")
        print(out.decode(errors="replace"))
        expect(broker.alive(), "the broker died under the stress")
        rc = broker.stop(timeout=120)
        reports = ""
        for path in sorted(glob.glob(os.path.join(logs, "report*"))):
            with open(path, errors="replace") as f:
                reports += "---- %s ----\n%s" % (os.path.basename(path), f.read())
        print(reports or "no %s reports" % (SANITIZER or "sanitizer"))
        expect(not reports, "the %s sanitizer reported (above)" % SANITIZER)
        expect(rc == 0, "the broker exited %s on SIGTERM" % rc)
        expect(p.returncode == 0, "stress_driver exited %d" % p.returncode)
    finally:
        shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    # Start-up, the drain and the final read back take minutes under TSan.
    harness.main(test, limit_s=SECONDS + 540)
