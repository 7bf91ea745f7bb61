"""The database roles: wxrb_loader writes rows but cannot change the schema, upgrades run by it
do nothing or stop with a clear message, and `wxrb db create-login` makes logins in a group role.
The read-only wxrb_analyst is tested in test_search.py and test_analyst_guide.py."""

import itertools
import os
import shutil

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from wxrb import db
from wxrb.cli import main

_names = itertools.count()


@pytest.fixture
def login_name(pg_server):
    """A unique name for a login role, dropped afterwards (roles belong to the whole server)."""
    name = f"wxrb_test_login_{os.getpid()}_{next(_names)}"
    yield name
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(name)))


@pytest.fixture
def loader(dsn, login_name):
    """An autocommit connection of a login in wxrb_loader (the password is not checked: the
    session server trusts local connections; test_secrets.py covers password logins)."""
    with psycopg.connect(dsn, autocommit=True) as owner:
        loader_dsn = db.create_login(owner, login_name, "loader", "not-checked-here")
    with psycopg.connect(loader_dsn, autocommit=True) as conn:
        yield conn


def as_user(dsn: str, user: str) -> str:
    return make_conninfo(dsn, user=user)


def view_definitions_stamp(conn) -> list[tuple]:
    """The row versions of the views' rules: CREATE OR REPLACE VIEW gives them a new xmin."""
    return conn.execute(
        "SELECT ev_class::regclass::text, xmin::text FROM pg_rewrite"
        " WHERE ev_class IN (SELECT oid FROM pg_class WHERE relkind = 'v' AND relnamespace = 'public'::regnamespace)"
        " ORDER BY 1"
    ).fetchall()


def test_loader_reads_and_writes_rows(loader):
    assert loader.execute("SELECT current_user, pg_has_role('wxrb_loader', 'USAGE')").fetchone()[1] is True
    run_id = loader.execute(
        "INSERT INTO crawl_runs (spider, base_url) VALUES ('portal', 'http://x') RETURNING id"
    ).fetchone()[0]
    loader.execute("UPDATE crawl_runs SET status = 'finished' WHERE id = %s", [run_id])
    loader.execute(
        "INSERT INTO raw_pages (url, final_url, fetched_at, http_status, used_encoding, body, body_sha256,"
        " crawl_run_id) VALUES ('http://x/1', 'http://x/1', now(), 200, 'utf-8', 'b', repeat('0', 64), %s)",
        [run_id]
    )
    loader.execute("UPDATE articles SET title = title WHERE false")
    loader.execute("DELETE FROM raw_pages WHERE crawl_run_id = %s", [run_id])
    assert loader.execute("DELETE FROM crawl_runs WHERE id = %s", [run_id]).rowcount == 1
    with loader.transaction():  # the loaders' staging tables
        loader.execute("CREATE TEMP TABLE staging (x int) ON COMMIT DROP")
    assert loader.execute("SELECT count(*) FROM search_articles('无锡')").fetchone()[0] == 0


