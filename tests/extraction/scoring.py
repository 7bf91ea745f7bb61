"""Scoring the parsers (and two baselines) against the evaluation set in tests/extraction/.

A case is ``cases/<name>.html`` (the page bytes) plus ``cases/<name>.json`` (its live URL, the
HTTP charset, the template, the origin); what it should extract to is
``expected/<parser>/v<version>/<name>.json`` (see tests/extraction/README.md).

Body metric: character-level precision, recall and F1 over the longest common subsequence
(LCS) of the extracted and the expected body, both joined from their paragraphs with every
whitespace character removed (U+3000, nbsp, newlines included)::

    P = LCS / len(extracted)     R = LCS / len(expected)     F1 = 2PR / (P + R)

Why characters: Chinese has no spaces, so word tokens would need a segmenter whose own errors
would enter the score; one character is the unit a reader loses or gets extra. Why the LCS and
not a bag of characters: a few thousand common characters make up most Chinese news text, so
any two texts overlap a lot as bags (two unrelated replica articles: 31 % precision, 49 % recall
as bags of characters, 12 % and 19 % as an LCS), which would give a comment block or a
related-news list undeserved credit; the LCS credits a character only in the order it stands
in, so extra blocks, duplicated or shuffled paragraphs cost what they should. The LCS is exact
(bit-parallel, Hyyrö 2004), about 10 ms for two 8,000-character texts. Both empty: P = R = 1;
one empty: 0.

Field metrics are exact matches, 1 or 0 per case: ``title``, ``authors`` (the list, in order),
``published_at`` (equal to the minute, time zones honoured; a baseline's date without a time
counts as midnight Asia/Shanghai), and every other evaluated key. A case whose expected JSON is
``{"error": "ParseError"}`` counts as exact on every metric when extraction raises that
error, and 0 on every metric when it returns an article (or raises something else).
Aggregates are means over the cases of a template (macro averages). Baselines get the metrics
they can give (``None`` = N/A) and skip the expected-error cases.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
EXPECTED_DIR = HERE / "expected"
FLOORS_FILE = HERE / "floors.json"

TEMPLATES = ("portal", "szb", "epaper_old", "generic")
ORIGINS = ("replica", "hand")
SHANGHAI = ZoneInfo("Asia/Shanghai")

# The keys of an expected file, in file order (the Article field contract, processing/article.py).
KEYS = (
    "title",
    "kicker",
    "subtitle",
    "published_at",
    "published_at_source",
    "source",
    "authors",
    "photographers",
    "editor",
    "channel",
    "page_no",
    "page_name",
    "lead",
    "paragraphs",
    "images",
)
BODY_METRICS = ("body_p", "body_r", "body_f1")
# Shown in the main table, for the parsers and the baselines.
MAIN_METRICS = (*BODY_METRICS, "title", "published_at", "authors")
# Exact-match rates of the other keys (parsers only).
FIELD_METRICS = (
    "kicker",
    "subtitle",
    "source",
    "photographers",
    "editor",
    "channel",
    "page_no",
    "page_name",
    "lead",
    "images",
    "paragraphs",
    "published_at_source",
)
METRICS = MAIN_METRICS + FIELD_METRICS
EXTRACTORS = ("wxrb", "trafilatura", "readability")


# --- the set ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    encoding: str | None
    template: str
    origin: str
    note: str

    @property
    def html_path(self) -> Path:
        return CASES_DIR / f"{self.name}.html"

    @property
    def body(self) -> bytes:
        return self.html_path.read_bytes()


def load_case(meta_path: Path) -> Case:
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return Case(meta_path.stem, meta["url"], meta["encoding"], meta["template"], meta["origin"], meta["note"])


def load_cases() -> list[Case]:
    return [load_case(path) for path in sorted(CASES_DIR.glob("*.json"))]


def expected_path(parser: str, version: str, case: str) -> Path:
    return EXPECTED_DIR / parser / f"v{version}" / f"{case}.json"


def expected_files() -> dict[tuple[str, str, str], dict]:
    """(parser, version, case) -> the expected values, for every file under expected/."""
    found = {}
    for path in sorted(EXPECTED_DIR.glob("*/v*/*.json")):
        key = (path.parent.parent.name, path.parent.name[1:], path.stem)
        found[key] = json.loads(path.read_text(encoding="utf-8"))
    return found


def dump_json(data: dict) -> str:
    """The one spelling of every JSON file in the set: UTF-8, two-space indent, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def article_values(article) -> dict:
    """An Article in the expected files' terms (published_at as ISO 8601 with its offset)."""
    values = {key: getattr(article, key) for key in KEYS}
    values["published_at"] = article.published_at.isoformat() if article.published_at else None
    values["images"] = [{"src": image["src"], "caption": image.get("caption")} for image in article.images]
    return values


