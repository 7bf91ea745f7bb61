"""`make bench` in its quick mode: every family runs and reports figures next to a baseline.

Timings are never asserted (they depend on the machine and its load); only that the bench ran
end to end and produced numbers of the right shape.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from bench.run import FAMILIES, is_number
from wxrb import config, db

BENCH_TIMEOUT_S = 480


def test_quick_bench_reports_every_family(tmp_path):
    workdir, output = tmp_path / "work", tmp_path / "out" / "results.json"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    command = [sys.executable, "-m", "bench.run", "--quick", "--workdir", str(workdir),
               "--output", str(output)]
    process = subprocess.Popen(command, cwd=config.PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, process_group=0)
    try:
        log, _ = process.communicate(timeout=BENCH_TIMEOUT_S)
    finally:
        if process.poll() is None:  # timed out: Ctrl-C lets the bench stop its servers, then force
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            db.stop_embedded(workdir / "pgdata")
    assert process.returncode == 0, f"the bench failed (exit {process.returncode}):\n{log[-6000:]}"

    results = json.loads(output.read_text(encoding="utf-8"))
    statuses = {name: f["status"] for name, f in results["families"].items()}
    assert statuses == dict.fromkeys(FAMILIES, "ok"), f"{results['families']}\n{log[-6000:]}"
    assert results["machine"]["cores"] >= 1 and results["machine"]["postgresql"]
    for family in FAMILIES:
        figures = [f for f in results["figures"] if f["family"] == family]
        assert all(is_number(f["value"]) for f in figures), f"{family}: a figure without a numeric value"
        # some figures have no baseline (e.g. requests per new article); each family has compared ones
        compared = [f for f in figures
                    if f["baseline"] and is_number(f["baseline_value"]) and is_number(f["ratio"])]
        assert compared, f"family {family} reported no figure next to a baseline: {figures}"
    table = output.with_suffix(".md").read_text(encoding="utf-8")
    assert all(f"| {family} |" in table for family in FAMILIES)
    assert not (workdir / "pgdata" / "postmaster.pid").exists(), "the bench left its PostgreSQL running"


def test_the_readme_table_is_the_committed_results():
    """README.md shows bench/results*.json as `python -m bench.readme` renders them: not a hand-typed copy."""
    from bench import readme

    runs = readme.committed_runs()
    text = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.with_table(text, runs) == text, "README's bench table is stale: run `python -m bench.readme`"
    targeted = [f for results in runs for f in results["figures"] if f.get("target")]
    assert targeted and all(f["name"] in readme.table(runs) for f in targeted)


def test_the_readme_table_follows_the_results():
    from bench import readme

    def run(articles, figures):
        return {"machine": {"cpu": "x", "cores": 2, "ram_gb": 1, "date": "2026-01-01T00:00", "load_average_1m": 0},
                "options": {"articles": articles, "quick": False, "families": ["load"]}, "figures": figures}

    targeted = {"family": "load", "name": "rows per second", "value": 10.0, "unit": "rows/s", "baseline": "COPY",
                "baseline_value": 40.0, "ratio": 0.25, "target": ">= 0.5x", "met": False}
    untargeted = {**targeted, "name": "untargeted", "target": "", "met": None}
    text = f"intro\n{readme.START}\nold table\n{readme.END}\noutro\n"
    rendered = readme.with_table(text, [run(200, [targeted, untargeted]), run(1000, [targeted])])
    assert rendered.startswith("intro\n") and rendered.endswith(f"{readme.END}\noutro\n")
    assert "old table" not in rendered and "untargeted" not in rendered
    assert "| load | rows per second | 10 rows/s | COPY: 40 | 0.25 | >= 0.5x | **no** |" in rendered
    assert "| load | rows per second (--only load --articles 1,000) | 10 rows/s |" in rendered
