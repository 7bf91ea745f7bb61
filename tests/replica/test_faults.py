"""Fault mode, conditional requests and edits of the replica, proven over raw HTTP
(http.client and sockets, no Scrapy): every fault kind of replica/faults.py happens as
replica/README.md says, reproducibly from the plan's seed, and nothing changes without a plan."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from replica.content import build_site
from replica.faults import KINDS, FaultPlan
from replica.server import ReplicaServer
from replica.templates import MANIFEST_PATH, build_routes

REPO = Path(__file__).resolve().parents[2]
SITE = build_site()
ROUTES = build_routes(SITE)


def get(server: ReplicaServer, path: str, headers: dict | None = None, method: str = "GET", timeout=5.0):
    """One request on a fresh connection, no redirects followed: (status, headers, body)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def post(server: ReplicaServer, path: str, data) -> tuple[int, dict]:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    try:
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read().decode())
    finally:
        connection.close()


def served_manifest(server: ReplicaServer) -> dict:
    status, _, body = get(server, MANIFEST_PATH)
    assert status == 200
    return json.loads(body.decode("utf-8"))


def entry_of(manifest: dict, path: str) -> dict:
    return next(e for e in manifest["articles"] if e["url"] == path)


def raw_exchange(server: ReplicaServer, path: str, timeout: float = 5.0) -> bytes:
    """Send a GET on a raw socket and read until the server closes; raises on a reset."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: replica\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def soup(body: bytes, encoding: str = "utf-8") -> BeautifulSoup:
    return BeautifulSoup(body.decode(encoding), "lxml")


# --- the plan: deterministic, disjoint, switchable -------------------------------------------------


def test_same_seed_same_paths_different_seed_different_paths():
    first, again = FaultPlan.default(seed=7), FaultPlan.default(seed=7)
    assignment = first.assignment(SITE)
    assert assignment == again.assignment(SITE) == FaultPlan.default(seed=7).assignment(build_site())
    assert FaultPlan.default(seed=8).assignment(SITE) != assignment
    assert set(assignment) == set(KINDS)
    article_paths = {a.path for a in SITE.articles}
    every = [p for paths in assignment.values() for p in paths]
    assert len(every) == len(set(every)), "kinds must not share paths"
    assert set(every) <= article_paths
    seed_article = next(a.path for a in SITE.articles if "mirror_garbling" in a.noise)
    assert seed_article not in every
    for kind in KINDS:
        expected = 1 if kind in ("redirect_offsite", "oversize", "robots_disallow") else 2
        assert len(assignment[kind]) == expected, kind
    assert len(first.gbk_declared(SITE)) == len(first.gbk_undeclared(SITE)) == 1


def test_switching_kinds_off_does_not_move_the_others():
    full = FaultPlan.default(seed=11).assignment(SITE)
    only_slow = FaultPlan.only("slow", seed=11)
    assert only_slow.paths_with("slow", SITE) == full["slow"]
    assert only_slow.paths_with("burst_5xx", SITE) == []
    assert only_slow.assignment(SITE, include_disabled=True) == full
    with pytest.raises(ValueError):
        FaultPlan.only("no_such_kind")


def test_window_limits_the_candidates():
    plan = FaultPlan.default(seed=3, window=("2026-11-18", "2026-11-21"))
    every = [p for paths in plan.assignment(SITE).values() for p in paths]
    assert every and all(p.split("/")[4] in {"18", "19", "20", "21"} for p in every)


def test_actions_are_a_pure_function_of_seed_path_and_count():
    def trace(plan):
        return [
            plan.action(SITE, path, count, query="", cookies={})
            for path in [a.path for a in SITE.articles]
            for count in (1, 2, 3)
        ]

    assert trace(FaultPlan.default(seed=5)) == trace(FaultPlan.default(seed=5))
    assert trace(FaultPlan.default(seed=5)) != trace(FaultPlan.default(seed=6))


# --- the fault kinds ----------------------------------------------------------------------------------


def test_burst_5xx_then_normal_and_two_servers_agree():
    plan = FaultPlan.only("burst_5xx", burst_5xx_requests=4)
    seen = []
    for _ in range(2):
        with ReplicaServer(faults=plan) as server:
            path = server.fault_paths("burst_5xx")[0]
            statuses = [get(server, path)[0] for _ in range(6)]
            seen.append(statuses)
            assert server.responses[(path, 500)] == 2 and server.responses[(path, 200)] == 2
            assert server.fault_hits[(path, "burst_5xx")] == 4
            _, _, body = get(server, path)
            assert body == ROUTES[path].body
    assert seen[0] == seen[1] == [500, 502, 503, 500, 200, 200]


def test_slow_answers_late_every_time():
    plan = FaultPlan.only("slow", slow_delay=0.4)
    with ReplicaServer(faults=plan) as server:
        path = server.fault_paths("slow")[0]
        for _ in range(2):
            started = time.monotonic()
            status, _, body = get(server, path)
            assert time.monotonic() - started >= 0.4
            assert status == 200 and body == ROUTES[path].body
        started = time.monotonic()
        get(server, "/")  # other pages are not slow
        assert time.monotonic() - started < 0.4


def test_timeout_on_the_first_request_only():
    plan = FaultPlan.only("timeout", timeout_delay=3.0)
    with ReplicaServer(faults=plan) as server:
        path = server.fault_paths("timeout")[0]
        with pytest.raises(TimeoutError):
            get(server, path, timeout=0.5)
        started = time.monotonic()
        status, _, body = get(server, path, timeout=2)
        assert status == 200 and body == ROUTES[path].body
        assert time.monotonic() - started < 1


def test_reset_closes_without_a_response_on_the_first_request():
    with ReplicaServer(faults=FaultPlan.only("reset")) as server:
        path = server.fault_paths("reset")[0]
        with pytest.raises(ConnectionResetError):
            raw_exchange(server, path)
        assert get(server, path)[0] == 200
        assert server.responses[(path, 0)] == 1 and server.responses[(path, 200)] == 1
        other = server.fault_paths("reset")[1]
        with pytest.raises(ConnectionError):  # http.client: reset or RemoteDisconnected
            get(server, other)


def test_truncated_body_shorter_than_content_length_on_the_first_request():
    with ReplicaServer(faults=FaultPlan.only("truncated")) as server:
        path = server.fault_paths("truncated")[0]
        raw = raw_exchange(server, path)
        head, _, body = raw.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        length = int(
            next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))[15:]
        )
        assert length == len(ROUTES[path].body) and 0 < len(body) < length
        status, _, body = get(server, path)
        assert status == 200 and body == ROUTES[path].body
        with pytest.raises(http.client.IncompleteRead):
            get(server, server.fault_paths("truncated")[1])


def test_deleted_is_404_always_and_listed_in_the_manifest():
    with ReplicaServer(faults=FaultPlan.only("deleted")) as server:
        deleted = server.fault_paths("deleted")
        assert len(deleted) == 2
        for path in deleted:
            assert [get(server, path)[0] for _ in range(3)] == [404, 404, 404]
        manifest = served_manifest(server)
        assert manifest["faults"]["deleted"] == deleted
        assert all(entry_of(manifest, p)["deleted"] is True for p in deleted)
        assert all("deleted" not in e for e in manifest["articles"] if e["url"] not in deleted)


def test_redirect_in_site_and_off_site():
    with ReplicaServer(faults=FaultPlan.only("redirect", "redirect_offsite")) as server:
        for path in server.fault_paths("redirect"):
            status, headers, _ = get(server, path)
            assert (status, headers["Location"]) == (301, path + "?redirected=1")
            status, _, body = get(server, headers["Location"])
            assert status == 200 and body == ROUTES[path].body
            assert get(server, path)[0] == 301  # permanent: the old URL keeps redirecting
        [offsite] = server.fault_paths("redirect_offsite")
        status, headers, _ = get(server, offsite)
        assert status == 302 and headers["Location"] == "https://evil.example.net" + offsite


def test_waf_block_answers_403_everywhere_and_can_be_switched_off():
    plan = FaultPlan.only(waf_block=True)
    with ReplicaServer(faults=plan) as server:
        article = SITE.articles[5].path
        for path in ("/", "/robots.txt", article, "/news/", "/no/such/page"):
            status, headers, body = get(server, path)
            assert status == 403, path
            text = body.decode("utf-8")
            assert "安全狗" in text and "safedog" in text
            assert "Set-Cookie" in headers
        assert get(server, MANIFEST_PATH)[0] == 200  # the replica's own endpoint is exempt
        plan.waf_block = False
        assert get(server, "/")[0] == 200
        assert get(server, article)[2] == ROUTES[article].body


def test_challenge_passes_with_the_cookie_it_sets():
    plan = FaultPlan.only("challenge")
    with ReplicaServer(faults=plan) as server:
        path = server.fault_paths("challenge")[0]
        for _ in range(2):  # a client without a cookie jar never gets past it
            status, headers, body = get(server, path)
            text = body.decode("utf-8")
            assert status == 200 and 'id="zoom"' not in text and "bigTit" not in text
            assert (
                "<script>" in text
                and 'document.cookie = "__jsluid_h=' in text
                and "正在验证您的浏览器" in text
            )
            assert len(body) < 20_000
        cookie = headers["Set-Cookie"].split(";")[0]
        assert cookie == f"__jsluid_h={plan.challenge_cookie}"
        status, _, body = get(server, path, headers={"Cookie": f"other=1; {cookie}"})
        assert status == 200 and body == ROUTES[path].body
        assert get(server, path, headers={"Cookie": "__jsluid_h=wrong"})[2] != ROUTES[path].body
        assert get(server, "/")[2] == ROUTES["/"].body  # other pages are not challenged


def test_challenge_all_can_never_be_passed():
    plan = FaultPlan.only(challenge_all=True)
    with ReplicaServer(faults=plan) as server:
        cookie = {"Cookie": f"__jsluid_h={plan.challenge_cookie}"}
        for path in ("/", "/robots.txt", SITE.articles[0].path):
            status, _, body = get(server, path, headers=cookie)
            assert status == 200 and "正在验证您的浏览器" in body.decode("utf-8"), path
        assert get(server, MANIFEST_PATH)[0] == 200


def test_gbk_pages_have_the_same_text_declared_or_not():
    plan = FaultPlan.only("gbk")
    with ReplicaServer(faults=plan) as server:
        [declared], [undeclared] = plan.gbk_declared(server.site), plan.gbk_undeclared(server.site)
        assert sorted([declared, undeclared]) == server.fault_paths("gbk")

        status, headers, body = get(server, declared)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=gbk"
        normal = ROUTES[declared].body.decode("utf-8")
        assert body.decode("gbk") == normal.replace('<meta charset="utf-8">', '<meta charset="gbk">')
        assert body != ROUTES[declared].body
        assert int(headers["Content-Length"]) == len(body)

        status, headers, body = get(server, undeclared)
        assert status == 200 and headers["Content-Type"] == "text/html"
        assert b"charset" not in body.lower()
        normal = ROUTES[undeclared].body.decode("utf-8")
        assert body.decode("gbk") == normal.replace('<meta charset="utf-8">', "")
        served, expected = soup(body, "gbk"), soup(ROUTES[undeclared].body)
        assert (served.title.string, served.body.get_text()) == (
            expected.title.string,
            expected.body.get_text(),
        )
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")


def test_oversize_is_12_mb_with_a_correct_content_length():
    with ReplicaServer(faults=FaultPlan.only("oversize")) as server:
        [path] = server.fault_paths("oversize")
        status, headers, body = get(server, path, timeout=20)
        assert status == 200 and int(headers["Content-Length"]) == len(body) == 12 * 1024 * 1024
        normal = soup(ROUTES[path].body)
        assert soup(body).select_one("div#zoom").get_text() == normal.select_one("div#zoom").get_text()
        status, headers, body = get(server, path, method="HEAD")
        assert status == 200 and body == b"" and int(headers["Content-Length"]) == 12 * 1024 * 1024


def test_robots_txt_disallows_one_article_in_fault_mode():
    with ReplicaServer(faults=FaultPlan.only("robots_disallow")) as server:
        [path] = server.fault_paths("robots_disallow")
        lines = get(server, "/robots.txt")[2].decode().splitlines()
        assert lines == [*ROUTES["/robots.txt"].body.decode().splitlines(), f"Disallow: {path}"]
        assert get(server, path)[0] == 200  # still served, so a test can see a crawler that asked
        assert served_manifest(server)["faults"]["robots_disallow"] == [path]


def test_default_plan_serves_every_kind_at_once():
    plan = FaultPlan.default(seed=7, slow_delay=0.1, timeout_delay=0.5, oversize_bytes=200_000)
    with ReplicaServer(faults=plan) as server:
        manifest = served_manifest(server)
        for kind in KINDS:
            assert manifest["faults"][kind] == server.fault_paths(kind), kind
            for path in server.fault_paths(kind):
                assert entry_of(manifest, path)["fault"] == kind
        burst = server.fault_paths("burst_5xx")[0]
        assert get(server, burst)[0] == 500
        assert get(server, server.fault_paths("deleted")[0])[0] == 404
        assert get(server, server.fault_paths("redirect")[0])[0] == 301
        # list pages and the home page are never faulted by per-path kinds
        assert get(server, "/")[2] == ROUTES["/"].body
        assert get(server, "/news/wxxw/index.shtml")[2] == ROUTES["/news/wxxw/index.shtml"].body


# --- conditional requests --------------------------------------------------------------------------------


def test_etag_last_modified_and_304():
    with ReplicaServer() as server:
        article = SITE.articles[10]
        status, headers, body = get(server, article.path)
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert etag.startswith('"') and etag.endswith('"') and len(etag) > 10
        assert parsedate_to_datetime(modified) == article.published_at
        assert get(server, article.path)[1]["ETag"] == etag  # stable

        status, headers, body = get(server, article.path, {"If-None-Match": etag})
        assert status == 304 and body == b"" and headers["ETag"] == etag
        status, _, body = get(server, article.path, {"If-None-Match": etag}, method="HEAD")
        assert status == 304 and body == b""
        assert get(server, article.path, {"If-None-Match": '"other"'})[0] == 200
        assert get(server, article.path, {"If-Modified-Since": modified})[0] == 304
        earlier = format_datetime(
            article.published_at.astimezone(dt.UTC) - dt.timedelta(seconds=1), usegmt=True
        )
        assert get(server, article.path, {"If-Modified-Since": earlier})[0] == 200
        # If-None-Match wins over If-Modified-Since
        assert (
            get(server, article.path, {"If-None-Match": '"other"', "If-Modified-Since": modified})[0] == 200
        )
        assert server.responses[(article.path, 304)] == 3

        status, headers, _ = get(server, "/")
        assert headers["Last-Modified"] == "Sat, 21 Nov 2026 15:59:00 GMT"  # end date 23:59 in Wuxi
        assert get(server, "/", {"If-None-Match": headers["ETag"]})[0] == 304
        assert get(server, "/", {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        list_headers = get(server, "/news/wxxw/index.shtml")[1]
        assert list_headers["ETag"] != headers["ETag"]
        assert "ETag" not in get(server, "/robots.txt")[1]  # HTML only
        assert "ETag" not in get(server, "/news/")[1]  # 301


# --- edits and deletions ------------------------------------------------------------------------------------


def plain_article():
    """An article whose first #zoom paragraph is plain text (no inline byline)."""
    return next(a for a in SITE.articles if not {"inline_byline", "mirror_garbling"} & set(a.noise))


