"""What the DAG tasks share: the article database taken from the Airflow connection.

Inside Airflow the article database is the connection ``wxrb_articles`` (usually given as
``AIRFLOW_CONN_WXRB_ARTICLES``, or any secrets backend Airflow is configured with); the SQL check
operators use it directly and the Python tasks turn it into the DSN the jobs read. Without that
connection the tasks fall back to ``DATABASE_URL``, then the embedded server, like the CLI.
Only light imports here: DAG files import this module at parse time.
"""

from __future__ import annotations

import logging
import os

from wxrb import config

log = logging.getLogger(__name__)

# Connection extras that are libpq parameters and may go into the DSN as they are.
LIBPQ_EXTRAS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "options",
                "target_session_attrs", "application_name")


def connection_dsn(conn) -> str:
    """A libpq DSN from an Airflow Connection (host may be a UNIX socket directory)."""
    from psycopg.conninfo import make_conninfo

    extra = conn.extra_dejson if conn.extra else {}
    parts = {
        "host": conn.host or None,
        "port": conn.port or None,
        "user": conn.login or None,
        "password": conn.password or None,
        "dbname": conn.schema or None,
        **{k: v for k, v in extra.items() if k in LIBPQ_EXTRAS},
    }
    return make_conninfo(**{k: str(v) for k, v in parts.items() if v is not None})


def use_articles_connection() -> None:
    """Point the jobs of this task at the ``wxrb_articles`` connection when Airflow has one.

    Sets ``DATABASE_URL`` in this task's process only (each task runs in its own process), so
    the jobs, and the Scrapy subprocess they start, use the same database as the SQL checks.
    """
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = BaseHook.get_connection(config.ARTICLES_CONN_ID)
    except AirflowNotFoundException:
        if not os.environ.get("DATABASE_URL"):
            log.info("no Airflow connection %s: using the embedded article database", config.ARTICLES_CONN_ID)
        return
    os.environ["DATABASE_URL"] = connection_dsn(conn)


def connection_env_value(dsn: str) -> str:
    """AIRFLOW_CONN_WXRB_ARTICLES for a libpq DSN, in Airflow's JSON connection form (it keeps a
    UNIX socket directory as the host, which the URI form cannot)."""
    import json

    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(dsn)
    value = {"conn_type": "postgres", "host": parts.pop("host", None), "login": parts.pop("user", None),
             "password": parts.pop("password", None) or None, "schema": parts.pop("dbname", None),
             "port": int(parts.pop("port")) if parts.get("port") else None}
    extra = {k: v for k, v in parts.items() if k in LIBPQ_EXTRAS}
    if extra:
        value["extra"] = extra
    return json.dumps({k: v for k, v in value.items() if v is not None})
