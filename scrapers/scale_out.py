"""Scale-out: several crawl processes share one request queue and dupefilter in Redis.

``scrapers/settings.py`` star-imports this module when ``REDIS_URL`` is set; only the
UPPER-CASE names in ``__all__`` become Scrapy settings. How to run it: docs/scale-out.md.

Built on scrapy-redis 0.9.1 (its Redis connection, its priority queue and pickle
serializer, its request fingerprint), which does load and run under Scrapy 2.19 with the
async ``start()``: the engine accepts its scheduler (the interface is checked by duck
typing) and start requests go through ``enqueue_request`` like any other. Its scheduler
is subclassed because, as it is, it does not split one backfill safely:

* ``SCHEDULER_PERSIST = False`` (its default): the first process to go idle deletes the
  queue and the dupefilter while the others are still crawling, so they lose requests
  and fetch pages twice.
* ``SCHEDULER_PERSIST = True``: the dupefilter outlives the crawl, so the next crawl of
  the same window (tomorrow's incremental run, a re-run after a failure) has even its
  home page filtered and fetches nothing.
* A process closes as soon as the shared queue is momentarily empty, e.g. while another
  process is still downloading the home page: it does no work and its crawl run says
  ``failed``.
* Its keys hold only the spider name, so two crawls of different windows would mix.
* It passes ``spider=`` to the stats and calls ``Spider.log()``, both deprecated in 2.19.

``SharedScheduler`` therefore keeps, per *job* (spider, source, site, window, revalidation,
optional ``WXRB_CRAWL_JOB`` label), a registry of workers in Redis. A worker is ``busy``
from the moment it pops a request (atomically, in the same Lua script) until its engine
is idle again; it closes only when the queue is empty and every live worker is idle. The
last worker to leave deletes the job's keys, so the next crawl starts clean and skips what
is stored through ``known_pages`` as usual. Workers send a heartbeat; one not heard from
for ``WXRB_REDIS_WORKER_LEASE_S`` is dropped (the requests it was fetching are lost for
this job: run the crawl again afterwards), and a job whose workers are all gone is
wiped when a new worker joins it.

Requests that skip the dupefilter (``dont_filter``: retries and the second try after a WAF
challenge) stay in the process that made them, which holds the cookies the challenge set
(each process has its own cookie jar). It hands them to the shared queue if it stops early.

Requests are pickled (scrapy-redis' serializer): the Redis server must be trusted and
reachable only by the crawlers.

``python -m scrapers.scale_out jobs`` lists the jobs in Redis, ``... clear JOB|--all``
deletes them.
"""

from __future__ import annotations

import collections
import logging
import os
import re
import socket
import sys
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "REDIS_URL",
    "SCHEDULER",
    "DUPEFILTER_CLASS",
    "SCHEDULER_QUEUE_CLASS",
    "SCHEDULER_SERIALIZER",
    "SCHEDULER_QUEUE_KEY",
    "SCHEDULER_DUPEFILTER_KEY",
    "SCHEDULER_PERSIST",
    "WXRB_CRAWL_JOB",
    "WXRB_REDIS_WORKER_LEASE_S",
    "WXRB_REDIS_POLL_S",
]

# --- settings (imported into scrapers/settings.py when REDIS_URL is set) -------------------
REDIS_URL = os.environ.get("REDIS_URL", "")  # redis://host:6379/0, rediss://…, unix:///path/redis.sock
SCHEDULER = "scrapers.scale_out.SharedScheduler"
DUPEFILTER_CLASS = "scrapy_redis.dupefilter.RFPDupeFilter"  # its fingerprint and key; used by SharedScheduler
SCHEDULER_QUEUE_CLASS = "scrapy_redis.queue.PriorityQueue"
SCHEDULER_SERIALIZER = "scrapy_redis.picklecompat"
# One job per spider and crawl: %(job)s is job_id() below. The {…} hash tag keeps a job's
# keys in one Redis Cluster slot, which the Lua scripts need.
KEY_PREFIX = "wxrb:{%(spider)s:%(job)s}"
SCHEDULER_QUEUE_KEY = KEY_PREFIX + ":requests"
SCHEDULER_DUPEFILTER_KEY = KEY_PREFIX + ":dupefilter"
SCHEDULER_PERSIST = True  # never flushed by one process: the job's last worker clears it
WXRB_CRAWL_JOB = os.environ.get("WXRB_CRAWL_JOB", "")  # optional label: keeps two crawls of one window apart
WXRB_REDIS_WORKER_LEASE_S = 60  # a worker without a heartbeat for this long is taken for dead
WXRB_REDIS_POLL_S = 0.5  # heartbeat, and how soon an idle worker picks up new requests

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._:/-]+")


