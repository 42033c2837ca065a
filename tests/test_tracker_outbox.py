"""Who owes what, reminders in the outbox, and sending them through a real SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from factories import add_enterprises
from wenzeng.auth.principal import SYSTEM, Principal, Role
from wenzeng.domain.periods import Period
from wenzeng.domain.plan import Due
from wenzeng.errors import Forbidden
from wenzeng.services import accounts, outbox
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.tracker import due_date, queue_reminders, tracker

ANALYST = Principal("ana", Role.ANALYST, user_id=1)


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[object] = []

    def handle_message(self, message: object) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def cx(ctx: Context) -> Context:
    add_enterprises(
        ctx,
        ("E9001", "甲公司", "510000", "C392"),
        ("E9002", "乙公司", "510000", "C392"),
        ("E9003", "丙公司", "510000", "C392"),
    )
    for name, entity in (("e1", "E9001"), ("e2", "E9002"), ("e3", "E9003")):
        accounts.add_user(
            ctx,
            SYSTEM,
            username=name,
            role="enterprise",
            entity=entity,
            email=f"{name}@example.org",
        )
    return ctx


def test_due_dates() -> None:
    assert due_date(Due(day=10, months_after_period=1), Period.month(2025, 12)) == date(2026, 1, 10)
    assert due_date(Due(day=31, months_after_period=1), Period.month(2025, 1)) == date(2025, 2, 28)
    assert due_date(Due(month=11, day=30), Period.annual(2024)) == date(2024, 11, 30)


def test_tracker_shows_who_is_late(cx: Context) -> None:
    e1 = accounts.principal_for_user(cx, accounts.get_user(cx, "e1")["id"])
    e2 = accounts.principal_for_user(cx, accounts.get_user(cx, "e2")["id"])
    assert e1 and e2
    values = {
        "output_value_month": 1,
        "output_value_cum": 9,
        "revenue_month": 1,
        "revenue_cum": 9,
        "profit_cum": 1,
        "export_month": 0,
        "export_cum": 0,
        "inventory_finished": 1,
        "receivables": 1,
        "employment": 10,
    }
    s1 = subs.save(
        cx, e1, form_code="monthly_enterprise", reporter="E9001", period="2025-10", values=values
    )
    subs.submit(cx, e1, s1.id, version=s1.version)
    s2 = subs.save(
        cx, e2, form_code="monthly_enterprise", reporter="E9002", period="2025-10", values=values
    )
    s2 = subs.submit(cx, e2, s2.id, version=s2.version)
    subs.return_(cx, ANALYST, s2.id, version=s2.version, reason="数据有误")
    before = tracker(cx, ANALYST, "monthly_enterprise", "2025-10", today=date(2025, 11, 10))
    assert before.counts["late"] == 0  # the due day itself is not late
    t = tracker(cx, ANALYST, "monthly_enterprise", "2025年10月", today=date(2025, 11, 11))
    status = {r.reporter: (r.status, r.late) for r in t.rows}
    assert status["E9001"] == ("submitted", False)
    assert status["E9002"] == ("returned", True)
    assert status["E9003"] == ("missing", True)
    assert t.due == date(2025, 11, 10)
    with pytest.raises(Forbidden):
        tracker(cx, e1, "monthly_enterprise", "2025-10")


def test_reminders_are_queued_once_and_sent_by_smtp(cx: Context, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    late = date(2025, 11, 20)
    # the return of E9002 queues a notice too: count only reminders here
    n = queue_reminders(cx, ANALYST, "monthly_enterprise", "2025-10", today=late)
    assert n == 3  # three enterprises, none reported
    assert queue_reminders(cx, ANALYST, "monthly_enterprise", "2025-10", today=late) == 0
    waiting = outbox.pending(cx)
    assert sorted(m["recipient"] for m in waiting) == [
        "e1@example.org",
        "e2@example.org",
        "e3@example.org",
    ]
    assert "催报" in waiting[0]["subject"] and "2025-11-10" in waiting[0]["body"]
    # without an SMTP server nothing leaves the outbox
    assert outbox.send_pending(cx).sent == 0 and len(outbox.pending(cx)) == 3
    cx.settings.smtp_host, cx.settings.smtp_port = "127.0.0.1", port
    report = outbox.send_pending(cx)
    assert (report.sent, report.failed, report.pending) == (3, 0, 0)
    assert outbox.pending(cx) == []
    assert sorted(m["To"] for m in inbox.messages) == [  # type: ignore[index]
        "e1@example.org",
        "e2@example.org",
        "e3@example.org",
    ]


def test_unreachable_smtp_keeps_messages_with_the_error(cx: Context) -> None:
    queue_reminders(cx, ANALYST, "monthly_enterprise", "2025-10", today=date(2025, 12, 1))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    cx.settings.smtp_host, cx.settings.smtp_port = "127.0.0.1", dead
    report = outbox.send_pending(cx)
    assert report.sent == 0 and report.failed == 3
    waiting = outbox.pending(cx)
    assert len(waiting) == 3 and all(m["attempts"] == 1 and m["last_error"] for m in waiting)
