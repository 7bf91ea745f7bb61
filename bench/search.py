"""Search latency: search_articles() on a synthetic corpus, against a sequential scan of the same corpus.

The corpus is made of the replica's own articles, segmented once with the production tokenizer
(processing.search.index_tokens), so word frequencies and co-occurrences are those of Wuxi local
news: every synthetic article takes the title and most paragraphs of one replica article, one or
two paragraphs of others, and a few names from a long Zipf-distributed tail (news corpora keep
meeting new people and firms, which is what makes a real GIN index large). Dates spread over ten
years. Rows go in with one COPY; PostgreSQL computes the generated search_vector; the GIN index
is built after the load, which is faster than maintaining it row by row.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg

import bench
from processing import search as search_tokens
from replica.content import DEFAULT_SEED, build_site, manifest

SEED = 7
QUICK_ARTICLES = 5_000
ROUNDS = 5  # every query runs this often after one warm-up; p50/p95 over all runs
BASELINE_ROUNDS = 1  # the baselines read the whole table or every match: seconds at 1M, so no repeats
RANK_ALL_FUNCTION = "bench_search_articles_0009"
MIGRATIONS = Path(__file__).resolve().parent.parent / "sql" / "migrations"
TARGET_P95_MS = 50.0
TARGET_AT = 1_000_000
FIRST_DAY = date(2016, 12, 1)
LAST_DAY = date(2026, 11, 30)
TAIL_NAMES = 200_000  # distinct names in the long tail
NAMES_PER_ARTICLE = (2, 8)
COPY_CHUNK_ROWS = 2_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程过华钱尤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红娥玲斌宇浩凯健俊帆帅旭宁晖蔚程倩婷雯"

# (words separated by spaces as search_articles() takes them, since, until): districts, themes,
# two-word queries, date-bounded ones, a very common word, and rare ones (a tail name, a word
# the replica uses once). The rare tail name is filled in from the generated vocabulary.
QUERIES: list[tuple[str, date | None, date | None]] = [
    ("锡山", None, None),
    ("梁溪", None, None),
    ("新吴", None, None),
    ("江阴", None, None),
    ("宜兴", None, None),
    ("专精特新", None, None),
    ("太湖", None, None),
    ("地铁", None, None),
    ("集成电路", None, None),
    ("物联网", None, None),
    ("企业", None, None),
    ("锡山区 专精特新", None, None),
    ("新能源 企业", None, None),
    ("太湖 冬季", None, None),
    ("地铁", date(2026, 1, 1), date(2026, 11, 30)),
    ("太湖", date(2026, 11, 1), date(2026, 11, 30)),
    ("企业", date(2026, 11, 24), date(2026, 11, 30)),
    ("惠山 学校", date(2025, 1, 1), date(2025, 12, 31)),
    ("<rare word>", None, None),
    ("<tail name>", None, None),
]

# How many articles a query matches (what search_articles() has to choose from).
MATCHES = """SELECT count(*) FROM articles
              WHERE search_vector @@ plainto_tsquery('simple', %s)
                AND published_at >= coalesce(%s::date, '-infinity')::timestamp AT TIME ZONE 'Asia/Shanghai'
                AND published_at < (coalesce(%s::date, 'infinity'::date) + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'"""

COLUMNS = ("url", "site", "doc_id", "channel", "title", "published_at", "body", "paragraphs", "char_count",
           "parser", "parser_version", "content_hash", "first_seen_at", "raw_page_id", "tokens_version",
           "title_tokens", "body_tokens")


def run(opts: dict) -> list[dict]:
    n_articles = QUICK_ARTICLES if opts.get("quick") else int(opts.get("articles") or 200_000)
    with bench.Databases(opts["dsn_admin"], f"bench_search_{n_articles}") as databases:
        dsn = databases.new()
        corpus = Corpus.from_replica(random.Random(SEED))
        timings = load(dsn, corpus, n_articles)
        with psycopg.connect(dsn) as conn:
            queries = resolve_queries(corpus)
            indexed = measure(conn, queries, ROUNDS, scan=False)
            scanned = measure(conn, queries, BASELINE_ROUNDS, scan=True)
            create_rank_all_function(conn)
            rank_all = measure(conn, queries, BASELINE_ROUNDS, scan=False, function=RANK_ALL_FUNCTION)
            sizes = conn.execute(
                "SELECT pg_total_relation_size('articles'), pg_relation_size('articles_search_idx')"
            ).fetchone()
    return figures(n_articles, timings, queries, indexed, scanned, rank_all, sizes)


# --- the corpus ------------------------------------------------------------------------------


class Corpus:
    """Replica articles as (title, title tokens, paragraphs, paragraph tokens), plus the name tail."""

    def __init__(self, articles: list[dict], names: list[str]):
        self.articles = articles
        self.names = names
        self.paragraphs = [(p, t) for a in articles for p, t in zip(a["paragraphs"], a["tokens"], strict=True)]

    @classmethod
    def from_replica(cls, rng: random.Random) -> Corpus:
        site = manifest(build_site(DEFAULT_SEED))
        articles = []
        for a in site["articles"] + site["epaper_articles"]:
            paragraphs = [_clean(p) for p in a["paragraphs"] if p.strip()]
            if not paragraphs:
                continue
            articles.append({
                "title": _clean(a["title"]),
                "title_tokens": search_tokens.index_tokens(a["title"]),
                "paragraphs": paragraphs,
                "tokens": [search_tokens.index_tokens(p) for p in paragraphs],
                "channel": a.get("channel") or a.get("page_name"),
                "site": "epaper_wxrb" if a.get("site", "portal").startswith("epaper_wxrb") else a.get("site", "portal"),
            })
        names = list({rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
                      for _ in range(TAIL_NAMES * 2)})[:TAIL_NAMES]
        names.sort()
        rng.shuffle(names)
        return cls(articles, names)

    def zipf_name(self, rng: random.Random) -> str:
        """A name with a Zipf-like rank distribution: a few very frequent, most rare."""
        return self.names[min(int(len(self.names) ** rng.random()) - 1, len(self.names) - 1)]


def _clean(text: str) -> str:
    """Text safe for COPY's text format (no tab, newline or backslash)."""
    return text.replace("\\", "＼").replace("\t", " ").replace("\n", " ").replace("\r", " ")


def rows(corpus: Corpus, n_articles: int, rng: random.Random, part: int = 0, parts: int = 1):
    """COPY text lines, one synthetic article each; ``part`` of ``parts`` takes every parts-th id."""
    start = datetime.combine(FIRST_DAY, datetime.min.time())
    span_s = int((datetime.combine(LAST_DAY, datetime.min.time()) - start).total_seconds())
    stamps = sorted(rng.randrange(span_s) for _ in range(n_articles))  # ids rise with time
    for i in range(part + 1, n_articles + 1, parts):
        rng = random.Random(f"{SEED}:{i}")  # each row its own generator: the same corpus for any `parts`
        base = rng.choice(corpus.articles)
        keep = [k for k in range(len(base["paragraphs"])) if k == 0 or rng.random() < 0.8]
        paragraphs = [base["paragraphs"][k] for k in keep]
        tokens = [base["tokens"][k] for k in keep]
        for _ in range(rng.choice((1, 1, 2))):
            text, toks = rng.choice(corpus.paragraphs)
            paragraphs.append(text)
            tokens.append(toks)
        names = " ".join(corpus.zipf_name(rng) for _ in range(rng.randint(*NAMES_PER_ARTICLE)))
        at = (start + timedelta(seconds=stamps[i - 1])).strftime("%Y-%m-%d %H:%M:00+08")
        body = paragraphs[0]  # the lead only: the search path never reads body (keeps the corpus small)
        yield "\t".join((
            f"https://www.wxrb.com/doc/{at[:10].replace('-', '/')}/{i}.shtml", base["site"], str(i),
            base["channel"] or "\\N", base["title"], at, body, "{}", str(sum(map(len, paragraphs))),
            "portal", "1", hashlib.md5(str(i).encode()).hexdigest(), at, "1",
            search_tokens.TOKENIZER, base["title_tokens"], " ".join(tokens) + " " + names,
        )) + "\n"


def load(dsn: str, corpus: Corpus, n_articles: int) -> dict:
    """COPY the corpus in over one connection per core (PostgreSQL computing the tsvector is the
    bottleneck), GIN index dropped meanwhile and built after, then VACUUM ANALYZE; seconds per phase."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO crawl_runs (spider, base_url, window_since, window_until)"
                     " VALUES ('portal', 'https://www.wxrb.com', %s, %s)", [FIRST_DAY, LAST_DAY])
        conn.execute("INSERT INTO raw_pages (id, url, final_url, fetched_at, http_status, used_encoding, body,"
                     " body_sha256) VALUES (1, 'https://www.wxrb.com/', 'https://www.wxrb.com/', now(), 200,"
                     " 'utf-8', '', repeat('0', 64))")
        index_def = conn.execute("SELECT pg_get_indexdef('articles_search_idx'::regclass)").fetchone()[0]
        conn.execute("DROP INDEX articles_search_idx")
        parts = max(1, os.cpu_count() or 1)
        started = time.perf_counter()
        with ThreadPoolExecutor(parts) as pool:
            for done in [pool.submit(_copy_part, dsn, corpus, n_articles, part, parts) for part in range(parts)]:
                done.result()
        copied = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute(index_def)
        indexed = time.perf_counter()
        conn.execute("VACUUM (ANALYZE) articles")
    return {"copy_s": copied - started, "index_s": indexed - copied, "analyze_s": time.perf_counter() - indexed}


def _copy_part(dsn: str, corpus: Corpus, n_articles: int, part: int, parts: int) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute("SET session_replication_role = replica")  # skips the per-row FK trigger (superuser)
        with conn.cursor() as cur, cur.copy(f"COPY articles ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            chunk = []
            for line in rows(corpus, n_articles, random.Random(SEED + 1), part, parts):
                chunk.append(line)
                if len(chunk) == COPY_CHUNK_ROWS:
                    copy.write("".join(chunk))
                    chunk.clear()
            copy.write("".join(chunk))


# --- the queries -------------------------------------------------------------------------------


def resolve_queries(corpus: Corpus) -> list[tuple[str, date | None, date | None]]:
    """QUERIES with the two rare placeholders replaced: a word that only one replica paragraph
    uses, and a name from the middle of the tail (both the same at every corpus size)."""
    counts = Counter(word for _, tokens in corpus.paragraphs for word in set(tokens.split()))
    rare_word = min(w for w, n in counts.items() if n == 1 and len(w) >= 3 and not w[0].isascii())
    tail = corpus.names[len(corpus.names) // 2]
    placeholders = {"<rare word>": rare_word, "<tail name>": tail}
    return [(placeholders.get(words, words), since, until) for words, since, until in QUERIES]


def create_rank_all_function(conn: psycopg.Connection) -> None:
    """search_articles() as migration 0009 made it (rank every match), under another name, to show
    what migration 0014 (rank the newest 500 matches) changed."""
    text = (MIGRATIONS / "0009_add_article_search.sql").read_text(encoding="utf-8")
    body = re.search(r"CREATE FUNCTION search_articles\(.*?\$\$;", text, re.S)
    if body is None:
        raise RuntimeError("search_articles() not found in migration 0009")
    conn.execute(body.group(0).replace("search_articles(", f"{RANK_ALL_FUNCTION}(", 1))
    conn.commit()


def measure(conn: psycopg.Connection, queries, rounds: int, scan: bool, function: str = "search_articles") -> dict:
    """Milliseconds per query run (after one warm-up run each), and the hit counts.

    ``scan`` is the baseline: the same function with index scans forbidden, so PostgreSQL reads
    every row's tsvector (what the query costs without the GIN index).
    """
    flag = "off" if scan else "on"
    for setting in ("enable_bitmapscan", "enable_indexscan"):
        conn.execute(f"SET {setting} = {flag}")
    times, hits = [], []
    for words, since, until in queries:
        args = [words, since, until, 20]
        statement = f"SELECT * FROM {function}(%s, %s, %s, %s)"
        if rounds > 1:  # warm-up (the baselines read the whole table or every match each time: run once)
            conn.execute(statement, args).fetchall()
            hits.append(conn.execute(MATCHES, args[:3]).fetchone()[0])
        for _ in range(rounds):
            started = time.perf_counter()
            conn.execute(statement, args).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    for setting in ("enable_bitmapscan", "enable_indexscan"):
        conn.execute(f"RESET {setting}")
    conn.rollback()
    return {"times": times, "hits": hits, "per_query": _per_query(times, rounds)}


def _per_query(times: list[float], rounds: int) -> list[float]:
    return [statistics.median(times[i:i + rounds]) for i in range(0, len(times), rounds)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the figures -------------------------------------------------------------------------------


def figures(n_articles, timings, queries, indexed, scanned, rank_all, sizes) -> list[dict]:
    p95 = percentile(indexed["times"], 0.95)
    slowest = max(range(len(queries)), key=lambda i: indexed["per_query"][i])
    at_full_size = n_articles >= TARGET_AT
    corpus_notes = (f"{n_articles} synthetic articles (replica text, 10 years), {len(queries)} queries x "
                    f"{ROUNDS} runs after a warm-up (baselines: 1 run); slowest query {queries[slowest][0]!r} "
                    f"{indexed['per_query'][slowest]:.1f} ms median")
    scan = "search_articles() with index scans off (sequential scan of every tsvector)"
    before = "search_articles() as migration 0009 made it (ranks every match; 0014 ranks the newest 500)"
    result = []
    for share, label in ((0.5, "p50"), (0.95, "p95")):
        value = percentile(indexed["times"], share)
        for baseline, measured in ((scan, scanned), (before, rank_all)):
            base = percentile(measured["times"], share)
            full_target = label == "p95" and measured is scanned
            result.append({
                "family": "search", "name": f"search_articles() {label} latency", "value": round(value, 2),
                "unit": "ms", "baseline": baseline, "baseline_value": round(base, 2),
                "ratio": round(base / value, 1) if value else None,
                "target": f"p95 <= {TARGET_P95_MS:.0f} ms at {TARGET_AT:,} articles" if full_target else None,
                "met": (p95 <= TARGET_P95_MS) if full_target and at_full_size else None,
                "notes": corpus_notes + "; ratio = speed-up over the baseline"
                         + ("" if at_full_size or not full_target
                            else f"; the target applies at {TARGET_AT:,} articles (--articles 1000000)"),
            })
    result.append({
        "family": "search", "name": "corpus generation (COPY + GIN index + ANALYZE)",
        "value": round(sum(timings.values()), 1), "unit": "s", "baseline": None, "baseline_value": None,
        "ratio": None, "target": None, "met": None,
        "notes": (f"{n_articles} articles: COPY {timings['copy_s']:.1f} s ({n_articles / timings['copy_s']:.0f} "
                  f"rows/s, tsvector computed by PostgreSQL), GIN index {timings['index_s']:.1f} s, VACUUM "
                  f"ANALYZE {timings['analyze_s']:.1f} s; table {sizes[0] / 2**20:.0f} MiB, "
                  f"GIN {sizes[1] / 2**20:.0f} MiB"),
    })
    for i, (words, since, until) in enumerate(queries):
        window = f" {since}..{until}" if since else ""
        value = indexed["per_query"][i]
        result.append({
            "family": "search", "name": f"query {words!r}{window}", "value": round(value, 2), "unit": "ms",
            "baseline": "ranking every match (0009)", "baseline_value": round(rank_all["per_query"][i], 2),
            "ratio": round(rank_all["per_query"][i] / value, 1) if value else None, "target": None, "met": None,
            "notes": f"median of {ROUNDS}; {indexed['hits'][i]} matching articles; sequential scan "
                     f"{scanned['per_query'][i]:.0f} ms",
        })
    return result
