"""The command line, run in-process as a user would type it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wenzeng.cli import run

SPECIMENS = Path(__file__).parent / "specimens"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("WENZENG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("WENZENG_DEBUG", raising=False)

    def call(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


def test_commands_before_init_say_what_to_do(cli) -> None:
    code, _, err = cli("plan", "show")
    assert code == 2
    assert "run `wenzeng init` first" in err
    assert "Traceback" not in err


def test_init_is_idempotent_and_plan_show_reports_targets(cli) -> None:
    code, _, err = cli("init")
    assert code == 0 and "1287 new rows" in err
    code, _, err = cli("init")
    assert code == 0 and "0 new rows" in err and "1287 already stored" in err
    code, out, _ = cli("plan", "show", "--format", "json")  # the plan in force
    assert json.loads(out)["plan"]["code"] == "eim-2025-2026"
    code, out, _ = cli("plan", "show", "eim-2023-2024", "--format", "json")
    data = json.loads(out)
    assert data["plan"]["document_number"] == "工信部联电子〔2023〕132号"
    targets = {t["target"]: t for t in data["targets"]}
    assert targets["solar_cell_output"]["figure"] == 654
    assert targets["solar_cell_output"]["figure_kind"] == "actual"
    # the broad-scope revenue is not published
    assert targets["revenue"]["status"] == "no_data"
    assert "has been published" in targets["revenue"]["rule_en"]
    code, out, _ = cli("plan", "show", "eim-2023-2024")
    assert code == 0 and "太阳能电池产量" in out and "654GW" in out


def test_data_show_as_published_and_as_revised(cli, tmp_path: Path) -> None:
    cli("init")
    rev = tmp_path / "rev.csv"
    rev.write_text(
        "indicator,region,period,measure,value\nva_elec,CN,2024年1-9月,yoy_pct,12.6\n",
        encoding="utf-8",
    )
    code, out, _ = cli("import", str(rev), "--vintage", "2025-03-01", "--format", "json")
    assert code == 0 and json.loads(out)["rows"] == 1
    code, out, _ = cli(
        "data",
        "show",
        "va_elec",
        "--period",
        "2024年1-9月",
        "--as-of",
        "2024-12-31",
        "--format",
        "json",
    )
    (first,) = json.loads(out)
    assert first["value"] == 12.8
    code, out, _ = cli(
        "data", "show", "va_elec", "--period", "2024年1-9月", "--vintages", "--format", "json"
    )
    assert [r["value"] for r in json.loads(out)] == [12.8, 12.6]
    code, out, _ = cli("data", "show", "va_elec", "--period", "2024-01~09", "--format", "csv")
    lines = out.strip().splitlines()
    assert lines[0].startswith("indicator,entity") and "12.6" in lines[1]


def test_import_errors_exit_3_and_name_row_and_column(cli) -> None:
    cli("init")
    code, _, err = cli("import", str(SPECIMENS / "bad" / "bad_values.csv"))
    assert code == 3
    assert "nothing was written" in err
    assert "第6行/row 6" in err and "列/column value" in err and "not a number: '一百'" in err


def test_usage_errors(cli) -> None:
    cli("init")
    code, _, err = cli("import", "x.csv", "--map", "nonsense")
    assert code == 2 and "expected FIELD=VALUE" in err
    code, _, err = cli("data", "show", "va_elec", "--as-of", "yesterday")
    assert code == 2 and "invalid date" in err
    code, _, err = cli("data", "show", "no_such_indicator")
    assert code == 4 and "unknown indicator" in err
    code, _, err = cli("data", "show")
    assert code == 2 and "Missing" in err and "internal error" not in err
    code, _, err = cli("data", "show", "va_elec", "--bogus")
    assert code == 2 and "--bogus" in err
    code, _, err = cli("import", "/nonexistent/file.csv")
    assert code == 3 and "cannot read the file" in err
    code, _, err = cli("analyze", "--as-of", "yesterday")
    assert code == 2 and "invalid date" in err and "internal error" not in err


def test_version_needs_no_command(cli) -> None:
    from wenzeng import __version__

    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == __version__


def test_reading_commands_speak_json(cli) -> None:
    cli("init")
    for args in (
        ["plan", "list"],
        ["data", "series", "va_elec"],
        ["status"],
        ["catalog", "indicators"],
        ["catalog", "entities", "--kind", "province"],
    ):
        code, out, _ = cli(*args, "--format", "json")
        assert code == 0, args
        assert json.loads(out), args
    code, out, _ = cli("catalog", "entities", "--kind", "province", "--format", "json")
    assert len(json.loads(out)) == 31


def test_a_second_plan_loads_from_the_cli(cli, tmp_path: Path) -> None:
    from wenzeng.definitions.catalogue import builtin_plan_files

    cli("init")
    text = (
        builtin_plan_files()[0]
        .read_text(encoding="utf-8")
        .replace("code: eim-2023-2024", "code: eim-copy")
    )
    path = tmp_path / "copy.yaml"
    path.write_text(text, encoding="utf-8")
    assert cli("plan", "check", str(path))[0] == 0
    assert cli("plan", "load", str(path))[0] == 0
    code, out, _ = cli("plan", "list", "--format", "json")
    builtin = {p.name.removesuffix(".yaml") for p in builtin_plan_files()}
    assert {p["code"] for p in json.loads(out)} == builtin | {"eim-copy"}
    code, out, _ = cli("plan", "show", "eim-copy", "--format", "json")
    assert code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("document_number:", "document_numbr:"), encoding="utf-8")
    code, _, err = cli("plan", "load", str(bad))
    assert code == 3 and "document_numbr" in err and "第" in err


def test_help_everywhere(cli) -> None:
    for args in ([], ["plan"], ["data"], ["catalog"], ["import"], ["data", "show"]):
        code, out, _ = cli(*args, "--help")
        assert code == 0 and "Usage" in out, args


def test_report_writes_the_file_and_keeps_the_report(cli, tmp_path: Path) -> None:
    import zipfile

    cli("init")
    out = tmp_path / "out" / "q3.docx"
    code, stdout, err = cli(
        "report", "quarterly", "--period", "2024年三季度", "--format", "docx",
        "--out", str(out), "--as-of", "2025-06-30",
    )  # fmt: skip
    assert code == 0, err
    assert str(out) in stdout
    assert "word/document.xml" in zipfile.ZipFile(out).namelist()
    assert not list(out.parent.glob("*.part"))  # nothing half-written is left
    assert "kept as report 1 (unpublished)" in err
    code, listed, _ = cli("report", "list", "--format", "json")
    [row] = json.loads(listed)
    assert row["period"] == "2024-Q3" and row["as_of"] == "2025-06-30" and not row["published"]
    assert [f["format"] for f in row["files"]] == ["docx"]
    code, said, _ = cli("report", "publish", "1")
    assert code == 0 and "published" in said
    code, listed, _ = cli("report", "list", "--format", "json")
    assert json.loads(listed)[0]["published"]


def test_report_into_a_folder_in_every_format_without_keeping(cli, tmp_path: Path) -> None:
    cli("init")
    folder = tmp_path / "reports"
    code, _, err = cli(
        "report", "annual", "--period", "2024", "--lang", "en", "--out", str(folder),
        "--as-of", "2025-06-30", "--no-keep",
    )  # fmt: skip
    assert code == 0, err
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"wenzeng-annual-2024-en-2025-06-30.{f}" for f in ("docx", "html", "pdf")]
    assert (folder / names[2]).read_bytes().startswith(b"%PDF")
    code, listed, _ = cli("report", "list", "--format", "json")
    assert json.loads(listed) == []


def test_report_errors_are_bilingual_and_leave_nothing(cli, tmp_path: Path) -> None:
    cli("init")
    out = tmp_path / "bad.pdf"
    code, _, err = cli("report", "quarterly", "--period", "2024", "--out", str(out))
    assert code == 3
    assert "quarter" in err and "季度" in err and "Traceback" not in err
    assert not out.exists()
    code, _, err = cli("report", "meeting", "--period", "someday", "--format", "pdf")
    assert code == 3 and "无法识别的期间" in err and "unreadable period" in err