def test_edit_article_changes_body_etag_last_modified_and_manifest():
    article = plain_article()
    with ReplicaServer() as server:
        _, before, old_body = get(server, article.path)
        server.edit_article(article.path, extra_paragraph="更正：本文发布后有补充。", new_title="新的标题")
        status, after, body = get(server, article.path)
        assert status == 200 and body != old_body and after["ETag"] != before["ETag"]
        assert parsedate_to_datetime(after["Last-Modified"]) > parsedate_to_datetime(before["Last-Modified"])
        page = soup(body)
        assert page.select_one(".bigTit h1 strong").get_text() == "新的标题"
        assert page.select_one("div#zoom > p").get_text() == "\u3000\u3000更正：本文发布后有补充。"
        # the crawler's stored validators no longer match
        assert get(server, article.path, {"If-None-Match": before["ETag"]})[0] == 200
        assert get(server, article.path, {"If-Modified-Since": before["Last-Modified"]})[0] == 200
        assert get(server, article.path, {"If-None-Match": after["ETag"]})[0] == 304

        entry = entry_of(served_manifest(server), article.path)
        assert entry["edited"] is True and entry["title"] == "新的标题"
        assert entry["paragraphs"] == ["更正：本文发布后有补充。", *article.paragraphs]
        others = [e for e in served_manifest(server)["articles"] if e["url"] != article.path]
        assert all("edited" not in e for e in others)
        with pytest.raises(KeyError):
            server.edit_article("/doc/2026/11/10/1.shtml", new_title="x")


