"""RELIABILITY.md G5 at its pass criterion: 500 ack / kill -9 / restart /
resend cycles (test_eos_restart_dedupe.py has the details; it runs 50).
Labelled slow."""

import harness
import test_eos_restart_dedupe


def test(binary):
    test_eos_restart_dedupe.run(binary, 500)


if __name__ == "__main__":
    harness.main(test, limit_s=420)
