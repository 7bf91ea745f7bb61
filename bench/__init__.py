"""Speed benchmarks (`make bench`): each family measures the project next to a baseline run in the
same invocation on the same machine, so the ratios mean something on any hardware.

A family is a module with ``run(opts) -> list[dict]`` (one dict per figure, made by ``figure``);
``bench.run`` starts the shared embedded PostgreSQL and the replica, calls the families and writes
``bench/results.json``. What several families need is here: the replica's manifest, the environment
that points the job steps at the replica, and throw-away databases on the bench server.
"""

from __future__ import annotations

import contextlib
import json
import os
import urllib.request
from datetime import date

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from wxrb import db
from wxrb.config import environ

__all__ = ["Databases", "crawl_env", "environ", "figure", "replica_manifest", "replica_range"]


def figure(name, value, unit, baseline, baseline_value, ratio, target, met, notes, family) -> dict:
    """One figure of results.json: the value, the baseline measured in the same run, their ratio."""
    return {"family": family, "name": name, "value": round(value, 2), "unit": unit, "baseline": baseline,
            "baseline_value": None if baseline_value is None else round(baseline_value, 2),
            "ratio": None if ratio is None else round(ratio, 2), "target": target, "met": met, "notes": notes}


def replica_manifest(base_url: str) -> dict:
    """What the replica serves, read over HTTP as any client would."""
    with urllib.request.urlopen(base_url + "/__replica__/manifest.json", timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


def replica_range(base_url: str) -> tuple[date, date]:
    """The replica's date range, from its manifest."""
    manifest = replica_manifest(base_url)
    return date.fromisoformat(manifest["start_date"]), date.fromisoformat(manifest["end_date"])


@contextlib.contextmanager
def crawl_env(base_url: str):
    """Every site URL pointing at the replica, delays lifted; the environment restored afterwards."""
    env = {"WXRB_PORTAL_URL": base_url, "WXRB_EPAPER_URL": base_url, "WXRB_OLD_EPAPER_URL": base_url,
           "WXRB_CRAWL_PROFILE": "replica"}
    with environ(env, restore=("DATABASE_URL",)):
        yield


class Databases:
    """Fresh databases on the bench server (migrated unless asked not to), all dropped at the end."""

    def __init__(self, dsn_admin: str, label: str):
        self.dsn_admin = dsn_admin
        self.label = label
        self.names: list[str] = []

    def new(self, migrated: bool = True) -> str:
        dsn = self._create("")
        if migrated:
            with db.connect(dsn) as conn:
                db.upgrade(conn)
        return dsn

    def copy_of(self, dsn: str) -> str:
        """A new database cloned from ``dsn`` (a file copy: fast); nobody may be connected to ``dsn``."""
        return self._create(f' TEMPLATE "{conninfo_to_dict(dsn)["dbname"]}"')

    def _create(self, template: str) -> str:
        name = f"{self.label}_{os.getpid()}_{len(self.names)}"
        with psycopg.connect(self.dsn_admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{template}')
        self.names.append(name)
        return make_conninfo(self.dsn_admin, dbname=name)

    def __enter__(self) -> Databases:
        return self

    def __exit__(self, *exc) -> None:
        with psycopg.connect(self.dsn_admin, autocommit=True) as conn:
            for name in self.names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
