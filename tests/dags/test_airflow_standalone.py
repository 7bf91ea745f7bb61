"""`make airflow`: the UI comes up with the project's DAGs behind a login, and Ctrl-C stops
every process Airflow started."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from wxrb import airflow_env

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, data: dict | None = None, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(data).encode() if data is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=10) as response:
        return response.status, json.loads(response.read() or b"null")


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    living = []
    for proc in processes:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                living.append(proc)
        except psutil.NoSuchProcess:
            continue
    return living


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


def test_standalone_serves_the_dags_and_stops_cleanly(dsn, tmp_path):
    port = free_port()
    env = {**os.environ, "AIRFLOW__API__PORT": str(port)}
    wxrb = str(Path(sys.executable).parent / "wxrb")
    process = subprocess.Popen([wxrb, "airflow", "standalone"], env=env, start_new_session=True,
                               stdout=open(tmp_path / "standalone.log", "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/", timeout=3).close()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(2)
        else:
            pytest.fail("Airflow UI did not answer within 180 s:\n" + (tmp_path / "standalone.log").read_text()[-3000:])

        printed = (tmp_path / "standalone.log").read_text()
        user, password = airflow_env.login()
        assert f"login: {user} / {password}" in printed

        with pytest.raises(urllib.error.HTTPError) as denied:
            request(base + "/api/v2/dags")
        assert denied.value.code == 401
        with pytest.raises(urllib.error.HTTPError):
            request(base + "/auth/token", {"username": user, "password": password + "x"})

        _, token = request(base + "/auth/token", {"username": user, "password": password})
        status, dags = request(base + "/api/v2/dags", token=token["access_token"])
        assert status == 200
        assert "wxrb_daily" in {d["dag_id"] for d in dags["dags"]}
        started = airflow_processes(process.pid)
        assert len(started) > 3  # api-server, scheduler, dag-processor, triggerer, ...
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C does to `make airflow`
        process.wait(timeout=120)
    time.sleep(1)
    assert alive(started) == []
