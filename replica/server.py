"""A local HTTP server for the replica, for tests (``ReplicaServer``) and the CLI (``serve_forever``).

All pages are rendered once at start-up; requests only look them up. Every request
path (query string removed) is counted in ``ReplicaServer.requests`` so tests can
assert what a crawler fetched, including paths it should never have asked for.

    with ReplicaServer() as replica:
        fetch(replica.base_url + "/")
        assert replica.requests["/search/"] == 0
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from replica.content import DEFAULT_SEED, build_site
from replica.templates import MANIFEST_PATH, TRAP_PREFIXES, Page, build_routes, not_found_page, trap_page

DEFAULT_HOST = "127.0.0.1"
CLI_PORT = 8000
STOP_TIMEOUT_SECONDS = 5


class ReplicaServer:
    """The replica on a background thread; ``port=0`` picks a free port."""

    def __init__(
        self, host: str = DEFAULT_HOST, port: int = 0, seed: int = DEFAULT_SEED, verbose: bool = False
    ):
        self.host = host
        self.port = port
        self.verbose = verbose
        self.site = build_site(seed)
        self.routes = build_routes(self.site)
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ReplicaServer:
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
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_SECONDS)
        self._httpd = self._thread = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def resolve(self, path: str) -> Page:
        """The page for a request path (query string already removed)."""
        page = self.routes.get(path)
        if page is not None:
            return page
        if path.startswith(TRAP_PREFIXES):
            return trap_page(path)
        return not_found_page()

    def record(self, path: str) -> None:
        with self._lock:
            self.requests[path] += 1

    def summary(self) -> str:
        site = self.site
        filled = sum(1 for c in site.channels if site.channel_articles(c.name))
        return (
            f"{len(site.articles)} articles, {site.start_date}..{site.end_date}, "
            f"{filled}/{len(site.channels)} channels with articles, seed {site.seed}"
        )


class _Handler(BaseHTTPRequestHandler):
    replica: ReplicaServer  # set on the subclass made in ReplicaServer.start
    server_version = "wxrb-replica"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        path = urlsplit(self.path).path or "/"
        self.replica.record(path)
        page = self.replica.resolve(path)
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(page.body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature of the base class)
        if self.replica.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def serve_forever(
    host: str = DEFAULT_HOST, port: int = CLI_PORT, seed: int = DEFAULT_SEED, verbose: bool = False
) -> None:
    """Run the replica in the foreground until Ctrl-C."""
    replica = ReplicaServer(host, port, seed, verbose).start()
    print(f"wxrb replica serving at {replica.base_url}/", flush=True)
    print(f"  {replica.summary()}; manifest at {replica.base_url}{MANIFEST_PATH}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        replica.stop()
