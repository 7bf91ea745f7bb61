"""Processing family: articles per second of the per-page processing path vs trafilatura alone.

The replica's three daily sources are crawled once, for real, into a database of their own; the
newest raw page of every URL is then run through ``processing.stage.process_page`` (decode,
parser, cleaning, extraction, then enrich: TF-IDF and TextRank keywords, search tokens, entities,
figures, MinHash signature) in worker processes: one worker for the one-core figure, one per core
for the all-cores figure. Each worker returns its PageResults to the parent, as a parallel stage
would have to. The baseline is ``trafilatura.extract`` on the same pages, decoded beforehand (its
decoding is not timed), in the same kind of pool. Writing the results into PostgreSQL
(processing.load) is not timed here: the load family measures it.

The "limit" figures time, per CPU second of one worker on the same pages, the steps the stage
cannot do without, each alone: jieba's posseg on the article text (TextRank and the entities need
its tags), jieba's precise cut (TF-IDF and the search tokens), and the HTML parse our parsers start
with (BeautifulSoup on lxml). No stage built on them can go faster than the three together.
"""

from __future__ import annotations

import logging
import os
import resource
import statistics
import time
from datetime import date
from multiprocessing import get_context

import psycopg

import bench

log = logging.getLogger(__name__)

SOURCES = ("portal", "epaper_wxrb", "epaper_jnwb")
ROUNDS, QUICK_ROUNDS = 3, 1
QUICK_SOURCES, QUICK_DAYS = ("portal",), 3  # one Scrapy start instead of three: about 20 pages
CHUNK = 8  # pages per pool task: small enough to keep every core busy to the end
PROJECTED_PAGES = 100_000
TARGET_PER_CORE = 2.0  # x trafilatura on one core
TARGET_MINUTES = 10.0  # for PROJECTED_PAGES on every core
TARGET_SCALING_SHARE = 0.9  # of linear scaling
STAGE, BASELINE = "stage", "trafilatura"
# Limits: what each one times alone, as the figures name it.
POSSEG, CUT, PARSE = "posseg", "cut", "parse"
LIMITS = {POSSEG: "jieba.posseg alone on the article text", CUT: "jieba precise cut alone on the article text",
          PARSE: "HTML parse alone (BeautifulSoup, lxml)"}
WORKER_START_TIMEOUT_S = 300


def run(opts: dict) -> list[dict]:
    quick = opts["quick"]
    sources = QUICK_SOURCES if quick else SOURCES
    pages, window = replica_pages(opts["dsn_admin"], opts["replica_base_url"], sources, quick)
    if not pages:
        raise RuntimeError(f"the crawl of the replica ({opts['replica_base_url']}) stored no raw page")
    rounds = QUICK_ROUNDS if quick else ROUNDS
    cores = os.cpu_count() or 1
    texts = decoded(pages)
    measured = {}
    for kind, items in ((STAGE, pages), (BASELINE, texts)):
        for workers in (1, cores):
            m = measured[kind, workers] = measure(kind, items, workers, rounds, warm_up=not quick)
            log.info("%s on %d worker(s): %.1f pages/s (rounds %s; %.1f per CPU second), peak RSS %.0f MB",
                     kind, workers, m["rate"], m["rates"], m["cpu_rate"], m["peak_rss_mb"])
    articles = article_texts(measured[STAGE, 1].pop("results"))
    for kind, items in ((POSSEG, articles), (CUT, articles), (PARSE, texts)):
        m = measured[kind, 1] = measure(kind, items, 1, rounds, warm_up=not quick)
        log.info("%s alone: %.1f per CPU second (rounds %s, wall clock)", kind, m["cpu_rate"], m["rates"])
    timing = (f"{rounds} round(s), no warm-up round (quick)" if quick
              else f"{rounds} rounds after a warm-up round, median")
    source = f"{len(pages)} replica pages ({', '.join(sources)}, {window}), {timing}"
    return figures(measured, cores, source) + limit_figures(measured, len(articles), source)


