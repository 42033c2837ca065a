"""Transforms between the forms in which Chinese statistics publish a figure.

Everything here is pure and vectorised: polars expressions evaluated group-wise
(``over``) or through joins, never a Python loop over rows.  No IO.

A *series frame* is a :class:`polars.DataFrame` with

* key columns — any list of string column names, passed as ``keys``
  (indicator, entity, sector, ...);
* ``year``  — ``Int32``;
* ``month`` — ``Int8``, 1–12;
* ``value`` — ``Float64``;
* optionally ``span`` — ``String``, the months a single-month value covers:
  ``"03"`` for March alone, ``"01-02"`` for the combined January–February
  figure that NBS and MIIT publish instead of January (see
  :mod:`wenzeng.domain.periods`).

Inputs are cast to these dtypes; a frame with a missing column, a month outside
1–12, a null year or month, or two rows for the same ``(keys, year, month)``
raises :class:`ValueError`.  Outputs are sorted by ``(keys, year, month)``.

The functions take ``check=False`` to skip the search for duplicate rows when the
caller knows there are none (a frame this module produced, say); the results are
the same.  Inside, a frame is sorted once (or found sorted already and left
alone), its keys are numbered, and windows and year-on-year look-ups run on
that integer id, so outputs come out in order without a final sort.

Notation: ``x[y, m]`` is the single-month level of month ``m`` of year ``y``;
``C[y, m] = x[y, 1] + … + x[y, m]`` the cumulative (January to ``m``) level.
A missing number is never interpolated: whatever depends on it is null.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

from wenzeng.domain.catalog import Aggregation

__all__ = [
    "COMBINED_SPAN",
    "aggregate",
    "annual_from_cumulative",
    "average_annual_growth",
    "cum_to_month",
    "growth_required",
    "levels_from_yoy",
    "month_to_cum",
    "share",
    "yoy_from_annual",
    "yoy_from_levels",
]

YEAR = "year"
MONTH = "month"
VALUE = "value"
SPAN = "span"
WEIGHT = "weight"
N = "n"

COMBINED_SPAN = "01-02"
"""The ``span`` of a month-2 value that stands for January and February together."""

_RESERVED = frozenset({YEAR, MONTH, VALUE, SPAN, WEIGHT, N})
_TMP = "__wz_"  # prefix of internal columns
_BASE = f"{_TMP}base"
_PREV = f"{_TMP}prev"
_OK = f"{_TMP}ok"
_NUM = f"{_TMP}num"
_DEN = f"{_TMP}den"
_KEY = f"{_TMP}key"
_GROUP = f"{_TMP}group"
_CODE = f"{_TMP}code"
_HEAD = 256  # rows looked at first by :func:`_strictly_in_order`
_CODE_LIMIT = 2**62  # row codes of :func:`_with_earlier` stay below this (Int64)


# -- validation -----------------------------------------------------------------------


def _check_keys(keys: Sequence[str]) -> list[str]:
    if isinstance(keys, str):
        raise ValueError(f"keys must be a list of column names, not the string {keys!r}")
    out = list(keys)
    bad = [k for k in out if k in _RESERVED or k.startswith(_TMP)]
    if bad:
        raise ValueError(f"reserved column names cannot be keys: {bad}")
    if len(set(out)) != len(out):
        raise ValueError(f"duplicate keys: {out}")
    return out


def _series(
    df: pl.DataFrame,
    keys: Sequence[str],
    *,
    name: str = "df",
    with_span: bool = True,
    with_month: bool = True,
    check: bool = True,
) -> pl.DataFrame:
    """Select and type-check a series frame (an annual frame when ``with_month`` is false).

    With ``check`` false the frame is not searched for duplicate rows (the caller knows it
    has none, or :func:`_in_order` will find them more cheaply).
    """
    keys = _check_keys(keys)
    period = [YEAR, MONTH] if with_month else [YEAR]
    missing = [c for c in [*keys, *period, VALUE] if c not in df.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; it has {df.columns}")
    exprs: list[pl.Expr] = [pl.col(k) for k in keys]
    exprs.append(pl.col(YEAR).cast(pl.Int32))
    if with_month:
        exprs.append(pl.col(MONTH).cast(pl.Int8))
    exprs.append(pl.col(VALUE).cast(pl.Float64))
    if with_span and with_month and SPAN in df.columns:
        exprs.append(pl.col(SPAN).cast(pl.String))
    out = df.select(exprs)
    if out.height == 0:
        return out
    bad_period = pl.col(YEAR).is_null()
    if with_month:
        bad_period = bad_period | pl.col(MONTH).is_null() | ~pl.col(MONTH).is_between(1, 12)
    if bool(out.select(bad_period.any()).item()):
        raise ValueError(f"{name} has a null year or month, or a month outside 1-12")
    if check and _has_duplicates(out, [*keys, *period]):
        raise _duplicate_error(name, [*keys, *period])
    return out


def _duplicate_error(name: str, by: list[str]) -> ValueError:
    return ValueError(f"{name} has more than one row for the same {by}")


def _has_duplicates(df: pl.DataFrame, by: list[str]) -> bool:
    """Whether two rows agree on every column of ``by`` (nulls equal).

    A frame strictly in order has none; otherwise the rows' hashes are sorted and
    compared with their neighbours, and only a repeated hash (a duplicate, or very rarely
    a collision) is confirmed by the exact, slower ``is_duplicated``.
    """
    if df.height < 2 or _strictly_in_order(df, by):
        return False
    hashes = df.select(pl.struct(by).hash().sort().alias(_TMP))[_TMP]
    if not bool((hashes.slice(1) == hashes.slice(0, hashes.len() - 1)).any()):
        return False
    return bool(df.select(by).is_duplicated().any())


def _comparable(dtype: pl.DataType) -> bool:
    """Dtypes whose ``>`` agrees with ``sort`` (floats are left out for NaN and −0.0)."""
    return dtype == pl.String or dtype == pl.Boolean or dtype.is_integer() or dtype.is_temporal()


def _strictly_in_order(df: pl.DataFrame, by: list[str]) -> bool:
    """Whether each row comes strictly after the one before it in ``df.sort(by,
    nulls_last=True)`` order: the frame is sorted and has no two rows alike on ``by``.

    False (not known) when a column's dtype does not compare as it sorts. The first rows
    are looked at first, so that most unsorted frames are told apart at once.
    """
    if df.height < 2:
        return True
    if not by or not all(_comparable(df.schema[c]) for c in by):
        return False
    if df.height > _HEAD and not _strictly_in_order(df.head(_HEAD), by):
        return False
    after: pl.Expr | None = None
    for c in reversed(by):
        x, prev = pl.col(c), pl.col(c).shift(1)
        later = (x > prev).fill_null(False) | (x.is_null() & prev.is_not_null())
        after = later if after is None else later | (x.eq_missing(prev) & after)
    assert after is not None
    return bool(df.select(after.slice(1).all()).item())


def _in_order(
    s: pl.DataFrame, keys: list[str], *, name: str, with_month: bool = True, check: bool = True
) -> pl.DataFrame:
    """A series frame (from :func:`_series` with ``check=False``) sorted by
    ``(keys, year, month)``, nulls last: as it is when it already is, else sorted.

    Raises on duplicate rows when ``check``: a frame strictly in order has none, and in a
    sorted frame duplicates are neighbours (for keys of dtypes that compare as they sort;
    others are searched by :func:`_has_duplicates`).
    """
    by = [*keys, YEAR, MONTH] if with_month else [*keys, YEAR]
    if _strictly_in_order(s, by):
        return s
    comparable = all(_comparable(s.schema[c]) for c in by)
    if check and not comparable and _has_duplicates(s, by):
        raise _duplicate_error(name, by)
    s = s.sort(by, nulls_last=True)
    if check and comparable and s.height > 1:
        same = pl.all_horizontal([pl.col(c).eq_missing(pl.col(c).shift(1)) for c in by])
        if bool(s.select(same.slice(1).any()).item()):
            raise _duplicate_error(name, by)
    return s


def _with_key(s: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Add ``_KEY``, an integer id of the keys, to a frame sorted by its keys, so that
    windows and self-joins work on one integer column instead of the key columns."""
    if not keys:
        return s.with_columns(pl.lit(0, dtype=pl.UInt32).alias(_KEY))
    changed = pl.any_horizontal([~pl.col(k).eq_missing(pl.col(k).shift(1)) for k in keys])
    return s.with_columns(changed.cum_sum().alias(_KEY))


