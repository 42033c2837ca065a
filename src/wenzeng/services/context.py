"""The running context of WenZeng: settings, the store and the catalogue."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from wenzeng.config import Settings
from wenzeng.definitions.catalog_file import CatalogEntry, extend_catalogue
from wenzeng.definitions.catalogue import Catalogue, builtin_catalogue
from wenzeng.definitions.units import builtin_units
from wenzeng.domain.catalog import Entity, EntityKind
from wenzeng.domain.text import I18n
from wenzeng.domain.units import UnitRegistry, use_units
from wenzeng.errors import ConfigurationError
from wenzeng.store import Connection, Engine
from wenzeng.store.catalog_entries import StoredEntry, current_entries
from wenzeng.store.db import Store
from wenzeng.store.entities import stored_entities
from wenzeng.store.meta import COUNTERS, data_version

T = TypeVar("T")

# Within one request (see :func:`data_version_scope`) the data version is read once per
# store, so that the read-mostly results kept by :meth:`Context.memo` cost no query.
_SCOPED_VERSIONS: ContextVar[dict[int, tuple[Any, ...]] | None] = ContextVar(
    "wenzeng_scoped_versions", default=None
)


@dataclass
class _Joined:
    """The one transaction that every :meth:`Context.transaction` joins within
    :meth:`Context.one_transaction`: opened by the first, committed at the end."""

    ctx_id: int
    stack: ExitStack
    conn: Connection | None = None


_JOINED: ContextVar[_Joined | None] = ContextVar("wenzeng_joined_transaction", default=None)


@contextmanager
def data_version_scope() -> Iterator[None]:
    """A unit of work (a web request) in which the data version is read at most once per
    store, and again after each write."""
    token = _SCOPED_VERSIONS.set({})
    try:
        yield
    finally:
        _SCOPED_VERSIONS.reset(token)


@dataclass
class Context:
    settings: Settings
    store: Store
    base_catalogue: Catalogue = field(default_factory=builtin_catalogue)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)  # forms, plans
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _key_locks: dict[Any, threading.RLock] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, settings: Settings) -> Context:
        return cls(settings, Store.open(settings.effective_database_url, echo=settings.echo_sql))

    @property
    def engine(self) -> Engine:
        return self.store.engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One unit of work: committed when the block ends, rolled back on any error (or,
        within :meth:`one_transaction`, part of that one)."""
        joined = _JOINED.get()
        if joined is not None and joined.ctx_id == id(self):
            yield self._joined_connection(joined)
            return
        with self.store.transaction() as conn:
            yield conn
        scoped = _SCOPED_VERSIONS.get()
        if scoped is not None:  # the data may have changed: read the version again
            scoped.pop(id(self), None)

    def _joined_connection(self, joined: _Joined) -> Connection:
        if joined.conn is None:
            joined.conn = joined.stack.enter_context(self.store.transaction())
        return joined.conn

    @contextmanager
    def one_transaction(self) -> Iterator[Callable[[], Connection]]:
        """Within the block every :meth:`transaction` (in this thread) joins one, begun by
        the first and committed when the block ends, or rolled back on any error: work made
        of several units (a job and the record of its end) happens entirely or not at all.
        Yields a function giving that transaction's connection (beginning it if needed)."""
        joined = _Joined(id(self), ExitStack())
        token = _JOINED.set(joined)
        try:
            with joined.stack:
                yield lambda: self._joined_connection(joined)
        finally:
            _JOINED.reset(token)
            scoped = _SCOPED_VERSIONS.get()
            if scoped is not None:
                scoped.pop(id(self), None)

    def in_open_transaction(self) -> bool:
        """Whether this thread holds an open :meth:`one_transaction` of this context that
        has begun (on SQLite it holds the write lock: other writes wait for it)."""
        joined = _JOINED.get()
        return joined is not None and joined.ctx_id == id(self) and joined.conn is not None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection to read with; within a begun :meth:`one_transaction`, that
        transaction's, so that the work reads what it has written so far."""
        joined = _JOINED.get()
        if joined is not None and joined.ctx_id == id(self) and joined.conn is not None:
            yield joined.conn
            return
        with self.store.reading() as conn:
            yield conn

    def require_schema(self) -> None:
        current, head = self.store.schema_status()
        if current is None:
            raise ConfigurationError(
                "数据库尚未初始化，请先运行 `wenzeng init` / the database is not initialised: "
                "run `wenzeng init` first"
            )
        if current != head:
            raise ConfigurationError(
                f"数据库结构版本 {current} 落后于 {head}，请运行 `wenzeng init` 升级 / "
                f"the database schema {current} is behind {head}: run `wenzeng init` to upgrade"
            )

    @property
    def catalogue(self) -> Catalogue:
        """The built-in catalogue plus the user's catalogue entries and the enterprises kept
        in the store; reading it installs the units in use (built-in and the user's)."""
        cat, registry = self.kept(
            ("catalogue",), self._read_catalogue, on=("entities", "definitions")
        )
        use_units(None if registry is builtin_units() else registry)
        return cat

    @property
    def unit_registry(self) -> UnitRegistry:
        """The built-in units plus the user's."""
        return self.kept(("catalogue",), self._read_catalogue, on=("entities", "definitions"))[1]

    @property
    def user_entries(self) -> list[StoredEntry]:
        """The current version of every catalogue entry the user loaded."""

        def read() -> list[StoredEntry]:
            with self.reading() as conn:
                return current_entries(conn)

        return self.kept(("user_entries",), read, on=("definitions",))

    def _read_catalogue(self) -> tuple[Catalogue, UnitRegistry]:
        entries = [CatalogEntry(e.kind, e.code, e.document) for e in self.user_entries]
        base, registry = extend_catalogue(self.base_catalogue, builtin_units(), entries)
        with self.reading() as conn:
            rows = stored_entities(conn)
        extra = [
            Entity(
                code=r["code"],
                kind=EntityKind(r["kind"]),
                name=I18n(zh=r["name_zh"], en=r["name_en"]),
                parent=r["region"],
                sectors=[r["sector"]] if r["sector"] else [],
                simulated=r["simulated"],
            )
            for r in rows
        ]
        return base.with_entities(extra), registry

    def kept(
        self, key: tuple[Any, ...], compute: Callable[[], T], *, on: tuple[str, ...] = COUNTERS
    ) -> T:
        """``compute()``, kept for the life of the process and checked against the data
        version in every request (another worker may have changed the data); outside a
        request (commands, scripts) kept until :meth:`invalidate`, without a query."""
        if _SCOPED_VERSIONS.get() is not None:
            return self.memo(key, compute, on=on)
        hit = self.cache.get(("memo", key))
        if hit is not None:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        self.cache[("memo", key)] = (None, value)
        return value

    def data_version(self) -> tuple[Any, ...]:
        """The store's counters (``store.meta.COUNTERS``): they change whenever data,
        entities, plans or forms change, whichever process changed them.  One small query."""
        scoped = _SCOPED_VERSIONS.get()
        if scoped is not None and id(self) in scoped:
            return scoped[id(self)]
        with self.reading() as conn:
            version = data_version(conn)
        if scoped is not None:
            scoped[id(self)] = version
        return version

    def memo(
        self, key: tuple[Any, ...], compute: Callable[[], T], *, on: tuple[str, ...] = COUNTERS
    ) -> T:
        """``compute()``, kept until the data changes (see :meth:`data_version`); ``on``
        names the counters the result depends on (all by default).

        Read-mostly pages (the overview, target pages) are computed once per change of the
        data instead of once per request."""
        full = self.data_version()
        version = full if on == COUNTERS else tuple(full[COUNTERS.index(n)] for n in on)
        hit = self.cache.get(("memo", key))
        if hit is not None and hit[0] == version:
            return hit[1]  # type: ignore[no-any-return]
        # one computation at a time per key: fifty requests that find it missing wait for
        # the first instead of each computing it (the threads of one worker process)
        with self._lock:
            lock = self._key_locks.setdefault(key, threading.RLock())
        with lock:
            hit = self.cache.get(("memo", key))
            if hit is not None and hit[0] == version:
                return hit[1]  # type: ignore[no-any-return]
            value = compute()
            self.cache[("memo", key)] = (version, value)
            return value

    def invalidate(self) -> None:
        self.cache.clear()

    @property
    def units(self) -> dict[str, str | None]:
        return {k: i.unit for k, i in self.catalogue.indicators.items()}

    def close(self) -> None:
        if self.cache.get(("memo", ("catalogue",))) is not None:
            use_units(None)
        self.store.dispose()
