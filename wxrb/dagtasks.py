"""Tasks that several DAGs share, each bound to the article database's Airflow connection."""

from airflow.sdk import Asset, task

from wxrb import config

ARTICLES = Asset(name=config.ARTICLES_ASSET_NAME, uri=config.ARTICLES_ASSET_URI)


@task
def migrate() -> list[str]:
    """Pending sql/migrations applied; a no-op when the schema is current (so the loader may run it)."""
    from wxrb import dagutil, jobs

    dagutil.use_articles_connection()
    return jobs.migrate()


@task(outlets=[ARTICLES])
def refresh_views() -> list[str]:
    """The materialized analyst views refreshed; marks the Asset wxrb_articles updated."""
    from wxrb import dagutil, jobs

    dagutil.use_articles_connection()
    return jobs.refresh_views()
