"""``wxrb``: every step of the pipeline from the command line.

Run ``wxrb --help`` or ``wxrb COMMAND --help``. Commands exit non-zero with a one-paragraph
message when something goes wrong (site unreachable, database down, quality check failed).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path

from wxrb import config


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _window(args) -> tuple[date, date]:
    from scrapers.spiders.base import yesterday_in_shanghai

    until = args.until or args.since or yesterday_in_shanghai()
    return args.since or until, until


def cmd_db(args) -> int:
    from wxrb import db

    if args.action == "url":
        print(db.database_url())
    elif args.action == "upgrade":
        from wxrb import jobs

        applied = jobs.migrate()
        print(f"schema up to date; applied now: {', '.join(applied) or 'nothing'}")
    elif args.action == "start":
        print(db.database_url())
    elif args.action == "stop":
        print("stopped" if db.stop_embedded() else "the embedded server was not running")
    elif args.action == "psql":
        dsn = db.database_url()
        os.execv(str(db.psql_binary()), ["psql", dsn, *args.psql_args])
    return 0


def cmd_replica(args) -> int:
    from replica.server import serve_forever

    serve_forever(args.host, args.port, args.seed)
    return 0


def cmd_crawl(args) -> int:
    from wxrb import jobs

    since, until = _window(args)
    jobs.migrate()
    print(jobs.crawl(args.source, since, until, revalidate=args.revalidate))
    return 0


def cmd_process(args) -> int:
    from wxrb import jobs

    jobs.migrate()
    print(jobs.process())
    return 0


def cmd_run(args) -> int:
    """The daily job without Airflow, through the same functions the DAG calls."""
    from wxrb import db, jobs, summary

    since, until = _window(args)
    jobs.migrate()
    crawls = [jobs.crawl(source, since, until) for source in config.DAILY_SOURCES]
    for crawl in crawls:
        print(crawl)
    print(jobs.process())
    jobs.check_quality([crawl.crawl_run_id for crawl in crawls])
    print(summary.render(db.database_url()))
    return 0


def cmd_extract(args) -> int:
    from processing.extract import extract

    body = Path(args.file).read_bytes()
    article = extract(body, args.url, args.encoding)
    print(json.dumps(article.to_json(), ensure_ascii=False, indent=2))
    return 0


def cmd_summary(args) -> int:
    from wxrb import db, summary

    print(summary.render(db.database_url()))
    return 0


def cmd_demo(args) -> int:
    from wxrb import demo

    return demo.run(days=args.days)


def cmd_airflow(args) -> int:
    from wxrb import airflow_env

    return airflow_env.exec_airflow(args.airflow_args)


def jobs_sources() -> list[str]:
    from wxrb.jobs import SPIDERS

    return list(SPIDERS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wxrb", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("db", help="the article database")
    p.add_argument("action", choices=["upgrade", "url", "psql", "start", "stop"],
                   help="upgrade: apply migrations; url: print the DSN; psql: open a psql shell; "
                        "start/stop: the embedded server")
    p.add_argument("psql_args", nargs=argparse.REMAINDER, help="extra psql arguments (psql only)")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("replica", help="the local replica of wxrb.com")
    p.add_argument("action", choices=["serve"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=config.DEFAULT_REPLICA_PORT)
    p.add_argument("--seed", type=int, default=20261124)
    p.set_defaults(func=cmd_replica)

    for name, func, text in [
        ("crawl", cmd_crawl, "crawl one source into raw_pages"),
        ("run", cmd_run, "the whole daily job without Airflow: migrate, crawl, process, check"),
    ]:
        p = sub.add_parser(name, help=text)
        if name == "crawl":
            p.add_argument("source", choices=sorted(jobs_sources()))
            p.add_argument("--revalidate", action="store_true",
                           help="re-check stored articles with conditional requests (ETag/Last-Modified)")
        p.add_argument("--since", type=_day, help="first URL date (default: yesterday, Asia/Shanghai)")
        p.add_argument("--until", type=_day, help="last URL date, inclusive (default: --since)")
        p.set_defaults(func=func)

    p = sub.add_parser("process", help="extract articles from raw pages not processed yet")
    p.set_defaults(func=cmd_process)

    p = sub.add_parser("extract", help="print the fields of one stored HTML file as JSON")
    p.add_argument("file")
    p.add_argument("--url", help="the page's URL (picks the parser, gives doc id and site)")
    p.add_argument("--encoding", help="force an encoding instead of detecting it")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("summary", help="what the database holds")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("demo", help="the daily job through Airflow against the bundled replica")
    p.add_argument("--days", type=int, default=None, help="crawl only the replica's last N days")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("airflow", help="run an airflow command with the project's Airflow setup")
    p.add_argument("airflow_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_airflow)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    from processing.parsers import ParseError
    from wxrb.db import DatabaseUnavailable
    from wxrb.jobs import JobError

    try:
        return args.func(args)
    except (JobError, DatabaseUnavailable, ParseError, FileNotFoundError) as exc:
        print(f"wxrb {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
