"""No secret in the repository, the image or the logs.

The end-to-end test runs wxrb_daily through real Airflow as a login of wxrb_loader whose
password the article server really checks (SCRAM; every other role, the owner included, is
rejected during the run), then looks for that password in everything the run left behind.
"""

import os
import re
import signal
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from wxrb import airflow_env, db, pools
from wxrb.cli import main

ROOT = Path(__file__).resolve().parents[2]
LOADER = "wxrb_e2e_loader"
RUN_TIMEOUT_S = 420

# What a secret in a tracked file looks like, and the placeholders that are not one.
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"`]+:([^\s@/'\"`]+)@")
KEYWORD_PASSWORD = re.compile(r"(?i)\bpassword=([^\s&'\";()]+)")
SQL_PASSWORD = re.compile(r"(?i)\bPASSWORD\s+'([^']*)'")
ASSIGNED_SECRET = re.compile(r"(?i)\b\w*(?:password|passwd|secret|token)\b['\"]?\s*[:=]\s*(['\"])([^'\"\s]+)\1")
ENV_SECRET = re.compile(r"(?m)^(\w*(?:PASSWORD|SECRET|KEY|TOKEN)\w*)=(.*)$")
# Placeholders, variable names (WXRB_SMTP_PASSWORD) and attributes (password=self.password).
PLACEHOLDER = re.compile(r"^(?:…|\.\.\.|\*+|\$.*|\{.*|<.*|change-me.*|password|[A-Z][A-Z0-9_]*|[a-z_]+(?:\.\w+)+)$")
# Fake secrets that tests feed to the redaction code on purpose (file, value).
KNOWN_FAKES = {("tests/dags/test_alerts.py", "s3cret-pw")}


def tracked_text_files() -> dict[str, str]:
    """Every file git tracks or would track (new files included), decoded; binaries skipped."""
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")
    files = {}
    for name in filter(None, names):
        try:
            files[name] = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
    return files


def secrets_in(name: str, text: str) -> list[str]:
    found = [f"{name}: private key" for _ in PRIVATE_KEY.finditer(text)]
    values = [m.group(1) for pattern in (URL_PASSWORD, KEYWORD_PASSWORD, SQL_PASSWORD) for m in pattern.finditer(text)]
    values += [m.group(2) for m in ASSIGNED_SECRET.finditer(text)]
    found += [f"{name}: {value!r}" for value in values
              if not PLACEHOLDER.match(value) and (name, value) not in KNOWN_FAKES]
    return found


def test_the_scan_finds_what_it_looks_for():
    fake = "hunter" + "2"  # assembled, so that this file itself passes the scan
    assert secrets_in("x.md", f"psql postgresql://bob:{fake}@db/wxrb") == [f"x.md: '{fake}'"]
    assert secrets_in("x.py", f'DB_PASSWORD = "{fake}"') == [f"x.py: '{fake}'"]
    assert secrets_in("x.sql", f"CREATE ROLE bob LOGIN PASSWORD '{fake}';") == [f"x.sql: '{fake}'"]
    assert secrets_in("x.txt", f"host=db password={fake} dbname=wxrb") == [f"x.txt: '{fake}'"]
    assert secrets_in("k.pem", "-----BEGIN OPENSSH PRIVATE" + " KEY-----\n") == ["k.pem: private key"]
    harmless = ("the password comes from the environment (WXRB_NEW_LOGIN_PASSWORD)\n"
                "postgresql://wxrb:…@db:5432/wxrb  postgresql://airflow:${AIRFLOW_DB_PASSWORD:?set it}@postgres\n"
                'VARIABLE = "WXRB_NEW_LOGIN_PASSWORD"  PASSWORD \'…\'  password = os.environ["X"]\n'
                "redis.Redis(password=self.redis_password)\n")
    assert secrets_in("x.md", harmless) == []


def test_no_secret_in_the_repository():
    files = tracked_text_files()
    assert "Dockerfile" in files and ".env.example" in files and len(files) > 100
    found = [hit for name, text in files.items() for hit in secrets_in(name, text)]
    assert found == [], "literal secrets in tracked files:\n" + "\n".join(found)


def test_env_example_and_dockerfile_carry_no_secret_value():
    """.env.example holds only change-me placeholders (or empty optional values); the image gets
    no secret from the Dockerfile, and local secrets stay out of the build context."""
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    settings = dict(ENV_SECRET.findall(env_example))
    assert "ARTICLES_DB_PASSWORD" in settings
    assert {k: v for k, v in settings.items() if v and not v.startswith("change-me-")} == {}
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert not re.findall(r"(?im)^\s*(?:ENV|ARG)\s+\w*(?:PASSWORD|SECRET|KEY|TOKEN)\w*\s*[= ]\s*\S", dockerfile)
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".env", ".wxrb", ".git"} <= ignored  # .wxrb holds the Airflow login and the embedded database


# --- end to end ---------------------------------------------------------------------------