def parser_class(parser: str, version: str):
    from processing.parsers import PARSERS

    for cls in PARSERS.get(parser, []):
        if cls.version == version:
            return cls
    raise LookupError(f"no parser {parser} v{version} in processing.parsers.PARSERS")


def run_parser(case: Case, cls=None) -> dict:
    """The parser's values for a case, or {"error": <exception class name>} when it raises."""
    from processing.extract import extract

    try:
        return article_values(extract(case.body, case.url, case.encoding, parser=cls))
    except Exception as exc:  # scored as a miss (or as the expected error): never crash the table
        return {"error": type(exc).__name__, "message": str(exc)[:200]}


# --- metrics ---------------------------------------------------------------------------------


def squeeze(text: str) -> str:
    """The text without any whitespace (and without zero-width characters)."""
    return "".join(text.split()).replace("\u200b", "").replace("\ufeff", "")


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyrö 2004): one big-int row."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, ch in enumerate(b):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(b)) - 1
    row = full
    for ch in a:
        match = row & masks.get(ch, 0)
        row = ((row + match) | (row - match)) & full
    return len(b) - row.bit_count()


def body_prf(got: str, expected: str) -> tuple[float, float, float]:
    got, expected = squeeze(got), squeeze(expected)
    if not got and not expected:
        return 1.0, 1.0, 1.0
    common = lcs_length(got, expected)
    p = common / len(got) if got else 0.0
    r = common / len(expected) if expected else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def parse_time(value) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def same_minute(got, expected) -> bool:
    a, b = parse_time(got), parse_time(expected)
    if a is None or b is None:
        return a is None and b is None
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def score_values(got: dict, expected: dict, metrics=METRICS) -> dict[str, float | None]:
    """Per-case metrics; a metric whose key ``got`` lacks is N/A (None)."""
    if "error" in expected or "error" in got:
        hit = float(expected.get("error") is not None and got.get("error") == expected.get("error"))
        return {metric: hit for metric in metrics}
    scores: dict[str, float | None] = {}
    if "paragraphs" in got:
        p, r, f1 = body_prf("\n".join(got["paragraphs"]), "\n".join(expected["paragraphs"]))
        scores.update(body_p=p, body_r=r, body_f1=f1)
    for metric in metrics:
        if metric in BODY_METRICS:
            scores.setdefault(metric, None)
        elif metric not in got:
            scores[metric] = None
        elif metric == "published_at":
            scores[metric] = float(same_minute(got[metric], expected[metric]))
        else:
            scores[metric] = float(got[metric] == expected[metric])
    return {metric: scores[metric] for metric in metrics}


# --- baselines -------------------------------------------------------------------------------


def decoded_text(case: Case) -> str:
    """The page as text, decoded like the pipeline does, so the baselines read the same text."""
    from processing.decode import decode_html

    return decode_html(case.body, case.encoding).text


def split_names(text: str | None) -> list[str]:
    return [name for name in re.split(r"[;；,，、/\s]+", text or "") if name]


