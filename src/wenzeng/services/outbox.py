"""The outbox: messages to reporters (reminders, returned reports), sent by SMTP when set up.

Messages are written in the same transaction as what causes them, and sent
later by :func:`send_pending`; a message that cannot be sent stays in the
outbox with its error and is tried again next time.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from wenzeng.config import Settings
from wenzeng.services.context import Context
from wenzeng.store import Connection
from wenzeng.store import outbox as store
from wenzeng.store.accounts import mail_recipients
from wenzeng.store.errors import DuplicateKey

MAX_ATTEMPTS = 5


def queue_for_entity(
    conn: Connection, *, entity: str, kind: str, subject: str, body: str, dedupe_key: str | None
) -> int:
    """Queue a message to every active user with an e-mail address who speaks for ``entity``.

    With a ``dedupe_key`` a message is queued only once per user and key (one reminder per
    reporter, form and period).  Returns the number of messages queued.
    """
    queued = 0
    for uid, email in mail_recipients(conn, entity):
        key = f"{dedupe_key}:{uid}" if dedupe_key else None
        if key and store.has_message(conn, key):
            continue
        try:
            store.insert_message(
                conn,
                kind=kind,
                recipient=email,
                user_id=uid,
                subject=subject,
                body=body,
                dedupe_key=key,
            )
            queued += 1
        except DuplicateKey:
            continue  # queued meanwhile by someone else
    return queued


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int
    pending: int


def pending(ctx: Context) -> list[dict[str, object]]:
    with ctx.reading() as conn:
        return store.unsent_messages(conn)


def _connect(settings: Settings) -> smtplib.SMTP:
    assert settings.smtp_host
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
    if settings.smtp_starttls:
        smtp.starttls()
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password or "")
    return smtp


def send_pending(ctx: Context) -> SendReport:
    """Send what waits in the outbox; without an SMTP server nothing is sent."""
    waiting = [m for m in pending(ctx) if int(m["attempts"]) < MAX_ATTEMPTS]  # type: ignore[call-overload]
    if not ctx.settings.smtp_host or not waiting:
        return SendReport(0, 0, len(waiting))
    sent = failed = 0
    try:
        smtp = _connect(ctx.settings)
    except (OSError, smtplib.SMTPException) as exc:
        _mark_failed(ctx, [int(m["id"]) for m in waiting], str(exc))  # type: ignore[call-overload]
        return SendReport(0, len(waiting), len(waiting))
    with smtp:
        for m in waiting:
            msg = EmailMessage()
            msg["From"] = ctx.settings.smtp_sender
            msg["To"] = str(m["recipient"])
            msg["Subject"] = str(m["subject"])
            msg.set_content(str(m["body"]))
            try:
                smtp.send_message(msg)
            except (OSError, smtplib.SMTPException) as exc:
                _mark_failed(ctx, [int(m["id"])], str(exc))  # type: ignore[call-overload]
                failed += 1
                continue
            with ctx.transaction() as conn:
                store.mark_sent(conn, int(m["id"]))  # type: ignore[call-overload]
            sent += 1
    return SendReport(sent, failed, len(waiting) - sent)


def _mark_failed(ctx: Context, ids: list[int], error: str) -> None:
    with ctx.transaction() as conn:
        store.mark_failed(conn, ids, error)
