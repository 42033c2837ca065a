"""What every detector family shares: result status, array types, robust constants and
NaN-aware numpy helpers that stay silent on empty or all-missing slices."""

from __future__ import annotations

import warnings
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

Status = Literal["ok", "insufficient_data"]
OK: Final = "ok"
INSUFFICIENT: Final = "insufficient_data"

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]

#: Iglewicz–Hoaglin constant: 0.6745 ≈ Φ⁻¹(0.75), so MAD/0.6745 estimates σ.
MZ_CONSTANT: Final = 0.6745
#: MAD = 0 fallback: M = (x − median) / (1.253314 · MeanAD); 1.253314 ≈ √(π/2).
MEANAD_CONSTANT: Final = 1.253314
#: 1.4826 · MAD estimates σ for Gaussian data (1.4826 ≈ 1/0.6745).
MAD_TO_SIGMA: Final = 1.4826


def floats(x: npt.ArrayLike) -> FloatArray:
    """``x`` as a float64 array."""
    return np.asarray(x, dtype=np.float64)


def nanmedian(a: FloatArray, axis: int, *, keepdims: bool = False) -> FloatArray:
    """``np.nanmedian`` without the warning for an all-missing slice (which gives NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmedian(a, axis=axis, keepdims=keepdims), dtype=np.float64)


def nanmean(a: FloatArray, axis: int, *, keepdims: bool = False) -> FloatArray:
    """``np.nanmean`` without the warning for an all-missing slice (which gives NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(a, axis=axis, keepdims=keepdims), dtype=np.float64)


def safe_divide(num: FloatArray, den: FloatArray) -> FloatArray:
    """num/den with x/0 = ±inf and 0/0 = 0 (a point equal to a constant centre)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(num / den, dtype=np.float64)
    return np.where((den == 0) & (num == 0), 0.0, out)
