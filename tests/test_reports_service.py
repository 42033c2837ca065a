"""Kept reports on each store: files as generated, visible to the public once published."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from wenzeng.auth.principal import ANONYMOUS, SYSTEM, Principal, Role
from wenzeng.errors import ConfigurationError, Forbidden, NotFound, Unauthorized, ValidationFailed
from wenzeng.services import reports
from wenzeng.services.context import Context

PROVINCE = Principal(username="gd", role=Role.PROVINCE, user_id=7, entity="440000")


def test_a_kept_report_is_private_until_published(ctx: Context) -> None:
    g = reports.generate(
        ctx, SYSTEM, "quarterly", "2024Q3", formats=["html", "docx"], as_of=date(2025, 6, 30)
    )
    rid = g.report_id
    assert rid is not None
    [row] = reports.list_reports(ctx, SYSTEM)
    assert row["id"] == rid and not row["published"] and row["created_by"] == "system"
    assert [f["format"] for f in row["files"]] == ["html", "docx"]
    assert row["as_of"] == "2025-06-30" and row["period"] == "2024-Q3"
    # the files come back byte for byte
    for fmt in ("html", "docx"):
        _, body = reports.get_file(ctx, SYSTEM, rid, fmt)
        assert body == g.files[fmt]
    with pytest.raises(NotFound):
        reports.get_file(ctx, SYSTEM, rid, "pdf")
    # unknown to the public and to reporters while unpublished
    for who in (ANONYMOUS, PROVINCE):
        assert reports.list_reports(ctx, who) == []
        with pytest.raises(NotFound):
            reports.get_file(ctx, who, rid, "html")
        with pytest.raises((Forbidden, Unauthorized)):
            reports.set_published(ctx, who, rid, True)
    reports.set_published(ctx, SYSTEM, rid, True)
    [public] = reports.list_reports(ctx, ANONYMOUS)
    assert public["published"] and public["created_by"] is None and public["published_by"] is None
    meta, body = reports.get_file(ctx, ANONYMOUS, rid, "html")
    assert body == g.files["html"] and meta["title"] == g.document.title
    assert reports.stored_file_name(meta, "html") == "wenzeng-quarterly-2024-Q3-zh-2025-06-30.html"
    with pytest.raises(ValidationFailed, match="withdraw it first"):
        reports.delete_report(ctx, SYSTEM, rid)
    reports.set_published(ctx, SYSTEM, rid, False)
    assert reports.list_reports(ctx, ANONYMOUS) == []
    reports.delete_report(ctx, SYSTEM, rid)
    assert reports.list_reports(ctx, SYSTEM) == []


def test_reporters_cannot_generate_reports(ctx: Context) -> None:
    with pytest.raises(Forbidden):
        reports.generate(ctx, PROVINCE, "quarterly", "2024Q3", formats=["html"])


def test_requests_are_checked_before_any_work(ctx: Context) -> None:
    future = date.today() + timedelta(days=1)
    with pytest.raises(ValidationFailed, match="future"):
        reports.generate(ctx, SYSTEM, "quarterly", "2024Q3", formats=["html"], as_of=future)
    with pytest.raises(ValidationFailed, match="unknown format"):
        reports.generate(ctx, SYSTEM, "quarterly", "2024Q3", formats=["odt"])
    with pytest.raises(ValidationFailed, match="unknown language"):
        reports.generate(ctx, SYSTEM, "quarterly", "2024Q3", formats=["html"], lang="fr")
    assert reports.list_reports(ctx, SYSTEM) == []


def test_a_server_without_chinese_fonts_is_told_what_to_install(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wenzeng.reports import render_html
    from wenzeng.reports.style import report_style

    style = report_style()
    latin_only = style.model_copy(
        update={"fonts": style.fonts.model_copy(update={"chart": style.fonts.latin})}
    )
    monkeypatch.setattr(render_html, "report_style", lambda: latin_only)
    with pytest.raises(ConfigurationError, match="fonts-noto-cjk"):
        reports.generate(ctx, SYSTEM, "quarterly", "2024Q3", formats=["html"], keep=False)
