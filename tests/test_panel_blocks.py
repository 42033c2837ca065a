"""The analysis reads the enterprises' panels from the store block by block, and judges
them as the whole panels would be judged (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import numpy as np

from wenzeng.analysis.blocks import BlockRun
from wenzeng.analysis.warnings import Names, run_rules
from wenzeng.services.context import Context
from wenzeng.services.demo import load_demo
from wenzeng.services.early_warning import (
    PANEL_MONTHS,
    analyse,
    load_panels,
    names_for,
    needed_specs,
    warning_config,
)
from wenzeng.services.panel_blocks import enterprise_blocks

NAMES = Names(lambda code, lang: f"{code}/{lang}", lambda code, lang: f"{code}/{lang}")
AS_OF = date(2024, 9, 30)


def test_blocks_of_the_stored_enterprises_are_judged_as_the_whole_panels(ctx: Context) -> None:
    load_demo(ctx)
    config = warning_config()
    specs = needed_specs(config)
    with ctx.reading() as conn:
        whole = load_panels(ctx, conn, specs, AS_OF)
        blocks = list(enterprise_blocks(ctx, conn, specs, AS_OF, length=PANEL_MONTHS, size=40))
    assert len(blocks) > 1
    for spec, panel in whole.items():  # the blocks' rows are the whole panel's rows
        if spec.entities != "enterprises":
            continue
        parts = [b[spec] for b in blocks if spec in b]
        assert [e for p in parts for e in p.entities] == panel.entities
        assert all(p.months == panel.months for p in parts)
        joined = np.concatenate([p.values for p in parts])
        assert np.array_equal(joined, panel.values, equal_nan=True)
    want, want_stats = run_rules(config, whole, NAMES)
    shared = {k: v for k, v in whole.items() if k.entities != "enterprises"}
    nation = {k: v for k, v in shared.items() if k.entities == "nation"}
    run = BlockRun(config, NAMES)
    for block in blocks:
        run.judge_block(block, nation)
    got, stats = run.finish(shared)
    enterprises = [p for s, p in whole.items() if s.entities == "enterprises"]
    judged = {e for p in enterprises for e in p.entities}
    assert any(f.entity in judged for f in want)  # enterprises' findings among them
    assert got == want and stats == want_stats


def test_the_analysis_reads_the_enterprises_by_block(ctx: Context) -> None:
    load_demo(ctx)
    result = analyse(ctx, AS_OF)
    config = warning_config()
    with ctx.reading() as conn:
        whole = load_panels(ctx, conn, needed_specs(config), AS_OF)
    every = [a for items in result.assessments.values() for a in items]
    want, stats = run_rules(config, whole, names_for(ctx), every)
    assert result.findings == want
    assert (result.stats.judged, result.stats.insufficient) == (stats.judged, stats.insufficient)
    assert any(p.entities for s, p in whole.items() if s.entities == "enterprises")
