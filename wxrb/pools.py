"""The Airflow pools of the crawl tasks, one per site (config.SITE_POOLS), created or updated.

``wxrb airflow ...`` creates them after ``airflow db migrate``; a deployment runs
``python -m wxrb.pools`` once with its own Airflow environment (docker-compose's airflow-init does).
Importing is idempotent: slots and descriptions are set to what config says.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from wxrb import config


def pools_json() -> dict:
    return {name: {"slots": pool["slots"], "description": pool["description"], "include_deferred": False}
            for name, pool in config.SITE_POOLS.items()}


def airflow_command() -> str:
    """The airflow next to this Python (a virtualenv), else the one on PATH (the Airflow image)."""
    beside = Path(sys.executable).parent / "airflow"
    return str(beside) if beside.exists() else shutil.which("airflow") or "airflow"


def import_pools(env: dict[str, str] | None = None) -> None:
    """``airflow pools import`` of the site pools (one CLI start instead of one per pool)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wxrb_pools.json"
        path.write_text(json.dumps(pools_json(), ensure_ascii=False), encoding="utf-8")
        result = subprocess.run([airflow_command(), "pools", "import", str(path)],
                                env=env or dict(os.environ), capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"airflow pools import failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


if __name__ == "__main__":
    import_pools()
    print("pools:", ", ".join(f"{name} ({pool['slots']} slots)" for name, pool in config.SITE_POOLS.items()))
