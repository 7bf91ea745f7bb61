"""Fault mode for the replica: a site that fights back, reproducibly.

``FaultPlan`` says which article paths misbehave and how. Which path gets which fault is a
pure function of (plan seed, path, the site's article list); what a request sees is a pure
function of that plus the number of requests the server has counted for the path (and, for
two kinds, the query string or a cookie). No clock and no global random generator are
involved, so the same plan against the same site always misbehaves the same way.

    plan = FaultPlan.default(seed=7)                 # every per-path kind on, short of globals
    plan = FaultPlan.only("slow", slow_delay=0.2)    # just one kind
    with ReplicaServer(faults=plan) as replica:
        plan.paths_with("slow", replica.site)        # the article paths that are slow

The exact behaviour of every kind is documented in replica/README.md ("Fault mode").
Standard library only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs

from replica.content import Site

# Per-path kinds, in dealing order: candidates are handed out to the kinds in this order.
KINDS = (
    "burst_5xx",
    "slow",
    "timeout",
    "reset",
    "truncated",
    "deleted",
    "redirect",
    "redirect_offsite",
    "challenge",
    "gbk",
    "oversize",
    "robots_disallow",
)
DEFAULT_COUNTS = {kind: 2 for kind in KINDS} | {"redirect_offsite": 1, "oversize": 1, "robots_disallow": 1}
DEFAULT_SEED = 7
REDIRECT_QUERY = "redirected=1"  # the 301 target: the same path with this query string
CHALLENGE_COOKIE = "__jsluid_h"
WAF_COOKIE = "safedog-flow-item"
CONTROL_PREFIX = "/__replica__/"  # the replica's own endpoints are never faulted
FIRST_REQUEST_ONLY = ("timeout", "reset", "truncated")
_META_UTF8 = re.compile(r'<meta\s+charset="?utf-8"?\s*/?>', re.IGNORECASE)


@dataclass(frozen=True)
class Action:
    """What one request to a faulted path gets (``FaultPlan.action``).

    ``kind`` is the fault kind (or ``"waf_403"`` / ``"challenge_all"`` for the global switches);
    the other fields are the details the server needs for it.
    """

    kind: str
    status: int | None = None  # burst_5xx: the 5xx; redirect*: 301/302; deleted: 404; waf: 403
    delay: float = 0.0  # slow / timeout: seconds to wait before answering
    location: str | None = None  # redirect / redirect_offsite
    charset: str | None = None  # gbk: "gbk" when declared, None when not declared anywhere


@dataclass
class FaultPlan:
    """Which article paths misbehave and how; every field may be changed at run time.

    The assignment of paths to kinds depends only on ``seed``, ``window``, ``counts`` and
    the site: candidates (the site's articles inside ``window``, except the mirror-copy
    seed article) are ranked by ``sha256(f"{seed}:{path}")`` and dealt out in ``KINDS``
    order, ``counts[kind]`` each, so the subsets are disjoint. ``kinds`` only switches kinds
    on and off; a disabled kind keeps its paths (they behave normally), so switching one kind
    off never moves another kind's paths.
    """

    seed: int = DEFAULT_SEED
    kinds: frozenset[str] = frozenset(KINDS)  # enabled per-path kinds
    counts: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_COUNTS))
    window: tuple[dt.date | str, dt.date | str] | None = None  # inclusive; None = every day
    burst_5xx_requests: int = 2  # the first N requests of a burst_5xx path fail
    burst_5xx_statuses: tuple[int, ...] = (500, 502, 503)  # cycled through
    slow_delay: float = 3.0  # seconds, every request of a slow path
    timeout_delay: float = 20.0  # seconds, first request of a timeout path
    oversize_bytes: int = 12 * 1024 * 1024  # exact body size of the oversize path
    offsite_base: str = "https://evil.example.net"  # where redirect_offsite points
    waf_block: bool = False  # global: every request answers 403 (safedog)
    challenge_all: bool = False  # global: every request answers the cookie challenge

    def __post_init__(self) -> None:
        self.kinds = frozenset(self.kinds)
        unknown = set(self.kinds) - set(KINDS)
        unknown |= set(self.counts) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}; known: {', '.join(KINDS)}")
        self.counts = dict(DEFAULT_COUNTS) | dict(self.counts)
        self._cache: tuple[tuple, dict[str, list[str]]] | None = None

    # --- constructors ---------------------------------------------------------------------

    @classmethod
    def default(cls, seed: int = DEFAULT_SEED, **fields) -> FaultPlan:
        """Every per-path kind on, default parameters; global switches off."""
        return cls(seed=seed, **fields)

    @classmethod
    def only(cls, *kinds: str, seed: int = DEFAULT_SEED, **fields) -> FaultPlan:
        """Just these per-path kinds on (none: only the global switches matter)."""
        return cls(seed=seed, kinds=frozenset(kinds), **fields)

    # --- which paths ------------------------------------------------------------------------

    def assignment(self, site: Site, include_disabled: bool = False) -> dict[str, list[str]]:
        """kind -> its article paths (sorted); disabled kinds map to [] unless include_disabled."""
        dealt = self._dealt(site)
        return {k: list(v) if include_disabled or k in self.kinds else [] for k, v in dealt.items()}

    def paths_with(self, kind: str, site: Site) -> list[str]:
        """The article paths that get ``kind`` (sorted); [] when the kind is switched off."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        return self.assignment(site)[kind]

    def kind_of(self, path: str, site: Site) -> str | None:
        """The enabled kind of an article path, or None."""
        for kind, paths in self.assignment(site).items():
            if path in paths:
                return kind
        return None

    def gbk_declared(self, site: Site) -> list[str]:
        """gbk paths served with ``charset=gbk`` in the header and the meta tag (every other one)."""
        return self.paths_with("gbk", site)[0::2]

    def gbk_undeclared(self, site: Site) -> list[str]:
        """gbk paths served with no charset anywhere (header ``text/html``, no meta)."""
        return self.paths_with("gbk", site)[1::2]

    @property
    def challenge_cookie(self) -> str:
        """The ``__jsluid_h`` value the challenge sets and expects back (derived from the seed)."""
        return hashlib.sha256(f"jsluid:{self.seed}".encode()).hexdigest()[:32]

    def robots_lines(self, site: Site) -> list[str]:
        """Extra robots.txt lines in fault mode."""
        return [f"Disallow: {path}" for path in self.paths_with("robots_disallow", site)]

    def describe(self, site: Site) -> dict:
        """The ``faults`` object of the manifest served in fault mode."""
        out: dict = {"seed": self.seed, "waf_block": self.waf_block, "challenge_all": self.challenge_all}
        out |= self.assignment(site)
        out["gbk_undeclared"] = self.gbk_undeclared(site)
        return out

    # --- what a request gets -------------------------------------------------------------------

    def action(
        self, site: Site, path: str, count: int, *, query: str = "", cookies: dict[str, str] | None = None
    ) -> Action | None:
        """The fault for the ``count``-th request (1-based) of ``path``, or None for a normal answer.

        Pure: depends on the plan, the site, ``path``, ``count``, the query string (redirect) and
        the request's cookies (challenge) only.
        """
        if path.startswith(CONTROL_PREFIX):
            return None
        if self.waf_block:
            return Action("waf_403", status=403)
        if self.challenge_all:
            return Action("challenge_all", status=200)
        kind = self.kind_of(path, site)
        if kind is None:
            return None
        if kind in FIRST_REQUEST_ONLY and count != 1:
            return None
        if kind == "burst_5xx":
            if count > self.burst_5xx_requests:
                return None
            statuses = self.burst_5xx_statuses
            return Action(kind, status=statuses[(count - 1) % len(statuses)])
        if kind == "slow":
            return Action(kind, delay=self.slow_delay)
        if kind == "timeout":
            return Action(kind, delay=self.timeout_delay)
        if kind in ("reset", "truncated", "oversize"):
            return Action(kind)
        if kind == "deleted":
            return Action(kind, status=404)
        if kind == "redirect":
            if parse_qs(query).get("redirected") == ["1"]:
                return None
            return Action(kind, status=301, location=f"{path}?{REDIRECT_QUERY}")
        if kind == "redirect_offsite":
            return Action(kind, status=302, location=self.offsite_base.rstrip("/") + path)
        if kind == "challenge":
            if (cookies or {}).get(CHALLENGE_COOKIE) == self.challenge_cookie:
                return None
            return Action(kind, status=200)
        if kind == "gbk":
            return Action(kind, charset="gbk" if path in self.gbk_declared(site) else None)
        return None  # robots_disallow: the page itself is normal

    # --- internals ---------------------------------------------------------------------------

    def _dealt(self, site: Site) -> dict[str, list[str]]:
        window = _window(self.window)
        key = (self.seed, window, tuple(sorted(self.counts.items())), site.seed, len(site.articles))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        candidates = [
            a.path
            for a in site.articles
            if "mirror_garbling" not in a.noise and (window is None or window[0] <= a.date <= window[1])
        ]
        candidates.sort(key=lambda p: hashlib.sha256(f"{self.seed}:{p}".encode()).hexdigest())
        dealt: dict[str, list[str]] = {}
        for kind in KINDS:
            take = max(0, self.counts.get(kind, 0))
            dealt[kind], candidates = sorted(candidates[:take]), candidates[take:]
        self._cache = (key, dealt)
        return dealt


