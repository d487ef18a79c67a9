"""The machine's limits and the broker's CPU, shared by the bench/ scripts
that print figures beside them: one copy of each probe."""

import os
import time


def cpu_seconds(pid):
    """utime + stime of every thread of `pid`, from /proc/<pid>/stat."""
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fdatasync_ms(directory, n=200, size=200):
    """The disk's floor for a durable acknowledgement: the sorted latencies
    (ms) of n fdatasyncs, each after a `size`-byte append, in `directory`."""
    path = os.path.join(directory, "fdatasync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    took = []
    try:
        for _ in range(n):
            os.write(fd, b"x" * size)
            t = time.perf_counter()
            os.fdatasync(fd)
            took.append((time.perf_counter() - t) * 1e3)
    finally:
        os.close(fd)
        os.unlink(path)
    return sorted(took)
