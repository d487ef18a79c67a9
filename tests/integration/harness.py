"""Shared pieces of the integration tests: start sluice-broker on a free
loopback port with a fresh data directory, run kcat against it, and speak
just enough of the Kafka wire protocol to send hand-made (and broken)
requests.

Every test calls `main(test_fn)`, which enforces a hard wall-clock limit
(SIGALRM): whatever happens, the broker is killed and the test ends.
"""

import argparse
import contextlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

KCAT = "/usr/bin/kcat"
_brokers = []
# --program PATH: a compiled client the test drives (tests/integration/CMakeLists.txt).
program = None


class Broker:
    """One sluice-broker process on 127.0.0.1:<free port>."""

    def __init__(self, binary, data_dir=None, settings=None):
        self.binary = binary
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="sluice-it-")
        # A free port for the metrics endpoint unless the test names one, so
        # that brokers started side by side do not fight over 9644.
        self.settings = {"metrics.listener": "127.0.0.1:0"}
        # SLUICE_IT_SETTINGS="k=v;k=v": settings every broker of the run
        # gets unless the test names them (CI reruns a subset with
        # num.network.threads=0 this way).
        for kv in filter(None, os.environ.get("SLUICE_IT_SETTINGS", "").split(";")):
            k, _, v = kv.partition("=")
            self.settings[k.strip()] = v.strip()
        self.settings.update(settings or {})
        self.port = None
        self.proc = None
        self.log_path = self.data_dir.rstrip("/") + ".log"
        _brokers.append(self)

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def start(self, port=None):
        self.port = port or free_port()
        args = [self.binary, "--port", str(self.port), "--set", "log.dirs=" + self.data_dir]
        for k, v in self.settings.items():
            args += ["--set", "%s=%s" % (k, v)]
        if getattr(self, "log", None):
            self.log.close()
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("broker exited with %d:\n%s" % (self.proc.returncode, self.output()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("broker did not listen on %d:\n%s" % (self.port, self.output()))

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Stops the broker; returns its exit code (-9 after SIGKILL)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("broker ignored signal %d:\n%s" % (sig, self.output()))

    def restart(self, sig=signal.SIGTERM):
        rc = self.stop(sig)
        self.start(self.port)
        return rc

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def output(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            try:
                os.unlink(self.log_path)
            except OSError:
                pass

    def partition_dir(self, topic, partition):
        return os.path.join(self.data_dir, "%s-%d" % (topic, partition))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kcat(broker, *args, input=None, timeout=30, check=True):
    """Runs kcat against the broker; returns stdout as bytes."""
    cmd = [KCAT, "-b", broker.address, "-X", "socket.timeout.ms=10000"] + list(args)
    p = subprocess.run(cmd, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("kcat %s failed (%d): %s\nbroker log:\n%s" %
                             (" ".join(args), p.returncode, p.stderr.decode(errors="replace"),
                              broker.output()))
    return p.stdout


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


# ---- Kafka wire helpers (non-flexible versions only) ----

def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def varint(n):
    n = (n << 1) ^ (n >> 63)  # zigzag
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def record_batch(values, timestamp_ms=None):
    """An uncompressed RecordBatch v2 of (key, value) pairs, CRC filled in."""
    ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    recs = b""
    for i, (k, v) in enumerate(values):
        body = b"\x00" + varint(0) + varint(i)
        body += varint(-1) if k is None else varint(len(k)) + k
        body += varint(len(v)) + v + varint(0)
        recs += varint(len(body)) + body
    n = len(values)
    after_crc = struct.pack(">hiqqqhii", 0, n - 1, ts, ts, -1, -1, -1, n) + recs
    crc = crc32c(after_crc)
    length = 4 + 1 + 4 + len(after_crc)
    return struct.pack(">qiibI", 0, length, -1, 2, crc) + after_crc


def string(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


def request(api_key, version, correlation_id, body, client_id="it", flexible=False):
    """A request frame with header v1, or v2 (an empty tagged-field section)."""
    header = struct.pack(">hhi", api_key, version, correlation_id) + string(client_id)
    if flexible:
        header += b"\x00"
    frame = header + body
    return struct.pack(">i", len(frame)) + frame


def produce_v3(topic, partitions, acks=1):
    """partitions: list of (index, records bytes)."""
    body = struct.pack(">hhi", -1, acks, 10000) + struct.pack(">i", 1) + string(topic)
    body += struct.pack(">i", len(partitions))
    for index, recs in partitions:
        body += struct.pack(">ii", index, len(recs)) + recs
    return body


def list_offsets_v1(topic, partitions, timestamp=-1):
    body = struct.pack(">i", -1) + struct.pack(">i", 1) + string(topic)
    body += struct.pack(">i", len(partitions))
    for p in partitions:
        body += struct.pack(">iq", p, timestamp)
    return body


def metadata_v1(topics):
    return struct.pack(">i", len(topics)) + b"".join(string(t) for t in topics)


class Conn:
    """A raw, blocking client socket."""

    def __init__(self, broker, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", broker.port), timeout=timeout)

    def send(self, data):
        self.sock.sendall(data)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("connection closed after %d of %d bytes" % (len(buf), n))
            buf += chunk
        return buf

    def recv_frame(self):
        (size,) = struct.unpack(">i", self.recv_exact(4))
        return self.recv_exact(size)

    def closed_by_peer(self, wait=5.0):
        """True if the broker closes the connection within `wait` seconds."""
        self.sock.settimeout(wait)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, fmt):
        vals = struct.unpack_from(">" + fmt, self.data, self.pos)
        self.pos += struct.calcsize(">" + fmt)
        return vals if len(vals) > 1 else vals[0]

    def string(self):
        n = self.take("h")
        s = self.data[self.pos:self.pos + n].decode()
        self.pos += n
        return s


def metric(port, name):
    """The value of an unlabelled sample (or one spelled with its labels,
    `name{k="v"}`) on the broker's /metrics at `port`."""
    import urllib.request
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError("no %s in /metrics" % name)


def outages(broker, after_restart, rounds=2, down_s=2.5, while_down=None):
    """Stops the broker `rounds` times for `down_s` seconds (while_down() runs
    meanwhile), restarting it on the same port, then calls after_restart(n)."""
    for n in range(1, rounds + 1):
        broker.stop()
        down = time.time()
        if while_down:
            while_down()
        time.sleep(max(0.0, down_s - (time.time() - down)))
        broker.start(broker.port)
        after_restart(n)


@contextlib.contextmanager
def small_tmpfs(size, prefix):
    """Mounts a tmpfs of `size` (mount's syntax, e.g. "4m") and yields its path, or
    yields None when not root (the caller skips). Unmounted afterwards, and the
    broker log kept beside it (<path>.broker.log) removed."""
    if os.geteuid() != 0:
        print("SKIP: mounting a tmpfs needs root")
        yield None
        return
    mnt = tempfile.mkdtemp(prefix=prefix)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mnt], check=True)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", mnt], check=False)
        os.rmdir(mnt)
        try:
            os.unlink(mnt.rstrip("/") + ".broker.log")
        except OSError:
            pass


def push_unread(sock, data, seconds=3):
    """Writes `data` to a non-blocking socket whose peer may stop reading
    (backpressure); gives up after `seconds`. Returns the bytes sent."""
    sent = 0
    deadline = time.time() + seconds
    while sent < len(data) and time.time() < deadline:
        try:
            sent += sock.send(data[sent:sent + 65536])
        except BlockingIOError:
            time.sleep(0.01)
    return sent


def main(test, limit_s=55):
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", required=True, help="path to sluice-broker")
    parser.add_argument("--program", help="a compiled test client, for tests that drive one")
    args = parser.parse_args()
    global program
    program = args.program

    def on_alarm(signum, frame):
        for b in _brokers:
            b.cleanup()
        print("FAIL: hard time limit of %d s reached" % limit_s, flush=True)
        os._exit(1)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(limit_s)
    started = time.time()
    try:
        test(args.broker)
    except Exception as e:  # report, clean up, fail
        import traceback
        traceback.print_exc()
        for b in _brokers:
            print("---- broker log (%s) ----\n%s" % (b.data_dir, b.output()))
        for b in _brokers:
            b.cleanup()
        print("FAIL: %s" % e, flush=True)
        sys.exit(1)
    for b in _brokers:
        b.cleanup()
    print("PASS in %.1f s" % (time.time() - started), flush=True)