def _with_earlier(
    s: pl.DataFrame,
    back: int,
    alias: str,
    *,
    with_month: bool = True,
    same_year: bool = False,
) -> pl.DataFrame:
    """``s`` plus ``alias``: the value of the row of the same keys ``back`` periods (months,
    or years for an annual frame) earlier, and of the same ``span`` if ``s`` has one
    (nulls equal); null where there is no such row, or (``same_year``) it is in another year.

    ``s`` is in (keys, year, month) order, without duplicates, with ``_KEY`` (see
    :func:`_with_key`). What a join on (keys, year, month, span) would find, but each row
    is coded as one increasing integer, key·stride + period number, and the earlier row
    is found by binary search: several times faster than a join on the key columns.
    """
    extra = [SPAN] if SPAN in s.columns else []
    if s.height == 0:
        return s.with_columns(pl.lit(None, dtype=pl.Float64).alias(alias))
    first, last = int(s[YEAR].min()), int(s[YEAR].max())  # type: ignore[arg-type]
    per_year = 12 if with_month else 1
    stride = (last - first + 1) * per_year + back  # rows of two keys are > back apart
    if (int(s[_KEY].max()) + 1) * stride >= _CODE_LIMIT:  # type: ignore[arg-type]
        return _join_earlier(s, back, alias, with_month=with_month, same_year=same_year)
    period = (pl.col(YEAR).cast(pl.Int64) - first) * per_year
    if with_month:
        period = period + pl.col(MONTH).cast(pl.Int64) - 1
    s = s.with_columns((pl.col(_KEY).cast(pl.Int64) * stride + period).alias(_CODE))
    code = pl.col(_CODE)
    at = code.search_sorted(code - back).clip(upper_bound=s.height - 1)
    found = code.gather(at) == code - back
    for c in [*extra, *([YEAR] if same_year else [])]:
        found = found & pl.col(c).gather(at).eq_missing(pl.col(c))
    earlier = pl.when(found).then(pl.col(VALUE).gather(at))
    return s.with_columns(earlier.alias(alias)).drop(_CODE)