def figures(measured: dict, cores: int, source: str) -> list[dict]:
    one, every = measured[STAGE, 1], measured[STAGE, cores]
    base_one, base_every = measured[BASELINE, 1], measured[BASELINE, cores]
    notes = (f"{source}; process_page in worker processes, results returned to the parent; jieba's "
             "bundled IDF; loading into PostgreSQL not included (load family)")
    per_cpu = (f"; per CPU second of a worker (insensitive to other load on the machine): "
               f"{one['cpu_rate']:.1f} vs {base_one['cpu_rate']:.1f} articles, "
               f"{one['cpu_rate'] / base_one['cpu_rate']:.2f}x")
    per_core = one["rate"] / base_one["rate"]
    scaling, base_scaling = every["rate"] / one["rate"], base_every["rate"] / base_one["rate"]
    minutes, base_minutes = PROJECTED_PAGES / every["rate"] / 60, PROJECTED_PAGES / base_every["rate"] / 60
    rss = max(one["peak_rss_mb"], every["peak_rss_mb"])
    base_rss = max(base_one["peak_rss_mb"], base_every["peak_rss_mb"])
    alone = "trafilatura.extract alone"
    all_cores = f"{alone}, {cores} workers"
    return [
        figure("articles per second, one core", one["rate"], "articles/s", f"{alone}, one core",
               base_one["rate"], f">= {TARGET_PER_CORE:g}x baseline", per_core >= TARGET_PER_CORE,
               notes + per_cpu),
        figure(f"articles per second, all cores ({cores})", every["rate"], "articles/s", all_cores,
               base_every["rate"], None, None, notes),
        figure(f"scaling factor, {cores} workers over one", scaling, "x", f"{alone}, same scaling",
               base_scaling, f">= {TARGET_SCALING_SHARE * cores:g}x ({TARGET_SCALING_SHARE:.0%} of linear)",
               scaling >= TARGET_SCALING_SHARE * cores, "articles/s on all cores over articles/s on one"),
        figure(f"projected minutes for {PROJECTED_PAGES:,} pages, all cores", minutes, "min", all_cores,
               base_minutes, f"<= {TARGET_MINUTES:g} min", minutes <= TARGET_MINUTES,
               "from the all-cores rate; ratio > 1: slower than the baseline; loading not included"),
        figure("peak RSS per worker process", rss, "MB", f"{alone}, per worker", base_rss,
               None, None, "ru_maxrss of the workers: jieba's dictionaries, gazetteer and parsers loaded"),
    ]


def limit_figures(measured: dict, articles: int, source: str) -> list[dict]:
    """Per CPU second of one worker: each step the stage cannot drop, alone, then the three together
    (the stage's ceiling: 1 / the sum of their CPU seconds per article), against trafilatura alone."""
    base = measured[BASELINE, 1]["cpu_rate"]
    baseline = "trafilatura.extract alone, per CPU second"
    inputs = {POSSEG: f"the {articles} article texts the stage segmented (title and paragraphs)",
              CUT: f"the {articles} article texts the stage segmented (title and paragraphs)",
              PARSE: "the decoded pages (the baseline's input)"}
    out = [figure(f"limit: {LIMITS[kind]}, articles per CPU second", measured[kind, 1]["cpu_rate"],
                  "articles/CPU s", baseline, base, None, None,
                  f"{source}; one worker, its CPU time; on {inputs[kind]}") for kind in LIMITS]
    ceiling = 1 / sum(1 / measured[kind, 1]["cpu_rate"] for kind in LIMITS)
    out.append(figure("limit: ceiling of a stage with posseg, precise cut and HTML parse, articles per CPU second",
                      ceiling, "articles/CPU s", baseline, base, f">= {TARGET_PER_CORE:g}x baseline",
                      ceiling >= TARGET_PER_CORE * base,
                      "1 / the sum of the three limits' CPU seconds per article: no stage doing these three "
                      "goes faster; below the target, the per-core target cannot be met with jieba in the stage"))
    stage = measured[STAGE, 1]["cpu_rate"]
    out.append(figure("articles per CPU second, one core", stage, "articles/CPU s", baseline, base,
                      f">= {TARGET_PER_CORE:g}x baseline", stage >= TARGET_PER_CORE * base,
                      "the whole stage per CPU second of its worker (insensitive to other load); "
                      f"{stage / ceiling:.0%} of the ceiling above"))
    return out


def figure(name, value, unit, baseline, baseline_value, target, met, notes) -> dict:
    return bench.figure(name, value, unit, baseline, baseline_value, value / baseline_value, target, met, notes,
                        "processing")


# --- the pages --------------------------------------------------------------------------------


def replica_pages(dsn_admin: str, base_url: str, sources: tuple[str, ...],
                  quick: bool) -> tuple[list[tuple], str]:
    """(raw_id, url, body, declared encoding, first_seen_at) of the newest raw page of every URL
    the sources stored, crawled now into a database dropped afterwards; and the crawl window."""
    since, until = bench.replica_range(base_url)
    if quick:
        since = date.fromordinal(until.toordinal() - QUICK_DAYS + 1)
    with bench.Databases(dsn_admin, "bench_processing") as databases:
        dsn = databases.new()
        with bench.crawl_env(base_url), bench.environ({"DATABASE_URL": dsn}):
            from processing.sql import query
            from wxrb import jobs

            started = time.perf_counter()
            for source in sources:
                jobs.crawl(source, since, until)
            log.info("crawled %s over %s..%s in %.1f s", ", ".join(sources), since, until,
                     time.perf_counter() - started)
            with psycopg.connect(dsn) as conn:
                ids = [raw_id for raw_id, *_ in conn.execute(query("pending_raw_pages"))]
                rows = conn.execute(query("raw_pages_by_id"), {"ids": ids}).fetchall()
    return sorted(rows, key=lambda row: row[1]), f"{since}..{until}"


