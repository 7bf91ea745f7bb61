"""A local HTTP server for the replica, for tests (``ReplicaServer``) and the CLI (``serve_forever``).

All pages are rendered once at start-up; requests only look them up. Every request
path (query string removed) is counted in ``ReplicaServer.requests`` so tests can
assert what a crawler fetched, including paths it should never have asked for;
``ReplicaServer.responses`` counts (path, status) of what was answered.

    with ReplicaServer() as replica:
        fetch(replica.base_url + "/")
        assert replica.requests["/search/"] == 0

Always on: ``ETag`` / ``Last-Modified`` on 200 HTML pages, conditional GET/HEAD (304),
``edit_article`` / ``delete_article`` (also ``POST /__replica__/edit`` and ``/__replica__/delete``).
With ``faults=FaultPlan(...)`` chosen article paths misbehave (``replica/faults.py``).
Both are described in replica/README.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import socket
import struct
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from replica import faults as faultlib
from replica.content import DEFAULT_SEED, TZ, Site, build_site
from replica.faults import Action, FaultPlan
from replica.templates import (
    MANIFEST_PATH,
    TRAP_PREFIXES,
    Page,
    article_page,
    build_routes,
    not_found_page,
    trap_page,
)

DEFAULT_HOST = "127.0.0.1"
CLI_PORT = 8000
STOP_TIMEOUT_SECONDS = 5
EDIT_PATH = "/__replica__/edit"
DELETE_PATH = "/__replica__/delete"
MAX_POST_BYTES = 1_000_000
JSON_TYPE = "application/json; charset=utf-8"
NO_RESPONSE = 0  # the status recorded in .responses when the connection closed without an answer


@dataclass
class Reply:
    """One answer, as the handler will send it."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # wait this long first (slow / timeout)
    mode: str = "normal"  # "reset": close without answering; "truncate": send half the body, close
    fault: str | None = None  # the fault kind applied, if any


