"""Speed benchmarks (`make bench`): each family measures the project next to a baseline run in the
same invocation on the same machine, so the ratios mean something on any hardware.

A family is a module with ``run(opts) -> list[dict]`` (one dict per figure); ``bench.run`` starts the
shared embedded PostgreSQL and the replica, calls the families and writes ``bench/results.json``.
"""

import contextlib
import os


@contextlib.contextmanager
def environ(values: dict, restore: tuple = ()):
    """os.environ with ``values`` set (the job steps read their database and sites from it);
    those keys, and ``restore``, are put back afterwards."""
    saved = {key: os.environ.get(key) for key in [*values, *restore]}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
