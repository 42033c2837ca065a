"""Form fields and JSON fields that are no value of their kind are refused (422) with the field
named, never a server error: a review's ``version`` of letters, a report form's ``version`` of
other digits, a figure of 400 digits in a JSON body."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from factories import ACME, ENTERPRISE_VALUES, add_enterprises
from wenzeng.auth.principal import SYSTEM
from wenzeng.services import accounts
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.web.app import create_app

BAD_VERSIONS = ["abc", "1.5", "-1", "²", "１", "9" * 5000]


@dataclass
class Desk:
    client: TestClient
    analyst: dict[str, str]
    reporter: dict[str, str]
    sid: int
    version: int


@pytest.fixture
def desk(ctx: Context) -> Iterator[Desk]:
    add_enterprises(ctx, ACME)
    accounts.add_user(ctx, SYSTEM, username="ana", role="analyst")
    accounts.add_user(ctx, SYSTEM, username="acme", role="enterprise", entity="E9001")
    tokens = {u: accounts.create_token(ctx, SYSTEM, u, "tests") for u in ("ana", "acme")}
    reporter = accounts.principal_for_token(ctx, tokens["acme"])
    assert reporter is not None
    s = subs.save(
        ctx,
        reporter,
        form_code="monthly_enterprise",
        reporter="E9001",
        period="2025-09",
        values=ENTERPRISE_VALUES,
    )
    s = subs.submit(ctx, reporter, s.id, version=s.version)
    app = create_app(ctx.settings, context=ctx)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Desk(
            client,
            {"Authorization": f"Bearer {tokens['ana']}"},
            {"Authorization": f"Bearer {tokens['acme']}"},
            s.id,
            s.version,
        )


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_review_with_a_version_that_is_no_number_is_refused(
    desk: Desk, ctx: Context, version: str
) -> None:
    for action in ("accept", "return"):
        r = desk.client.post(
            f"/review/{desk.sid}",
            data={"version": version, "action": action, "reason": "不全 / incomplete"},
            headers={**desk.analyst, "Accept": "text/html"},
            follow_redirects=False,
        )
        assert r.status_code == 422, r.text[:300]
        assert "version" in r.text and len(r.content) < 20_000
    assert subs.get_submission(ctx, SYSTEM, desk.sid).status.value == "submitted"


def test_a_review_with_the_right_version_still_accepts(desk: Desk, ctx: Context) -> None:
    r = desk.client.post(
        f"/review/{desk.sid}",
        data={"version": str(desk.version), "action": "accept"},
        headers=desk.analyst,
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert subs.get_submission(ctx, SYSTEM, desk.sid).status.value == "accepted"


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_the_report_form_refuses_a_version_that_is_no_number(desk: Desk, version: str) -> None:
    values = {f"f_{k}": str(v) for k, v in ENTERPRISE_VALUES.items()}
    r = desk.client.post(
        "/report/monthly_enterprise/2025-10",
        data={**values, "version": version, "action": "save"},
        headers={**desk.reporter, "Accept": "text/html"},
    )
    assert r.status_code == 422, r.text[:300]
    assert "version" in r.text


def test_the_report_form_with_a_blank_version_still_makes_a_draft(desk: Desk) -> None:
    values = {f"f_{k}": str(v) for k, v in ENTERPRISE_VALUES.items()}
    r = desk.client.post(
        "/report/monthly_enterprise/2025-10",
        data={**values, "version": "", "action": "save"},
        headers=desk.reporter,
        follow_redirects=False,
    )
    assert r.status_code in (200, 303), r.text[:300]


@pytest.mark.parametrize("url", ["/api/v1/submissions/check", "/api/v1/submissions"])
def test_a_json_figure_of_400_digits_is_refused_naming_its_field(desk: Desk, url: str) -> None:
    values = ", ".join(
        f'"{k}": {"1" + "0" * 400 if k == "revenue_cum" else v}'
        for k, v in ENTERPRISE_VALUES.items()
    )
    body = (
        '{"form": "monthly_enterprise", "reporter": "E9001", "period": "2025-10", '
        f'"values": {{{values}}}}}'
    )
    r = desk.client.post(
        url, content=body, headers={**desk.reporter, "Content-Type": "application/json"}
    )
    assert r.status_code == 422, r.text[:300]
    (error,) = r.json()["errors"]
    assert error["code"] == "json_invalid"
    assert "values.revenue_cum" in error["msg"] and "too many digits" in error["msg"]
    assert len(r.content) < 2000


def test_a_json_version_of_400_digits_is_refused_naming_its_field(desk: Desk) -> None:
    r = desk.client.post(
        f"/api/v1/submissions/{desk.sid}/accept",
        content='{"version": ' + "9" * 400 + "}",
        headers={**desk.analyst, "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert "version" in r.json()["errors"][0]["msg"]


def test_a_json_body_that_is_not_utf8_is_malformed_not_a_bad_request(desk: Desk) -> None:
    r = desk.client.post(
        "/api/v1/submissions/check",
        content=b"\xa2\xe8\xbd\xbf,\x8f!",
        headers={**desk.reporter, "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    (error,) = r.json()["errors"]
    assert error["code"] == "json_invalid" and "not UTF-8" in error["msg"]


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=x"])
def test_an_upload_body_the_parser_cannot_read_is_malformed(desk: Desk, content_type: str) -> None:
    r = desk.client.post(
        "/api/v1/forms/monthly_enterprise/upload",
        content=b"None\r\n\r\x00",
        headers={**desk.reporter, "Content-Type": content_type},
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] in ("body_invalid", "missing")
