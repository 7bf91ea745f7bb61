"""Speed benchmarks (`make bench`): each family measures the project next to a baseline run in the
same invocation on the same machine, so the ratios mean something on any hardware.

A family is a module with ``run(opts) -> list[dict]`` (one dict per figure); ``bench.run`` starts the
shared embedded PostgreSQL and the replica, calls the families and writes ``bench/results.json``.
"""

from wxrb.config import environ  # noqa: F401 (the families set their environment through bench.environ)
