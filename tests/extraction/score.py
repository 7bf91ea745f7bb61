"""Print the evaluation set's scores: the parsers next to trafilatura and readability-lxml.

    .venv/bin/python -m tests.extraction.score [--misses] [--no-baselines] [--write-readme] [--raise-floors]

``--write-readme`` rewrites the table in README.md between the extraction-quality markers.
``--raise-floors`` moves floors up to the measured scores (rounded down to 2 decimals) and pins
metrics that have no floor yet; it never lowers one (that takes a hand edit and a reviewed commit).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter

from tests.extraction import scoring

README = scoring.HERE.parent.parent / "README.md"
START, END = "<!-- extraction-quality:start -->", "<!-- extraction-quality:end -->"
TESTS_HEADING = "## Tests"


def set_summary(cases: list[scoring.Case]) -> str:
    replica = [c for c in cases if c.origin == "replica"]
    hand = [c for c in cases if c.origin == "hand"]
    count = Counter(c.template + ("_jnwb" if "/jnwb/" in c.url else "") for c in replica)
    wxrb_hand = sum(c.template != "generic" for c in hand)
    return (
        f"{len(replica)} replica pages ({count['portal']} portal, {count['szb']} szb 无锡日报, "
        f"{count['szb_jnwb']} szb 江南晚报,\n{count['epaper_old']} old e-paper system; every noise tag at "
        f"least twice) and {len(hand)} hand-made hard pages ({wxrb_hand} of the wxrb templates,\n"
        f"{len(hand) - wxrb_hand} of unknown layouts), with expected JSON per parser version"
    )


def readme_section(table: dict, cases: list[scoring.Case]) -> str:
    return f"""{START}
`tests/extraction/` is the evaluation set: {set_summary(cases)}.
`make eval` prints this table; `make test` fails when a parser score drops below its floor in
`tests/extraction/floors.json` (format, adding cases, floors: `tests/extraction/README.md`).

{scoring.main_table(table)}

Body P/R/F1: characters of the longest common subsequence of extracted and expected body
(whitespace removed) over the extracted / expected length, averaged over the pages; Title,
Authors: exact match; Published: equal to the minute. The baselines read the same decoded text
and skip the pages expected to hold no article. trafilatura 2.3.1 ran as
`bare_extraction(html, url=…, with_metadata=True, include_comments=False)` with htmldate's
extensive search, for body, title, date and author. readability-lxml 0.9 ran as
`Document(html).summary()` turned into text, plus `.title()`; it gives no date or author (N/A).
{END}"""


def write_readme(section: str) -> None:
    text = README.read_text(encoding="utf-8")
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    elif f"\n{TESTS_HEADING}\n" in text:
        text = text.replace(
            f"\n{TESTS_HEADING}\n", f"\n## Extraction quality\n\n{section}\n\n{TESTS_HEADING}\n", 1
        )
    else:
        raise SystemExit(f"README.md has neither the markers nor a '{TESTS_HEADING}' heading")
    README.write_text(text, encoding="utf-8")


def raise_floors(table: dict) -> list[str]:
    """Floors up to the measured scores, never down; returns what moved."""
    data = json.loads(scoring.FLOORS_FILE.read_text(encoding="utf-8")) if scoring.FLOORS_FILE.exists() else {}
    moved = []
    for template, rows in table.items():
        if template == "all" or "wxrb" not in rows:
            continue
        pinned = data.setdefault(template, {})
        for metric in scoring.METRICS:
            score = rows["wxrb"].get(metric)
            if score is None:
                continue
            new = scoring.floor_of(score)
            if metric not in pinned or new > pinned[metric]:
                moved.append(f"{template}.{metric}: {pinned.get(metric)} -> {new}")
                pinned[metric] = new
    scoring.FLOORS_FILE.write_text(scoring.dump_json(data), encoding="utf-8")
    return moved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list every field the parsers got wrong")
    parser.add_argument("--no-baselines", action="store_true", help="score the parsers only")
    parser.add_argument("--write-readme", action="store_true", help="rewrite the README section")
    parser.add_argument(
        "--raise-floors", action="store_true", help="raise floors to the scores (never lower)"
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    cases = scoring.load_cases()
    results = scoring.evaluate(baselines=not args.no_baselines, cases=cases)
    table = scoring.aggregate(results)
    print(scoring.main_table(table))
    print()
    print("Parsers, exact-match rate of the other keys:")
    print(scoring.field_table(table))
    if args.misses:
        print()
        print(scoring.miss_report(results, limit=10_000) or "no misses")
    if args.raise_floors:
        print("\n".join(["", "floors raised:", *raise_floors(table)]))
    floors = scoring.load_floors() if scoring.FLOORS_FILE.exists() else {}
    failures = scoring.check_floors(table, floors)
    print()
    print(f"{len(cases)} cases scored in {time.monotonic() - started:.1f} s; ", end="")
    if not floors:
        print("no floors pinned yet (score.py --raise-floors)")
    else:
        print(
            f"{len(failures)} floor(s) broken:\n{scoring.failure_table(failures)}"
            if failures
            else "every floor holds"
        )
    if args.write_readme:
        write_readme(readme_section(table, cases))
        print("README.md: section 'Extraction quality' rewritten")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
