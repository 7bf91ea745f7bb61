"""The extraction quality gate: the evaluation set is well formed, every parser version has
fixtures, the replica cases still match the replica, and no score is below its pinned floor.

No database and no network beyond the in-process replica; scoring the set takes a few seconds.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from processing.decode import decode_html
from processing.parsers import PARSERS, template_of
from replica.server import ReplicaServer
from tests.extraction import make_expected, scoring

CASE_KEYS = {"url", "encoding", "template", "origin", "note"}


@pytest.fixture(scope="module")
def cases() -> list[scoring.Case]:
    return scoring.load_cases()


@pytest.fixture(scope="module")
def results(cases) -> list[scoring.Result]:
    return scoring.evaluate(cases=cases)


def test_every_case_is_well_formed(cases):
    problems = []
    htmls = {path.stem for path in scoring.CASES_DIR.glob("*.html")}
    metas = {path.stem for path in scoring.CASES_DIR.glob("*.json")}
    problems += [f"{name}.html has no .json" for name in sorted(htmls - metas)]
    problems += [f"{name}.json has no .html" for name in sorted(metas - htmls)]
    for path in sorted(scoring.CASES_DIR.glob("*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        if set(meta) != CASE_KEYS:
            problems.append(f"{path.name}: keys {sorted(meta)}, expected {sorted(CASE_KEYS)}")
            continue
        if meta["template"] not in PARSERS:
            problems.append(f"{path.name}: template {meta['template']!r} is not one of {sorted(PARSERS)}")
        if meta["origin"] not in scoring.ORIGINS:
            problems.append(f"{path.name}: origin {meta['origin']!r} is not one of {scoring.ORIGINS}")
        if not str(meta["url"]).startswith(("http://", "https://")):
            problems.append(f"{path.name}: url {meta['url']!r} is not absolute")
        if meta["encoding"] is not None and not isinstance(meta["encoding"], str):
            problems.append(f"{path.name}: encoding must be a charset name or null")
        if not str(meta["note"]).strip():
            problems.append(f"{path.name}: the note must say what is hard")
    assert not problems, "\n".join(problems)


def test_every_expected_file_is_well_formed(cases):
    names = {case.name for case in cases}
    versions = {(cls.name, cls.version) for classes in PARSERS.values() for cls in classes}
    problems = []
    for (parser, version, name), values in scoring.expected_files().items():
        where = f"expected/{parser}/v{version}/{name}.json"
        if (parser, version) not in versions:
            problems.append(f"{where}: no parser {parser} v{version} in PARSERS")
        if name not in names:
            problems.append(f"{where}: no case {name} in cases/")
        if "error" in values:
            if set(values) != {"error"}:
                problems.append(f"{where}: an error expectation holds only the key 'error'")
            continue
        if tuple(values) != scoring.KEYS:
            problems.append(f"{where}: keys {list(values)}, expected {list(scoring.KEYS)}")
            continue
        if values["published_at"] and datetime.fromisoformat(values["published_at"]).utcoffset() is None:
            problems.append(f"{where}: published_at has no UTC offset")
        if any(not image["src"].startswith(("http://", "https://")) for image in values["images"]):
            problems.append(f"{where}: image src must be absolute URLs")
    with_expected = {name for _, _, name in scoring.expected_files()}
    problems += [f"case {name} has no expected file" for name in sorted(names - with_expected)]
    assert not problems, "\n".join(problems)


def test_every_parser_version_has_a_fixture():
    """A parser version without a fixture fails the test run (house style)."""
    have = {(parser, version) for parser, version, _ in scoring.expected_files()}
    missing = [
        f"{cls.__name__}: add cases under tests/extraction/expected/{cls.name}/v{cls.version}/"
        for classes in PARSERS.values()
        for cls in classes
        if (cls.name, cls.version) not in have
    ]
    assert not missing, "\n".join(missing)


def test_every_case_is_routed_to_its_template(cases):
    wrong = []
    for case in cases:
        got = template_of(case.url, decode_html(case.body, case.encoding).text)
        if got != case.template:
            wrong.append(f"{case.name}: parser_for picks {got}, the case says {case.template}")
    assert not wrong, "\n".join(wrong)


def test_replica_cases_match_what_the_replica_serves():
    """A replica change (bytes or manifest) forces a regeneration: make_expected --check is clean.

    Its own server, not the session one, so that no other test's edits can show up as drift."""
    with ReplicaServer() as replica:
        manifest = json.loads(make_expected.fetch(replica.base_url, "/__replica__/manifest.json"))
        drift = make_expected.changes(make_expected.replica_files(replica.base_url, manifest))
    report = "".join(make_expected.describe(path, *change) for path, change in sorted(drift.items()))
    assert not drift, (
        f"{len(drift)} replica fixture file(s) differ from the replica; regenerate with "
        f"`.venv/bin/python -m tests.extraction.make_expected` and review the diff:\n{report[:6000]}"
    )


def test_scores_hold_their_floors(results):
    table = scoring.aggregate(results)
    floors = scoring.load_floors()
    failures = scoring.check_floors(table, floors)
    unpinned = scoring.unpinned(table, floors)
    message = []
    if failures:
        message += [
            "Scores below their pinned floor (tests/extraction/floors.json):",
            scoring.failure_table(failures),
            "",
            "What the parsers got wrong:",
            scoring.miss_report(results),
        ]
    if unpinned:
        message += [
            "Metrics without a floor (pin them with score.py --raise-floors):",
            *(f"  {template}.{metric}" for template, metric in unpinned),
        ]
    assert not message, "\n".join(message)