@pytest.fixture
def article_server(tmp_path, pg_server):
    """An embedded server of its own for the article database, so its pg_hba can be changed.
    (Airflow's metadata stays on the session server, which pg_server also stops at the end.)"""
    pgdata = tmp_path / "articles-pgdata"
    owner_dsn = db.start_embedded(pgdata)
    try:
        yield pgdata, owner_dsn
    finally:
        db.stop_embedded(pgdata)


def require_password_of_the_loader_only(owner: psycopg.Connection, pgdata: Path) -> None:
    """pg_hba: the loader login must give its password (SCRAM), every other role is rejected.
    The owner's open connection ``owner`` stays, for the checks after the run."""
    hba = pgdata / "pg_hba.conf"
    hba.write_text(f"local all {LOADER} scram-sha-256\nlocal all all reject\n", encoding="utf-8")
    owner.execute("SELECT pg_reload_conf()")
    errors = owner.execute("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL").fetchone()[0]
    assert errors == 0


def run_airflow(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """An airflow command in its own process group, killed whole if it hangs or the test fails."""
    process = subprocess.Popen([pools.airflow_command(), *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT_S)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def files_holding(where: Path, secret: bytes) -> list[str]:
    """The files at or under ``where`` whose bytes hold ``secret``."""
    files = [where] if where.is_file() else list(where.rglob("*"))
    return [str(path) for path in files if path.is_file() and secret in path.read_bytes()]


def metadata_rows_holding(secret: str) -> list[str]:
    """Rows of Airflow's metadata database (XComs, rendered fields, audit log ...) holding it."""
    dsn = airflow_env.metadata_url().replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        return [table for table in tables if conn.execute(
            psycopg.sql.SQL("SELECT count(*) FROM {} t WHERE strpos(t::text, %s) > 0").format(
                psycopg.sql.Identifier(table)), [secret]).fetchone()[0]]


@pytest.mark.e2e
def test_daily_run_as_the_loader_leaves_its_password_nowhere(article_server, replica, tmp_path, monkeypatch,
                                                              capsys):
    pgdata, owner_dsn = article_server
    password = os.urandom(16).hex()
    reports = tmp_path / "reports"

    # The deploy step, as the schema owner: migrations, then the loader's login.
    monkeypatch.setenv("DATABASE_URL", owner_dsn)
    assert main(["db", "upgrade"]) == 0
    monkeypatch.setenv("WXRB_NEW_LOGIN_PASSWORD", password)
    assert main(["db", "create-login", LOADER, "--role", "loader"]) == 0
    cli_output = capsys.readouterr()
    monkeypatch.delenv("WXRB_NEW_LOGIN_PASSWORD")
    monkeypatch.delenv("DATABASE_URL")

    parts = conninfo_to_dict(owner_dsn)
    loader_url = f"postgresql://{LOADER}:{password}@/{parts['dbname']}?host={parts['host']}"
    with psycopg.connect(owner_dsn, autocommit=True) as owner:
        require_password_of_the_loader_only(owner, pgdata)
        with pytest.raises(psycopg.OperationalError):  # the owner may not log in now ...
            psycopg.connect(owner_dsn).close()
        with pytest.raises(psycopg.OperationalError, match="password"):  # ... nor the loader without it
            psycopg.connect(loader_url.replace(f":{password}@", "@")).close()

        env = airflow_env.environment({
            "DATABASE_URL": loader_url,
            "WXRB_PORTAL_URL": replica.base_url,
            "WXRB_EPAPER_URL": replica.base_url,
            "WXRB_CRAWL_PROFILE": "replica",
            "WXRB_TASK_RETRIES": "0",
            "WXRB_REPORTS_DIR": str(reports),
        })
        airflow_env.ensure_migrated(env)
        result = run_airflow(["dags", "test", "wxrb_daily", "2026-11-21T06:00:00+08:00"], env)
        output = result.stdout + result.stderr
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
        assert "run report written to" in output  # `dags test` prints the task logs: they are grepped below

        # It ran as the loader (nobody else could log in), and loaded the window.
        assert LOADER in env["AIRFLOW_CONN_WXRB_ARTICLES"]
        assert owner.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
        statuses = owner.execute("SELECT array_agg(DISTINCT status) FROM crawl_runs").fetchone()[0]
        assert statuses == ["finished"]
        assert list(reports.glob("*.html"))

    leaks = {
        "stdout/stderr of the run": password in output,
        "output of wxrb db create-login": password in cli_output.out + cli_output.err,
        "files in AIRFLOW_HOME (logs included)": files_holding(airflow_env.airflow_home(), password.encode()),
        "reports": files_holding(reports, password.encode()),
        "the article server's log": files_holding(pgdata / "log", password.encode()),
        "Airflow's metadata database": metadata_rows_holding(password),
    }
    assert (pgdata / "log").is_file()
    assert {where: hit for where, hit in leaks.items() if hit} == {}
