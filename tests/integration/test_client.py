"""Sluice's C++ client library against a real broker, through the client_it
driver (tests/client/client_it.cc, built beside the broker as
<build>/client/client_it):

- 10,000 keyed records with headers round-trip through each codec (none,
  gzip, snappy, lz4, zstd), each on the partition murmur2 gives its key, with
  acks=all and with acks=0;
- batches kcat wrote with each codec decode to the same records;
- keys land on the same partitions as librdkafka's murmur2_random partitioner
  (kcat) puts them, both ways;
- admin: create (and create again), describe configs, create partitions,
  list offsets, delete records, delete topic;
- a group of two members splits four partitions and consumes each record once;
- when the broker dies, every queued record's callback reports an error,
  flush() returns one, and nothing hangs.
"""

import os
import signal
import subprocess

import harness
from harness import expect, kcat

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


def client_it_path(broker_binary):
    build = os.path.dirname(os.path.dirname(os.path.abspath(broker_binary)))
    path = harness.program or os.path.join(build, "client", "client_it")
    expect(os.path.exists(path), "client_it not built at %s" % path)
    return path


def run(program, broker, *args, timeout=70):
    p = subprocess.run([program, broker.address] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0:
        raise AssertionError("client_it %s failed (%d):\n%s\n%s" %
                             (" ".join(args), p.returncode, out[-3000:],
                              p.stderr.decode(errors="replace")[-3000:]))
    return out


def test(binary):
    program = client_it_path(binary)
    broker = harness.Broker(binary, settings={"num.partitions": "4"}).start()

    for codec in CODECS:
        out = run(program, broker, "roundtrip", "rt-" + codec, codec, "10000", "3")
        expect("OK roundtrip codec=%s acks=-1 records=10000" % codec in out, out[-500:])
    # acks=0: no answers, callbacks on write; every record still arrives.
    out = run(program, broker, "roundtrip", "rt-acks0", "lz4", "10000", "3", "0")
    expect("OK roundtrip codec=lz4 acks=0 records=10000" in out, out[-500:])

    # Batches written by librdkafka (kcat), read by the client.
    lines = "".join("k%d:v%d-%s\n" % (i, i, "y" * (i % 30)) for i in range(2000)).encode()
    for codec in CODECS:
        topic = "kc-" + codec
        kcat(broker, "-P", "-t", topic, "-K:", "-X", "compression.codec=" + codec,
             "-X", "partitioner=murmur2_random", "-X", "linger.ms=20", input=lines)
        out = run(program, broker, "consume", topic).splitlines()
        expect(out[-1] == "OK consume records=2000", "%s: %s" % (codec, out[-1]))
        for line in out[:-1]:
            partition, offset, key, value, murmur = line.split("\t")
            i = int(key[1:])
            expect(value == "v%d-%s" % (i, "y" * (i % 30)), "%s: value of %s" % (codec, key))
            # kcat placed the key with murmur2_random; the client agrees.
            expect(partition == murmur, "%s: kcat put %s on %s, client says %s" %
                   (codec, key, partition, murmur))

    # The client's producer puts keys where kcat put them.
    kcat_place = {}
    for line in kcat(broker, "-C", "-t", "kc-none", "-e", "-f", "%k %p\n").decode().splitlines():
        k, p = line.split()
        kcat_place[k] = p
    out = run(program, broker, "produce-keys", "keys-sluice", "2000")
    expect("OK produce-keys records=2000" in out, out)
    placed = kcat(broker, "-C", "-t", "keys-sluice", "-e", "-f", "%k %p\n").decode().splitlines()
    expect(len(placed) == 2000, "kcat read %d records" % len(placed))
    for line in placed:
        k, p = line.split()
        expect(kcat_place[k] == p, "key %s: client put it on %s, kcat on %s" % (k, p, kcat_place[k]))

    out = run(program, broker, "admin", "adm")
    expect("OK admin" in out, out)
    expect("TOPIC_ALREADY_EXISTS" in out, out)
    expect("UNKNOWN_TOPIC_OR_PARTITION: topic 'adm'" in out, out)

    out = run(program, broker, "group", "grp", "g1")
    expect("OK group members=2 records=400 committed=400" in out, out)

    # Transactions (commit, abort, offsets) and read_committed; the default
    # producer is idempotent.
    out = run(program, broker, "transactions", "txn", "txg")
    expect("OK transactions committed=20 uncommitted=25 offset=42 idempotent=1" in out, out)

    p = subprocess.Popen([program, broker.address, "produce-down", "down"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ready = p.stdout.readline().decode()
    if ready.strip() != "READY":
        p.kill()
        raise AssertionError("produce-down: %s %s" % (ready, p.communicate()[0][-3000:]))
    broker.stop(signal.SIGKILL)
    out, _ = p.communicate(b"go\n", timeout=40)
    out = out.decode(errors="replace")
    expect(p.returncode == 0 and "OK produce-down" in out, "produce-down (%d): %s" % (p.returncode, out))
    expect("assign-error NETWORK_EXCEPTION" in out, out)


if __name__ == "__main__":
    harness.main(test, limit_s=85)