def run_trafilatura(case: Case) -> dict:
    """trafilatura 2.3.1 defaults but comments off, metadata on; date to the minute when found."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        decoded_text(case),
        url=case.url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%d %H:%M",
        },
    )
    if doc is None:
        return {"paragraphs": [], "title": None, "published_at": None, "authors": []}
    return {
        "paragraphs": (doc.text or "").split("\n"),
        "title": doc.title or None,
        "published_at": doc.date or None,
        "authors": split_names(doc.author),
    }


def run_readability(case: Case) -> dict:
    """readability-lxml 0.9: ``Document(html).summary()`` as text, ``.title()``; no date, no authors."""
    import lxml.html
    from readability import Document

    document = Document(decoded_text(case), url=case.url)
    try:
        summary = document.summary(html_partial=True)
        text = lxml.html.fromstring(summary).text_content() if summary.strip() else ""
    except Exception:  # readability raises on pages it cannot read: an empty extraction
        text = ""
    title = document.title()
    return {"paragraphs": text.split("\n"), "title": None if title in ("", "[no-title]") else title.strip()}


BASELINES = {"trafilatura": run_trafilatura, "readability": run_readability}


# --- the whole set ---------------------------------------------------------------------------


@dataclass
class Result:
    case: Case
    extractor: str  # wxrb | trafilatura | readability
    parser: str  # the expected file's parser and version
    version: str
    got: dict
    expected: dict
    scores: dict[str, float | None] = field(default_factory=dict)

    @property
    def misses(self) -> list[str]:
        return [m for m, v in self.scores.items() if m not in BODY_METRICS and v is not None and v < 1.0]


def evaluate(baselines: bool = False, cases: list[Case] | None = None) -> list[Result]:
    """Every expected file scored with its parser version; with ``baselines`` the two baselines
    too, once per case (not on cases expected to raise)."""
    by_name = {case.name: case for case in (cases if cases is not None else load_cases())}
    results, baselined = [], set()
    for (parser, version, name), expected in expected_files().items():
        case = by_name.get(name)
        if case is None:
            continue
        try:
            got = run_parser(case, parser_class(parser, version))
        except LookupError as exc:  # an expected/ folder of a version PARSERS does not have
            got = {"error": "LookupError", "message": str(exc)}
        results.append(Result(case, "wxrb", parser, version, got, expected, score_values(got, expected)))
        if baselines and "error" not in expected and name not in baselined:
            baselined.add(name)
            for extractor, run in BASELINES.items():
                got = run(case)
                scored = score_values(got, expected, MAIN_METRICS)
                results.append(Result(case, extractor, parser, version, got, expected, scored))
    return results


def aggregate(results: list[Result]) -> dict[str, dict[str, dict]]:
    """{group: {extractor: {"cases": n, metric: mean or None}}}; groups: each template, "all"."""
    table: dict[str, dict[str, dict]] = {}
    for group in [*TEMPLATES, "all"]:
        for extractor in EXTRACTORS:
            chosen = [r for r in results if r.extractor == extractor and group in (r.case.template, "all")]
            if not chosen:
                continue
            row: dict = {"cases": len(chosen)}
            for metric in METRICS:
                values = [r.scores.get(metric) for r in chosen]
                values = [v for v in values if v is not None]
                row[metric] = sum(values) / len(values) if values else None
            table.setdefault(group, {})[extractor] = row
    return table


# --- floors ----------------------------------------------------------------------------------


def load_floors() -> dict[str, dict[str, float]]:
    data = json.loads(FLOORS_FILE.read_text(encoding="utf-8"))
    return {template: floors for template, floors in data.items() if not template.startswith("_")}


def floor_of(score: float) -> float:
    """A new floor: the score rounded down to 2 decimals (1.0 stays 1.0)."""
    return math.floor(round(score * 100, 6)) / 100


def check_floors(table: dict, floors: dict) -> list[tuple[str, str, float | None, float]]:
    """(template, metric, score, floor) for every parser score below its floor, or missing."""
    failures = []
    for template, pinned in sorted(floors.items()):
        row = table.get(template, {}).get("wxrb", {})
        for metric, floor in sorted(pinned.items()):
            score = row.get(metric)
            if score is None or score < floor - 1e-9:
                failures.append((template, metric, score, floor))
    return failures


def unpinned(table: dict, floors: dict) -> list[tuple[str, str]]:
    """Parser metrics of a template in the set that have no floor."""
    return [
        (template, metric)
        for template, rows in table.items()
        if template != "all" and "wxrb" in rows
        for metric in METRICS
        if rows["wxrb"].get(metric) is not None and metric not in floors.get(template, {})
    ]


# --- tables ----------------------------------------------------------------------------------


def fmt(value) -> str:
    return "N/A" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def main_table(table: dict) -> str:
    """Markdown: per template and overall, the parsers next to the two baselines."""
    head = ["Template", "Extractor", "Cases", "Body P", "Body R", "Body F1", "Title", "Published", "Authors"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for group, rows in table.items():
        for extractor, row in rows.items():
            cells = [group, extractor, str(row["cases"]), *(fmt(row[m]) for m in MAIN_METRICS)]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def field_table(table: dict) -> str:
    """Markdown: the parsers' exact-match rate of every other key."""
    head = ["Template", *FIELD_METRICS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for group, rows in table.items():
        if "wxrb" in rows:
            lines.append("| " + " | ".join([group, *(fmt(rows["wxrb"][m]) for m in FIELD_METRICS)]) + " |")
    return "\n".join(lines)


def failure_table(failures: list[tuple[str, str, float | None, float]]) -> str:
    lines = [f"{'template':<12} {'metric':<20} {'score':>7} {'floor':>7}"]
    lines += [f"{t:<12} {m:<20} {fmt(s):>7} {f:>7.2f}" for t, m, s, f in failures]
    return "\n".join(lines)


def miss_report(results: list[Result], limit: int = 60) -> str:
    """One line per (case, field) the parsers got wrong, with the values."""
    lines = []
    for result in results:
        if result.extractor != "wxrb":
            continue
        if "error" in result.got or "error" in result.expected:
            if result.got.get("error") != result.expected.get("error"):
                lines.append(
                    f"{result.case.name}: expected {result.expected.get('error') or 'an article'}, "
                    f"got {result.got.get('error') or 'an article'} {result.got.get('message', '')}"
                )
            continue
        if result.scores["body_f1"] < 1.0:
            lines.append(f"{result.case.name}: body F1 {result.scores['body_f1']:.3f}")
        for metric in result.misses:
            if metric != "paragraphs":
                lines.append(
                    f"{result.case.name}: {metric} expected {result.expected[metric]!r}, "
                    f"got {result.got[metric]!r}"[:300]
                )
    return "\n".join(lines[:limit] + ([f"… {len(lines) - limit} more"] if len(lines) > limit else []))
