"""The Airflow UI as an operator sees it, in headless Chromium: the login, the DAG list, the grid
of wxrb_daily with its last run green, and a task log. Screenshots go to test-output/ui/."""

import json
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from wxrb import airflow_env, config, pools

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = config.PROJECT_ROOT / "test-output" / "ui"
LOGICAL_DATE = "2026-11-21T06:00:00+08:00"  # covers URL dates 2026-11-20..21 of the replica
# A task whose log the UI must show, and a line it logs (the DAG's task list may change).
TASK_LOG_LINES = {"report": "run report written to", "process": "articles loaded"}
DAG_RUN_TIMEOUT_S = 300
UI_TIMEOUT_MS = 60_000  # the React UI renders slowly on 2 busy cores

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no {CHROMIUM}: run scripts/ensure-chromium"
                       " (apt-get install chromium fonts-noto-cjk)"),
]


def api(base_url: str, path: str) -> dict:
    user, password = airflow_env.login()
    login = urllib.request.Request(base_url + "/auth/token", json.dumps({"username": user, "password": password}).encode(),
                                   {"Content-Type": "application/json"})
    with urllib.request.urlopen(login, timeout=10) as response:
        token = json.loads(response.read())["access_token"]
    request = urllib.request.Request(base_url + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def daily_run(standalone_airflow) -> dict:
    """A finished run of wxrb_daily against the replica, with its task logs where the UI reads them:
    `dags test --use-executor` runs the tasks as Airflow workers do (the DAG stays paused, so the
    scheduler adds no run of its own). Returns the run id and its task ids."""
    airflow = pools.airflow_command()
    started = time.monotonic()
    # Its own process group: on a timeout or an interrupt its executor's workers go with it.
    process = subprocess.Popen([airflow, "dags", "test", "--use-executor", "wxrb_daily", LOGICAL_DATE],
                               env=airflow_env.environment(standalone_airflow.settings), start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = process.communicate(timeout=DAG_RUN_TIMEOUT_S)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 0, output[-6000:]
    print(f"wxrb_daily ran through the executor in {time.monotonic() - started:.0f} s")
    base = standalone_airflow.base_url
    runs = api(base, "/api/v2/dags/wxrb_daily/dagRuns?order_by=-run_after&limit=1")["dag_runs"]
    assert runs and runs[0]["state"] == "success", runs
    run_id = runs[0]["dag_run_id"]
    instances = api(base, f"/api/v2/dags/wxrb_daily/dagRuns/{urllib.parse.quote(run_id, safe='')}/taskInstances")
    return {"run_id": run_id, "task_ids": {ti["task_id"] for ti in instances["task_instances"]}}


@pytest.fixture(scope="module")
def browser():
    expect.set_options(timeout=UI_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, standalone_airflow):
    """A fresh browser session (no login yet) on the Airflow UI."""
    context = browser.new_context(base_url=standalone_airflow.base_url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def log_in(page, password: str) -> None:
    page.get_by_label("Username").fill(airflow_env.AIRFLOW_USER)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    print(f"screenshot: {path}")


def test_the_dag_list_is_behind_the_login_and_lists_our_dags(page, daily_run):
    page.goto("/dags")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=%2Fdags$"))
    expect(page.get_by_test_id("dag-card")).to_have_count(0)

    _, password = airflow_env.login()
    log_in(page, password + "x")
    expect(page.get_by_text("Invalid credentials")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/auth/login"))

    log_in(page, password)
    expect(page).to_have_url(re.compile(r"/dags$"))
    for dag_id in ("wxrb_daily", "wxrb_reprocess"):
        expect(page.get_by_test_id("dag-id").filter(has_text=re.compile(f"^{dag_id}$"))).to_be_visible()
    daily = page.get_by_test_id("dag-card").filter(has=page.get_by_test_id("dag-id").filter(has_text="wxrb_daily"))
    expect(daily.get_by_test_id("latest-run").get_by_test_id("state-badge")).to_have_attribute("aria-label", "success")
    screenshot(page, "dag-list")


def test_the_grid_of_wxrb_daily_shows_the_last_run_green(page, daily_run):
    run_id = daily_run["run_id"]
    page.goto("/dags/wxrb_daily")
    log_in(page, airflow_env.login()[1])
    expect(page).to_have_url(re.compile(r"/dags/wxrb_daily$"))

    latest = page.get_by_test_id("stat").filter(has_text="Latest Run")
    expect(latest.get_by_role("link")).to_have_attribute("href", f"/dags/wxrb_daily/runs/{run_id}")
    expect(latest.get_by_test_id("state-badge")).to_have_attribute("aria-label", "success")

    page.locator(f'a[href="/dags/wxrb_daily/runs/{run_id}/"]').hover()  # the run's bar in the grid
    tooltip = page.get_by_test_id("basic-tooltip")
    expect(tooltip).to_contain_text(f"Run ID: {run_id}")
    expect(tooltip).to_contain_text("State: Success")
    screenshot(page, "grid")


def test_a_task_log_shows_what_our_task_logged(page, daily_run):
    run_id = daily_run["run_id"]
    task_id = next((t for t in TASK_LOG_LINES if t in daily_run["task_ids"]), None)
    assert task_id, f"neither of {list(TASK_LOG_LINES)} is a task of the run: {sorted(daily_run['task_ids'])}"
    page.goto("/dags/wxrb_daily")
    log_in(page, airflow_env.login()[1])

    page.get_by_test_id(f"grid-{run_id}-{task_id}").click()  # the task's cell of the run in the grid
    expect(page).to_have_url(re.compile(rf"/dags/wxrb_daily/runs/[^/]+/tasks/{task_id}$"))
    expect(page.get_by_text(TASK_LOG_LINES[task_id])).to_be_visible()
    screenshot(page, "task-log")