def article_texts(results: list) -> list[str]:
    """The limits' input: the text the stage segmented (title and paragraphs) of every article it
    enriched, taken from the stage's own results (so the parent never loads jieba, whose memory
    the workers it spawns would report as theirs)."""
    from processing.stories import article_text

    return [article_text(r.article.title, r.article.paragraphs) for r in results if r.article and not r.flagged]


def decoded(pages: list[tuple]) -> list[str]:
    """The baseline's input: each page decoded the way the stage decodes it (not timed)."""
    from processing.decode import decode_html

    return [decode_html(body, encoding).text for _, _, body, encoding, _ in pages]


# --- timing -------------------------------------------------------------------------------------


def measure(kind: str, items: list, workers: int, rounds: int, warm_up: bool) -> dict:
    """Pages per second of ``kind`` over ``items`` in a pool of ``workers`` fresh processes:
    the median of ``rounds`` timed rounds, after an untimed one when ``warm_up``; pages per CPU
    second of the workers over the same rounds; the workers' peak RSS; the last round's results."""
    chunks = [range(start, min(start + CHUNK, len(items))) for start in range(0, len(items), CHUNK)]
    if not chunks:
        raise RuntimeError(f"{kind}: nothing to measure (no page gave an article)")
    peaks: dict[int, int] = {}
    rates, cpu_seconds = [], 0.0
    context = get_context("spawn")
    ready = context.Barrier(workers + 1)
    with context.Pool(workers, initializer=_init_worker, initargs=(kind, items, ready)) as pool:
        ready.wait(timeout=WORKER_START_TIMEOUT_S)  # the clock starts once every worker has loaded
        for round_no in range(rounds + int(warm_up)):
            started = time.perf_counter()
            done, cpu, last = 0, 0.0, []
            tasks = [(round_no, chunk) for chunk in chunks]
            for pid, peak_kb, chunk_cpu, results in pool.imap_unordered(_work, tasks):
                done += len(results)
                last += results
                cpu += chunk_cpu
                peaks[pid] = max(peaks.get(pid, 0), peak_kb)
            elapsed = time.perf_counter() - started
            if done != len(items):
                raise RuntimeError(f"{kind}: the pool returned {done} results for {len(items)} pages")
            if round_no >= int(warm_up):
                rates.append(len(items) / elapsed)
                cpu_seconds += cpu
    return {"rate": statistics.median(rates), "rates": [round(r, 1) for r in rates],
            "cpu_rate": len(items) * rounds / cpu_seconds, "peak_rss_mb": max(peaks.values()) / 1024,
            "results": last}


_worker: dict = {}  # in each pool process: what it runs and on which items


def _init_worker(kind: str, items: list, ready) -> None:
    """Load what the worker needs before the clock starts (jieba's dictionaries: about a second)."""
    logging.disable(logging.WARNING)  # pages the stage skips are expected; their warnings are noise
    _worker.update(kind=kind, items=items, round=None)
    _work((None, range(min(1, len(items)))))
    ready.wait(timeout=WORKER_START_TIMEOUT_S)


def _work(task: tuple[int | None, range]) -> tuple[int, int, float, list]:
    """(pid, peak RSS in kB, CPU seconds, results) of one chunk of pages of one round.

    The stage keeps its last jieba cuts (processing.nlp): each round starts without them, or
    a round would reuse the cuts of the same pages in the previous one.
    """
    round_no, indices = task
    kind, items = _worker["kind"], _worker["items"]
    if kind in (STAGE, POSSEG, CUT) and round_no != _worker["round"]:
        from processing import nlp

        nlp.clear_caches()
        _worker["round"] = round_no
    started = time.process_time()
    if kind == STAGE:
        from processing.stage import process_page

        results = [process_page(*items[i]) for i in indices]
    elif kind == BASELINE:
        import trafilatura

        results = [trafilatura.extract(items[i]) for i in indices]
    elif kind == POSSEG:
        from processing import nlp

        results = [len(nlp.pos_tokens(items[i])) for i in indices]  # the counts: the parent needs no tokens
    elif kind == CUT:
        from processing import nlp

        results = [len(nlp.words(items[i])) for i in indices]
    else:
        from bs4 import BeautifulSoup

        results = [len(BeautifulSoup(items[i], "lxml").contents) for i in indices]
    cpu = time.process_time() - started
    return os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, cpu, results