class ReplicaServer:
    """The replica on a background thread; ``port=0`` picks a free port. ``site``: serve this
    ``Site`` (e.g. ``build_site(days=..., articles_per_day=...)``) instead of ``build_site(seed)``."""

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        seed: int = DEFAULT_SEED,
        verbose: bool = False,
        faults: FaultPlan | None = None,
        site: Site | None = None,
    ):
        self.host = host
        self.port = port
        self.verbose = verbose
        self.faults = faults
        self.site = build_site(seed) if site is None else site
        self.routes = build_routes(self.site)
        self.requests: Counter[str] = Counter()
        self.responses: Counter[tuple[str, int]] = Counter()
        self.fault_hits: Counter[tuple[str, str]] = Counter()  # (path, kind) per faulty answer
        self.edits: dict[str, dict] = {}  # path -> {"title", "paragraphs", "last_modified"}
        self.deleted: set[str] = set()  # paths removed with delete_article
        self._articles = self.site.article_by_path()
        self._site_modified = _http_date(dt.datetime.combine(self.site.end_date, dt.time(23, 59), tzinfo=TZ))
        self._oversize: dict[str, tuple[str, bytes, str]] = {}  # path -> (source ETag, padded body, ETag)
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ReplicaServer:
        self._stopping.clear()
        handler = type("ReplicaHandler", (_Handler,), {"replica": self})
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="wxrb-replica", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()  # wakes handlers sleeping in slow / timeout faults
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_SECONDS)
        self._httpd = self._thread = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- pages ----------------------------------------------------------------------------------

    def resolve(self, path: str) -> Page:
        """The page for a request path (query string already removed), edits and deletions applied."""
        with self._lock:
            if path in self.deleted:
                return not_found_page()
            page = self.routes.get(path)
        if page is not None:
            return page
        if path.startswith(TRAP_PREFIXES):
            return trap_page(path)
        return not_found_page()

    def record(self, path: str) -> int:
        """Count a request; returns how many requests ``path`` has had, this one included."""
        with self._lock:
            self.requests[path] += 1
            return self.requests[path]

    def fault_paths(self, kind: str) -> list[str]:
        """``self.faults.paths_with(kind, self.site)``; [] without a fault plan."""
        return self.faults.paths_with(kind, self.site) if self.faults else []

    # --- edits ------------------------------------------------------------------------------------

    def edit_article(
        self, path: str, *, extra_paragraph: str | None = None, new_title: str | None = None
    ) -> None:
        """Change an article's page: new title and/or one more paragraph in front of the others.

        The page is re-rendered, so its ETag changes; Last-Modified becomes now (never earlier
        than one second after the previous value). The served manifest shows the new title and
        paragraphs with ``"edited": true``. Edits accumulate. KeyError for an unknown or
        deleted article.
        """
        with self._lock:
            article = self._articles.get(path)
            if article is None or path in self.deleted:
                raise KeyError(f"no article at {path}")
            state = self.edits.get(path) or {
                "title": article.title,
                "paragraphs": list(article.paragraphs),
                "last_modified": article.published_at,
            }
            if new_title is not None:
                state["title"] = new_title
            if extra_paragraph is not None:
                state["paragraphs"] = [extra_paragraph, *state["paragraphs"]]
            now = dt.datetime.now(dt.UTC).replace(microsecond=0)
            state["last_modified"] = max(now, state["last_modified"] + dt.timedelta(seconds=1))
            edited = dataclasses.replace(article, title=state["title"], paragraphs=list(state["paragraphs"]))
            body = article_page(self.site, edited, self._articles).encode("utf-8")
            old = self.routes[path]
            headers = {**old.headers, "Last-Modified": _http_date(state["last_modified"])}
            self.routes[path] = Page(old.status, body, old.content_type, headers)
            self.edits[path] = state

    def delete_article(self, path: str) -> None:
        """From now on the article answers 404; the manifest marks it ``"deleted": true``."""
        with self._lock:
            if path not in self._articles:
                raise KeyError(f"no article at {path}")
            self.deleted.add(path)

    # --- answering -----------------------------------------------------------------------------------

    def answer(self, method: str, path: str, query: str, headers, count: int) -> Reply:
        """The answer to the ``count``-th GET/HEAD of ``path`` (faults, edits, conditional headers)."""
        plan = self.faults
        action = None
        if plan is not None:
            action = plan.action(self.site, path, count, query=query, cookies=_cookies(headers))
        if action is not None and action.kind in ("waf_403", "challenge_all"):
            return self._fault_reply(action)
        if path == MANIFEST_PATH:
            return self._manifest_reply()
        page = self.resolve(path)
        if path == "/robots.txt" and plan is not None and page.status == 200:
            extra = "".join(line + "\n" for line in plan.robots_lines(self.site))
            page = Page(page.status, page.body + extra.encode("utf-8"), page.content_type, dict(page.headers))
        if path in self.deleted:
            action = None  # deleted through the API: 404 whatever the plan says
        if action is not None:
            reply = self._fault_reply(action)
            if reply is not None:
                return reply
        reply = self._apply(action, self._normal_reply(page), path)
        if reply.mode != "normal":
            return reply
        return _not_modified(reply, headers, method)

    def _normal_reply(self, page: Page) -> Reply:
        headers = dict(page.headers)
        if page.status == 200 and page.content_type.startswith("text/html"):
            headers["ETag"] = _etag(page.body)
            headers.setdefault("Last-Modified", self._site_modified)
        return Reply(page.status, page.body, page.content_type, headers)

    def _fault_reply(self, action: Action) -> Reply | None:
        """The reply that replaces the page; None for faults that only alter it (``_apply``)."""
        kind = action.kind
        if kind == "waf_403":
            cookie = f"{faultlib.WAF_COOKIE}={hashlib.sha256(b'safedog').hexdigest()[:16]}; path=/"
            return Reply(
                403, faultlib.waf_page(), "text/html; charset=utf-8", {"Set-Cookie": cookie}, fault=kind
            )
        if kind in ("challenge", "challenge_all"):
            value = self.faults.challenge_cookie
            headers = {
                "Set-Cookie": f"{faultlib.CHALLENGE_COOKIE}={value}; path=/",
                "Cache-Control": "no-cache",
            }
            return Reply(200, faultlib.challenge_page(value), "text/html; charset=utf-8", headers, fault=kind)
        if kind == "burst_5xx":
            return Reply(
                action.status, faultlib.error_page(action.status), "text/html; charset=utf-8", fault=kind
            )
        if kind == "deleted":
            notfound = not_found_page()
            return Reply(404, notfound.body, notfound.content_type, fault=kind)
        if kind in ("redirect", "redirect_offsite"):
            moved = f'<p>Moved to <a href="{action.location}">{action.location}</a></p>'.encode()
            return Reply(
                action.status, moved, "text/html; charset=utf-8", {"Location": action.location}, fault=kind
            )
        return None

    def _apply(self, action: Action | None, reply: Reply, path: str) -> Reply:
        """Faults that change how the normal page is sent (body, encoding, timing, connection)."""
        if action is None or reply.status != 200:
            return reply
        kind = action.kind
        if kind == "gbk":
            body = faultlib.to_gbk(reply.body, declared=action.charset is not None)
            content_type = "text/html; charset=gbk" if action.charset else "text/html"
            return dataclasses.replace(
                reply,
                body=body,
                content_type=content_type,
                headers={**reply.headers, "ETag": _etag(body)},
                fault=kind,
            )
        if kind == "oversize":
            source = reply.headers["ETag"]
            with self._lock:
                cached = self._oversize.get(path)
                if cached is None or cached[0] != source:
                    body = faultlib.pad_to(reply.body, self.faults.oversize_bytes)
                    cached = (source, body, _etag(body))
                    self._oversize[path] = cached
            _, body, etag = cached
            return dataclasses.replace(reply, body=body, headers={**reply.headers, "ETag": etag}, fault=kind)
        if kind in ("slow", "timeout"):
            return dataclasses.replace(reply, delay=action.delay, fault=kind)
        if kind == "reset":
            return dataclasses.replace(reply, mode="reset", fault=kind)
        if kind == "truncated":
            return dataclasses.replace(reply, mode="truncate", fault=kind)
        return reply

    def _manifest_reply(self) -> Reply:
        page = self.routes[MANIFEST_PATH]
        with self._lock:
            untouched = not self.edits and not self.deleted and self.faults is None
            if untouched:
                return Reply(page.status, page.body, page.content_type, dict(page.headers))
            data = json.loads(page.body.decode("utf-8"))
            kinds = self.faults.assignment(self.site) if self.faults else {}
            kind_of = {p: k for k, paths in kinds.items() for p in paths}
            for entry in data.get("articles", []):
                url = entry.get("url")
                if url in self.edits:
                    entry["title"] = self.edits[url]["title"]
                    entry["paragraphs"] = list(self.edits[url]["paragraphs"])
                    entry["edited"] = True
                if url in kind_of:
                    entry["fault"] = kind_of[url]
                if url in self.deleted or kind_of.get(url) == "deleted":
                    entry["deleted"] = True
            if self.faults is not None:
                data["faults"] = self.faults.describe(self.site)
        body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        return Reply(page.status, body, page.content_type, dict(page.headers))

    def note(self, path: str, status: int, fault: str | None) -> None:
        with self._lock:
            self.responses[(path, status)] += 1
            if fault is not None:
                self.fault_hits[(path, fault)] += 1

    def summary(self) -> str:
        site = self.site
        filled = sum(1 for c in site.channels if site.channel_articles(c.name))
        text = (
            f"{len(site.articles)} articles, {site.start_date}..{site.end_date}, "
            f"{filled}/{len(site.channels)} channels with articles, seed {site.seed}"
        )
        if self.faults is not None:
            plan = self.faults
            on = sum(len(p) for p in plan.assignment(self.site).values())
            text += f"; fault mode (seed {plan.seed}): {on} faulty article paths"
            if plan.waf_block:
                text += ", WAF blocks everything"
            if plan.challenge_all:
                text += ", challenge on every page"
        return text


