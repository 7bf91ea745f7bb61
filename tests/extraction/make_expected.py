"""(Re)generate the evaluation set's fixtures and show what changed.

    .venv/bin/python -m tests.extraction.make_expected [--check] [--hand] [CASE_PATTERN ...]

Replica cases (origin "replica") are generated whole: a fixed sample of the replica's article
pages is chosen from its manifest (every noise tag of every template at least twice where the
replica has it twice), fetched from an in-process replica, stored under the live canonical URL,
and their expected values are built from the manifest, the generator's own truth, so they do not
depend on the parsers. A replica change therefore shows up here as changed bytes or values.

Hand cases (origin "hand") get the current parser output written as their expected file when
they have none. After review the file holds the correct values, which may differ from the parser
output (a known miss, shown by the gate), so later runs leave existing hand files alone unless
``--hand`` asks to rewrite them from the parser output (after a parser change: every changed
file is shown as a diff; keep the hunks that are right, restore the rest).

``--check`` writes nothing and exits 1 when a run would change anything. Patterns (fnmatch on
case names) limit a run to some cases. Review the result with
``git diff tests/extraction/cases tests/extraction/expected``.
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import hashlib
import json
import sys
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.extraction import scoring
from tests.extraction.scoring import CASES_DIR, EXPECTED_DIR, HERE, dump_json

# Live hosts of the replica's paths (the parsers resolve image src against the canonical URL).
PORTAL_BASE = "https://www.wxrb.com"
SZB_BASE = "http://szb.wxrb.com"
OLD_EPAPER_BASE = "http://epaper.wxrb.com"
REPLICA_CHARSET = "utf-8"  # every replica page: Content-Type: text/html; charset=utf-8

# Sample size per group; noise tags first (each at least MIN_PER_TAG times), then filled up.
SAMPLE = {"portal": 25, "szb_wxrb": 25, "szb_jnwb": 20, "epaper_old": 15}
MIN_PER_TAG = 2


@dataclass(frozen=True)
class Pick:
    name: str
    group: str
    template: str
    entry: dict


# --- choosing and describing replica cases ---------------------------------------------------


def group_of(entry: dict) -> str:
    if entry["url"].startswith("/doc/"):
        return "portal"
    if entry["url"].startswith("/paper/"):
        return "epaper_old"
    return "szb_jnwb" if entry["site"] == "epaper_jnwb" else "szb_wxrb"


def tags_of(entry: dict) -> set[str]:
    """The manifest's noise tags plus features worth covering twice (editor, images, 新华社 copy)."""
    tags = set(entry["noise"])
    tags |= {"has_editor"} if entry.get("editor") else set()
    tags |= {"has_image"} if entry["images"] else set()
    tags |= {"has_photographer"} if entry["photographers"] else set()
    tags |= {"xinhua"} if entry.get("source") == "新华社" else set()
    return tags


def _rank(entry: dict) -> str:
    return hashlib.sha256(entry["url"].encode()).hexdigest()


def select_sample(manifest: dict) -> list[Pick]:
    """A deterministic sample: for the rarest tag first, entries until it is covered twice, then
    entries in hash order up to the group's size."""
    picks = []
    entries = manifest["articles"] + manifest["epaper_articles"]
    for group, size in SAMPLE.items():
        pool = sorted((e for e in entries if group_of(e) == group and not e.get("deleted")), key=_rank)
        available = Counter(tag for e in pool for tag in tags_of(e))
        chosen: list[dict] = []
        for tag in sorted(available, key=lambda t: (available[t], t)):
            have = sum(tag in tags_of(e) for e in chosen)
            for entry in (e for e in pool if tag in tags_of(e) and e not in chosen):
                if have >= min(MIN_PER_TAG, available[tag]):
                    break
                chosen.append(entry)
                have += 1
        chosen += [e for e in pool if e not in chosen][: max(0, size - len(chosen))]
        for entry in sorted(chosen, key=lambda e: e["url"]):
            template = "portal" if group == "portal" else "epaper_old" if group == "epaper_old" else "szb"
            picks.append(Pick(f"replica_{group}_{entry['doc_id']}", group, template, entry))
    return picks


def live_url(entry: dict) -> str:
    base = (
        PORTAL_BASE
        if entry["url"].startswith("/doc/")
        else OLD_EPAPER_BASE
        if entry["url"].startswith("/paper/")
        else SZB_BASE
    )
    return base + entry["url"]


def case_meta(pick: Pick) -> dict:
    entry = pick.entry
    hard = ", ".join(sorted(tags_of(entry))) or "none"
    story = f"; same story as {PORTAL_BASE}{entry['same_story_as']}" if entry.get("same_story_as") else ""
    return {
        "url": live_url(entry),
        "encoding": REPLICA_CHARSET,
        "template": pick.template,
        "origin": "replica",
        "note": f"replica page {entry['url']}; noise and features: {hard}{story}",
    }


