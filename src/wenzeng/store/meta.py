"""Settings the store keeps about itself (key and value)."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from wenzeng.store.tables import meta


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()


def set_meta(conn: Connection, key: str, value: str) -> None:
    if get_meta(conn, key) is None:
        conn.execute(insert(meta).values(key=key, value=value))
    else:
        conn.execute(update(meta).where(meta.c.key == key).values(value=value))
