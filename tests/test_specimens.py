"""Bureau tables as offices send them, imported through the command line, against what they say.

Each file in tests/specimens/bureau/ has a ``FILE.expected.yaml`` beside it (written by hand
from the published figures, see make_bureau_specimens.py and the folder's README): the options
the import needs, and either every observation the import must store (nothing more, nothing
less) or every problem it must report, with nothing written.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from wenzeng.auth.principal import SYSTEM
from wenzeng.cli import run
from wenzeng.config import load_settings
from wenzeng.services.context import Context
from wenzeng.services.series import read_observations
from wenzeng.store import batches as batch_store
from wenzeng.store import observations as observation_store

BUREAU = Path(__file__).parent / "specimens" / "bureau"
SUFFIX = ".expected.yaml"


def _specimens(kind: str) -> list[Path]:
    found = []
    for spec in sorted(BUREAU.glob(f"*{SUFFIX}")):
        doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
        if ("errors" in doc) == (kind == "bad"):
            found.append(BUREAU / spec.name[: -len(SUFFIX)])
    return found


GOOD = _specimens("good")
BAD = _specimens("bad")


def expected(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(
        (BUREAU / f"{path.name}{SUFFIX}").read_text(encoding="utf-8")
    )
    return doc


class Cli:
    """``wenzeng`` run in-process on a fresh SQLite store, as a user would type it."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.url = url
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def context(self) -> Context:
        return Context.open(load_settings(database_url=self.url))

    def counts(self) -> tuple[int, int]:
        ctx = self.context()
        try:
            with ctx.reading() as conn:
                return (
                    observation_store.count_observations(conn),
                    len(batch_store.batches(conn)),
                )
        finally:
            ctx.close()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    url = f"sqlite:///{tmp_path / 'specimens.db'}"
    monkeypatch.setenv("WENZENG_DATABASE_URL", url)
    monkeypatch.delenv("WENZENG_DEBUG", raising=False)
    c = Cli(url, capsys)
    code, _, err = c("init")
    assert code == 0, err
    return c


