"""Report benchmark: the quarterly operation report in HTML, PDF and Word.

A fresh SQLite store is set up with the built-in data and the simulated demo data (as
``make run`` does); then, each in a fresh subprocess so that its peak memory (max RSS) is its
own:

1. WenZeng: build the quarterly report for 2024Q3 from the store (figures, targets, the
   early-warning analysis as of the vintage), then render it as HTML, PDF and DOCX;
2. baseline A, the plain minimum: the same document written out as plain text (every
   sentence, table row and source as lines) — what the figures cost without any layout;
3. baseline B, the customary office route to a PDF: LibreOffice converting the Word file to
   PDF (``soffice --headless --convert-to pdf``), when LibreOffice is installed.

    python bench/report_bench.py [--period 2024Q3] [--as-of 2024-12-31] [--repeat 3]

(without --as-of the report is made as of the period's time, as `wenzeng report` does)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _settings(db: Path) -> Any:
    from wenzeng.config import load_settings

    return load_settings(database_url=f"sqlite:///{db}", data_dir=db.parent)


def setup(db: Path) -> float:
    from wenzeng.services.context import Context
    from wenzeng.services.setup import initialise

    t0 = time.perf_counter()
    ctx = Context.open(_settings(db))
    initialise(ctx, demo=True)
    ctx.close()
    return time.perf_counter() - t0


def _document(db: Path, period: str, as_of: str) -> tuple[Any, float]:
    from datetime import date

    from wenzeng.services import reports
    from wenzeng.services.context import Context

    ctx = Context.open(_settings(db))
    t0 = time.perf_counter()
    when = date.fromisoformat(as_of) if as_of else None  # none: the period's time
    doc = reports.build(ctx, "quarterly", period, as_of=when)
    elapsed = time.perf_counter() - t0
    ctx.close()
    return doc, elapsed


def run_wenzeng(db: Path, period: str, as_of: str, out: Path) -> dict[str, Any]:
    from wenzeng.services import reports

    t0 = time.perf_counter()
    doc, build = _document(db, period, as_of)
    timings = {"build": build}
    for fmt in reports.FORMATS:
        t = time.perf_counter()
        data = reports.render(doc, fmt)
        timings[fmt] = time.perf_counter() - t
        (out / f"report.{fmt}").write_bytes(data)
        timings[f"{fmt}_bytes"] = len(data)
    timings["total"] = time.perf_counter() - t0
    timings["charts"] = len(doc.charts)
    timings["sources"] = len(doc.sources)
    return timings


def run_plain(db: Path, period: str, as_of: str, out: Path) -> dict[str, Any]:
    from wenzeng.reports.document import Paragraph, Table, plain

    t0 = time.perf_counter()
    doc, build = _document(db, period, as_of)
    t = time.perf_counter()
    lines = [doc.title, doc.subtitle, doc.date_text]
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            lines.append(b.text)
        elif isinstance(b, Table):
            lines.append(b.caption)
            lines.extend("\t".join(plain(c) for c in row) for row in b.rows)
    lines.extend(
        f"{s.ref}\t{s.indicator_name}\t{s.period_label}\t{s.value_text}" for s in doc.sources
    )
    (out / "report.txt").write_text("\n".join(lines), encoding="utf-8")
    return {"build": build, "write": time.perf_counter() - t, "total": time.perf_counter() - t0}


def run_soffice(out: Path) -> dict[str, Any]:
    profile = Path(tempfile.mkdtemp(prefix="wz-lo-"))
    t0 = time.perf_counter()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out / "lo"),
            str(out / "report.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    shutil.rmtree(profile, ignore_errors=True)
    return {"total": time.perf_counter() - t0}


def child(which: str, db: Path, period: str, as_of: str, out: Path) -> None:
    if which == "wenzeng":
        result = run_wenzeng(db, period, as_of, out)
    elif which == "plain":
        result = run_plain(db, period, as_of, out)
    else:
        result = run_soffice(out)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if which == "soffice":
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        result["peak_mb"] = max(result["peak_mb"], kids)
    print(json.dumps(result))


def measure(which: str, db: Path, period: str, as_of: str, out: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            which,
            "--db",
            str(db),
            "--period",
            period,
            "--as-of",
            as_of,
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--period", default="2024Q3")
    ap.add_argument("--as-of", default="", help="default: the period's time")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child")
    ap.add_argument("--db", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.db, args.period, args.as_of, args.out)
        return
    work = Path(tempfile.mkdtemp(prefix="wz-report-bench-"))
    db = work / "wenzeng.db"
    print(f"setting up a store with the built-in and demo data in {work} …", flush=True)
    print(f"  set-up: {setup(db):.1f} s")
    runs: dict[str, list[dict[str, Any]]] = {"wenzeng": [], "plain": [], "soffice": []}
    has_soffice = shutil.which("soffice") is not None
    for i in range(args.repeat):
        print(f"run {i + 1}/{args.repeat} …", flush=True)
        runs["wenzeng"].append(measure("wenzeng", db, args.period, args.as_of, work))
        runs["plain"].append(measure("plain", db, args.period, args.as_of, work))
        if has_soffice:
            runs["soffice"].append(measure("soffice", db, args.period, args.as_of, work))

    def best(which: str, key: str) -> float:
        return min(r[key] for r in runs[which])

    w = runs["wenzeng"][0]
    print()
    print(
        f"quarterly report {args.period}, data as of {args.as_of or 'the period’s time'}: "
        f"{w['charts']} charts, "
        f"{w['sources']} cited observations; best of {args.repeat} runs"
    )
    print(f"{'step':<34}{'seconds':>10}")
    for key, label in (
        ("build", "build (data, targets, warnings)"),
        ("html", "render HTML"),
        ("pdf", "render PDF (WeasyPrint)"),
        ("docx", "render DOCX"),
        ("total", "all three formats, end to end"),
    ):
        print(f"{label:<34}{best('wenzeng', key):>10.2f}")
    print(f"{'peak memory (MB)':<34}{best('wenzeng', 'peak_mb'):>10.0f}")
    print(
        f"sizes: HTML {w['html_bytes']:,} B, PDF {w['pdf_bytes']:,} B, DOCX {w['docx_bytes']:,} B"
    )
    print()
    plain_total = best("plain", "total")
    print(
        f"baseline A, plain text of the same document: {plain_total:.2f} s, "
        f"peak {best('plain', 'peak_mb'):.0f} MB"
    )
    print(
        f"  layout costs {best('wenzeng', 'total') / plain_total:.2f}× the plain text "
        f"(the build, {best('plain', 'build'):.2f} s, is in both)"
    )
    if has_soffice:
        lo = best("soffice", "total")
        ours = best("wenzeng", "pdf")
        print(
            f"baseline B, LibreOffice DOCX → PDF: {lo:.2f} s (a process of its own, from the "
            "finished Word file)"
        )
        print(
            f"  WenZeng's PDF from the document: {ours:.2f} s, {lo / ours:.2f}× the speed of "
            "the LibreOffice conversion"
        )
    else:
        print("baseline B skipped: LibreOffice (soffice) is not installed")
    aim = 10.0
    verdict = "met" if best("wenzeng", "total") <= aim else "missed"
    print(f"aim ≤ {aim:.0f} s for all three formats: {verdict}")
    if os.environ.get("WENZENG_BENCH_KEEP") != "1":
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