def job_id(spider, label: str = "") -> str:
    """What makes two crawl processes the same job: source, site, window, revalidation, label.
    The spider name is added by the key templates."""
    parts = [
        getattr(spider, "source", spider.name),
        urlsplit(getattr(spider, "base_url", "")).netloc,
        f"{spider.since}..{spider.until}",
    ]
    if getattr(spider, "revalidate", False):
        parts.append("revalidate")
    if label:
        parts.append(label)
    return _UNSAFE.sub("_", ":".join(parts))


@dataclass(frozen=True)
class JobKeys:
    requests: str
    dupefilter: str
    workers: str  # hash: worker id -> "busy" | "idle"
    beats: str  # sorted set: worker id -> time of its last heartbeat (Redis clock)

    @classmethod
    def of(cls, spider_name: str, job: str, queue_key: str = SCHEDULER_QUEUE_KEY,
           dupefilter_key: str = SCHEDULER_DUPEFILTER_KEY) -> JobKeys:
        values = {"spider": spider_name, "job": job}
        prefix = KEY_PREFIX % values
        return cls(queue_key % values, dupefilter_key % values, prefix + ":workers", prefix + ":beats")

    @property
    def all(self) -> list[str]:
        return [self.requests, self.dupefilter, self.workers, self.beats]


# --- Lua: every step that reads and writes the job's state is atomic ------------------------
# KEYS are always JobKeys.all: requests, dupefilter, workers, beats.
_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000\n"

_JOIN = _NOW + """
-- A job whose every worker stopped beating (killed) is abandoned: start it afresh.
local wiped = 0
if redis.call('ZCOUNT', KEYS[4], now - tonumber(ARGV[2]), '+inf') == 0 then
  wiped = redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
end
redis.call('HSET', KEYS[3], ARGV[1], 'busy')
redis.call('ZADD', KEYS[4], now, ARGV[1])
return {wiped, redis.call('HLEN', KEYS[3]), redis.call('ZCARD', KEYS[1])}
"""

# SADD the fingerprint and queue the request in one step (a crash cannot keep one without the other).
_ENQUEUE = """
if ARGV[1] == '1' and redis.call('SADD', KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
return 1
"""

# Pop the next request and mark this worker busy in the same step, so that "queue empty and
# every worker idle" can never be seen while a request is on its way to a worker.
_POP = _NOW + """
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then return false end
redis.call('HSET', KEYS[3], ARGV[1], 'busy')
redis.call('ZADD', KEYS[4], now, ARGV[1])
return popped[1]
"""

_BEAT = _NOW + """
local known = redis.call('HEXISTS', KEYS[3], ARGV[1])
if known == 0 then redis.call('HSET', KEYS[3], ARGV[1], 'busy') end
redis.call('ZADD', KEYS[4], now, ARGV[1])
return known
"""

# This worker is idle: drop dead workers, then tell whether the job is done.
_IDLE = _NOW + """
local dead = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[2]))
for _, worker in ipairs(dead) do
  if worker ~= ARGV[1] then
    redis.call('HDEL', KEYS[3], worker)
    redis.call('ZREM', KEYS[4], worker)
  end
end
redis.call('HSET', KEYS[3], ARGV[1], 'idle')
redis.call('ZADD', KEYS[4], now, ARGV[1])
local done = 1
if redis.call('ZCARD', KEYS[1]) > 0 then done = 0 end
for _, state in ipairs(redis.call('HVALS', KEYS[3])) do
  if state == 'busy' then done = 0 end
end
local result = {done}
for _, worker in ipairs(dead) do
  if worker ~= ARGV[1] then table.insert(result, worker) end
end
return result
"""

