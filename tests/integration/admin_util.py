"""Helpers for tests that drive confluent-kafka's AdminClient."""


def wait_all(futures, timeout=15):
    """{key: None or the exception} for a dict of futures."""
    out = {}
    for k, f in futures.items():
        try:
            f.result(timeout=timeout)
            out[k] = None
        except Exception as e:  # KafkaException carries the KafkaError
            out[k] = e
    return out


def error_name(exc):
    """The KafkaError's name of an exception wait_all returned, or None."""
    return exc.args[0].name() if exc is not None and exc.args else None
