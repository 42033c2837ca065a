"""The project stands on its own: no file names a path outside it, and every citation of the
method notes points at a section that exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
SCANNED = ("src", "tests", "bench", "docs", "README.md")
SKIPPED_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
# Written in pieces so that this file does not name them itself.
OUTSIDE = (
    "/" + "work/",  # an absolute path of a build machine
    ".." + "/shared",  # a folder beside the repository
    "METHODS" + ".md",  # notes that are not part of the project
)
METHOD_NOTES = ROOT / "docs" / "methods.md"
CITATION = re.compile(r"methods\.md#([a-z0-9-]+)")
ANCHOR = re.compile(r'<a id="([a-z0-9-]+)"></a>')


def _files() -> list[Path]:
    out: list[Path] = []
    for name in SCANNED:
        top = ROOT / name
        if top.is_file():
            out.append(top)
            continue
        for path in sorted(top.rglob("*")):
            parts = set(path.relative_to(ROOT).parts)
            if path.is_file() and not parts & SKIPPED_DIRS and not path.match("*.egg-info/*"):
                out.append(path)
    return out


def test_no_file_names_a_path_outside_the_project() -> None:
    files = _files()
    assert len(files) > 100
    found = []
    for path in files:
        data = path.read_bytes()
        found += [f"{path.relative_to(ROOT)}: {p}" for p in OUTSIDE if p.encode() in data]
    assert not found, "\n".join(found)


def test_every_citation_of_the_method_notes_names_a_section() -> None:
    anchors = set(ANCHOR.findall(METHOD_NOTES.read_text(encoding="utf-8")))
    cited: dict[str, set[str]] = {}
    for path in _files():
        if path.suffix in {".py", ".md", ".yaml", ".yml", ".html", ".txt"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for anchor in CITATION.findall(text):
                cited.setdefault(anchor, set()).add(str(path.relative_to(ROOT)))
    assert len(cited) >= 8  # the detectors, the warning rules and the docs cite their methods
    unknown = {a: sorted(where) for a, where in cited.items() if a not in anchors}
    assert not unknown, unknown