def _window(window) -> tuple[dt.date, dt.date] | None:
    if window is None:
        return None
    start, end = (d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in window)
    return start, end


# --- page bodies -----------------------------------------------------------------------------------


def waf_page() -> bytes:
    """The safedog block page (403)."""
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>网站防火墙</title>\n</head>\n'
        "<body>\n<h1>您的请求带有不合法参数，已被网站管理员设置拦截！</h1>\n"
        "<p>网站防火墙 安全狗（safedog）：您的访问被拒绝。可能原因：访问频率过高或请求特征异常。</p>\n"
        "<p>Powered by safedog 网站安全狗</p>\n</body>\n</html>\n"
    ).encode()


def challenge_page(cookie_value: str) -> bytes:
    """The JavaScript/cookie challenge (200): sets ``__jsluid_h`` and reloads; no article markup."""
    value = escape(cookie_value)
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>安全验证</title>\n</head>\n'
        "<body>\n<p>正在验证您的浏览器，请稍候……</p>\n"
        f'<script>document.cookie = "{CHALLENGE_COOKIE}={value}; path=/";'
        " window.location.reload();</script>\n"
        "<noscript><p>请开启JavaScript并刷新该页。</p></noscript>\n</body>\n</html>\n"
    ).encode()


def error_page(status: int) -> bytes:
    """The small body of a burst_5xx answer."""
    return (
        f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>{status}</title>\n</head>\n'
        f"<body>\n<h1>{status}</h1>\n<p>服务器繁忙，请稍后再试。</p>\n</body>\n</html>\n"
    ).encode()


def to_gbk(body: bytes, declared: bool) -> bytes:
    """The UTF-8 page re-encoded as GBK; the meta charset becomes gbk, or is removed.

    Characters GBK cannot encode (none in generated pages) become numeric character
    references, so the decoded text stays the same.
    """
    text = body.decode("utf-8")
    text = _META_UTF8.sub('<meta charset="gbk">' if declared else "", text, count=1)
    return text.encode("gbk", errors="xmlcharrefreplace")


def pad_to(body: bytes, size: int) -> bytes:
    """The page with an HTML comment before ``</body>`` so that it is exactly ``size`` bytes."""
    marker = b"</body>"
    at = body.rfind(marker)
    if at < 0:
        at = len(body)
    opening, closing = b"<!-- padding\n", b"\n-->\n"
    room = size - len(body) - len(opening) - len(closing)
    if room < 0:
        return body
    line = b"x" * 99 + b"\n"
    filler = (line * (room // len(line) + 1))[:room]
    return body[:at] + opening + filler + closing + body[at:]