def expected_from_manifest(entry: dict) -> dict:
    """The manifest entry in the expected files' terms (replica/README.md states the rules)."""
    base = live_url(entry)[: -len(entry["url"])]
    images = [{"src": base + image["src"], "caption": image["caption"]} for image in entry["images"]]
    if entry["url"].startswith("/doc/"):
        values = {
            "title": entry["title"],
            "kicker": None,
            "subtitle": None,
            "published_at": entry["published_at"],
            "published_at_source": "page",
            "source": entry["source"],
            "authors": entry["authors"],
            "photographers": entry["photographers"],
            "editor": entry["editor"],
            "channel": entry["channel"],
            "page_no": None,
            "page_name": None,
            "lead": entry.get("lead"),
        }
    else:
        values = {
            "title": entry["title"],
            "kicker": entry["kicker"],
            "subtitle": entry["subtitle"],
            "published_at": f"{entry['date']}T00:00:00+08:00",
            "published_at_source": "page_date",
            "source": entry["edition"],
            "authors": entry["authors"],
            "photographers": entry["photographers"],
            "editor": None,
            "channel": entry["page_name"],
            "page_no": entry["page_no"],
            "page_name": entry["page_name"],
            "lead": entry.get("lead"),
        }
    values.update(paragraphs=entry["paragraphs"], images=images)
    return {key: values[key] for key in scoring.KEYS}


def current_version(url: str, template: str) -> tuple[str, str]:
    """(parser name, version) of the parser that reads this case today."""
    from processing.parsers import parser_for

    cls = parser_for(url, None, template=template)
    return cls.name, cls.version


# --- planning the files ------------------------------------------------------------------------


def fetch(base_url: str, path: str) -> bytes:
    with urllib.request.urlopen(base_url + path, timeout=30) as response:
        return response.read()


def existing_versions(case: str) -> list[Path]:
    return sorted(EXPECTED_DIR.glob(f"*/v*/{case}.json"))


def replica_files(
    base_url: str, manifest: dict, patterns: list[str] | None = None
) -> dict[Path, bytes | None]:
    """Every replica case file as it should be (None = delete), the sample read from ``manifest``
    and the pages fetched from the replica at ``base_url``."""
    wanted: dict[Path, bytes | None] = {}
    picks = [p for p in select_sample(manifest) if _matches(p.name, patterns)]
    for pick in picks:
        meta = case_meta(pick)
        wanted[CASES_DIR / f"{pick.name}.html"] = fetch(base_url, pick.entry["url"])
        wanted[CASES_DIR / f"{pick.name}.json"] = dump_json(meta).encode()
        values = dump_json(expected_from_manifest(pick.entry)).encode()
        paths = set(existing_versions(pick.name)) | {
            scoring.expected_path(*current_version(meta["url"], pick.template), pick.name)
        }
        wanted.update({path: values for path in paths})
    names = {p.name for p in picks}
    for case in scoring.load_cases():
        if case.origin == "replica" and case.name not in names and _matches(case.name, patterns):
            for path in [case.html_path, CASES_DIR / f"{case.name}.json", *existing_versions(case.name)]:
                wanted[path] = None
    return wanted


def hand_files(rewrite: bool, patterns: list[str] | None = None) -> dict[Path, bytes]:
    """Parser output for hand cases without an expected file (all of them with ``rewrite``)."""
    wanted = {}
    for case in scoring.load_cases():
        if case.origin != "hand" or not _matches(case.name, patterns):
            continue
        path = scoring.expected_path(*current_version(case.url, case.template), case.name)
        if rewrite or not path.exists():
            values = scoring.run_parser(case, scoring.parser_class(*current_version(case.url, case.template)))
            if "error" in values and values["error"] not in ("ParseError", "NotHtmlError"):
                raise RuntimeError(f"{case.name}: the parser crashed: {values['error']}: {values['message']}")
            values.pop("message", None)
            wanted[path] = dump_json(values).encode()
    return wanted


def _matches(name: str, patterns: list[str] | None) -> bool:
    return not patterns or any(fnmatch.fnmatch(name, p) for p in patterns)


def changes(wanted: dict[Path, bytes | None]) -> dict[Path, tuple[bytes | None, bytes | None]]:
    """path -> (now on disk, wanted) for every file that would change."""
    found = {}
    for path, new in wanted.items():
        old = path.read_bytes() if path.exists() else None
        if old != new:
            found[path] = (old, new)
    return found


def describe(path: Path, old: bytes | None, new: bytes | None) -> str:
    name = str(path.relative_to(HERE.parent.parent))
    if path.suffix != ".json":
        verb = "new" if old is None else "deleted" if new is None else "changed"
        return f"{verb}: {name} ({len(old or b'')} -> {len(new or b'')} bytes)\n"
    a = (old or b"").decode("utf-8").splitlines(keepends=True)
    b = (new or b"").decode("utf-8").splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, f"a/{name}", f"b/{name}"))


def write(found: dict[Path, tuple[bytes | None, bytes | None]]) -> None:
    for path, (_, new) in found.items():
        if new is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when anything would change"
    )
    parser.add_argument(
        "--hand", action="store_true", help="rewrite hand cases' expected files from the parsers"
    )
    parser.add_argument("patterns", nargs="*", help="fnmatch patterns of case names (default: all)")
    args = parser.parse_args(argv)
    from replica.server import ReplicaServer

    with ReplicaServer() as replica:
        manifest = json.loads(fetch(replica.base_url, "/__replica__/manifest.json"))
        wanted = replica_files(replica.base_url, manifest, args.patterns)
    wanted.update(hand_files(args.hand, args.patterns))
    found = changes(wanted)
    for path, (old, new) in sorted(found.items()):
        sys.stdout.write(describe(path, old, new))
    if args.check:
        print(f"{len(found)} file(s) would change" if found else "no drift: every fixture is up to date")
        return 1 if found else 0
    write(found)
    print(f"{len(found)} file(s) written or removed.")
    if found:
        print("Review them with: git diff tests/extraction/cases tests/extraction/expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