def _not_modified(reply: Reply, headers, method: str) -> Reply:
    """304 for a GET/HEAD whose validators match the 200 page (If-None-Match wins over If-Modified-Since)."""
    if method not in ("GET", "HEAD") or reply.status != 200 or "ETag" not in reply.headers:
        return reply
    etag = reply.headers["ETag"]
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip() for t in if_none_match.split(",")]
        matched = "*" in tags or any(t.removeprefix("W/") == etag for t in tags)
    else:
        matched = _not_modified_since(reply.headers.get("Last-Modified"), headers.get("If-Modified-Since"))
    if not matched:
        return reply
    kept = {k: v for k, v in reply.headers.items() if k in ("ETag", "Last-Modified", "Cache-Control")}
    return dataclasses.replace(reply, status=304, body=b"", headers=kept)


def _not_modified_since(last_modified: str | None, since: str | None) -> bool:
    if not last_modified or not since:
        return False
    try:
        modified, cutoff = parsedate_to_datetime(last_modified), parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    if cutoff.tzinfo is None:
        cutoff = cutoff.replace(tzinfo=dt.UTC)
    return modified <= cutoff


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _http_date(moment: dt.datetime) -> str:
    return format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def _cookies(headers) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in headers.get_all("Cookie") or []:
        try:
            jar = SimpleCookie(raw)
        except CookieError:
            continue
        out |= {name: morsel.value for name, morsel in jar.items()}
    return out


