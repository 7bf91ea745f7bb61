"""Airflow on Celery on this machine, for tests: a password-protected Redis, the api-server,
scheduler, dag-processor and Celery workers.

Each process runs in a session of its own, so that one worker and every task process it
started (the task SDK puts those in process groups of their own, still in the worker's
session) can be killed at once, like a machine that is lost. The workers run with
``[core] hostname_callable`` pointing at :func:`worker_hostname`, so every task instance
records which worker ran it. This module is imported by those workers: stdlib and psutil only.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from tests.dags import airflow_api

WORKER_NAME_VARIABLE = "WXRB_TEST_CELERY_WORKER"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOG_TAIL_LINES = 40


def worker_hostname() -> str:
    """The test workers' ``[core] hostname_callable``: both share one machine, yet each task
    instance must say which worker ran it."""
    return os.environ[WORKER_NAME_VARIABLE]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def celery_executor_error(env: dict[str, str]) -> str | None:
    """Why Airflow cannot load its CeleryExecutor with this environment, or None when it can
    (e.g. a celery release that the installed apache-airflow-providers-celery does not support)."""
    probe = subprocess.run([sys.executable, "-c", "import airflow.providers.celery.executors.celery_executor"],
                           env=env, capture_output=True, text=True, timeout=120)
    if probe.returncode == 0:
        return None
    return (probe.stderr.strip().splitlines() or [f"exit code {probe.returncode}"])[-1]


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    if not path.exists():
        return f"({path} was never written)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Service:
    """One process started in a session of its own, its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path):
        self.name, self.log = name, log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)

    def members(self) -> list[psutil.Process]:
        """Every living process of the session, orphans re-parented to init included."""
        members = []
        for proc in psutil.process_iter():
            try:
                if os.getsid(proc.pid) == self.process.pid and proc.status() != psutil.STATUS_ZOMBIE:
                    members.append(proc)
            except (ProcessLookupError, psutil.NoSuchProcess, PermissionError):
                continue
        return members

    def kill(self, timeout: float = 20) -> None:
        """SIGKILL the whole session until nothing of it is left (it may fork meanwhile)."""
        deadline = time.monotonic() + timeout
        while members := self.members():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: processes survive SIGKILL: {[p.pid for p in members]}")
            for proc in members:
                try:
                    proc.kill()
                except psutil.NoSuchProcess:
                    continue
            time.sleep(0.2)
        self.process.wait(timeout=5)

    def stop(self, grace_s: float = 10) -> None:
        """SIGTERM to every process group of the session, then SIGKILL to what is left."""
        groups = set()
        for proc in self.members():
            try:
                groups.add(os.getpgid(proc.pid))
            except ProcessLookupError:
                continue
        for group in groups:
            try:
                os.killpg(group, signal.SIGTERM)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + grace_s
        while self.members() and time.monotonic() < deadline:
            time.sleep(0.3)
        self.kill()