def _join_earlier(
    s: pl.DataFrame, back: int, alias: str, *, with_month: bool, same_year: bool
) -> pl.DataFrame:
    """:func:`_with_earlier` by a join, for frames too large to code rows as integers."""
    extra = [SPAN] if SPAN in s.columns else []
    if with_month:
        step = pl.col(YEAR).cast(pl.Int64) * 12 + pl.col(MONTH).cast(pl.Int64) - 1 + back
        shifted = [
            (step // 12).cast(pl.Int32).alias(YEAR),
            (step % 12 + 1).cast(pl.Int8).alias(MONTH),
        ]
        on = [_KEY, YEAR, MONTH, *extra]
    else:
        shifted = [(pl.col(YEAR) + back).cast(pl.Int32).alias(YEAR)]
        on = [_KEY, YEAR, *extra]
    base = s.select(_KEY, *shifted, *extra, pl.col(VALUE).alias(alias), pl.col(YEAR).alias(_CODE))
    joined = s.join(base, on=on, how="left", nulls_equal=True, maintain_order="left")
    if same_year:
        joined = joined.with_columns(pl.when(pl.col(_CODE) == pl.col(YEAR)).then(pl.col(alias)))
    return joined.drop(_CODE)


def _entity_keys(df: pl.DataFrame) -> list[str]:
    """Key columns of a frame whose keys are not given: every non-reserved column."""
    return [c for c in df.columns if c not in _RESERVED]


def _month_code() -> pl.Expr:
    return pl.col(MONTH).cast(pl.String).str.zfill(2)


# -- cumulative <-> single month --------------------------------------------------------


def cum_to_month(df: pl.DataFrame, keys: Sequence[str], *, check: bool = True) -> pl.DataFrame:
    """Single-month levels from cumulative (January-to-month) levels.

    ``x[y, m] = C[y, m] − C[y, m−1]`` within the same year, with

    * ``x[y, 1] = C[y, 1]``;
    * ``x[y, 2] = C[y, 2]`` with ``span = "01-02"`` when ``C[y, 1]`` is absent or
      null — the combined January–February release;
    * ``x[y, m] = null`` for ``m ≥ 3`` when ``C[y, m−1]`` is absent or null (a gap
      in publication; never interpolated).

    Returns ``keys, year, month, value, span`` with one row per input row;
    ``span`` is the two-digit month (``"03"``) except for a combined row.
    An input ``span`` column is ignored.  ``check=False`` skips the search for
    duplicate rows, for a frame known to have none.
    """
    keys = _check_keys(keys)
    cum = _series(df, keys, with_span=False, check=False)
    cum = _with_key(_in_order(cum, keys, name="df", check=check), keys)
    joined = _with_earlier(cum, 1, _PREV, same_year=True)
    month, value, before = pl.col(MONTH), pl.col(VALUE), pl.col(_PREV)
    combined = (month == 2) & before.is_null()
    out = joined.select(
        *keys,
        YEAR,
        MONTH,
        pl.when((month == 1) | combined)
        .then(value)
        .otherwise(value - before)  # null when C[y, m-1] is null
        .alias(VALUE),
        pl.when(combined).then(pl.lit(COMBINED_SPAN)).otherwise(_month_code()).alias(SPAN),
    )
    return out


def month_to_cum(df: pl.DataFrame, keys: Sequence[str], *, check: bool = True) -> pl.DataFrame:
    """Cumulative (January-to-month) levels from single-month levels.

    ``C[y, m] = x[y, 1] + … + x[y, m]`` — a running sum within the year — where a
    month-2 row with ``span = "01-02"`` stands for ``x[y, 1] + x[y, 2]``.
    ``C[y, m]`` is null unless every month 1…m is covered by a non-null value:
    from the first missing or null month on, the cumulative is unknown.

    Without a ``span`` column (or with a null span) a month-2 value is February
    alone; set ``span = "01-02"`` (as :func:`cum_to_month` does) for the
    combined releases.  A null January row beside a combined February is
    ignored (its own output is null); a non-null January beside a combined
    February would count January twice and raises :class:`ValueError`, as does
    a span that does not match its month.

    Returns ``keys, year, month, value`` with one row per input row.
    ``check=False`` skips the search for duplicate rows, for a frame known to have none.
    """
    keys = _check_keys(keys)
    s = _series(df, keys, check=False)
    s = _with_key(_in_order(s, keys, name="df", check=check), keys)
    # in (keys, year, month) order: each (keys, year) is one run of rows, months ascending,
    # so the windows run over one integer id and need no ordering of their own
    s = s.with_columns(pl.struct(_KEY, YEAR).rle_id().alias(_GROUP))
    group = _GROUP
    month, value = pl.col(MONTH), pl.col(VALUE)
    if SPAN in s.columns:
        span = pl.col(SPAN)
        bad_span = span.is_not_null() & (span != _month_code())
        bad_span = bad_span & ~((month == 2) & (span == COMBINED_SPAN))
        if bool(s.select(bad_span.any()).item()):
            raise ValueError(f"span must be the two-digit month or {COMBINED_SPAN!r} at month 2")
        combined = ((month == 2) & (span == COMBINED_SPAN)).fill_null(False)
        s = s.with_columns(combined.any().over(group).alias(_OK))
        if bool(s.select((pl.col(_OK) & (month == 1) & value.is_not_null()).any()).item()):
            raise ValueError(
                f"a January value and a combined {COMBINED_SPAN!r} value in the same year "
                "would count January twice"
            )
    else:  # no combined releases
        combined = pl.lit(False)
        s = s.with_columns(pl.lit(False).alias(_OK))
    has_combined = pl.col(_OK)
    skipped = has_combined & (month == 1)  # a null January under a combined release
    covered = pl.when(skipped).then(0).when(combined).then(2).otherwise(1)
    nulls = (value.is_null() & ~skipped).cast(pl.Int32)
    # months covered so far == month and no null so far, in one running count: a null
    # adds 32, more than any month number, so the count equals the month only without
    # one. An integer count, so the running count of a year is exactly the running count
    # of the frame less its value where the year starts (cheaper than a window).
    step = (covered + 32 * nulls).cast(pl.Int64)
    starts = (pl.col(_GROUP) != pl.col(_GROUP).shift(1)).fill_null(True)
    tally = step.cum_sum() - pl.when(starts).then(step.cum_sum() - step).forward_fill()
    complete = (tally == month.cast(pl.Int64)) & ~skipped
    running = value.fill_null(0.0).cum_sum().over(group)
    return s.select(*keys, YEAR, MONTH, pl.when(complete).then(running).alias(VALUE))


# -- year-on-year growth --------------------------------------------------------------


def _yoy(s: pl.DataFrame, keys: list[str], period: list[str]) -> pl.DataFrame:
    """YoY of a frame in (keys, period) order with ``_KEY``; the result keeps that order."""
    extra = [SPAN] if SPAN in s.columns else []
    with_month = MONTH in period
    joined = _with_earlier(s, 12 if with_month else 1, _BASE, with_month=with_month)
    b = pl.col(_BASE)
    growth = pl.when(b > 0).then((pl.col(VALUE) - b) / b * 100.0)
    return joined.select(*keys, *period, growth.alias(VALUE), *extra)


def yoy_from_levels(df: pl.DataFrame, keys: Sequence[str], *, check: bool = True) -> pl.DataFrame:
    """Year-on-year growth, %, of monthly (single-month or cumulative) levels.

    ``g[y, m] = (x[y, m] / x[y−1, m] − 1) · 100``, matched on ``(keys, year−1,
    month)`` and evaluated as ``(x[y, m] − x[y−1, m]) / x[y−1, m] · 100`` (exact
    difference for close levels, and the form :func:`levels_from_yoy` undoes); null where the base ``x[y−1, m]`` is missing, null or ``≤ 0`` (or
    ``x[y, m]`` is null).  When the frame has a ``span`` column it is matched
    too, so a combined January–February value is compared only with a combined
    base, never with February alone.

    Returns ``keys, year, month, value`` (``+ span`` when given), one row per input row.
    ``check=False`` skips the search for duplicate rows, for a frame known to have none.
    """
    keys = _check_keys(keys)
    s = _series(df, keys, check=False)
    s = _with_key(_in_order(s, keys, name="df", check=check), keys)
    return _yoy(s, keys, [YEAR, MONTH])


def yoy_from_annual(df: pl.DataFrame, keys: Sequence[str], *, check: bool = True) -> pl.DataFrame:
    """Year-on-year growth, %, of annual levels (frame: ``keys, year, value``).

    ``g[y] = (x[y] / x[y−1] − 1) · 100``, evaluated as ``(x[y] − x[y−1]) / x[y−1] · 100``;
    null where ``x[y−1]`` is missing, null or ``≤ 0``.
    """
    keys = _check_keys(keys)
    s = _series(df, keys, with_month=False, check=False)
    s = _with_key(_in_order(s, keys, name="df", with_month=False, check=check), keys)
    return _yoy(s, keys, [YEAR])


def levels_from_yoy(
    levels: pl.DataFrame, yoy: pl.DataFrame, keys: Sequence[str], *, check: bool = True
) -> pl.DataFrame:
    """Levels of year ``y`` from the levels of ``y−1`` and the growth of ``y``.

    ``x[y, m] = x[y−1, m] · (1 + g[y, m] / 100)``, evaluated as
    ``x[y−1, m] + x[y−1, m] · g[y, m] / 100``; one step (not chained over
    several years); null where either factor is missing.  The inverse of
    :func:`yoy_from_levels`: wherever that growth is not null this returns the
    original level up to rounding of about one ulp of ``max(x[y−1, m], x[y, m])``
    (a percentage near −100 cannot carry a level far below its base more
    precisely than that).

    ``span`` is matched when both frames have it and otherwise carried over
    from whichever has it.  Returns ``keys, year, month, value`` (``+ span``),
    one row per row of ``yoy``.  ``check=False`` skips the search for duplicate
    rows, for frames known to have none.
    """
    keys = _check_keys(keys)
    lv = _series(levels, keys, name="levels", check=check)
    g = _in_order(_series(yoy, keys, name="yoy", check=False), keys, name="yoy", check=check)
    on = [*keys, YEAR, MONTH] + ([SPAN] if SPAN in lv.columns and SPAN in g.columns else [])
    base = lv.with_columns((pl.col(YEAR) + 1).cast(pl.Int32)).rename({VALUE: _BASE})
    joined = g.join(base, on=on, how="left", nulls_equal=True, maintain_order="left")
    level = pl.col(_BASE) + pl.col(_BASE) * pl.col(VALUE) / 100.0
    extra = [SPAN] if SPAN in joined.columns else []
    return joined.select(*keys, YEAR, MONTH, level.alias(VALUE), *extra)


# -- shares and growth arithmetic -----------------------------------------------------


def share(
    numerator: pl.DataFrame, denominator: pl.DataFrame, keys: Sequence[str], *, check: bool = True
) -> pl.DataFrame:
    """Share, %: ``100 · num / den``, matched on ``(keys, year, month)``.

    Null when the denominator is missing, null or ``≤ 0``.  ``span`` is matched
    when both frames have it.  Returns ``keys, year, month, value`` (``+ span``),
    one row per row of ``numerator``.  ``check=False`` skips the search for
    duplicate rows, for frames known to have none.
    """
    keys = _check_keys(keys)
    num = _series(numerator, keys, name="numerator", check=False)
    num = _in_order(num, keys, name="numerator", check=check)
    den = _series(denominator, keys, name="denominator", check=check).rename({VALUE: _DEN})
    on = [*keys, YEAR, MONTH] + ([SPAN] if SPAN in num.columns and SPAN in den.columns else [])
    joined = num.join(den, on=on, how="left", nulls_equal=True, maintain_order="left")
    d = pl.col(_DEN)
    value = pl.when(d > 0).then(100.0 * pl.col(VALUE) / d)
    extra = [SPAN] if SPAN in joined.columns else []
    return joined.select(*keys, YEAR, MONTH, value.alias(VALUE), *extra)


def _check_rate(value: float, what: str) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{what} must be finite, got {value!r}")


def average_annual_growth(rates_pct: Sequence[float]) -> float:
    """Compound (geometric) mean of growth rates, %.

    ``ḡ = ((Π (1 + g_i/100))^(1/n) − 1) · 100`` — the constant rate that, applied
    n times, gives the same overall growth.  Not the arithmetic mean: +10 % and
    −10 % average to −0.50 %, not 0.  Computed as ``expm1(Σ log1p(g_i/100) / n)``
    and clamped to ``[min g_i, max g_i]`` (where it lies exactly), so equal
    rates return that rate.

    Raises :class:`ValueError` on an empty sequence, a non-finite rate or a rate ``≤ −100``.
    """
    rates = [float(g) for g in rates_pct]
    if not rates:
        raise ValueError("average_annual_growth needs at least one rate")
    for g in rates:
        _check_rate(g, "a growth rate")
        if g <= -100.0:
            raise ValueError(f"a growth rate must be above -100 %, got {g}")
    mean = math.expm1(math.fsum(math.log1p(g / 100.0) for g in rates) / len(rates)) * 100.0
    return min(max(mean, min(rates)), max(rates))


def growth_required(current_level: float, target_level: float, periods: float) -> float:
    """Compound growth per period, %, that takes ``current_level`` to ``target_level``.

    ``g = ((target / current)^(1/periods) − 1) · 100``, so that
    ``current · (1 + g/100)^periods = target``.  Negative when the target is
    below the current level; −100 for a target of 0.

    Raises :class:`ValueError` unless ``current_level > 0``, ``target_level ≥ 0``
    and ``periods > 0`` (fractional periods are allowed), all finite.
    """
    for v, what in ((current_level, "current_level"), (target_level, "target_level")):
        _check_rate(v, what)
    _check_rate(periods, "periods")
    if current_level <= 0:
        raise ValueError(f"current_level must be positive, got {current_level}")
    if target_level < 0:
        raise ValueError(f"target_level must not be negative, got {target_level}")
    if periods <= 0:
        raise ValueError(f"periods must be positive, got {periods}")
    if target_level == 0:
        return -100.0
    return math.expm1(math.log(target_level / current_level) / periods) * 100.0


# -- aggregation across entities ------------------------------------------------------


def _group_output(
    joined: pl.DataFrame,
    group: list[str],
    value: pl.Expr,
    n: pl.Expr,
) -> pl.DataFrame:
    out = joined.group_by(group).agg(value.alias(VALUE), n.cast(pl.Int32).alias(N))
    cols = [*group[:-1], VALUE, N, SPAN] if group[-1] == SPAN else [*group, VALUE, N]
    return out.select(cols).sort(group, nulls_last=True)


def aggregate(
    df: pl.DataFrame,
    keys_to_keep: Sequence[str],
    rule: Aggregation | str,
    *,
    weights: pl.DataFrame | None = None,
    numerator: pl.DataFrame | None = None,
    denominator: pl.DataFrame | None = None,
    check: bool = True,
) -> pl.DataFrame:
    """Combine the values of several entities by the indicator's :class:`Aggregation`.

    The key columns of a frame are all its columns except ``year, month, value,
    span, weight, n``; those not in ``keys_to_keep`` are aggregated over.  Each
    group is ``(keys_to_keep, year, month)``, plus ``span`` when the input has
    one (a combined January–February value never mixes with February alone).
    ``n`` counts the entities that contributed, so callers can judge
    completeness.

    * ``sum``: ``value = Σ x_i`` over the non-null ``x_i``; null when ``n = 0``.
    * ``weighted_mean``: ``value = Σ w_i·x_i / Σ w_i`` over rows where both
      ``x_i`` and ``w_i`` are non-null and ``w_i ≥ 0`` (negative weights do not
      contribute); null when ``Σ w_i = 0``.  ``weights`` holds ``weight`` and is
      joined on the columns it shares with ``df``'s keys, ``year`` and
      ``month`` (so it may omit ``month`` or ``year`` for fixed weights); drop or
      rename an ``indicator`` column that names the weight indicator first.
    * ``ratio_of_sums``: ``value = 100 · Σ num_i / Σ den_i`` over entities where
      both are non-null, from ``numerator`` and ``denominator`` (same key
      columns, joined on them, ``year``, ``month``); null when ``Σ den_i ≤ 0``.
      ``df`` is not read for this rule.
    * ``none``: raises :class:`ValueError`.

    Returns ``keys_to_keep, year, month, value, n`` (``+ span``).  ``check=False``
    skips the search for duplicate rows, for frames known to have none.
    """
    rule = Aggregation(rule)
    keep = _check_keys(keys_to_keep)
    if rule is Aggregation.NONE:
        raise ValueError("this indicator is not aggregable (aggregation: none)")
    if rule is Aggregation.RATIO_OF_SUMS:
        return _ratio_of_sums(keep, numerator, denominator, check)
    entity_keys = _entity_keys(df)
    _require_subset(keep, entity_keys, "df")
    s = _series(df, entity_keys, check=check)
    group = [*keep, YEAR, MONTH] + ([SPAN] if SPAN in s.columns else [])
    x = pl.col(VALUE)
    if rule is Aggregation.SUM:
        n = x.count()
        return _group_output(s, group, pl.when(n > 0).then(x.sum()), n)
    # weighted mean
    if weights is None:
        raise ValueError("aggregation weighted_mean needs a weights frame")
    if WEIGHT not in weights.columns:
        raise ValueError(f"weights lacks the column 'weight'; it has {weights.columns}")
    on = [c for c in [*entity_keys, YEAR, MONTH] if c in weights.columns]
    if not on:
        raise ValueError("weights shares no key, year or month column with df")
    casts = {YEAR: pl.Int32, MONTH: pl.Int8}
    w = weights.select(
        *[pl.col(c).cast(casts[c]) if c in casts else pl.col(c) for c in on],
        pl.col(WEIGHT).cast(pl.Float64),
    )
    if bool(w.select(on).is_duplicated().any()):
        raise ValueError(f"weights has more than one row for the same {on}")
    joined = s.join(w, on=on, how="left", nulls_equal=True)
    wt = pl.col(WEIGHT)
    joined = joined.with_columns((x.is_not_null() & wt.is_not_null() & (wt >= 0)).alias(_OK))
    ok = pl.col(_OK)
    sw = wt.filter(ok).sum()
    value = pl.when(sw > 0).then((x * wt).filter(ok).sum() / sw)
    return _group_output(joined, group, value, ok.sum())


def _require_subset(keep: list[str], entity_keys: list[str], name: str) -> None:
    missing = [k for k in keep if k not in entity_keys]
    if missing:
        raise ValueError(f"keys_to_keep {missing} are not key columns of {name}")


def _ratio_of_sums(
    keep: list[str],
    numerator: pl.DataFrame | None,
    denominator: pl.DataFrame | None,
    check: bool,
) -> pl.DataFrame:
    if numerator is None or denominator is None:
        raise ValueError("aggregation ratio_of_sums needs numerator and denominator frames")
    entity_keys = _entity_keys(numerator)
    if set(_entity_keys(denominator)) != set(entity_keys):
        raise ValueError(
            f"numerator and denominator have different key columns: {entity_keys} "
            f"vs {_entity_keys(denominator)}"
        )
    _require_subset(keep, entity_keys, "numerator")
    num = _series(numerator, entity_keys, name="numerator", check=check)
    den = _series(denominator, entity_keys, name="denominator", check=check)
    den = den.rename({VALUE: _DEN})
    with_span = SPAN in num.columns and SPAN in den.columns
    on = [*entity_keys, YEAR, MONTH] + ([SPAN] if with_span else [])
    num = num.select(*on, VALUE)
    den = den.select(*on, _DEN)
    joined = num.join(den, on=on, how="inner", nulls_equal=True)
    ok = pl.col(VALUE).is_not_null() & pl.col(_DEN).is_not_null()
    joined = joined.with_columns(ok.alias(_OK))
    ok = pl.col(_OK)
    sd = pl.col(_DEN).filter(ok).sum()
    value = pl.when(sd > 0).then(100.0 * pl.col(VALUE).filter(ok).sum() / sd)
    group = [*keep, YEAR, MONTH] + ([SPAN] if with_span else [])
    return _group_output(joined, group, value, ok.sum())


# -- annual ---------------------------------------------------------------------------


def annual_from_cumulative(
    df: pl.DataFrame, keys: Sequence[str], *, check: bool = True
) -> pl.DataFrame:
    """The year's value from cumulative levels: ``X[y] = C[y, 12]``.

    Only years with a month-12 row appear (its value may be null); no year is
    completed from a partial cumulative.  Returns ``keys, year, value``.
    ``check=False`` skips the search for duplicate rows, for a frame known to have none.
    """
    keys = _check_keys(keys)
    s = _in_order(_series(df, keys, with_span=False, check=False), keys, name="df", check=check)
    return s.filter(pl.col(MONTH) == 12).select(*keys, YEAR, VALUE)