class _Handler(BaseHTTPRequestHandler):
    replica: ReplicaServer  # set on the subclass made in ReplicaServer.start
    server_version = "wxrb-replica"
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: with Nagle's algorithm the body waited for the client's
    # delayed ACK, 40 ms per request on a reused connection (23 requests/s instead of ~6,000).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._answer("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path or "/"
        self.replica.record(path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_POST_BYTES:
            self.close_connection = True
            return self._send(path, Reply(413, b'{"error": "too large"}', JSON_TYPE), "POST")
        raw = self.rfile.read(length) if length else b""
        if path not in (EDIT_PATH, DELETE_PATH):
            reply = Reply(
                405, b'{"error": "POST only to /__replica__/edit or /__replica__/delete"}', JSON_TYPE
            )
            reply.headers["Allow"] = "GET, HEAD"
            return self._send(path, reply, "POST")
        try:
            data = json.loads(raw.decode("utf-8") or "{}")
            target = data["path"]
            if not isinstance(data, dict) or not isinstance(target, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return self._send(path, _json_reply(400, {"error": 'expected JSON {"path": "/doc/..."}'}), "POST")
        try:
            if path == EDIT_PATH:
                self.replica.edit_article(
                    target, extra_paragraph=data.get("extra_paragraph"), new_title=data.get("new_title")
                )
            else:
                self.replica.delete_article(target)
        except KeyError:
            return self._send(path, _json_reply(404, {"error": f"no article at {target}"}), "POST")
        result = {"path": target, "deleted": target in self.replica.deleted}
        if path == EDIT_PATH:
            page = self.replica.resolve(target)
            result |= {"etag": _etag(page.body), "last_modified": page.headers.get("Last-Modified")}
        self._send(path, _json_reply(200, result), "POST")

    def _answer(self, method: str) -> None:
        split = urlsplit(self.path)
        path = split.path or "/"
        count = self.replica.record(path)
        reply = self.replica.answer(method, path, split.query, self.headers, count)
        self._send(path, reply, method)

    def _send(self, path: str, reply: Reply, method: str) -> None:
        if reply.delay and self.replica._stopping.wait(reply.delay):
            return self._drop(path, reply)  # the server is stopping
        if reply.mode == "reset":
            return self._drop(path, reply)
        self.replica.note(path, reply.status, reply.fault)  # before the client can see the answer
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            if reply.status != 304:
                self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if reply.mode == "truncate":
                self.close_connection = True
                if method != "HEAD":
                    self.wfile.write(reply.body[: len(reply.body) // 2])
            elif method != "HEAD" and reply.status != 304:
                self.wfile.write(reply.body)
            self.wfile.flush()
        except OSError:  # the client went away (e.g. gave up on a timeout fault)
            self.close_connection = True

    def _drop(self, path: str, reply: Reply) -> None:
        """Close the connection without an answer; SO_LINGER 0 makes the close a TCP reset."""
        self.close_connection = True
        self.replica.note(path, NO_RESPONSE, reply.fault)
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        if self.replica.verbose:
            sys.stderr.write(f"{self.address_string()} {self.requestline!r} dropped ({reply.fault})\n")

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature of the base class)
        if self.replica.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def _json_reply(status: int, data: dict) -> Reply:
    return Reply(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), JSON_TYPE)


def serve_forever(
    host: str = DEFAULT_HOST,
    port: int = CLI_PORT,
    seed: int = DEFAULT_SEED,
    verbose: bool = False,
    faults: FaultPlan | None = None,
) -> None:
    """Run the replica in the foreground until Ctrl-C."""
    replica = ReplicaServer(host, port, seed, verbose, faults=faults).start()
    try:  # Ctrl-C may come as soon as the first line is out: a client can be that fast
        print(f"wxrb replica serving at {replica.base_url}/", flush=True)
        print(f"  {replica.summary()}; manifest at {replica.base_url}{MANIFEST_PATH}", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        replica.stop()