class CeleryCluster:
    """Redis, then Airflow's services and N Celery workers, all sharing one environment."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.services: dict[str, Service] = {}
        self.timing = workdir / "timing.log"
        self.started = time.monotonic()
        self.redis_password = secrets.token_urlsafe(18)
        self.redis_port = free_port()
        self.api_port = free_port()
        self.base = f"http://127.0.0.1:{self.api_port}"
        self.token: str | None = None
        self.killed: set[str] = set()  # services killed on purpose: their exit is no failure

    # --- bookkeeping --------------------------------------------------------------------

    def mark(self, event: str) -> None:
        with open(self.timing, "a") as out:
            out.write(f"{time.monotonic() - self.started:7.1f}s  {event}\n")

    def report(self) -> str:
        """The tails of every log, for a failing test's output."""
        parts = [f"--- timing ({self.timing})\n{tail(self.timing, 100)}"]
        for service in self.services.values():
            parts.append(f"--- {service.name} ({service.log})\n{tail(service.log)}")
        for log in sorted(self.workdir.glob("airflow-home/logs/dag_id=*/**/*.log")):
            parts.append(f"--- task log {log}\n{tail(log, 15)}")
        return "\n".join(parts)

    # --- services -----------------------------------------------------------------------

    @property
    def broker_url(self) -> str:
        return f"redis://:{self.redis_password}@127.0.0.1:{self.redis_port}/0"

    def start_redis(self) -> None:
        import redis  # the client is only needed here, not in the workers importing this module

        self.start("redis", [str(BIN / "redis-server"), "--port", str(self.redis_port), "--bind", "127.0.0.1",
                             "--requirepass", self.redis_password, "--save", "", "--appendonly", "no",
                             "--dir", str(self.workdir)], dict(os.environ))
        client = redis.Redis(host="127.0.0.1", port=self.redis_port, password=self.redis_password)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError as exc:
                if self.services["redis"].process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start:\n" + tail(self.services["redis"].log)) from exc
                time.sleep(0.1)
            finally:
                client.close()
        self.mark("redis up")

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Service:
        self.services[name] = Service(name, command, env, self.workdir / f"{name}.log")
        self.mark(f"{name} started (pid {self.services[name].process.pid})")
        return self.services[name]

    def start_airflow(self, env: dict[str, str], workers: int, concurrency: int) -> None:
        """api-server, scheduler, dag-processor and ``workers`` Celery workers named worker-1..N."""
        airflow = str(BIN / "airflow")
        self.start("api-server", [airflow, "api-server", "--host", "127.0.0.1", "--port", str(self.api_port),
                                  "--workers", "1"], env)
        self.start("scheduler", [airflow, "scheduler"], env)
        self.start("dag-processor", [airflow, "dag-processor"], env)
        for n in range(1, workers + 1):
            name = f"worker-{n}"
            worker_env = {
                **env,
                WORKER_NAME_VARIABLE: name,
                "AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{__name__}.worker_hostname",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
            }
            # Distinct pid files (one AIRFLOW_HOME) and no log server (its port would clash).
            self.start(name, [airflow, "celery", "worker", "--celery-hostname", f"{name}@%h",
                              "--concurrency", str(concurrency), "--skip-serve-logs",
                              "--pid", str(self.workdir / f"{name}.pid")], worker_env)

    def wait_until(self, what: str, check, timeout: float, every: float = 1.0):
        """Poll ``check`` until it returns something true; fail when a service died or time is up."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                self.mark(what)
                return result
            dead = [s.name for s in self.services.values()
                    if s.name not in self.killed and s.process.poll() is not None]
            if dead:
                raise RuntimeError(f"while waiting for '{what}': {', '.join(dead)} exited")
            if time.monotonic() > deadline:
                raise TimeoutError(f"'{what}' did not happen within {timeout:.0f} s")
            time.sleep(every)

    def workers_ready(self, names: list[str]) -> bool:
        """Celery logs "<name>@<host> ready." once it consumes from the broker."""
        return all(any(f"{name}@" in line and " ready." in line
                       for line in self.services[name].log.read_text(errors="replace").splitlines())
                   for name in names)

    def kill(self, name: str) -> None:
        """Lose a service the hard way: SIGKILL to it and everything it started."""
        self.killed.add(name)
        self.services[name].kill()
        self.mark(f"{name} killed")

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.stop()
        self.mark("everything stopped")

    # --- the REST API -------------------------------------------------------------------

    def call(self, method: str, path: str, body: dict | None = None):
        return airflow_api.call(self.base, method, path, body, self.token)

    def log_in(self, user: str, password: str) -> bool:
        """True once the api-server answers and hands out a token."""
        try:
            urllib.request.urlopen(self.base + "/api/v2/monitor/health", timeout=3).close()
            self.token = self.call("POST", "/auth/token", {"username": user, "password": password})["access_token"]
            return True
        except (urllib.error.URLError, OSError):
            return False

    def dag_listed(self, dag_id: str) -> bool:
        try:
            self.call("GET", f"/api/v2/dags/{dag_id}")
            return True
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return False
            raise
