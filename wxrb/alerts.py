"""Alerts when a DAG task fails or goes up for retry: one message, to a webhook and/or by mail.

``config.dag_default_args()`` sets ``on_failure`` / ``on_retry`` as every task's callbacks. Airflow 3
calls them in the task's own process, after the try, with the task context (``ti``, ``dag_run``,
``run_id``, ``logical_date``, ``data_interval_start`` / ``_end``, and ``exception``: the error).

Where the message goes comes from the environment (``config.alert_webhook_url()``,
``config.alert_email_to()``, ``config.smtp_settings()``); with neither set it is only logged.
Sending uses the standard library (``urllib.request``, ``smtplib``): one JSON POST and one plain-text
mail need nothing more, and the alert path then has no dependency of its own that could be missing or
broken on a worker. A delivery that fails is logged and never raises: an alert must neither fail the
task nor hide the task's own error. Messages carry no secrets: DSNs are redacted with ``db.redact``.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import quote

from wxrb import config

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 10  # per delivery: a slow receiver must not hold the worker slot
EXCEPTION_LINES = 6  # first lines of the error message that go into the alert
EXCEPTION_CHARS = 1500
EVENTS = {"failure": "failed", "retry": "up for retry"}

# postgresql://user:password@host/db (also postgres:// and postgresql+psycopg://)
DSN_URL = re.compile(r"postgres(?:ql)?(?:\+\w+)?://[^\s'\"()<>]+")
KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)  # key=value DSNs
URL_USERINFO = re.compile(r"(\b[a-z][\w+.-]*://[^/\s:@]+:)[^/\s@]+@", re.IGNORECASE)


def on_failure(context) -> None:
    """on_failure_callback: the task failed for good."""
    _alert("failure", context)


def on_retry(context) -> None:
    """on_retry_callback: the task failed and will be tried again."""
    _alert("retry", context)


def _alert(kind: str, context) -> None:
    try:
        alert = build_alert(kind, context)
    except Exception:  # a context we do not understand must not break the callback
        log.exception("wxrb alert: could not build the %s message", kind)
        return
    log.warning("wxrb alert: %s", alert["text"])
    send(alert)


def build_alert(kind: str, context) -> dict:
    """The structured alert: every field, a one-paragraph ``text``, a mail ``subject`` and ``body``."""
    ti = context.get("ti") or context.get("task_instance")
    dag_run = context.get("dag_run")
    dag_id = getattr(ti, "dag_id", None) or getattr(dag_run, "dag_id", None)
    run_id = context.get("run_id") or getattr(ti, "run_id", None) or getattr(dag_run, "run_id", None)
    try_number = getattr(ti, "try_number", None)
    max_tries = getattr(ti, "max_tries", None)
    error = context.get("exception")
    fields = {
        "event": EVENTS[kind],
        "dag_id": dag_id,
        "task_id": getattr(ti, "task_id", None),
        "map_index": _map_index(ti),
        "run_id": run_id,
        "try_number": try_number,
        "max_tries": None if max_tries is None else max_tries + 1,  # Airflow: "try N out of max_tries + 1"
        "logical_date": _iso(context.get("logical_date")),
        "data_interval_start": _iso(context.get("data_interval_start")),
        "data_interval_end": _iso(context.get("data_interval_end")),
        "url": task_url(dag_id, run_id, getattr(ti, "task_id", None), _map_index(ti)),
        "exception_class": _exception_class(error),
        "exception_message": _exception_message(error),
    }
    return {**fields, "text": _text(fields), "subject": _subject(fields), "body": _body(fields)}


def task_url(dag_id, run_id, task_id, map_index=None) -> str:
    """The task instance in the Airflow 3 UI: /dags/<dag_id>/runs/<run_id>/tasks/<task_id>."""
    path = f"/dags/{quote(str(dag_id), safe='')}/runs/{quote(str(run_id), safe='')}/tasks/{quote(str(task_id), safe='')}"
    if map_index is not None:
        path += f"/mapped/{map_index}"
    return config.airflow_ui_url() + path


def _map_index(ti) -> int | None:
    index = getattr(ti, "map_index", None)
    return index if isinstance(index, int) and index >= 0 else None


def _iso(value) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else (None if value is None else str(value))


def _exception_class(error) -> str | None:
    if error is None:
        return None
    return type(error).__name__ if isinstance(error, BaseException) else "Error"


def _exception_message(error) -> str | None:
    if error is None:
        return None
    lines = [line for line in str(error).strip().splitlines() if line.strip()]
    message = "\n".join(lines[:EXCEPTION_LINES])
    if len(lines) > EXCEPTION_LINES or len(message) > EXCEPTION_CHARS:
        message = message[:EXCEPTION_CHARS].rstrip() + " …"
    return redact(message)


def redact(text: str) -> str:
    """``text`` without passwords: DSNs through ``db.redact``, key=value and URL passwords, the SMTP one."""
    text = DSN_URL.sub(_redact_dsn, text)
    text = KEYWORD_PASSWORD.sub(r"\1***", text)
    text = URL_USERINFO.sub(r"\1***@", text)
    secret = config.smtp_settings()["password"]
    return text.replace(secret, "***") if secret else text


def _redact_dsn(match: re.Match) -> str:
    dsn = match.group(0)
    try:
        from wxrb import db

        return db.redact(dsn)
    except Exception:  # not a DSN psycopg can parse (e.g. postgresql+psycopg://): strip the userinfo
        return URL_USERINFO.sub(r"\1***@", dsn)


def _text(f: dict) -> str:
    where = f"{f['dag_id']}.{f['task_id']}" + ("" if f["map_index"] is None else f"[{f['map_index']}]")
    error = (
        f"{f['exception_class']}: {' '.join((f['exception_message'] or '').split())}"
        if f["exception_class"]
        else "no error given"
    )
    return (
        f"{where} {f['event']} (try {f['try_number']} of {f['max_tries']}) in run {f['run_id']}, "
        f"logical date {f['logical_date']}, data interval {f['data_interval_start']} to {f['data_interval_end']}: "
        f"{error.rstrip('.')}. Task: {f['url']}"
    )


def _subject(f: dict) -> str:
    return f"[wxrb] {f['dag_id']}.{f['task_id']} {f['event']} (try {f['try_number']} of {f['max_tries']})"


def _body(f: dict) -> str:
    rows = [
        ("Event", f["event"]),
        ("DAG", f["dag_id"]),
        ("Task", f["task_id"]),
        ("Map index", f["map_index"]),
        ("Run", f["run_id"]),
        ("Try", f"{f['try_number']} of {f['max_tries']}"),
        ("Logical date", f["logical_date"]),
        ("Data interval", f"{f['data_interval_start']} to {f['data_interval_end']}"),
        ("Task in the UI", f["url"]),
    ]
    head = "\n".join(f"{name + ':':<16}{value}" for name, value in rows if value is not None)
    error = f"{f['exception_class']}: {f['exception_message']}" if f["exception_class"] else "no error given"
    return f"{head}\n\nError:\n{error}\n"


# --- delivery ---------------------------------------------------------------------------------


def send(alert: dict) -> None:
    """Deliver to every configured channel; log failures, never raise."""
    url = config.alert_webhook_url()
    if url:
        try:
            post_webhook(url, alert)
        except Exception as exc:
            log.error("wxrb alert: webhook delivery failed: %s", redact(f"{type(exc).__name__}: {exc}"))
    recipients = config.alert_email_to()
    if recipients:
        try:
            send_mail(recipients, alert)
        except Exception as exc:
            log.error("wxrb alert: mail delivery failed: %s", redact(f"{type(exc).__name__}: {exc}"))


def webhook_payload(alert: dict) -> dict:
    """{"text": summary, ...structured fields}: Slack/Mattermost show ``text``, others read the fields."""
    return {k: v for k, v in alert.items() if k not in ("subject", "body")}


def post_webhook(url: str, alert: dict) -> None:
    import urllib.request

    request = urllib.request.Request(
        url,
        data=json.dumps(webhook_payload(alert), ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "wxrb-alerts"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_S) as response:  # raises on 4xx/5xx
        response.read()


def send_mail(recipients: list[str], alert: dict) -> None:
    import smtplib
    from email.message import EmailMessage

    smtp = config.smtp_settings()
    if not smtp["host"]:
        raise RuntimeError("WXRB_ALERT_EMAIL_TO is set but WXRB_SMTP_HOST is not")
    message = EmailMessage()
    message["Subject"] = alert["subject"]
    message["From"] = smtp["from"]
    message["To"] = ", ".join(recipients)
    message.set_content(alert["body"])
    with smtplib.SMTP(smtp["host"], smtp["port"], timeout=SEND_TIMEOUT_S) as client:
        if smtp["starttls"]:
            client.starttls()
        if smtp["user"]:
            client.login(smtp["user"], smtp["password"] or "")
        client.send_message(message)