def _key(o: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return (o["indicator"], str(o["entity"]), str(o["period"]), o["measure"], o["unit"])


def _stored(cli: Cli, batch: int) -> list[dict[str, Any]]:
    ctx = cli.context()
    try:
        records = read_observations(ctx, SYSTEM, all_vintages=True)
    finally:
        ctx.close()
    return [
        {
            "indicator": r.indicator,
            "entity": r.entity,
            "period": r.period,
            "measure": r.measure,
            "value": r.value,
            "unit": r.unit,
        }
        for r in records
        if r.batch_id == batch
    ]


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_a_good_specimen_stores_exactly_the_expected_observations(cli: Cli, path: Path) -> None:
    spec = expected(path)
    code, out, err = cli("import", str(path), "--format", "json", *spec["options"])
    assert code == 0, err
    summary = json.loads(out)
    want = spec["observations"]
    assert summary["rows"] == len(want), err
    got = _stored(cli, summary["batch"])
    keys_got, keys_want = Counter(map(_key, got)), Counter(map(_key, want))
    assert keys_got == keys_want, (
        f"missing: {sorted((keys_want - keys_got).elements())}\n"
        f"unexpected: {sorted((keys_got - keys_want).elements())}"
    )
    by_key = {_key(o): o["value"] for o in got}
    wrong = [
        (k, by_key[k], o["value"])
        for o in want
        if not math.isclose(by_key[(k := _key(o))], o["value"], rel_tol=1e-9, abs_tol=1e-12)
    ]
    assert not wrong, wrong


def _issue_texts(out: str, err: str) -> list[tuple[int | None, str | None, str]]:
    """Every reported problem as (row, column, message): from a JSON body on stdout when
    there is one (``errors``/``issues`` with ``loc`` and ``msg``), and from the lines the
    command writes to stderr ("…, 第5行/row 5, 列/column 地区: 消息 / message")."""
    found: list[tuple[int | None, str | None, str]] = []
    try:
        body = json.loads(out) if out.strip() else None
    except json.JSONDecodeError:
        body = None
    for item in _dicts_with(body, "msg"):
        loc = item.get("loc") or []
        pairs = dict(zip(loc[::2], loc[1::2], strict=False)) if isinstance(loc, list) else {}
        found.append((pairs.get("row"), pairs.get("column"), str(item["msg"])))
    # the console wraps long lines: join each "  - …" entry back into one line
    for chunk in re.split(r"\n\s*-\s+", "\n" + err):
        text = re.sub(r"\s*\n\s*", "", chunk)
        row = re.search(r"第(\d+)行", text)
        column = re.search(r"列/column (.+?)(?:, |: )", text)
        found.append(
            (int(row.group(1)) if row else None, column.group(1) if column else None, text)
        )
    return found


def _dicts_with(node: Any, key: str) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        here = [node] if key in node else []
        return here + [d for v in node.values() for d in _dicts_with(v, key)]
    if isinstance(node, list):
        return [d for v in node for d in _dicts_with(v, key)]
    return []


def _assert_reported(
    errors: list[dict[str, Any]],
    code: int,
    out: str,
    err: str,
    *,
    exit_codes: tuple[int, ...] = (3,),
) -> None:
    assert code in exit_codes, (code, out, err)
    assert "Traceback" not in err
    reported = _issue_texts(out, err)
    for want in errors:
        fragment = re.sub(r"\s", "", want["contains"])
        hits = [
            r
            for r in reported
            if r[0] == want["row"]
            and (want["column"] is None or r[1] == want["column"])
            and fragment in re.sub(r"\s", "", r[2])
        ]
        assert hits, f"not reported: {want}\nstdout: {out}\nstderr: {err}"


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_a_bad_specimen_reports_every_planted_problem_and_writes_nothing(
    cli: Cli, path: Path
) -> None:
    spec = expected(path)
    before = cli.counts()
    code, out, err = cli("import", str(path), "--format", "json", *spec["options"])
    _assert_reported(spec["errors"], code, out, err)
    assert cli.counts() == before
    assert spec["writes"] == 0


def _footnotes(body: Any) -> set[str] | None:
    """The footnote and source rows a dry run lists under ``notes`` (of every sheet, each
    once however often the JSON repeats it); title and unit lines are not counted."""
    lists = [d["notes"] for d in _dicts_with(body, "notes") if isinstance(d["notes"], list)]
    if not lists:
        return None
    return {
        json.dumps(n, ensure_ascii=False, sort_keys=True)
        for notes in lists
        for n in notes
        if not isinstance(n, dict) or n.get("kind") in (None, "note", "source")
    }


@pytest.mark.parametrize("path", GOOD + BAD, ids=lambda p: p.name)
def test_a_dry_run_shows_the_layout_and_writes_nothing(cli: Cli, path: Path) -> None:
    spec = expected(path)
    before = cli.counts()
    code, out, err = cli("import", str(path), "--dry-run", "--format", "json", *spec["options"])
    assert "Traceback" not in err
    assert cli.counts() == before
    if "errors" in spec:  # a dry run of a bad file reports the same problems, and says so
        try:
            said = json.loads(out) if out.strip() else {}
        except json.JSONDecodeError:
            said = {}
        assert code in (1, 3) or said.get("ok") is False, (code, out, err)
        _assert_reported(spec["errors"], code, out, err, exit_codes=(code,))
        return
    assert code == 0, err
    body = json.loads(out)
    assert "layout" in body and "rows" in body, body.keys()
    assert body["rows"] == len(spec["observations"])
    footnotes = _footnotes(body)
    assert footnotes is not None, "the dry run lists no notes"
    assert len(footnotes) == spec["notes"], sorted(footnotes)


def test_every_specimen_has_its_expectation_and_the_corpus_is_complete() -> None:
    files = {p.name for p in BUREAU.iterdir() if not p.name.endswith((SUFFIX, ".py", ".md"))}
    assert files == {p.name for p in GOOD + BAD}
    assert len(GOOD) >= 12 and len(BAD) >= 5
    for path in GOOD:
        spec = expected(path)
        assert len(spec["options"]) <= 2  # at most one option and its value
        assert spec["observations"], path.name
        for o in spec["observations"]:
            assert set(o) == {"indicator", "entity", "period", "measure", "value", "unit"}
    for path in BAD:
        assert all({"row", "column", "contains"} <= set(e) for e in expected(path)["errors"])


def test_the_problem_reader_finds_what_the_command_reports(cli: Cli) -> None:
    """The matching above, checked on a long-format file whose problems are known today."""
    bad = Path(__file__).parent / "specimens" / "bad" / "bad_values.csv"
    code, out, err = cli("import", str(bad), "--format", "json")
    errors: list[dict[str, Any]] = [
        {"row": 3, "column": "indicator", "contains": "未知指标"},
        {"row": 6, "column": "value", "contains": "不是数字"},
        {"row": 9, "column": None, "contains": "重复"},
    ]
    _assert_reported(errors, code, out, err)
    with pytest.raises(AssertionError, match="not reported"):
        _assert_reported([{"row": 4, "column": "indicator", "contains": "未知"}], code, out, err)


def test_national_figures_in_the_specimens_are_the_published_ones(sqlite_ctx: Context) -> None:
    """Every national figure a good specimen expects, where the built-in published data has
    the same figure, equals it: the hand conversions (万亿元 → 亿元, 亿台 → 万台) and the real
    values copied into the files agree with the sourced data set."""
    compared = 0
    for path in GOOD:
        for o in expected(path)["observations"]:
            if o["entity"] != "CN":
                continue
            published = [
                r
                for r in read_observations(
                    sqlite_ctx,
                    SYSTEM,
                    indicator=o["indicator"],
                    entities=["CN"],
                    measure=o["measure"],
                    periods=[str(o["period"])],
                )
                if r.source_kind != "import"
            ]
            for r in published:
                assert r.unit == o["unit"], (path.name, o, r.unit)
                assert math.isclose(r.value, o["value"], rel_tol=1e-9), (path.name, o, r.value)
                compared += 1
    assert compared >= 25
