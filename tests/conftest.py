"""Shared fixtures: a real embedded PostgreSQL, a fresh database per test, the replica."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import urllib.request
from datetime import date
from pathlib import Path

import psycopg
import pytest

from wxrb import config, db

_counter = itertools.count()


@pytest.fixture(scope="session", autouse=True)
def isolated_state(tmp_path_factory):
    """Keep tests away from the developer's .wxrb/ and DATABASE_URL."""
    home = tmp_path_factory.mktemp("wxrb-home")
    saved = {k: os.environ.get(k) for k in ("WXRB_HOME", "DATABASE_URL")}
    os.environ["WXRB_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    yield home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def pg_server(isolated_state) -> str:
    """DSN of the admin database of an embedded server started for this test session."""
    pgdata = Path(isolated_state) / "pgdata"
    dsn = db.start_embedded(pgdata)
    yield dsn.replace(f"/{db.EMBEDDED_DB_NAME}?", "/postgres?")
    db.stop_embedded(pgdata)


@pytest.fixture
def empty_dsn(pg_server) -> str:
    """A brand-new empty database on the session server."""
    return fresh_database(pg_server)


def fresh_database(pg_server: str, label: str = "test") -> str:
    """Create an empty database on the session server; return its DSN (module fixtures use it)."""
    name = f"{label}_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_server.replace("/postgres?", f"/{name}?")


@pytest.fixture
def dsn(empty_dsn, monkeypatch) -> str:
    """A migrated fresh database, also exported as DATABASE_URL for code under test."""
    with psycopg.connect(empty_dsn) as conn:
        db.upgrade(conn)
    monkeypatch.setenv("DATABASE_URL", empty_dsn)
    return empty_dsn


@pytest.fixture
def crawl_env(replica, dsn, monkeypatch) -> str:
    """A migrated database, and every site URL pointing at the replica with delays lifted."""
    for variable in ("WXRB_PORTAL_URL", "WXRB_EPAPER_URL", "WXRB_OLD_EPAPER_URL"):
        monkeypatch.setenv(variable, replica.base_url)
    monkeypatch.setenv("WXRB_CRAWL_PROFILE", "replica")
    return dsn


@pytest.fixture(scope="session")
def replica():
    from replica.server import ReplicaServer

    with ReplicaServer() as server:
        yield server


@pytest.fixture(scope="session")
def manifest(replica) -> dict:
    """What the replica says it serves, read over HTTP like any client would."""
    with urllib.request.urlopen(replica.base_url + "/__replica__/manifest.json", timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


REPLICA_START, REPLICA_END = date(2026, 11, 10), date(2026, 11, 21)


@contextlib.contextmanager
def replica_loaded(pg_server: str, replica, sources, label: str, extra_env: dict | None = None):
    """A fresh database holding the replica's ``sources`` over its whole range, crawled and
    processed for real; for module-scoped fixtures. The environment is restored afterwards."""
    from wxrb import jobs

    dsn = fresh_database(pg_server, label)
    env = {"DATABASE_URL": dsn, "WXRB_PORTAL_URL": replica.base_url, "WXRB_EPAPER_URL": replica.base_url,
           "WXRB_CRAWL_PROFILE": "replica", **(extra_env or {})}
    with config.environ(env):
        jobs.migrate()
        for source in sources:
            jobs.crawl(source, REPLICA_START, REPLICA_END)
        jobs.process()
        jobs.refresh_views()  # the materialized analyst views, as wxrb_daily's refresh_views does
        yield dsn

