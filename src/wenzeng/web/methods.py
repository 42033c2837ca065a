"""The methods an address allows: the ``Allow`` header of a 405 answer.

The router stops at the first route whose path matches and names only that route's methods,
so ``DELETE /api/v1/submissions`` was told ``Allow: GET`` although ``POST`` works too.  Here
every route whose path matches the address is asked, so the header lists what the address
really allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Scope

ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
FILE_METHODS = frozenset({"GET", "HEAD"})  # a mounted folder of static files


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """The methods some route among ``routes`` answers at the address of ``scope``."""
    found: set[str] = set()
    root = scope.get("app_root_path", scope.get("root_path", ""))  # as the app was reached
    for route in routes:
        # no route has this method, so a route whose path matches answers PARTIAL
        probe = {"type": "http", "path": scope["path"], "root_path": root, "method": "\x00"}
        match, _ = route.matches(probe)
        if match is Match.NONE:
            continue
        if isinstance(route, Route):
            found |= route.methods or set()
        elif isinstance(route, Mount):
            found |= FILE_METHODS
    return sorted(found, key=lambda m: (ORDER.index(m) if m in ORDER else len(ORDER), m))


def leaf_routes(*groups: Sequence[BaseRoute]) -> list[BaseRoute]:
    """The routes that answer requests (paths and mounted folders), from route lists."""
    return [r for group in groups for r in group if isinstance(r, Route | Mount)]
