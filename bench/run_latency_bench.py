#!/usr/bin/python3
"""End-to-end latency at a fixed rate (issue 16): bench/rdkafka_latency
(librdkafka 2.0.2) sends 1 KiB records at 5,000/s on a schedule to one
partition of a fresh topic and a consumer in the same process reads them;
latency is the consumer's receive time minus each record's scheduled send
time, so a stall counts against every record it delays. Also printed: the
acknowledgement latency (delivery report minus scheduled time), which splits
the path at the Produce answer.

  bench/run_latency_bench.py [--build DIR] [--rounds 3] [--seconds 20]
                             [--rate 5000] [--linger default,0]
                             [--broker-args "--set num.network.threads=0"]

Cases: acks=all and acks=1, each with librdkafka's default linger.ms (5 ms in
2.0.2) and with linger.ms=0, --rounds times each, interleaved so that load
from other work on the machine spreads over all cases. The broker (all its
threads) runs on core 0 and the client on core 1 (taskset); its CPU is
utime + stime from /proc/<pid>/stat over each case, as a share of one core.
BROKER_ARGS in the environment is added to the broker's arguments as well.

The machine's limits, measured in the same run: fdatasync after a 1 KiB
append in the broker's data directory (the acks=all path waits for one, and
under the default durability policy so does every consumer), and a 1 KiB
TCP round trip on loopback between the two cores. The disk is shared with
other work, so its fdatasync latency is probed again (200 syncs) just
before each case and printed beside it (sync_p50, sync_p99).
"""

import argparse
import os
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from machine_limits import cpu_seconds, fdatasync_ms

here = os.path.dirname(os.path.abspath(__file__))


def pct(sorted_ms, p):
    return sorted_ms[min(int(p / 100 * len(sorted_ms)), len(sorted_ms) - 1)]


def summary(ms):
    ms = sorted(ms)
    return "p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms" % (
        pct(ms, 50), pct(ms, 99), pct(ms, 99.9), ms[-1])


