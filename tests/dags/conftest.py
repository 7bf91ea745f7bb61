"""One `wxrb airflow standalone` shared by the tests that need a running Airflow (the UI over
HTTP and in a browser): starting it costs about a minute on 2 cores, so it is started once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg
import pytest

from tests.conftest import fresh_database
from wxrb import db

STARTUP_TIMEOUT_S = 180
STOP_TIMEOUT_S = 120


def pytest_configure(config):
    config.addinivalue_line("markers", "stops_airflow: stops the shared standalone Airflow (run after its users)")


def pytest_collection_modifyitems(items):
    """Run the users of the shared Airflow back to back, where the first of them was collected,
    and the test that stops it last: no other test runs while it holds the CPU."""
    users = [item for item in items if "standalone_airflow" in getattr(item, "fixturenames", ())]
    if not users:
        return
    first = items.index(users[0])
    stoppers = [item for item in users if item.get_closest_marker("stops_airflow")]
    ordered = [item for item in users if item not in stoppers] + stoppers
    others = [item for item in items if item not in users]
    items[:] = others[:first] + ordered + others[first:]


@dataclass
class Standalone:
    process: subprocess.Popen  # `wxrb airflow standalone`
    base_url: str
    log: Path  # its output: the printed login, then every Airflow component's log
    settings: dict[str, str]  # what it runs with on top of os.environ: port, article database, replica


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def airflow_processes(leader: int) -> list[psutil.Process]:
    """Everything `wxrb airflow standalone` started, whatever session or parent it ended up in."""
    tree = psutil.Process(leader).children(recursive=True)
    sessions = {os.getsid(p.pid) for p in tree if p.is_running()}
    for proc in psutil.process_iter():
        try:
            if os.getsid(proc.pid) in sessions and proc not in tree:
                tree.append(proc)
        except (ProcessLookupError, psutil.NoSuchProcess, PermissionError):
            continue
    return tree


def stop(standalone: Standalone) -> None:
    """Ctrl-C, as `make airflow` is stopped; whatever is left after the grace period is killed."""
    if standalone.process.poll() is not None:
        return
    started = airflow_processes(standalone.process.pid)
    standalone.process.send_signal(signal.SIGINT)
    try:
        standalone.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        for proc in [psutil.Process(standalone.process.pid), *started]:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                continue
        standalone.process.wait()


@pytest.fixture(scope="package")
def standalone_airflow(pg_server, replica, tmp_path_factory) -> Standalone:
    """`wxrb airflow standalone` on a free port, answering HTTP, with a migrated article database
    and the sites pointing at the replica (so a run of wxrb_daily works against it)."""
    dsn = fresh_database(pg_server, "standalone")
    with psycopg.connect(dsn) as conn:
        db.upgrade(conn)
    port = free_port()
    settings = {"AIRFLOW__API__PORT": str(port), "DATABASE_URL": dsn,
                "WXRB_PORTAL_URL": replica.base_url, "WXRB_EPAPER_URL": replica.base_url,
                "WXRB_CRAWL_PROFILE": "replica", "WXRB_RETRY_DELAY_S": "1"}
    log = tmp_path_factory.mktemp("standalone") / "standalone.log"
    wxrb = str(Path(sys.executable).parent / "wxrb")
    with open(log, "w") as out:
        process = subprocess.Popen([wxrb, "airflow", "standalone"], env={**os.environ, **settings},
                                   start_new_session=True, stdout=out, stderr=subprocess.STDOUT)
    standalone = Standalone(process, f"http://127.0.0.1:{port}", log, settings)
    started = time.monotonic()
    try:
        while not answers(standalone.base_url + "/"):
            if process.poll() is not None or time.monotonic() > started + STARTUP_TIMEOUT_S:
                pytest.fail(f"Airflow UI did not answer within {STARTUP_TIMEOUT_S} s (exit code {process.poll()}):\n"
                            + log.read_text()[-3000:])
            time.sleep(2)
        print(f"standalone Airflow answered at {standalone.base_url} after {time.monotonic() - started:.0f} s")
        yield standalone
    finally:
        stop(standalone)


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=3).close()
        return True
    except (urllib.error.URLError, OSError):
        return False
