"""Logging in to the pages in tests, the way a person does: through the form, with CSRF."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def csrf(html: str) -> str:
    """The page's CSRF token (from its meta tag)."""
    m = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m
    return m.group(1)


def login(client: TestClient, user: str, next_page: str = "/") -> str:
    """Log in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": user,
            "password": PASSWORD,
            "csrf_token": csrf(page.text),
            "next": next_page,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return csrf(client.get("/login").text)
