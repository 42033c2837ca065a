"""Fuzzing the API from its own OpenAPI document with schemathesis: every operation, called by
a bearer token of each role and anonymously, with cases generated from the document (valid and
invalid), each answer checked for server errors and against what the document says of it.

Shared by ``tests/test_api_fuzz.py`` (a short run) and ``bench/api_fuzz.py`` (a longer one).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as fixed_seed
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

from factories import ACME, BETA, ENTERPRISE_VALUES, add_enterprises
from wenzeng.auth.principal import SYSTEM
from wenzeng.config import load_settings
from wenzeng.services import accounts
from wenzeng.services import submissions as subs
from wenzeng.services.context import Context
from wenzeng.services.early_warning import run_analysis
from wenzeng.services.setup import initialise
from wenzeng.web.app import create_app

CHECKS = (
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
)
ROLES = {
    # role: (username, entity); None: anonymous
    "admin": ("admin", None),
    "province": ("sichuan", "510000"),
    "association": ("ccia", "assoc_ccia"),
    "enterprise": ("e9001", "E9001"),
    "anonymous": None,
}
SEED = 20261203


@dataclass
class FuzzRun:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # check -> failed answers
    examples: list[str] = field(default_factory=list)  # the first failures, described
    seconds: float = 0.0

    def describe(self) -> str:
        lines = [
            f"requests {self.requests} in {self.seconds:.1f} s",
            "statuses " + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items())),
            "failures " + (", ".join(f"{c}: {n}" for c, n in self.failures.items()) or "none"),
        ]
        return "\n".join(lines + self.examples)


def populate(ctx: Context) -> dict[str, str | None]:
    """A store with key enterprises, a user and a token of each role, a submitted report
    and an analysis run; returns role -> bearer token (None: anonymous)."""
    add_enterprises(ctx, ACME, BETA)
    tokens: dict[str, str | None] = {}
    for role, who in ROLES.items():
        if who is None:
            tokens[role] = None
            continue
        name, entity = who
        accounts.add_user(ctx, SYSTEM, username=name, role=role, entity=entity)
        tokens[role] = accounts.create_token(ctx, SYSTEM, name, "fuzzing")
    reporter = accounts.principal_for_token(ctx, str(tokens["enterprise"]))
    assert reporter is not None
    s = subs.save(
        ctx,
        reporter,
        form_code="monthly_enterprise",
        reporter="E9001",
        period="2025-09",
        values=ENTERPRISE_VALUES,
    )
    subs.submit(ctx, reporter, s.id, version=s.version)
    run_analysis(ctx, date(2025, 6, 30))
    return tokens


@contextmanager
def fresh_store(folder: Path) -> Iterator[Context]:
    """An initialised SQLite store in ``folder`` (plan and published figures)."""
    ctx = Context.open(load_settings(database_url=f"sqlite:///{folder / 'fuzz.db'}"))
    try:
        initialise(ctx)
        yield ctx
    finally:
        ctx.close()


def _check(name: str) -> Callable[..., Any]:
    return getattr(schemathesis.checks, name)  # type: ignore[no-any-return]


def fuzz(
    ctx: Context,
    tokens: dict[str, str | None],
    *,
    examples: int,
    seed: int = SEED,
    keep_examples: int = 10,
) -> FuzzRun:
    """Every operation of the document, by every role, with ``examples`` valid and
    ``examples`` invalid cases each, from a fixed seed."""
    app = create_app(ctx.settings, context=ctx)
    app.state.ctx = ctx  # the app is called without its lifespan, which would set it
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checks = {name: _check(name) for name in CHECKS}
    run = FuzzRun()
    started = time.perf_counter()

    def call(case: Any, token: str | None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = case.call(headers=headers)
        run.requests += 1
        run.statuses[response.status_code] += 1
        for name, check in checks.items():
            try:
                case.validate_response(response, checks=[check], headers=headers)
            except FailureGroup as group:
                run.failures[name] += 1
                if len(run.examples) < keep_examples:
                    title = "; ".join(f"{f.title}: {f.message[:300]}" for f in group.exceptions)
                    run.examples.append(
                        f"{name}: {case.method} {case.formatted_path} → {response.status_code} "
                        f"({title}) body {str(case.body)[:120]!r} query {case.query!r}"
                    )

    def explore(strategy: Any, token: str | None) -> None:
        @fixed_seed(seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def one(case: Any) -> None:
            call(case, token)

        with suppress(Unsatisfiable):  # no invalid case exists: no parameters, no body
            one()

    for result in schema.get_all_operations():
        operation = result.ok()
        for token in tokens.values():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                explore(operation.as_strategy(generation_mode=mode), token)
    run.seconds = time.perf_counter() - started
    return run
