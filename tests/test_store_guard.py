"""The store itself refuses non-finite numbers, whatever writes to it (SQLite and PostgreSQL)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from wenzeng.services.context import Context
from wenzeng.store.db import MIGRATIONS, make_engine

BAD = [math.inf, -math.inf, math.nan, 1e16, -2e15]


def _insert_observation(ctx: Context, value: float) -> None:
    with ctx.transaction() as conn:
        conn.execute(
            text(
                "INSERT INTO observation (series_id, period, vintage, value, qualifier, "
                "source_id, batch_id, simulated) SELECT series_id, period, vintage, :v, "
                "qualifier, source_id, batch_id, simulated FROM observation "
                "ORDER BY id LIMIT 1"
            ),
            {"v": value},
        )


def _insert_assessment(ctx: Context, figure: float | None) -> None:
    with ctx.transaction() as conn:
        run_id = conn.execute(
            text(
                "INSERT INTO analysis_run (as_of, started_at, summary) "
                "VALUES (:d, :t, '{}') RETURNING id"
            ),
            {"d": date(2024, 12, 31), "t": datetime(2025, 1, 1, tzinfo=UTC)},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO assessment (run_id, plan, target, as_of, status, figure, payload) "
                "VALUES (:r, 'p', 't', :d, 'on_track', :f, '{}')"
            ),
            {"r": run_id, "d": date(2024, 12, 31), "f": figure},
        )


@pytest.mark.parametrize("value", BAD, ids=["inf", "-inf", "nan", "1e16", "-2e15"])
def test_observation_value_must_be_finite(ctx: Context, value: float) -> None:
    with pytest.raises(IntegrityError):
        _insert_observation(ctx, value)


def test_observation_value_within_bounds_is_kept(ctx: Context) -> None:
    with ctx.reading() as conn:
        before = conn.execute(text("SELECT count(*) FROM observation")).scalar_one()
    _insert_observation(ctx, 999_999_999_999_999.0)
    _insert_observation(ctx, -1e15)
    with ctx.reading() as conn:
        after = conn.execute(text("SELECT count(*) FROM observation")).scalar_one()
        outside = conn.execute(
            text("SELECT count(*) FROM observation WHERE NOT (value BETWEEN -1e15 AND 1e15)")
        ).scalar_one()
    assert after == before + 2
    assert outside == 0  # the built-in published figures satisfy the constraint


@pytest.mark.parametrize("figure", [math.inf, -math.inf, math.nan, 1e16])
def test_assessment_figure_must_be_finite(ctx: Context, figure: float) -> None:
    if math.isnan(figure) and ctx.engine.dialect.name == "sqlite":
        # SQLite stores NaN as NULL, which a figure may be: nothing non-finite is kept
        _insert_assessment(ctx, figure)
        with ctx.reading() as conn:
            stored = conn.execute(text("SELECT figure FROM assessment")).scalar_one()
        assert stored is None
        return
    with pytest.raises(IntegrityError):
        _insert_assessment(ctx, figure)


def test_assessment_figure_may_be_missing_or_finite(ctx: Context) -> None:
    _insert_assessment(ctx, None)
    _insert_assessment(ctx, 5.25)


def test_upgrade_keeps_existing_rows(db_url: str) -> None:
    """A store made by the previous revision, holding figures, accounts and tokens, upgrades:
    rows are kept, sessions start at epoch 0 and tokens stay unlimited."""
    engine = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    at = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO series (id, indicator, entity, measure, period_type) "
                "VALUES (1, 'va_elec', 'CN', 'yoy', 'month')"
            )
        )
        conn.execute(text("INSERT INTO source (id, kind, title) VALUES (1, 'published', 't')"))
        conn.execute(
            text("INSERT INTO batch (id, kind, rows, created_at) VALUES (1, 'builtin', 1, :t)"),
            {"t": at},
        )
        conn.execute(
            text(
                "INSERT INTO observation (series_id, period, vintage, value, qualifier, "
                "source_id, batch_id, simulated) VALUES (1, '2024-09', :d, 12.5, '', 1, 1, :f)"
            ),
            {"d": date(2024, 10, 20), "f": False},
        )
        conn.execute(
            text(
                "INSERT INTO user_account (id, username, display_name, role, active, created_at)"
                " VALUES (1, 'ana', 'ana', 'analyst', :a, :t)"
            ),
            {"a": True, "t": at},
        )
        conn.execute(
            text(
                "INSERT INTO api_token (user_id, name, token_hash, created_at, revoked) "
                "VALUES (1, 'x', :h, :t, :r)"
            ),
            {"h": "0" * 64, "t": at, "r": False},
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM observation")).scalar_one() == 12.5
        assert conn.execute(text("SELECT session_epoch FROM user_account")).scalar_one() == 0
        token = conn.execute(text("SELECT read_only, expires_at FROM api_token")).one()
        assert not token.read_only and token.expires_at is None
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE observation SET value = :v"), {"v": math.inf})
    engine.dispose()
