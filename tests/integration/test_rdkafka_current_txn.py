"""librdkafka 2.15.1 transactions through its C API (rdkafka_current_txn.cc):
init_transactions, 6 transactions over 3 partitions committed and aborted in
turn, read back by read_committed (committed values once, no aborted one)
and read_uncommitted (all) consumers; then consume-transform-produce with
send_offsets_to_transaction, the group's committed offsets equal to the
positions sent with the committed transaction. Prints the request versions
it used. Needs the library that scripts/build-test-clients.sh builds."""

import subprocess

import eos_util
import harness
from harness import expect


def test(binary):
    expect(harness.program, "--program (the rdkafka_current_txn executable) is required")
    broker = harness.Broker(binary, settings={"group.initial.rebalance.delay.ms": "0"}).start()
    eos_util.require_served(broker, [22, 24, 25, 26, 28])
    eos_util.create_topic(broker, "txn", 3)
    eos_util.create_topic(broker, "txn-out", 3)
    p = subprocess.run([harness.program, broker.address], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=80)
    out = p.stdout.decode(errors="replace")
    print(out)
    err = p.stderr.decode(errors="replace")
    print(err[-4000:])
    expect(p.returncode == 0, "rdkafka_current_txn exited %d: %s" % (
        p.returncode, [line for line in err.splitlines() if line.startswith("FAIL")][:5]))
    used = {}
    for line in out.splitlines():
        if line.startswith("versions"):
            used = dict((k, int(v)) for k, v in (f.split("=") for f in line.split()[1:]))
    for name in ("InitProducerId", "AddPartitionsToTxn", "AddOffsetsToTxn", "EndTxn",
                 "TxnOffsetCommit"):
        expect(name in used, "%s never sent: %s" % (name, sorted(used)))
    print("transactional request versions: %s" % " ".join(
        "%s=%d" % (k, used[k]) for k in sorted(used) if "Txn" in k or k == "InitProducerId"))


if __name__ == "__main__":
    harness.main(test, limit_s=110)
