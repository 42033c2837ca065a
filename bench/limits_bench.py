"""Limits benchmark: hostile workbooks and a normal one, the full-load reader (as it was before the limits) against
the limits and the streaming reader.

Each measurement runs in a fresh subprocess, so that its peak memory (max RSS) is its own,
under an address-space cap (``RLIMIT_AS``, 2 GB by default) and a time limit, so that the
old reader cannot take the machine: a run it cannot finish is reported as "refused by the
cap" (MemoryError) or "stopped at the time limit".

- baseline ("old"): ``read_table`` as it was before the limits for a workbook,
  ``openpyxl.load_workbook`` in full, every merged range filled cell by cell, no limits
  (kept below as ``old_read_sheet``), then the same frame;
- new: ``wenzeng.ingest.readers.read_table`` with the default limits: the survey of the
  zip directory and the XML, then openpyxl's read-only streaming over the range used.

Files: a 2 KB workbook with one cell at XFD1048576; one with the merge A3:XFD1048576;
a zip bomb (about 1 MB inflating to 300 MB of cells; one seen in practice was 3.2 MB to 944 MB);
a normal 10,000-row workbook (time ratio new / old, median of the runs); and a 50 MB CSV
to show what the checks cost on a file they accept.

    python bench/limits_bench.py [--cap-gb 2] [--timeout 120] [--runs 3] [--rows 10000]
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from wenzeng.ingest.excel import cell_text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # hostile_files: the files the tests use too


# -- the full-load reader as it was before the limits, the baseline (cell_text is unchanged) ---
def _old_grid(ws: Any) -> list[list[Any]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        top_left = rows[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, rng.max_col):
                if c < len(rows[r]):
                    rows[r][c] = top_left
    return rows


def _old_is_title_row(ws: Any, row_index: int, width: int) -> bool:
    return any(
        g.min_row == g.max_row == row_index + 1 and g.max_col - g.min_col + 1 >= max(2, width - 1)
        for g in ws.merged_cells.ranges
    )


def _old_header_depth(ws: Any, header_row: int) -> int:
    spans = (
        g.min_row == header_row + 1 and (g.max_col > g.min_col or g.max_row > g.min_row)
        for g in ws.merged_cells.ranges
    )
    return 2 if any(spans) else 1


def old_read_sheet(data: bytes) -> tuple[str, list[str], list[list[str | None]], list[int]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    ws = wb.worksheets[0]
    grid = _old_grid(ws)
    width = max((len(r) for r in grid), default=0)
    start = 0
    while start < len(grid) and (
        all(cell_text(v) is None for v in grid[start]) or _old_is_title_row(ws, start, width)
    ):
        start += 1
    if start >= len(grid):
        return ws.title, [], [], []
    depth = _old_header_depth(ws, start)
    header = []
    for col in range(width):
        parts: list[str] = []
        for r in range(start, start + depth):
            text = cell_text(grid[r][col]) if col < len(grid[r]) else None
            if text and text not in parts:
                parts.append(text)
        header.append("/".join(parts) if parts else f"column_{col + 1}")
    rows, numbers = [], []
    for r in range(start + depth, len(grid)):
        cells = [cell_text(v) for v in grid[r]] + [None] * (width - len(grid[r]))
        if all(c is None for c in cells):
            continue
        rows.append(cells[:width])
        numbers.append(r + 1)
    return ws.title, header, rows, numbers


# -- one measurement, in a child process ----------------------------------------------------------
def old_read_table(name: str, data: bytes) -> Any:
    """read_table before the limits for a workbook: the old sheet reader, then the frame."""
    import polars as pl

    _, header, rows, numbers = old_read_sheet(data)
    frame = pl.DataFrame(rows, schema=[(h, pl.Utf8) for h in header], orient="row")
    return frame.with_columns(pl.Series("__row", numbers, dtype=pl.Int64))


def child(kind: str, path: Path, cap_bytes: int) -> None:
    import openpyxl  # noqa: F401  (imports are not what is measured)
    import polars  # noqa: F401

    from wenzeng.errors import WenzengError
    from wenzeng.ingest.limits import precheck
    from wenzeng.ingest.readers import read_table

    resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))
    data = path.read_bytes()
    out: dict[str, Any] = {}
    t = time.perf_counter()
    try:
        if kind == "old":
            frame = old_read_table(path.name, data)
            out["outcome"] = f"read {frame.height:,} rows x {frame.width - 1:,} columns"
        elif kind == "checks":
            precheck(path.name, data)
            out["outcome"] = "passed the checks"
        else:
            try:
                table = read_table(Path(path.name), data)
                out["outcome"] = f"read {table.frame.height:,} rows x {len(table.columns)} columns"
            except WenzengError as exc:
                out["outcome"] = f"refused {exc.status}: {exc.message.split(' / ')[1][:110]}"
    except MemoryError:
        out["outcome"] = "refused by the cap (MemoryError)"
    out["seconds"] = time.perf_counter() - t
    out["rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM).  Not ``ru_maxrss``: Linux carries that over
    ``exec`` from the parent, which holds the generated files."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, path: Path, cap_bytes: int, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, str(path), "--cap", str(cap_bytes)]
    t = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {
            "outcome": f"stopped at the time limit ({timeout:.0f} s)",
            "seconds": timeout,
            "rss_mb": None,
        }
    if done.returncode != 0 or not done.stdout.strip():
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        why = "refused by the cap" if "MemoryError" in done.stderr or done.returncode < 0 else last
        return {
            "outcome": f"{why} (exit {done.returncode})",
            "seconds": time.perf_counter() - t,
            "rss_mb": None,
        }
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def show(name: str, kind: str, r: dict[str, Any]) -> None:
    rss = f"{r['rss_mb']:8.0f} MB" if r.get("rss_mb") is not None else "       — "
    print(f"{name:<24} {kind:<4} {r['seconds']:8.2f} s {rss}  {r['outcome']}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=2, metavar=("KIND", "FILE"))
    ap.add_argument("--cap", type=int, default=0)
    ap.add_argument("--cap-gb", type=float, default=2.0)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rows", type=int, default=10_000)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.cap)
        return
    import hostile_files as hostile

    cap = int(args.cap_gb * 1024**3)
    print(f"address-space cap {args.cap_gb:g} GB, time limit {args.timeout:.0f} s per run\n")
    print(f"{'file':<24} {'path':<4} {'time':>10} {'peak RSS':>11}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "far_cell.xlsx": hostile.far_cell(),
            "far_merge.xlsx": hostile.far_merge(),
            "zip_bomb.xlsx": hostile.zip_bomb(300),
        }
        for name, data in files.items():
            path = Path(tmp) / name
            path.write_bytes(data)
            print(f"-- {name}: {len(data):,} bytes")
            show(name, "old", measure("old", path, cap, args.timeout))
            show(name, "new", measure("new", path, cap, args.timeout))

        path = Path(tmp) / "normal.xlsx"
        path.write_bytes(hostile.plain_workbook(args.rows))
        print(f"-- normal.xlsx: {args.rows:,} rows x 8 columns, {path.stat().st_size:,} bytes")
        times: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(args.runs):
            for kind in ("old", "new"):
                r = measure(kind, path, cap, args.timeout)
                times[kind].append(r["seconds"])
                show("normal.xlsx", kind, r)
        old, new = statistics.median(times["old"]), statistics.median(times["new"])
        print(f"normal.xlsx median: old {old:.2f} s, new {new:.2f} s, new / old = {new / old:.2f}")

        path = Path(tmp) / "big.csv"
        row = b"E9001,2025-10,1234567.25,7654321.5,2025-11-01,some note\n"
        path.write_bytes(b"a,b,c,d,e,f\n" + row * (50 * 1024 * 1024 // len(row)))
        print(f"-- big.csv: {path.stat().st_size:,} bytes")
        checks = measure("checks", path, cap, args.timeout)
        show("big.csv", "chk", checks)
        whole = measure("new", path, cap, args.timeout)
        show("big.csv", "new", whole)
        print(
            f"big.csv: the checks before parsing take {checks['seconds'] / whole['seconds']:.1%} of reading it"
        )


if __name__ == "__main__":
    main()
