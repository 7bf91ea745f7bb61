"""Failure and retry alerts (wxrb/alerts.py): webhook and mail against local receivers, then for
real through Airflow (`airflow dags test`) with an unreachable site."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pendulum
import pytest

from wxrb import alerts, config
from wxrb.jobs import QualityCheckFailed

ALERT_VARIABLES = (
    "WXRB_ALERT_WEBHOOK_URL",
    "WXRB_ALERT_EMAIL_TO",
    "WXRB_SMTP_HOST",
    "WXRB_SMTP_PORT",
    "WXRB_SMTP_USER",
    "WXRB_SMTP_PASSWORD",
    "WXRB_SMTP_FROM",
    "WXRB_SMTP_STARTTLS",
    "AIRFLOW__API__BASE_URL",
)


@pytest.fixture(autouse=True)
def no_alert_settings(monkeypatch):
    for variable in ALERT_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


class _Webhook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    """A local HTTP server that records every JSON POST; ``.status`` is what it answers."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Webhook)
    server.received, server.status = [], 200
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class _SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib (no STARTTLS, no AUTH): keeps each DATA payload."""

    def handle(self):
        self.wfile.write(b"220 sink ready\r\n")
        data = None
        while line := self.rfile.readline():
            if data is not None:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(b"".join(data))
                    data = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line.strip().upper()
            if command == b"DATA":
                data = []
                self.wfile.write(b"354 go ahead\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # EHLO, MAIL FROM, RCPT TO, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSink)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def failure_context(error: BaseException, try_number=3, max_tries=2) -> dict:
    """A task context shaped like the one Airflow 3's task runner passes to callbacks."""
    ti = SimpleNamespace(
        dag_id="wxrb_daily",
        task_id="quality_check",
        run_id="scheduled__2026-11-20T22:00:00+00:00",
        try_number=try_number,
        max_tries=max_tries,
        map_index=-1,
    )
    start = pendulum.datetime(2026, 11, 19, 22, tz="UTC")
    return {
        "ti": ti,
        "task_instance": ti,
        "run_id": ti.run_id,
        "dag_run": SimpleNamespace(dag_id=ti.dag_id, run_id=ti.run_id),
        "logical_date": start,
        "data_interval_start": start,
        "data_interval_end": start.add(days=1),
        "exception": error,
    }


QUALITY_ERROR = QualityCheckFailed(
    "portal: 12 new pages but no article loaded (field body empty)\n"
    "  database postgresql://wxrb:s3cret-pw@db:5432/wxrb\n"
    + "".join(f"  detail line {i}\n" for i in range(20))
)


def test_failure_posts_one_json_message(webhook, monkeypatch):
    monkeypatch.setenv("WXRB_ALERT_WEBHOOK_URL", webhook.url)
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "http://airflow.example:8080/")
    alerts.on_failure(failure_context(QUALITY_ERROR))

    [payload] = webhook.received
    assert payload["event"] == "failed"
    assert (payload["dag_id"], payload["task_id"]) == ("wxrb_daily", "quality_check")
    assert payload["url"] == (
        "http://airflow.example:8080/dags/wxrb_daily/runs/"
        "scheduled__2026-11-20T22%3A00%3A00%2B00%3A00/tasks/quality_check"
    )
    assert (payload["try_number"], payload["max_tries"]) == (3, 3)
    assert payload["data_interval_end"] == "2026-11-20T22:00:00+00:00"
    assert payload["exception_class"] == "QualityCheckFailed"
    assert "portal: 12 new pages but no article loaded (field body empty)" in payload["exception_message"]
    assert "detail line 19" not in payload["exception_message"]  # only the first lines
    text = payload["text"]
    assert "wxrb_daily.quality_check failed (try 3 of 3)" in text
    assert "QualityCheckFailed: portal: 12 new pages" in text and payload["url"] in text
    assert "\n" not in text
    assert "s3cret-pw" not in json.dumps(payload)


def test_retry_names_the_event(webhook, monkeypatch):
    monkeypatch.setenv("WXRB_ALERT_WEBHOOK_URL", webhook.url)
    alerts.on_retry(failure_context(RuntimeError("boom"), try_number=1))
    [payload] = webhook.received
    assert payload["event"] == "up for retry"
    assert payload["text"].startswith("wxrb_daily.quality_check up for retry (try 1 of 3)")
    assert payload["url"].startswith("http://localhost:8080/dags/wxrb_daily/")


