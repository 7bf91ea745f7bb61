"""`make airflow`: the UI comes up with the project's DAGs behind a login, and Ctrl-C stops
every process Airflow started. Airflow is the shared one of tests/dags/conftest.py."""

import json
import signal
import time
import urllib.error
import urllib.request

import psutil
import pytest

from tests.dags.conftest import STOP_TIMEOUT_S, airflow_processes
from wxrb import airflow_env

pytestmark = pytest.mark.e2e


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


def test_standalone_serves_the_dags_behind_a_login(standalone_airflow):
    base = standalone_airflow.base_url
    printed = standalone_airflow.log.read_text()
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
    assert len(airflow_processes(standalone_airflow.process.pid)) > 3  # api-server, scheduler, dag-processor, ...


@pytest.mark.stops_airflow
def test_ctrl_c_stops_every_airflow_process(standalone_airflow):
    process = standalone_airflow.process
    started = airflow_processes(process.pid)
    assert len(started) > 3
    process.send_signal(signal.SIGINT)  # what Ctrl-C does to `make airflow`
    process.wait(timeout=STOP_TIMEOUT_S)
    time.sleep(1)
    assert alive(started) == []
