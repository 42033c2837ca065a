"""The store the commands work on: the global ``--database-url`` option, kept in ``state``,
and the running context opened from it for one command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from wenzeng.config import Settings, load_settings

if TYPE_CHECKING:
    from wenzeng.services.context import Context


class State:
    """The global options of one invocation (set by the root callback)."""

    database_url: str | None = None

    def settings(self, **overrides: Any) -> Settings:
        return load_settings(database_url=self.database_url, **overrides)


state = State()


@contextmanager
def open_context(require_schema: bool = True) -> Iterator[Context]:
    """The running context for one command, closed when it ends; by default the store must
    be initialised and up to date (otherwise a configuration error says to run ``init``)."""
    from wenzeng.services.context import Context

    ctx = Context.open(state.settings())
    try:
        if require_schema:
            ctx.require_schema()
        yield ctx
    finally:
        ctx.close()
