"""Engines and schema migrations for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from wenzeng.errors import ConfigurationError

try:
    import fcntl
except ImportError:  # not on Windows: the writers of one process still queue
    fcntl = None  # type: ignore[assignment]
from wenzeng.store.meta import CHANGED, bump_if_changed, note_write

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event below open transactions, so that writers can say IMMEDIATE.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    """Writers take SQLite's write lock when they start (BEGIN IMMEDIATE) and wait for it,
    instead of failing with "database is locked" when two of them upgrade a read lock at
    once; readers start deferred and never block anyone in WAL mode."""
    writing = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


WRITE_OPTION = "wenzeng_write"


def _note_write(conn: Connection, clauseelement: Any, *_args: Any) -> None:
    note_write(conn, clauseelement)


def _create_private(path: Path) -> None:
    """Create a new SQLite file readable by its owner only, whatever the umask: it holds
    password and token hashes.  SQLite gives the -wal and -shm files beside it the same
    mode; a file that exists already is left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)  # an empty file is an empty SQLite database


def make_engine(url: str, *, echo: bool = False) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"数据库地址无效 / invalid database URL: {url!r} "
            "(expected e.g. sqlite:///var/wenzeng.db or postgresql+psycopg://user@host/db)"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _create_private(Path(parsed.database))
        engine = create_engine(parsed, echo=echo, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "before_execute", _note_write)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, echo=echo, pool_pre_ping=True)
        event.listen(engine, "before_execute", _note_write)
        return engine
    raise ConfigurationError(
        f"不支持的数据库 / unsupported database: {parsed.get_backend_name()} "
        "(WenZeng supports sqlite and postgresql)"
    )


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it in an empty database)."""
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def schema_status(engine: Engine) -> tuple[str | None, str]:
    """(revision of the database, newest revision the code knows)."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head or ""


class WriterQueue:
    """One writing transaction at a time on a SQLite file, for the threads of this process
    (a lock) and for every process (an ``flock`` on ``<database>-writer.lock``).

    SQLite allows one writer; the others wait in the driver's busy handler, which sleeps
    1, 2, 5 … up to 100 ms between tries, so under load the lock is often free while its
    waiters sleep, and the order is left to chance (long tails).  Waiting here instead
    wakes the next writer as soon as the lock is released.  The kernel drops an ``flock``
    when its process dies, so a worker killed mid-write blocks no one.  Readers never wait
    (WAL)."""

    def __init__(self, database: str | None) -> None:
        self._local = threading.RLock()
        self._depth = 0
        self._path = f"{database}-writer.lock" if database and fcntl is not None else None
        self._fd: int | None = None

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._local:
            self._depth += 1
            try:
                if self._path is None or self._depth > 1:
                    yield
                    return
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_CREAT | os.O_RDWR, 0o600)
                assert fcntl is not None
                fcntl.flock(self._fd, fcntl.LOCK_EX)  # waits without the GIL
                try:
                    yield
                finally:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                self._depth -= 1

    def close(self) -> None:
        with self._local:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


class Store:
    """The store's engine behind the two ways of using it: a unit of work that writes
    (committed when the block ends, rolled back on any error) and a read."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.writers: WriterQueue | None = None
        if engine.dialect.name == "sqlite":
            db = engine.url.database
            self.writers = WriterQueue(db if db and db != ":memory:" else None)

    @classmethod
    def open(cls, url: str, *, echo: bool = False) -> Store:
        return cls(make_engine(url, echo=echo))

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with ExitStack() as stack:
            if self.writers is not None:
                stack.enter_context(self.writers.turn())
            yield stack.enter_context(self._transaction())

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            conn.info.pop(CHANGED, None)  # info lives with the pooled connection
            with conn.begin():
                yield conn
                bump_if_changed(conn)  # last, so its row lock is held for the commit only

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def upgrade(self) -> None:
        upgrade(self.engine)

    def schema_status(self) -> tuple[str | None, str]:
        return schema_status(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.writers is not None:
            self.writers.close()