def test_edit_over_http_and_edits_accumulate():
    article = plain_article()
    with ReplicaServer() as server:
        status, result = post(server, "/__replica__/edit", {"path": article.path, "new_title": "标题一"})
        assert status == 200 and result["path"] == article.path
        assert get(server, article.path)[1]["ETag"] == result["etag"]
        status, _ = post(server, "/__replica__/edit", {"path": article.path, "extra_paragraph": "补充一。"})
        assert status == 200
        entry = entry_of(served_manifest(server), article.path)
        assert entry["title"] == "标题一" and entry["paragraphs"][0] == "补充一。"
        assert post(server, "/__replica__/edit", {"path": "/nope"})[0] == 404
        assert post(server, "/__replica__/edit", b"not json")[0] == 400
        assert post(server, "/", {"path": article.path})[0] == 405


def test_concurrent_edits_are_all_kept():
    article = plain_article()
    with ReplicaServer() as server:

        def edit(worker: int) -> None:
            for n in range(5):
                server.edit_article(article.path, extra_paragraph=f"补充{worker}-{n}。")

        threads = [threading.Thread(target=edit, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        entry = entry_of(served_manifest(server), article.path)
        assert len(entry["paragraphs"]) == len(article.paragraphs) + 40
        zoom = soup(get(server, article.path)[2]).select_one("div#zoom")
        assert all(f"补充{w}-{n}。" in zoom.get_text() for w in range(8) for n in range(5))


def test_delete_article_gives_404():
    article = SITE.articles[3]
    with ReplicaServer() as server:
        assert get(server, article.path)[0] == 200
        server.delete_article(article.path)
        assert get(server, article.path)[0] == 404
        assert entry_of(served_manifest(server), article.path)["deleted"] is True
        other = SITE.articles[4].path
        assert post(server, "/__replica__/delete", {"path": other})[0] == 200
        assert get(server, other)[0] == 404
        with pytest.raises(KeyError):
            server.edit_article(article.path, new_title="x")


# --- without a plan nothing changes -----------------------------------------------------------------------------


def test_no_plan_serves_the_plain_site():
    with ReplicaServer() as server, ReplicaServer(faults=FaultPlan.only()) as idle:
        for path, page in ROUTES.items():
            status, headers, body = get(server, path)
            assert (status, body) == (page.status, page.body), path
            for name, value in page.headers.items():
                assert headers[name] == value
            if path != "/robots.txt" and path != MANIFEST_PATH:
                assert get(idle, path)[:3:2] == (page.status, page.body), path
        assert served_manifest(server) == json.loads(ROUTES[MANIFEST_PATH].body)
        assert "faults" not in served_manifest(server)
        assert get(server, "/robots.txt")[2] == ROUTES["/robots.txt"].body
        assert get(idle, "/robots.txt")[2] == ROUTES["/robots.txt"].body  # no robots_disallow kind on
        assert server.responses[("/", 200)] == 1 and not server.fault_hits


def test_edit_keeps_an_inline_byline_in_front():
    article = next(a for a in SITE.articles if "inline_byline" in a.noise)
    with ReplicaServer() as server:
        server.edit_article(article.path, extra_paragraph="更正：补充一段说明。")
        first = soup(get(server, article.path)[2]).select_one("div#zoom > p").get_text().strip()
        assert first == f"{article.dateline}（{article.byline}）更正：补充一段说明。"
        assert entry_of(served_manifest(server), article.path)["paragraphs"][:2] == [
            "更正：补充一段说明。",
            article.paragraphs[0],
        ]


def test_cli_fault_flags():
    process = subprocess.Popen(
        [sys.executable, "-m", "replica", "--port", "0", "--faults", "--fault-seed", "3"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = process.stdout.readline()
        assert "fault mode (seed 3)" in process.stdout.readline()
        port = int(re.search(r"http://[\d.]+:(\d+)", first_line).group(1))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/robots.txt")
        robots = connection.getresponse().read().decode()
        connection.close()
        [path] = FaultPlan.default(seed=3).paths_with("robots_disallow", SITE)
        assert f"Disallow: {path}" in robots.splitlines()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
