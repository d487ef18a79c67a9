"""A TCP fault proxy for the network fault tests (RELIABILITY D4/D5, where
netem and nft are not available): listens on 127.0.0.1:<port>, forwards each
connection to the broker, and on demand cuts connections the way a lossy
network does. The broker advertises the proxy's address, so that every
connection of a client, not only its bootstrap one, goes through it."""

import random
import socket
import struct
import threading
import time

import harness


class _Pair:
    def __init__(self, client, server):
        self.client = client
        self.server = server
        self.drop_answers = False  # discard broker -> client bytes until the cut
        self.closed = False
        self.lock = threading.Lock()

    def close(self):
        with self.lock:
            if self.closed:
                return
            self.closed = True
        for s in (self.client, self.server):
            try:
                # RST rather than FIN: what a reset or timed-out path looks like.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


class FaultProxy:
    def __init__(self, seed=7):
        self.port = harness.free_port()
        self.target_port = None  # set before the first client connects
        self.rng = random.Random(seed)
        self.pairs = []
        self.lock = threading.Lock()
        self.cuts = 0
        self.answers_dropped = 0
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def _accept(self):
        while not self.stopping:
            try:
                client, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            server.settimeout(None)
            pair = _Pair(client, server)
            with self.lock:
                self.pairs = [p for p in self.pairs if not p.closed] + [pair]
            for src, dst, down in ((client, server, False), (server, client, True)):
                threading.Thread(target=self._pump, args=(pair, src, dst, down), daemon=True).start()

    def _pump(self, pair, src, dst, down):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if down and pair.drop_answers:
                    continue
                dst.sendall(data)
        except OSError:
            pass
        pair.close()

    def cut(self, drop_answers):
        """Cuts one live connection chosen at random. drop_answers: first lets
        the client's requests through while the broker's answers are thrown
        away for a moment (the appends happen, their acks are lost: D5)."""
        with self.lock:
            live = [p for p in self.pairs if not p.closed]
        if not live:
            return
        pair = self.rng.choice(live)
        if drop_answers:
            pair.drop_answers = True
            self.answers_dropped += 1
            time.sleep(self.rng.uniform(0.005, 0.05))
        pair.close()
        self.cuts += 1

    def run_faults(self, every_s, until):
        """Cuts a connection every ~every_s seconds, half of them dropping
        answers first, until until() is true; in its own thread."""
        def loop():
            while not until():
                time.sleep(self.rng.uniform(every_s / 2, every_s * 1.5))
                self.cut(drop_answers=self.rng.random() < 0.5)
        t = threading.Thread(target=loop, daemon=True)
        t.start()
        return t

    def close(self):
        self.stopping = True
        self.listener.close()
        with self.lock:
            pairs = list(self.pairs)
        for p in pairs:
            p.close()
