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
