"""Airflow set up for this project: a project-local AIRFLOW_HOME, the project's DAGs, and
its metadata in the embedded PostgreSQL (database ``airflow``) unless configured otherwise.

``wxrb airflow ARGS`` runs any airflow command in that setup; ``make airflow`` runs
``standalone`` through it, prints the login, and on Ctrl-C stops every Airflow process.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import psycopg

from wxrb import config, dagutil, db, pools

AIRFLOW_USER = "admin"
# How standalone is stopped: (signal, seconds to wait, sent to the leader or the whole group).
STOP_STEPS = (
    (signal.SIGINT, 20, "leader"),  # standalone's own shutdown; its triggerer can be slow
    (signal.SIGTERM, 10, "group"),
    (signal.SIGKILL, 5, "group"),
)


def airflow_home() -> Path:
    return config.state_dir() / "airflow"


def metadata_url() -> str:
    """SQLAlchemy URL of Airflow's own database."""
    if os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"):
        return os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    admin = db.start_embedded().replace(f"/{db.EMBEDDED_DB_NAME}?", "/postgres?")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'airflow'").fetchone():
            conn.execute("CREATE DATABASE airflow")
    return admin.replace("postgresql://", "postgresql+psycopg://").replace("/postgres?", "/airflow?")


def environment(extra: dict | None = None) -> dict[str, str]:
    """The environment every airflow command of the project runs with."""
    home = airflow_home()
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # Airflow imports a lot: let bytecode be cached
    env.update({
        "AIRFLOW_HOME": str(home),
        # standalone starts its parts as `airflow ...`: the venv's bin must come first on PATH
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        "AIRFLOW__CORE__DAGS_FOLDER": str(config.DAGS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url(),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{AIRFLOW_USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(_passwords_file()),
        "AIRFLOW__API__HOST": env.get("AIRFLOW__API__HOST", "127.0.0.1"),
        "AIRFLOW__CORE__PARALLELISM": env.get("AIRFLOW__CORE__PARALLELISM", "4"),
        "DATABASE_URL": db.database_url(),
        "PYTHONWARNINGS": env.get("PYTHONWARNINGS", "ignore"),
    })
    env.update(extra or {})
    # The DAGs reach the article database through this connection (wxrb/dagutil.py).
    conn_var = f"AIRFLOW_CONN_{config.ARTICLES_CONN_ID.upper()}"
    if conn_var not in (extra or {}) and not os.environ.get(conn_var):
        env[conn_var] = dagutil.connection_env_value(env["DATABASE_URL"])
    if "AIRFLOW__API__PORT" in env and "AIRFLOW__API__BASE_URL" not in env:
        env["AIRFLOW__API__BASE_URL"] = f"http://localhost:{env['AIRFLOW__API__PORT']}"
    return env


def _passwords_file() -> Path:
    """The UI login, made once per checkout with a random password (never in the repo)."""
    path = airflow_home() / "simple_auth_manager_passwords.json"
    if not path.exists():
        path.write_text(json.dumps({AIRFLOW_USER: secrets.token_urlsafe(12)}))
        path.chmod(0o600)
    return path


def login() -> tuple[str, str]:
    return AIRFLOW_USER, json.loads(_passwords_file().read_text())[AIRFLOW_USER]


def airflow(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([pools.airflow_command(), *args], env=env, **kwargs)


def ensure_migrated(env: dict[str, str]) -> None:
    """Airflow's metadata schema up to date, and the crawl pools of every site in it."""
    result = airflow(["db", "migrate"], env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"airflow db migrate failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    pools.import_pools(env)


def exec_airflow(args: list[str]) -> int:
    env = environment()
    if args[:1] == ["standalone"]:
        return standalone(env)
    return airflow(args, env).returncode


def standalone(env: dict[str, str]) -> int:
    """Airflow standalone in its own process group; Ctrl-C stops the whole group."""
    ensure_migrated(env)
    airflow(["dags", "reserialize"], env, capture_output=True)  # list the DAGs at once
    user, password = login()
    port = env.get("AIRFLOW__API__PORT", "8080")
    print(f"Airflow UI: http://localhost:{port}/   login: {user} / {password}\n"
          f"(password stored in {_passwords_file()}; Ctrl-C stops Airflow)", flush=True)
    process = subprocess.Popen(
        [pools.airflow_command(), "standalone"], env=env, start_new_session=True
    )
    for signum in (signal.SIGINT, signal.SIGTERM):  # also when started with SIGINT ignored (nohup, &)
        signal.signal(signum, _interrupt)
    try:
        return process.wait()
    except KeyboardInterrupt:
        print("\nstopping Airflow (all its processes)...", flush=True)
        return stop_group(process)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def stop_group(process: subprocess.Popen) -> int:
    """Stop standalone and every process it started: Ctrl-C for its own clean shutdown, then
    SIGTERM and finally SIGKILL to the whole process group, so no worker outlives it."""
    for signum, grace_s, whom in STOP_STEPS:
        try:
            if whom == "leader":
                process.send_signal(signum)
            else:
                os.killpg(process.pid, signum)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace_s)
            os.killpg(process.pid, 0)  # leader gone: is any member of the group left?
        except subprocess.TimeoutExpired:
            print(f"  still stopping ({signal.Signals(signum).name} sent)...", flush=True)
        except ProcessLookupError:
            break
    process.wait()
    return 0
