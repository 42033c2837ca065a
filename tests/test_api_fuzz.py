"""The API under fuzzing: schemathesis calls every operation of ``/openapi.json`` with valid
and invalid cases, from a fixed seed, by a token of each role and anonymously, against a fresh
store.  No answer is a server error, and every answer has a documented status, content type
and body.  (``bench/api_fuzz.py`` runs the same with many more cases.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from api_fuzzing import CHECKS, fresh_store, fuzz, populate


@pytest.mark.slow
def test_no_server_error_and_no_answer_the_document_does_not_describe(tmp_path: Path) -> None:
    with fresh_store(tmp_path) as ctx:
        run = fuzz(ctx, populate(ctx), examples=2)
    assert run.requests > 400, run.describe()
    assert not [s for s in run.statuses if s >= 500], run.describe()
    assert dict(run.failures) == {}, run.describe()
    assert {200, 401, 403, 404, 422} <= set(run.statuses), run.describe()
    assert len(CHECKS) == 4