def test_loader_may_write_every_table_and_sequence(loader):
    missing = loader.execute(
        "SELECT c.relname || ' ' || p FROM pg_class c, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p"
        " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')"
        " AND NOT has_table_privilege(c.oid, p)"
        " UNION ALL SELECT sequence_name || ' USAGE' FROM information_schema.sequences"
        " WHERE sequence_schema = 'public' AND NOT has_sequence_privilege(sequence_name, 'USAGE')"
    ).fetchall()
    assert missing == []
    assert loader.execute("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                          " AND relkind = 'r'").fetchone()[0] >= 10


def test_loader_vacuums_analyzes_and_refreshes_without_owning(loader):
    """MAINTAIN (PostgreSQL 17+): without it VACUUM/ANALYZE skip the table with a warning and
    REFRESH MATERIALIZED VIEW fails (wxrb_maintenance, wxrb_daily's refresh_views)."""
    notices = []
    loader.add_notice_handler(lambda diag: notices.append(diag.message_primary))
    loader.execute("VACUUM (ANALYZE) articles")
    loader.execute("ANALYZE raw_pages")
    for (name,) in loader.execute("SELECT matviewname FROM pg_matviews WHERE schemaname = 'public'").fetchall():
        loader.execute(psycopg.sql.SQL("REFRESH MATERIALIZED VIEW {}").format(psycopg.sql.Identifier(name)))
    assert notices == []
    assert loader.execute("SELECT relowner::regrole::text <> current_user FROM pg_class"
                          " WHERE oid = 'articles'::regclass").fetchone()[0]


@pytest.mark.parametrize("statement", [
    "CREATE TABLE public.mine (x int)",
    "DROP TABLE articles",
    "ALTER TABLE articles ADD COLUMN x int",
    "TRUNCATE raw_pages",
    "CREATE OR REPLACE VIEW stories AS SELECT 1 AS story_id",
    "DROP VIEW articles_per_day",
    "CREATE ROLE mine",
    "COMMENT ON TABLE schema_migrations IS 'views: none'",
])
def test_loader_cannot_change_the_schema(loader, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        loader.execute(statement)


def test_tables_created_by_later_migrations_are_writable_by_the_loader(dsn, loader):
    with psycopg.connect(dsn, autocommit=True) as owner:
        owner.execute("CREATE TABLE later_table (id bigserial PRIMARY KEY, x int)")
    loader.execute("INSERT INTO later_table (x) VALUES (1)")
    assert loader.execute("DELETE FROM later_table").rowcount == 1


def test_upgrade_as_the_loader_with_nothing_pending_changes_nothing(dsn, loader):
    before = view_definitions_stamp(loader)
    assert before, "no views found"
    assert db.upgrade(loader) == []
    assert view_definitions_stamp(loader) == before


def test_upgrade_as_the_owner_recreates_the_views_only_when_they_changed(dsn):
    with psycopg.connect(dsn, autocommit=True) as owner:
        before = view_definitions_stamp(owner)
        assert db.upgrade(owner) == []
        assert view_definitions_stamp(owner) == before
        # An edited view file (or a role created by hand) changes the fingerprint.
        owner.execute("COMMENT ON TABLE schema_migrations IS 'sql/views fingerprint: from an older checkout'")
        assert db.upgrade(owner) == []
        after = view_definitions_stamp(owner)
        assert [name for name, _ in after] == [name for name, _ in before]
        assert all(new != old for (_, new), (_, old) in zip(after, before, strict=True))
        assert db.views_fingerprint(owner) in owner.execute(
            "SELECT obj_description('schema_migrations'::regclass, 'pg_class')").fetchone()[0]


def test_upgrade_as_the_loader_with_a_pending_migration_says_who_must_run_it(dsn, loader, tmp_path):
    for migration in db.migrations():
        shutil.copy(migration.path, tmp_path)
    (tmp_path / "0999_add_later.sql").write_text("CREATE TABLE added_later (x int);\n", encoding="utf-8")
    with pytest.raises(db.MigrationNeedsOwner) as failure:
        db.upgrade(loader, tmp_path)
    message = str(failure.value)
    assert "migration 0999_add_later.sql" in message
    assert "Run `wxrb db upgrade` with the schema owner's DATABASE_URL" in message
    assert loader.execute("SELECT to_regclass('added_later')").fetchone()[0] is None
    assert loader.execute("SELECT count(*) FROM schema_migrations WHERE version = '0999'").fetchone()[0] == 0
    # The owner applies it; the loader's next upgrade then has nothing to do.
    with psycopg.connect(dsn) as owner:
        assert db.upgrade(owner, tmp_path) == ["0999_add_later.sql"]
    assert db.upgrade(loader, tmp_path) == []


def test_upgrade_as_the_loader_with_changed_views_says_who_must_run_it(dsn, loader):
    with psycopg.connect(dsn, autocommit=True) as owner:
        owner.execute("COMMENT ON TABLE schema_migrations IS 'sql/views fingerprint: from an older checkout'")
    with pytest.raises(db.MigrationNeedsOwner, match=r"views and grants of sql/views/.*wxrb db upgrade"):
        db.upgrade(loader)


def test_upgrade_of_an_empty_database_as_the_loader_fails_clearly(empty_dsn, login_name):
    with psycopg.connect(empty_dsn, autocommit=True) as admin:
        admin.execute(psycopg.sql.SQL("CREATE ROLE {} LOGIN").format(psycopg.sql.Identifier(login_name)))
    with psycopg.connect(as_user(empty_dsn, login_name)) as conn:
        with pytest.raises(db.MigrationNeedsOwner, match="the first migration"):
            db.upgrade(conn)


def test_create_login_in_the_analyst_role(dsn, login_name, monkeypatch, capsys):
    password = os.urandom(8).hex()
    monkeypatch.setenv("WXRB_NEW_LOGIN_PASSWORD", password)
    assert main(["db", "create-login", login_name, "--role", "analyst"]) == 0
    output = capsys.readouterr()
    assert password not in output.out + output.err
    assert f"user={login_name}" in output.out
    with psycopg.connect(dsn) as owner:
        can_login, verifier = owner.execute(
            "SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = %s", [login_name]).fetchone()
        assert can_login and verifier.startswith("SCRAM-SHA-256$") and password not in verifier
        assert owner.execute("SELECT pg_has_role(%s, 'wxrb_analyst', 'USAGE')"
                             " AND NOT pg_has_role(%s, 'wxrb_loader', 'USAGE')",
                             [login_name, login_name]).fetchone()[0]
    with psycopg.connect(as_user(dsn, login_name), autocommit=True) as analyst:
        assert analyst.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            analyst.execute("DELETE FROM articles")

    # The same name again: refused with the reason, nothing changed.
    assert main(["db", "create-login", login_name, "--role", "loader"]) == 1
    assert "exists already" in capsys.readouterr().err
