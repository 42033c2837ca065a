"""API fuzzing, the longer run: schemathesis on every operation of ``/openapi.json``, by a
bearer token of each role (admin, province, association, enterprise) and anonymously, with
``--examples`` valid and as many invalid cases per operation and caller, from a fixed seed,
against a fresh SQLite store.  Prints the requests made, the answers by status, the failed
answers by check (server errors, undocumented status, content type or body) and the time.

    python bench/api_fuzz.py [--examples 25] [--seed 20261203]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from api_fuzzing import CHECKS, SEED, fresh_store, fuzz, populate  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples", type=int, default=25, help="cases per operation, mode, caller"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, fresh_store(Path(folder)) as ctx:
        run = fuzz(ctx, populate(ctx), examples=args.examples, seed=args.seed, keep_examples=20)
    print(f"examples per operation, mode and caller: {args.examples}; seed {args.seed}")
    print(run.describe())
    print("checks: " + ", ".join(f"{c} {run.failures.get(c, 0)} failed" for c in CHECKS))
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
