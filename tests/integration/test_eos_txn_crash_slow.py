"""test_eos_txn_crash.py with 300 rounds of kill -9 after EndTxn. Labelled slow."""

import harness
import test_eos_txn_crash


def test(binary):
    test_eos_txn_crash.run(binary, 300)


if __name__ == "__main__":
    harness.main(test, limit_s=420)
