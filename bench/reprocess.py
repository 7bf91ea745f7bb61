"""Reprocess family: the whole processing stage as `wxrb reprocess` runs it, database included.

The processing family times ``process_page`` alone; this one times what an operator waits for
after a parser fix: ``processing.stage.reprocess`` reading the stored raw pages, extracting and
enriching them on worker processes, and loading every batch into PostgreSQL. The replica is built
over ``DAYS`` days (the stock 12 give only ~500 pages, too few to amortise starting the workers),
its three daily sources are crawled into a fresh database (untimed), processed once (the first
load, timed on every core), then reprocessed twice, on one worker and on every core, in the same
state (every article stored, content unchanged: no new version is written). The figures are pages
per second, with the fixed cost of starting the workers measured apart (100,000 pages amortise
it), and the minutes 100,000 raw pages would take.
"""

from __future__ import annotations

import resource
import time

import bench
from bench import Databases, crawl_env, figure
from bench.crawl import crawl
from bench.e2e import bigger_replica
from processing import settings, stage
from processing import workers as processing_workers
from wxrb import config, db

FAMILY = "reprocess"
DAYS = 48  # about 2,000 raw pages of the three daily sources
QUICK_DAYS = 12
SOURCES = ("portal", "epaper_wxrb", "epaper_jnwb")
TARGET_PAGES = 100_000
TARGET_MINUTES = 10.0
SCALING_TARGET = 1.8  # 90 % of linear on two cores


def run(opts: dict) -> list[dict]:
    days = QUICK_DAYS if opts["quick"] else DAYS
    n = config.process_workers()
    with Databases(opts["dsn_admin"], "bench_reprocess") as databases, bigger_replica(days) as replica:
        dsn = databases.new()
        site = replica.site
        started = time.perf_counter()
        with crawl_env(replica.base_url):
            for source in SOURCES:
                crawl(dsn, source, site.start_date, site.end_date)
        crawl_s = time.perf_counter() - started
        saved = settings.PARALLEL_MIN_PAGES
        settings.PARALLEL_MIN_PAGES = 0  # the bench's runs are small: spread them anyway, as a big one is
        try:
            first = timed(dsn, str(n), stage.process_pending)
            one = timed(dsn, "1", stage.reprocess)
            every = timed(dsn, str(n), stage.reprocess)
            startup_s = pool_startup_s(n)
        finally:
            settings.PARALLEL_MIN_PAGES = saved
    if first["report"].loaded == 0:
        raise RuntimeError("the first processing loaded no article: is extraction broken?")
    pages = first["report"].pending
    # A run's time = starting the workers (fixed) + pages / steady rate; 100,000 pages amortise the first.
    steady = pages / max(every["wall_s"] - startup_s, 1e-3)
    minutes = (startup_s + TARGET_PAGES / steady) / 60
    minutes_one = TARGET_PAGES / one["pages_per_s"] / 60
    notes = (f"{pages} raw pages of the replica over {days} days ({site.start_date}..{site.end_date}), crawled "
             f"in {crawl_s:.0f} s (untimed); reprocess in the state the first processing left (every "
             f"article stored, content unchanged), batches of {settings.BATCH_SIZE}; one worker = in this "
             f"process, no pool; starting {n} workers takes {startup_s:.1f} s (measured apart), left out of the "
             f"steady rate")
    scaling = steady / one["pages_per_s"]
    return [
        figure(f"raw pages per second, reprocess on {n} workers (extract, NLP, load), steady", steady,
               "pages/s", "the same reprocess in one process", one["pages_per_s"], scaling,
               f">= {SCALING_TARGET}x one process" if n > 1 else "", scaling >= SCALING_TARGET if n > 1 else None,
               notes + f"; {pages / every['wall_s']:.0f} pages/s with the start-up; CPU seconds per 1,000 pages "
               f"(this process and its workers): {1000 / every['per_cpu_s']:.1f} on {n} workers, "
               f"{1000 / one['per_cpu_s']:.1f} in one process", FAMILY),
        figure(f"projected minutes for {TARGET_PAGES:,} raw pages, reprocess on {n} workers", minutes, "min",
               "the same in one process", minutes_one, minutes_one / minutes, f"<= {TARGET_MINUTES:g} min",
               minutes <= TARGET_MINUTES, notes + "; start-up + pages / steady rate, database load included; "
               "ratio = speed-up", FAMILY),
        figure(f"raw pages per second, first processing on {n} workers (all new: versions, clustering)",
               first["pages_per_s"], "pages/s", "reprocess on the same workers", pages / every["wall_s"],
               first["pages_per_s"] * every["wall_s"] / pages, "", None,
               notes + f"; both with the start-up; {first['report'].loaded} articles loaded, "
               f"{first['report'].clustered} clustered", FAMILY),
    ]


def pool_startup_s(workers: int) -> float:
    """Wall seconds to start ``workers`` worker processes (spawn, imports, dictionaries) and stop them."""
    started = time.perf_counter()
    with processing_workers.pool(workers):
        pass
    return time.perf_counter() - started


def timed(dsn: str, workers: str, step) -> dict:
    """Wall and CPU seconds of one stage call (``process_pending`` or ``reprocess``) on ``workers``."""
    with bench.environ({"WXRB_PROCESS_WORKERS": workers}), db.connect(dsn) as conn:
        cpu = _cpu_s()
        started = time.perf_counter()
        report = step(conn)
        wall = time.perf_counter() - started
        cpu = _cpu_s() - cpu
    return {"report": report, "wall_s": wall, "pages_per_s": report.pending / wall,
            "per_cpu_s": report.pending / cpu}


def _cpu_s() -> float:
    """User + system seconds of this process and of its children that have exited (the pool's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
