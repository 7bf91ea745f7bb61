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
from zoneinfo import ZoneInfo

from wxrb import config

SHANGHAI = ZoneInfo("Asia/Shanghai")  # times are shown as the site shows them


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

        try:
            applied = jobs.migrate()
        except db.MigrationNeedsOwner as exc:
            print(f"wxrb db upgrade: {exc}", file=sys.stderr)
            return 1
        print(f"schema up to date; applied now: {', '.join(applied) or 'nothing'}")
    elif args.action == "start":
        print(db.database_url())
    elif args.action == "stop":
        print("stopped" if db.stop_embedded() else "the embedded server was not running")
    elif args.action == "psql":
        dsn = db.database_url()
        os.execv(str(db.psql_binary()), ["psql", dsn, *args.action_args])
    elif args.action == "create-login":
        return _create_login(args.action_args)
    return 0


NEW_LOGIN_PASSWORD_VARIABLE = "WXRB_NEW_LOGIN_PASSWORD"


def _create_login(argv: list[str]) -> int:
    """``wxrb db create-login NAME --role R``: its own parser, since ``db psql`` hands every
    argument after the action to psql. The password never goes through argv or stdout."""
    import getpass

    import psycopg

    from wxrb import db

    parser = argparse.ArgumentParser(
        prog="wxrb db create-login",
        description=f"Create a login in a group role. The password comes from ${NEW_LOGIN_PASSWORD_VARIABLE}, "
                    "else it is asked for; it is never shown. Needs a DATABASE_URL allowed to create roles.",
    )
    parser.add_argument("name", help="the new login (a PostgreSQL role name)")
    parser.add_argument("--role", required=True, choices=sorted(db.GROUP_ROLES),
                        help="analyst: read-only (wxrb_analyst); loader: what the pipeline writes with (wxrb_loader)")
    args = parser.parse_args(argv)
    password = os.environ.get(NEW_LOGIN_PASSWORD_VARIABLE)
    if not password:
        password = getpass.getpass(f"password for {args.name}: ")
        if password != getpass.getpass("again: "):
            print("wxrb db create-login: the two passwords differ; nothing created", file=sys.stderr)
            return 1
    try:
        with db.connect(db.database_url(), autocommit=True) as conn:
            dsn = db.create_login(conn, args.name, args.role, password)
    except (ValueError, psycopg.errors.InsufficientPrivilege) as exc:
        print(f"wxrb db create-login: {exc}", file=sys.stderr)
        return 1
    print(f"created login {args.name} in {db.GROUP_ROLES[args.role]}; connect with (add the password): {dsn}")
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


