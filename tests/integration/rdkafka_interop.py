"""librdkafka's C API (tests/integration/rdkafka_interop.cc, built by CMake)
against the broker: acks 0, 1 and all; 1 MiB records (message.max.bytes
raised on the broker for batches above 1 MiB plus overhead); 8 partitions
with keys through the default partitioner, each record read back on the
partition its delivery report named. Run by ctest as integration.librdkafka."""

import subprocess

import harness
from harness import expect


def test(binary):
    expect(harness.program, "--program (the rdkafka_interop executable) is required")
    broker = harness.Broker(binary, settings={"num.partitions": 8,
                                              "message.max.bytes": 4194304}).start()
    p = subprocess.run([harness.program, broker.address], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=50)
    out = p.stdout.decode(errors="replace")
    print(out)
    expect(p.returncode == 0, "rdkafka_interop exited %d" % p.returncode)


if __name__ == "__main__":
    harness.main(test)
