"""`make bench`: run the benchmark families against one embedded PostgreSQL and one replica.

Every figure is measured next to its baseline in the same invocation, so ratios compare like with
like on whatever machine runs this. Results go to ``bench/results.json`` (machine, options, the
status of every family, all figures) and ``bench/results.md`` (the table printed at the end).

    python -m bench.run [--articles N] [--quick] [--only FAMILY ...] [--workdir DIR] [--output FILE]

A family whose module does not exist yet is reported as missing; one that raises is reported as
failed with its error; the others still run. The exit status is 1 when any selected family is
missing or failed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import math
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

import psycopg

FAMILIES = ("processing", "reprocess", "crawl", "load", "search", "e2e")
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUTPUT = BENCH_DIR / "results.json"
DEFAULT_ARTICLES = 200_000
REQUIRED_KEYS = ("family", "name", "value", "unit", "baseline", "baseline_value", "ratio", "target", "met",
                 "notes")

log = logging.getLogger("bench")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s",
                        stream=sys.stderr)
    if not args.verbose:  # the crawler's and the stage's per-batch logs drown the bench's own
        for name in ("wxrb", "processing", "scrapers", "replica", "jieba", "trafilatura", "htmldate"):
            logging.getLogger(name).setLevel(logging.WARNING)
    workdir = Path(args.workdir).resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="wxrb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        results = run_families(args.only or list(FAMILIES), args.articles, args.quick, workdir)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    output = Path(args.output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    table = markdown(results)
    output.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)
    print(f"written: {output} and {output.with_suffix('.md')}")
    bad = {name: f["status"] for name, f in results["families"].items() if f["status"] != "ok"}
    if bad:
        print(f"families not measured: {', '.join(f'{n} ({s})' for n, s in bad.items())}", file=sys.stderr)
        return 1
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES,
                        help=f"size of the synthetic search corpus (default {DEFAULT_ARTICLES:,})")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that every family runs")
    parser.add_argument("--only", nargs="+", choices=FAMILIES, metavar="FAMILY",
                        help=f"run only these families ({', '.join(FAMILIES)})")
    parser.add_argument("--workdir", help="scratch directory, kept afterwards (default: a temporary one)")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT),
                        help="results JSON; the markdown table goes next to it as .md (default: %(default)s)")
    parser.add_argument("--verbose", action="store_true", help="also the crawler's and the stage's logs")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be positive")
    return args


def run_families(families: list[str], articles: int, quick: bool, workdir: Path) -> dict:
    """Start the shared servers, run each family, stop the servers whatever happens."""
    from replica.server import ReplicaServer
    from wxrb import db

    # Keep the bench away from the developer's .wxrb/ and DATABASE_URL: families pass DSNs explicitly.
    os.environ["WXRB_HOME"] = str(workdir / "home")
    os.environ.pop("DATABASE_URL", None)
    pgdata = workdir / "pgdata"
    started = time.perf_counter()
    dsn = db.start_embedded(pgdata)
    replica = None
    try:
        dsn_admin = dsn.replace(f"/{db.EMBEDDED_DB_NAME}?", "/postgres?")
        replica = ReplicaServer().start()
        log.info("embedded PostgreSQL in %s, replica at %s", pgdata, replica.base_url)
        opts = {"articles": articles, "quick": quick, "workdir": workdir, "dsn_admin": dsn_admin,
                "replica_base_url": replica.base_url}
        results = {"machine": machine(dsn_admin), "options": {"articles": articles, "quick": quick,
                                                              "families": families},
                   "families": {}, "figures": []}
        for family in families:
            status, figures = run_family(family, opts)
            results["families"][family] = status
            results["figures"].extend(figures)
    finally:
        if replica is not None:
            replica.stop()
        db.stop_embedded(pgdata)
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def run_family(family: str, opts: dict) -> tuple[dict, list[dict]]:
    """One family, imported only now: a module not written yet is 'missing', an error 'failed'."""
    try:
        module = importlib.import_module(f"bench.{family}")
    except ModuleNotFoundError as exc:
        if exc.name != f"bench.{family}":
            raise
        log.warning("family %s: bench/%s.py does not exist: reported as missing", family, family)
        return {"status": "missing", "seconds": 0.0, "error": f"bench/{family}.py does not exist"}, []
    log.info("family %s: running", family)
    workdir = opts["workdir"] / family
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        figures = module.run({**opts, "workdir": workdir})
        problems = [p for figure in figures for p in check_figure(family, figure)]
        if not figures:
            problems.append("it returned no figure")
        if problems:
            raise ValueError(f"family {family} returned malformed figures: " + "; ".join(problems))
    except Exception as exc:  # noqa: BLE001 (one broken family must not hide the others' figures)
        seconds = round(time.perf_counter() - started, 1)
        log.error("family %s failed after %.1f s:\n%s", family, seconds, traceback.format_exc())
        return {"status": "failed", "seconds": seconds, "error": f"{type(exc).__name__}: {exc}"}, []
    seconds = round(time.perf_counter() - started, 1)
    log.info("family %s: %d figures in %.1f s", family, len(figures), seconds)
    return {"status": "ok", "seconds": seconds, "error": None}, figures


def check_figure(family: str, figure: dict) -> list[str]:
    """What is wrong with one figure dict (empty when nothing)."""
    name = figure.get("name", "?")
    problems = [f"{name!r} lacks {key!r}" for key in REQUIRED_KEYS if key not in figure]
    if figure.get("family") != family:
        problems.append(f"{name!r} has family {figure.get('family')!r}")
    if not is_number(figure.get("value")):
        problems.append(f"{name!r} has a non-numeric value {figure.get('value')!r}")
    return problems


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def machine(dsn_admin: str) -> dict:
    """What the figures were measured on."""
    with psycopg.connect(dsn_admin) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "ram_gb": ram_gb(),
            "python": platform.python_version(), "postgresql": postgres,
            "platform": platform.platform(), "date": datetime.now(UTC).isoformat(timespec="seconds"),
            # other work on the machine skews wall-clock figures: a load above the cores says so
            "load_average_1m": round(os.getloadavg()[0], 2)}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def ram_gb() -> float | None:
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return None
    return round(pages * page_size / 2**30, 1)


def markdown(results: dict) -> str:
    """The figures as one markdown table, with the machine and the families' status above it."""
    m = results["machine"]
    lines = [f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, "
             f"PostgreSQL {m['postgresql']}; {m['date']}; load average {m['load_average_1m']} at the start. "
             f"Options: {results['options']}.", ""]
    for family, status in results["families"].items():
        line = f"- {family}: {status['status']} ({status['seconds']} s)"
        lines.append(line + (f": {status['error']}" if status["error"] else ""))
    lines += ["", "| Family | Figure | Value | Baseline | Baseline value | Ratio | Target | Met | Notes |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for f in results["figures"]:
        met = {True: "yes", False: "**no**", None: ""}.get(f.get("met"), str(f.get("met")))
        cells = [f["family"], f["name"], f"{fmt(f['value'])} {f['unit']}", f.get("baseline") or "",
                 fmt(f.get("baseline_value")), fmt(f.get("ratio")), f.get("target") or "", met,
                 f.get("notes") or ""]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def fmt(value) -> str:
    """Three significant digits at least, no exponent for everyday sizes."""
    if value is None:
        return ""
    if not is_number(value):
        return str(value)
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


if __name__ == "__main__":
    sys.exit(main())