# The last worker out deletes the job: the next crawl of this window starts clean.
_LEAVE = """
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
if redis.call('HLEN', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
  return 1
end
return 0
"""


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


try:  # the scheduler needs Scrapy and scrapy-redis; the CLI below only needs redis
    from scrapy import signals
    from scrapy.exceptions import DontCloseSpider
    from scrapy.utils.asyncio import create_looping_call
    from scrapy.utils.misc import load_object
    from scrapy_redis.scheduler import Scheduler as _RedisScheduler
except ImportError:  # pragma: no cover
    _RedisScheduler = object


class SharedScheduler(_RedisScheduler):
    """scrapy-redis' scheduler with per-job keys, worker coordination and clean-up."""

    @classmethod
    def from_crawler(cls, crawler):
        import redis

        settings = crawler.settings
        try:
            instance = cls.from_settings(settings)  # scrapy-redis: connects and PINGs
        except redis.RedisError as exc:
            raise RuntimeError(
                f"REDIS_URL is set but Redis cannot be reached at {redact(settings.get('REDIS_URL', ''))}: "
                f"{str(exc).rstrip('.')}. Start Redis, or unset REDIS_URL for a single-process crawl (docs/scale-out.md)."
            ) from exc
        instance.crawler = crawler
        instance.stats = crawler.stats
        instance.label = settings.get("WXRB_CRAWL_JOB") or ""
        instance.lease_s = settings.getfloat("WXRB_REDIS_WORKER_LEASE_S", 60)
        instance.poll_s = settings.getfloat("WXRB_REDIS_POLL_S", 0.5)
        instance.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        instance.waiting = False
        instance.local = collections.deque()  # dont_filter requests: retried by this process
        instance.loop = None
        instance.scripts = {name: instance.server.register_script(source) for name, source in (
            ("join", _JOIN), ("enqueue", _ENQUEUE), ("pop", _POP), ("beat", _BEAT), ("idle", _IDLE),
            ("leave", _LEAVE))}
        crawler.signals.connect(instance.spider_idle, signal=signals.spider_idle)
        return instance

    def _run(self, script: str, *args):
        return self.scripts[script](keys=self.keys.all, args=list(args))

    def open(self, spider):
        self.spider = spider
        self.job = job_id(spider, self.label)
        self.keys = JobKeys.of(spider.name, self.job, self.queue_key, self.dupefilter_key)
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.keys.requests, serializer=self.serializer
        )
        self.df = load_object(self.dupefilter_cls)(
            self.server, key=self.keys.dupefilter, debug=spider.settings.getbool("DUPEFILTER_DEBUG")
        )
        wiped, workers, queued = self._run("join", self.worker, self.lease_s)
        if wiped:
            logger.warning("scale-out: job %s was abandoned by dead workers; starting it afresh", self.job)
        logger.info(
            "scale-out: worker %s joined job %s (keys %s:*) at %s (%d worker(s), %d request(s) queued)",
            self.worker, self.job, self.keys.requests.rsplit(":", 1)[0], redact(spider.settings.get("REDIS_URL", "")),
            workers, queued,
        )
        self.stats.set_value("scale_out/job", self.job)
        self.stats.set_value("scale_out/worker", self.worker)
        self.loop = create_looping_call(self._tick)
        self.loop.start(self.poll_s, now=False)

    def close(self, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        while self.local:  # stopped early: the other workers retry them
            request = self.local.popleft()
            self._run("enqueue", "0", "", -request.priority, self.queue._encode_request(request))
        if self._run("leave", self.worker):
            logger.info("scale-out: last worker out of job %s: its queue and dupefilter are deleted", self.job)
        else:
            logger.info("scale-out: worker %s left job %s; other workers go on", self.worker, self.job)

    def flush(self):
        self.server.delete(*self.keys.all)

    def has_pending_requests(self):
        return bool(self.local) or len(self.queue) > 0

    def enqueue_request(self, request):
        if request.dont_filter:
            self.local.append(request)
            self.stats.inc_value("scheduler/enqueued/local")
            return True
        added = self._run(
            "enqueue", "1", self.df.request_fingerprint(request),
            -request.priority, self.queue._encode_request(request),
        )
        if not added:
            self.df.log(request, self.spider)
            self.stats.inc_value("dupefilter/filtered")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        if self.local:
            self.stats.inc_value("scheduler/dequeued/local")
            return self.local.popleft()
        data = self._run("pop", self.worker)
        if data is None:
            return None
        self.waiting = False
        self.stats.inc_value("scheduler/dequeued/redis")
        return self.queue._decode_request(data)

    def spider_idle(self, spider=None):
        done, *dead = self._run("idle", self.worker, self.lease_s)
        for worker in dead:
            worker = worker.decode() if isinstance(worker, bytes) else worker
            self.stats.inc_value("scale_out/dead_workers")
            logger.error(
                "scale-out: worker %s of job %s sent no heartbeat for %ss and is dropped; the requests it "
                "was fetching are lost for this job: run the crawl again once it ends", worker, self.job,
                self.lease_s,
            )
        if not done:
            self.waiting = True
            raise DontCloseSpider
        logger.info("scale-out: job %s has no request left and every worker is idle", self.job)

    def _tick(self):
        """Heartbeat; and a waiting worker has its engine look again (for requests other workers
        queued, or for the end of the job) rather than wait for the engine's own 5 s heartbeat."""
        import redis

        try:
            if not self._run("beat", self.worker):
                logger.warning("scale-out: worker %s had been dropped from job %s; joined again",
                               self.worker, self.job)
            if self.waiting:
                slot = getattr(self.crawler.engine, "_slot", None)
                if slot is not None:
                    slot.nextcall.schedule()
        except redis.RedisError as exc:
            logger.warning("scale-out: heartbeat to Redis failed: %s", exc)


# --- CLI: python -m scrapers.scale_out jobs | clear JOB | clear --all ------------------------

def _client(url: str | None = None):
    import redis

    url = url or os.environ.get("REDIS_URL")
    if not url:
        raise SystemExit("REDIS_URL is not set")
    return redis.Redis.from_url(url)


def jobs(server) -> list[dict]:
    """Every job in Redis: its key prefix, workers and their states, queued and seen requests."""
    out = []
    prefixes = {key.decode().rsplit(":", 1)[0] for key in server.scan_iter(match="wxrb:{*}:*", count=500)}
    for prefix in sorted(prefixes):
        keys = JobKeys(prefix + ":requests", prefix + ":dupefilter", prefix + ":workers", prefix + ":beats")
        out.append({
            "job": prefix,
            "workers": {k.decode(): v.decode() for k, v in server.hgetall(keys.workers).items()},
            "queued": server.zcard(keys.requests),
            "seen": server.scard(keys.dupefilter),
        })
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    server = _client()
    if argv[:1] == ["jobs"]:
        for job in jobs(server):
            print(f"{job['job']}  queued={job['queued']}  seen={job['seen']}  workers={job['workers']}")
        return 0
    if argv[:1] == ["clear"] and len(argv) == 2:
        targets = [j["job"] for j in jobs(server)] if argv[1] == "--all" else [argv[1]]
        for prefix in targets:
            deleted = server.delete(*(f"{prefix}:{kind}" for kind in ("requests", "dupefilter", "workers", "beats")))
            print(f"{prefix}: {deleted} key(s) deleted")
        return 0
    print("usage: python -m scrapers.scale_out jobs | clear JOB | clear --all   (uses $REDIS_URL)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
