"""Things many tests need: key enterprises in a store, and a valid monthly enterprise report."""

from __future__ import annotations

from typing import Any

from wenzeng.services.context import Context
from wenzeng.store.entities import insert_entities

# A monthly_enterprise report that passes every rule (money in 万元).
ENTERPRISE_VALUES: dict[str, float] = {
    "output_value_month": 12000,
    "output_value_cum": 100000,
    "revenue_month": 11000,
    "revenue_cum": 95000,
    "revenue_yoy": 5.0,
    "profit_cum": 6000,
    "export_month": 3000,
    "export_cum": 30000,
    "orders_new": 12500,
    "inventory_finished": 8000,
    "receivables": 20000,
    "employment": 1500,
}


def enterprise_values(**changes: Any) -> dict[str, Any]:
    """The valid report with some values changed; ``None`` leaves a value out."""
    values: dict[str, Any] = {**ENTERPRISE_VALUES, **changes}
    return {k: v for k, v in values.items() if v is not None}


def add_enterprises(ctx: Context, *enterprises: tuple[str, str, str, str]) -> None:
    """Store key enterprises given as (code, name, region code, sector code)."""
    with ctx.transaction() as conn:
        insert_entities(
            conn,
            [
                {
                    "code": code,
                    "kind": "enterprise",
                    "name_zh": name,
                    "name_en": name,
                    "region": region,
                    "sector": sector,
                    "chain_position": "downstream",
                    "attributes": {},
                    "simulated": False,
                }
                for code, name, region, sector in enterprises
            ],
        )
    ctx.invalidate()


ACME = ("E9001", "甲公司", "510000", "C392")  # Sichuan, communications equipment
BETA = ("E9002", "乙公司", "440000", "C397")  # Guangdong, electronic devices