def cmd_reprocess(args) -> int:
    from wxrb import jobs

    jobs.migrate()
    try:
        print(jobs.reprocess(args.since, args.until, args.parser, args.parser_version))
    except ValueError as exc:
        print(f"wxrb reprocess: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_search(args) -> int:
    from processing import search
    from wxrb import db

    with db.connect(db.database_url()) as conn:
        hits = search.search(conn, args.query, args.since, args.until, args.limit)
    if not hits:
        print(f"no article matches {search.query_words(args.query) or args.query!r}", file=sys.stderr)
        return 0
    for hit in hits:
        when = f"{hit.published_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if hit.published_at else "-"
        print(f"{hit.rank:6.3f}  {when}  {hit.site}·{hit.channel or '-'}  {hit.title}\n        {hit.url}")
    return 0


def cmd_idf(args) -> int:
    from wxrb import jobs

    jobs.migrate()
    version = jobs.compute_idf()
    from processing.idf import MIN_ARTICLES

    print(f"corpus IDF version {version}" if version else
          f"fewer than {MIN_ARTICLES} articles: no corpus IDF yet, keywords keep jieba's table (load more, then rerun)")
    return 0


def cmd_maintenance(args) -> int:
    from wxrb import jobs

    jobs.migrate()
    version = jobs.compute_idf()
    print(f"corpus IDF: {version or 'not computed (too few articles)'}")
    pruned = jobs.prune_raw_pages(args.retention_days)
    print(f"retention: {pruned['deleted']} superseded raw pages older than {pruned['older_than_days']} days "
          f"deleted ({pruned['bytes']} bytes)")
    print(f"VACUUM (ANALYZE): {len(jobs.vacuum_analyze())} tables")
    print(f"materialized views refreshed: {', '.join(jobs.refresh_views()) or 'none'}")
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
    jobs.check_drift(since, until)
    jobs.refresh_views()
    print(summary.render(db.database_url()))
    return 0


EXTRACT_EPILOG = """\
Works on an HTML file of any site, without a database: wxrb pages go to their template's
parser (by --url, else by markup), any other page to the generic parser.

exit codes:
  0  the article's fields were printed as one JSON object (UTF-8)
  2  the file is missing or unreadable, or --encoding names no known charset
  3  the file is not an HTML page (binary, image, empty, plain text)
  4  the page is HTML but holds no article (no title or no main text)
  5  the fields were printed, but the page is flagged: too much of its text is garbled
     (garble_ratio above the threshold); the daily job would not load it
"""

# Libraries on the extract path that log to stderr: trafilatura's parsing notes, jieba's
# "Building prefix dict" lines (garbling's word lexicon).
EXTRACT_QUIET_LOGGERS = ("trafilatura", "htmldate", "jieba")


def cmd_extract(args) -> int:
    import codecs

    from processing.extract import NotHtmlError, extract, is_flagged
    from processing.parsers import ParseError

    def fail(code: int, message: str) -> int:
        print(f"wxrb extract: {message}", file=sys.stderr)
        return code

    if not args.verbose:  # stderr carries only our one-line message, not the libraries' notes
        for name in EXTRACT_QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
    try:
        body = Path(args.file).read_bytes()
        if args.encoding:
            codecs.lookup(args.encoding)
    except OSError as exc:
        return fail(2, f"cannot read {args.file}: {exc.strerror or exc}")
    except LookupError:
        return fail(2, f"unknown encoding {args.encoding!r}")
    try:
        article = extract(body, args.url, args.encoding)
    except NotHtmlError as exc:
        return fail(3, f"{args.file} is not an HTML page: {exc}")
    except ParseError as exc:
        return fail(4, f"no article found in {args.file}: {exc}")
    text = json.dumps(article.to_json(), ensure_ascii=False, indent=2)
    stdout = getattr(sys.stdout, "buffer", None)  # UTF-8 whatever the locale; plain print when redirected
    if stdout is None:
        print(text)
    else:
        sys.stdout.flush()
        stdout.write(text.encode("utf-8") + b"\n")
        stdout.flush()
    if is_flagged(article):
        return fail(5, f"{args.file} is flagged: garble ratio {article.garble_ratio} is above the threshold")
    return 0


def cmd_clean_text(args) -> int:
    """Clean a mirror's plain-text copy of an article; the report goes to stderr."""
    from processing.textclean import clean_text

    def write(stream, text: str) -> None:
        raw = getattr(stream, "buffer", None)  # UTF-8 whatever the locale
        if raw is None:
            print(text, file=stream)
            return
        stream.flush()
        raw.write(text.encode("utf-8") + b"\n")
        raw.flush()

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        write(sys.stderr, f"wxrb clean-text: cannot read {args.file}: {exc.strerror or exc}")
        return 2
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        write(sys.stderr, f"wxrb clean-text: {args.file} is neither UTF-8 nor GB18030 text")
        return 3
    if "\x00" in text:
        write(sys.stderr, f"wxrb clean-text: {args.file} is binary data (NUL bytes), not text")
        return 3
    result = clean_text(text)
    encoding = encoding.removesuffix("-sig")
    if args.json:
        fields = {
            "paragraphs": result.paragraphs,
            "authors": result.authors,
            "photographers": result.photographers,
            "editor": result.editor,
            "stats": result.stats(),
            "mojibake_repaired": result.mojibake_repaired,
            "dropped_lines": result.dropped_lines,
            "encoding": encoding,
        }
        write(sys.stdout, json.dumps(fields, ensure_ascii=False, indent=2))
        return 0
    write(sys.stdout, result.text)
    stats = result.stats()
    report = [
        f"read as {encoding}; {stats['paragraphs']} paragraphs",
        f"authors: {'、'.join(result.authors) or '-'}",
        f"photographers: {'、'.join(result.photographers) or '-'}",
        f"editor: {result.editor or '-'}",
        f"pinyin notes removed: {stats['pinyin_notes_removed']}",
        f"mojibake: {stats['mojibake_repaired']} stretches repaired, "
        f"{stats['mojibake_dropped_chars']} characters dropped",
        *(f"  {garbled} -> {recovered}" for garbled, recovered in result.mojibake_repaired),
        f"lines dropped: {stats['lines_dropped']}",
        *(f"  {line[:60]}" for line in result.dropped_lines),
        f"garble ratio: {stats['garble_ratio']}" + (" (flagged)" if stats["garbled"] else ""),
    ]
    write(sys.stderr, "\n".join(report))
    return 0


def cmd_report(args) -> int:
    """The HTML run report of one day (what the DAG's task `report` writes); prints its path."""
    from scrapers.spiders.base import yesterday_in_shanghai
    from wxrb import jobs

    jobs.migrate()
    print(jobs.write_report(args.date or yesterday_in_shanghai()))
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
    return list(config.SOURCES)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wxrb", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("db", help="the article database")
    p.add_argument("action", choices=["upgrade", "url", "psql", "start", "stop", "create-login"],
                   help="upgrade: apply migrations; url: print the DSN; psql: open a psql shell; "
                        "start/stop: the embedded server; create-login NAME --role {analyst,loader}: "
                        f"a login in a group role, password from ${NEW_LOGIN_PASSWORD_VARIABLE} or asked for")
    p.add_argument("action_args", nargs=argparse.REMAINDER,
                   help="psql: extra psql arguments; create-login: NAME --role ROLE")
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

    p = sub.add_parser("search", help="ranked full-text search of the articles (jieba words, all required)")
    p.add_argument("query", help="words or a phrase, e.g. 锡山区专精特新 (segmented with jieba)")
    p.add_argument("--since", type=_day, help="first publication date, YYYY-MM-DD (Asia/Shanghai)")
    p.add_argument("--until", type=_day, help="last publication date, YYYY-MM-DD (Asia/Shanghai)")
    p.add_argument("--limit", type=int, default=20, help="how many results (default 20)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("idf", help="recompute the corpus IDF table for keywords (a step of the DAG wxrb_maintenance)")
    p.set_defaults(func=cmd_idf)

    p = sub.add_parser("maintenance", help="what the DAG wxrb_maintenance runs: corpus IDF, raw-page retention, "
                                           "VACUUM ANALYZE, and the materialized views refreshed")
    p.add_argument("--retention-days", type=int, default=None,
                   help="delete superseded raw pages older than this (default WXRB_RAW_RETENTION_DAYS or 180); "
                        "pages an article points to are always kept")
    p.set_defaults(func=cmd_maintenance)

    p = sub.add_parser("reprocess", help="extract stored raw pages again (no crawling); new content makes a new version")
    p.add_argument("--since", type=_day, help="first URL date, YYYY-MM-DD (default: unbounded)")
    p.add_argument("--until", type=_day, help="last URL date, YYYY-MM-DD (default: unbounded)")
    p.add_argument("--parser", help="only pages of this parser: portal, szb, epaper_old")
    p.add_argument("--parser-version", help="use this version of --parser instead of the newest valid one")
    p.set_defaults(func=cmd_reprocess)

    p = sub.add_parser(
        "extract",
        help="print the fields of one stored HTML file as JSON",
        description="Print every article field of one HTML file as one UTF-8 JSON object.",
        epilog=EXTRACT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", help="an HTML file as stored or saved (any site, any encoding)")
    p.add_argument("--url", help="the page's URL (picks the parser, gives doc id, site and a URL date)")
    p.add_argument("--encoding", help="the charset the HTTP header declared, used before the page's own")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser(
        "clean-text",
        help="clean a plain-text copy of an article (pinyin notes, mojibake, footer, bylines)",
        description=(
            "Print the cleaned, simplified text of a UTF-8 (or GB18030) text file, one paragraph a "
            "line, and a report of what was repaired or taken out on stderr. "
            "Exit status 2: the file cannot be read; 3: it is not text."
        ),
    )
    p.add_argument("file", help="a text file, one paragraph a line")
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (paragraphs, authors, photographers, editor, stats) instead",
    )
    p.set_defaults(func=cmd_clean_text)

    p = sub.add_parser("report", help="write the HTML run report of a day (charts, crawl runs); prints its path")
    p.add_argument("--date", type=_day, help="the day, YYYY-MM-DD (default: yesterday, Asia/Shanghai)")
    p.set_defaults(func=cmd_report)

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
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not isinstance(exc, _expected_errors()):
            raise
        print(f"wxrb {args.command}: {exc}", file=sys.stderr)
        return 1


def _expected_errors() -> tuple[type[Exception], ...]:
    """Errors that get a one-line message instead of a traceback. Imported only when one is
    raised, so commands without a database (extract, clean-text) never load psycopg."""
    from processing.parsers import ParseError
    from processing.workers import WorkerDied
    from wxrb.db import DatabaseUnavailable, MigrationNeedsOwner
    from wxrb.jobs import JobError

    return JobError, DatabaseUnavailable, MigrationNeedsOwner, ParseError, WorkerDied, FileNotFoundError


if __name__ == "__main__":
    sys.exit(main())