def loopback_rtt_ms(n=5000, size=1024):
    """1 KiB ping-pong over loopback TCP, echo on core 0, caller on core 1."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    pid = os.fork()
    if pid == 0:
        os.sched_setaffinity(0, {0})
        conn, _ = srv.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            buf = b""
            while len(buf) < size:
                chunk = conn.recv(size - len(buf))
                if not chunk:
                    os._exit(0)
                buf += chunk
            conn.sendall(buf)
    srv.close()
    took = []
    try:
        c = socket.create_connection(("127.0.0.1", port))
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        msg = b"x" * size
        for _ in range(n):
            t = time.perf_counter()
            c.sendall(msg)
            got = 0
            while got < size:
                got += len(c.recv(size - got))
            took.append((time.perf_counter() - t) * 1e3)
        c.close()
    finally:
        os.waitpid(pid, 0)
    return took


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def loadavg():
    return float(open("/proc/loadavg").read().split()[0])


class Broker:
    def __init__(self, binary, extra, prefix):
        self.dir = tempfile.mkdtemp(prefix="sluice-latency-", dir="/tmp")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        args = prefix + ["taskset", "-c", "0", binary, "--port", str(self.port), "--log-level", "warn",
                "--set", "log.dirs=" + self.data, "--set", "metrics.listener="] + extra
        self.log = open(os.path.join(self.dir, "broker.log"), "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("broker did not start: see " + self.log.name)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(20)
        self.log.close()
        subprocess.run(["rm", "-rf", self.dir], check=False)


def one_case(tool, broker, topic, args, acks, linger, dump_dir):
    cmd = args.prefix + ["taskset", "-c", "1", tool, "--brokers", "127.0.0.1:%d" % broker.port,
           "--topic", topic, "--acks", acks, "--rate", str(args.rate),
           "--seconds", str(args.seconds)]
    if linger != "default":
        cmd += ["--set", "linger.ms=" + linger]
    if dump_dir:
        cmd += ["--dump", os.path.join(dump_dir, topic)]
    load = loadavg()
    disk = fdatasync_ms(broker.data, 200, 1024)
    t0, c0 = time.time(), cpu_seconds(broker.proc.pid)
    out = subprocess.run(cmd, capture_output=True, text=True)
    t1, c1 = time.time(), cpu_seconds(broker.proc.pid)
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
    f = dict(kv.split("=", 1) for kv in out.stdout.split())
    f["broker_cpu_pct"] = 100.0 * (c1 - c0) / (t1 - t0)
    f["load"] = load
    f["disk_p50"], f["disk_p99"] = disk[len(disk) // 2], disk[len(disk) * 99 // 100]
    return f


COLUMNS = ["e2e_p50_ms", "e2e_p90_ms", "e2e_p99_ms", "e2e_p999_ms", "e2e_max_ms",
           "ack_p50_ms", "ack_p99_ms", "ack_p999_ms"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(here, "..", "build"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--rate", type=float, default=5000)
    ap.add_argument("--acks", default="all,1")
    ap.add_argument("--linger", default="default,0")
    ap.add_argument("--broker-args", default="")
    ap.add_argument("--rt", action="store_true",
                    help="broker and client at SCHED_FIFO 10 (chrt): other work on the "
                         "machine no longer preempts them, to tell its noise from theirs")
    ap.add_argument("--dump-dir", default="", help="per-record latencies, one file a case")
    args = ap.parse_args()
    broker_bin = os.path.join(args.build, "broker", "sluice-broker")
    tool = os.path.join(args.build, "bench", "rdkafka_latency")
    for b in (broker_bin, tool):
        if not os.access(b, os.X_OK):
            sys.exit("missing %s: ninja -C %s sluice-broker rdkafka_latency" % (b, args.build))
    extra = shlex.split(os.environ.get("BROKER_ARGS", "")) + shlex.split(args.broker_args)
    args.prefix = ["chrt", "-f", "10"] if args.rt else []
    broker = Broker(broker_bin, extra, args.prefix)
    try:
        print("broker args: %s%s" % (" ".join(extra) or "(defaults)",
                                     ", broker and client SCHED_FIFO 10" if args.rt else ""))
        print("fdatasync after a 1 KiB append: %s" % summary(fdatasync_ms(broker.data, 2000, 1024)))
        print("loopback TCP 1 KiB round trip (core 1 -> core 0): %s" % summary(loopback_rtt_ms()))
        print("%-12s %-7s %5s %5s " % ("case", "linger", "round", "load") +
              " ".join("%9s" % c.replace("_ms", "") for c in COLUMNS) +
              " %8s %9s %8s %9s %9s" % ("received", "send_rate", "cpu%", "sync_p50",
                                         "sync_p99"))
        cases = [(a, l) for a in args.acks.split(",") for l in args.linger.split(",")]
        results = {c: [] for c in cases}
        n = 0
        for r in range(args.rounds):
            for acks, linger in cases:
                n += 1
                f = one_case(tool, broker, "latency-%d" % n, args, acks, linger, args.dump_dir)
                results[(acks, linger)].append(f)
                print("%-12s %-7s %5d %5.2f " % ("acks=" + acks, linger, r, f["load"]) +
                      " ".join("%9.3f" % float(f.get(c, "nan")) for c in COLUMNS) +
                      " %8s %9s %8.1f %9.3f %9.3f" % (
                          f.get("received", "?"), f.get("send_rate", "?"), f["broker_cpu_pct"],
                          f["disk_p50"], f["disk_p99"]))
        print("median over rounds:")
        for (acks, linger), fs in results.items():
            print("%-12s %-7s %5s %5s " % ("acks=" + acks, linger, "med", "") +
                  " ".join("%9.3f" % statistics.median(float(f.get(c, "nan")) for f in fs)
                           for c in COLUMNS) +
                  " %8s %9s %8.1f %9.3f %9.3f" % (
                      "", "", statistics.median(f["broker_cpu_pct"] for f in fs),
                      statistics.median(f["disk_p50"] for f in fs),
                      statistics.median(f["disk_p99"] for f in fs)))
    finally:
        broker.stop()


if __name__ == "__main__":
    main()
