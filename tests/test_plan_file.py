"""The plan file format: the shipped plan, a second plan, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from wenzeng.definitions.catalogue import builtin_plan_files, read_plan
from wenzeng.domain.plan import Comparator, Computation
from wenzeng.errors import ValidationFailed

SEED = builtin_plan_files()[0]


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_plan_is_complete() -> None:
    plan = read_plan(SEED)
    assert plan.document_number == "工信部联电子〔2023〕132号"
    assert [i.code for i in plan.issuers] == ["miit", "mof"]
    assert (plan.period.start, plan.period.end) == (2023, 2024)
    assert {t.code for t in plan.headline_targets} == {
        "va_growth",
        "revenue",
        "phone_5g_share",
        "tv_75plus_share",
        "solar_cell_output",
    }
    va = plan.target("va_growth")
    assert va.comparator is Comparator.APPROX and va.tolerance == 0.5 and va.value == 5
    assert va.computation is Computation.AVERAGE_ANNUAL_GROWTH
    assert plan.target("revenue").unit == "万亿元" and plan.target("revenue").value == 24
    assert plan.target("solar_cell_output").unit == "GW"
    # six areas of 工作举措 and the 保障措施
    kinds = [a.kind for a in plan.areas]
    assert kinds.count("measure") == 6 and kinds.count("safeguard") == 1
    safeguards = [m for m in plan.measures if m.area == "4"]
    assert len(safeguards) == 4
    assert any("第四批智能光伏试点示范名单" in d.zh for m in plan.measures for d in m.deliverables)
    annual = next(o for o in plan.obligations if o.code == "annual_progress")
    assert annual.due is not None and (annual.due.month, annual.due.day) == (11, 30)
    assert {r.value for r in annual.reporters} == {"province", "plan_city", "xpcc"}
    by_associations = next(o for o in plan.obligations if o.code == "annual_progress_association")
    assert [r.value for r in by_associations.reporters] == ["association"]
    assert by_associations.form == "annual_progress_association"


def test_every_measure_text_is_the_plans_own_words() -> None:
    published = SEED.with_name(SEED.name.removesuffix(".yaml") + ".source.md")
    squeeze = lambda s: "".join(s.split())  # noqa: E731
    source = squeeze(published.read_text(encoding="utf-8"))
    assert "工信部联电子〔2023〕132号" in source
    for m in read_plan(SEED).measures:
        assert squeeze(m.text) in source, m.code


def test_a_second_plan_loads_without_code_changes(tmp_path: Path) -> None:
    text = (
        seed_text()
        .replace("code: eim-2023-2024", "code: eim-2025-2026")
        .replace("start: 2023", "start: 2025")
        .replace("end: 2024", "end: 2026")
        .replace("start: 2024", "start: 2026")
    )
    path = tmp_path / "second.yaml"
    path.write_text(text, encoding="utf-8")
    plan = read_plan(path)
    assert plan.code == "eim-2025-2026" and plan.period.end == 2026


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = seed_text()
    assert old in text, old
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, "document_number:", "document_number: [unclosed\nx:")
    with pytest.raises(ValidationFailed) as info:
        read_plan(path)
    (issue,) = info.value.issues
    assert issue.code == "yaml_syntax"
    assert issue.loc.file == str(path) and issue.loc.line is not None
    assert "YAML syntax error" in issue.msg


def test_missing_required_key(tmp_path: Path) -> None:
    path = _broken(tmp_path, "document_number:", "document_numbr:")
    with pytest.raises(ValidationFailed) as info:
        read_plan(path)
    keys = {i.loc.key for i in info.value.issues}
    assert "document_number" in keys  # required, missing
    assert "document_numbr" in keys  # unknown key
    extra = next(i for i in info.value.issues if i.loc.key == "document_numbr")
    assert extra.loc.line == _line_of(path, "document_numbr:")
    assert "Extra inputs are not permitted" in extra.msg


def test_wrong_type_names_key_and_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, "value: 450", "value: lots")
    with pytest.raises(ValidationFailed) as info:
        read_plan(path)
    (issue,) = info.value.issues
    assert issue.loc.key is not None and issue.loc.key.endswith(".value")
    assert issue.loc.line == _line_of(path, "value: lots")
    assert "found: 'lots'" in issue.msg


def test_bad_enum_value(tmp_path: Path) -> None:
    path = _broken(tmp_path, "comparator: gt", "comparator: bigger")
    with pytest.raises(ValidationFailed) as info:
        read_plan(path)
    assert any(i.loc.key.endswith("comparator") and "'gt'" in i.msg for i in info.value.issues)


def test_approx_target_needs_tolerance(tmp_path: Path) -> None:
    path = _broken(tmp_path, "tolerance: 0.5", "tolerance: null")
    with pytest.raises(ValidationFailed, match="invalid definition file") as info:
        read_plan(path)
    assert any("needs a tolerance" in i.msg for i in info.value.issues)


def test_unknown_indicator_is_a_reference_error(tmp_path: Path) -> None:
    path = _broken(tmp_path, "indicator: pv_cell_output_miit", "indicator: pv_cells_made")
    with pytest.raises(ValidationFailed, match="bad references") as info:
        read_plan(path)
    (issue,) = [i for i in info.value.issues if i.code == "reference"]
    assert "unknown indicator 'pv_cells_made'" in issue.msg
    assert issue.loc.line is not None


def test_unit_that_cannot_convert(tmp_path: Path) -> None:
    path = _broken(tmp_path, "unit: GW", "unit: 亿元")
    with pytest.raises(ValidationFailed) as info:
        read_plan(path)
    assert any(i.code == "unit_mismatch" for i in info.value.issues)


def test_unknown_area_and_duplicate_codes(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'area: "3.2"', 'area: "9.9"')
    with pytest.raises(ValidationFailed) as info:
        read_plan(path)
    assert any("unknown area '9.9'" in i.msg for i in info.value.issues)


def test_empty_and_unreadable_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="empty file"):
        read_plan(empty)
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ValidationFailed, match="cannot read"):
        read_plan(missing)