@pytest.mark.parametrize("receiver", ["closed port", "answers 500"])
def test_failed_delivery_is_logged_and_never_raises(receiver, webhook, monkeypatch, caplog):
    webhook.status = 500
    url = webhook.url if receiver == "answers 500" else f"http://127.0.0.1:{closed_port()}/hook"
    monkeypatch.setenv("WXRB_ALERT_WEBHOOK_URL", url)
    with caplog.at_level(logging.WARNING, logger="wxrb.alerts"):
        alerts.on_failure(failure_context(QUALITY_ERROR))  # must not raise
    assert "webhook delivery failed" in caplog.text
    assert "wxrb_daily.quality_check failed" in caplog.text  # the alert itself still reaches the log


def test_without_settings_the_alert_is_only_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="wxrb.alerts"):
        alerts.on_failure(failure_context(QUALITY_ERROR))
    assert "wxrb_daily.quality_check failed" in caplog.text
    assert "s3cret-pw" not in caplog.text
    assert "delivery failed" not in caplog.text


def test_a_context_without_task_instance_does_not_raise(caplog):
    alerts.on_failure({})
    alerts.on_retry({"exception": "a plain string"})


def test_mail_arrives_with_dag_and_task_in_the_subject(smtp_sink, monkeypatch):
    monkeypatch.setenv("WXRB_ALERT_EMAIL_TO", "ops@example.org, oncall@example.org")
    monkeypatch.setenv("WXRB_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("WXRB_SMTP_PORT", str(smtp_sink.server_address[1]))
    monkeypatch.setenv("WXRB_SMTP_STARTTLS", "0")  # the sink speaks no TLS
    monkeypatch.setenv("WXRB_SMTP_FROM", "wxrb@example.org")
    monkeypatch.setenv("WXRB_SMTP_PASSWORD", "smtp-secret")
    error = QualityCheckFailed("portal: field title empty; login smtp-secret leaked")
    alerts.on_failure(failure_context(error))

    [raw] = smtp_sink.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "[wxrb] wxrb_daily.quality_check failed (try 3 of 3)"
    assert message["To"] == "ops@example.org, oncall@example.org"
    body = message.get_content()
    assert "QualityCheckFailed: portal: field title empty" in body
    assert "/dags/wxrb_daily/runs/" in body
    assert "smtp-secret" not in raw.decode()


def test_smtp_settings_default_to_starttls():
    assert config.smtp_settings()["starttls"] is True
    assert config.smtp_settings()["port"] == 587


def test_every_dag_task_has_the_callbacks():
    args = config.dag_default_args()
    assert args["on_failure_callback"] is alerts.on_failure
    assert args["on_retry_callback"] is alerts.on_retry


@pytest.mark.e2e
def test_unreachable_site_sends_retry_then_failure_through_airflow(dsn, webhook):
    from wxrb import airflow_env

    site = f"http://127.0.0.1:{closed_port()}"
    env = airflow_env.environment(
        {
            "DATABASE_URL": dsn,
            "WXRB_PORTAL_URL": site,
            "WXRB_EPAPER_URL": site,  # every crawl fails fast
            "WXRB_TASK_RETRIES": "1",
            "WXRB_RETRY_DELAY_S": "1",
            "WXRB_ALERT_WEBHOOK_URL": webhook.url,
        }
    )
    airflow_env.ensure_migrated(env)
    result = airflow_env.airflow(
        ["dags", "test", "wxrb_daily", "2026-11-19T06:00:00+08:00"],
        env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0

    portal = [p for p in webhook.received if p["task_id"] == "crawl_portal"]
    assert [p["event"] for p in portal] == ["up for retry", "failed"], result.stdout[-3000:]
    retry, failure = portal
    assert (retry["try_number"], failure["try_number"], failure["max_tries"]) == (1, 2, 2)
    assert failure["dag_id"] == "wxrb_daily"
    assert failure["exception_class"] == "SiteUnreachable"
    assert f"cannot reach {site}" in failure["exception_message"]
    assert failure["url"].endswith(
        f"/runs/{failure['run_id'].replace(':', '%3A').replace('+', '%2B')}/tasks/crawl_portal"
    )
    assert failure["data_interval_start"] and failure["logical_date"]
