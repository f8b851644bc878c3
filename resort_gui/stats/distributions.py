"""The normal and chi-square functions the estimators use, straight from ``scipy.special``.

``scipy.stats.norm`` and ``scipy.stats.chi2`` compute these very functions (the numbers are
bit for bit the same, edge cases included), but importing ``scipy.stats`` takes about half a
second, which every ``resort-gui analyze`` would pay before reading a single row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import chdtrc, ndtr, ndtri


def normal_quantile(p: Any) -> Any:
    """Standard normal quantile, ``scipy.stats.norm.ppf(p)``; R's ``qnorm(p)``."""
    return ndtri(p)


def normal_upper_quantile(p: Any) -> Any:
    """Upper quantile, ``scipy.stats.norm.isf(p)``; R's ``qnorm(p, lower.tail=FALSE)``."""
    return -ndtri(p)


def normal_upper_tail(x: Any) -> Any:
    """P(Z > x), ``scipy.stats.norm.sf(x)``; R's ``pnorm(x, lower.tail=FALSE)``."""
    return ndtr(-np.asarray(x, dtype=np.float64))


def chi2_upper_tail(x: Any, df: Any) -> Any:
    """P(X > x) for X chi-square on ``df`` degrees of freedom, ``scipy.stats.chi2.sf(x, df)``
    (1 for x < 0, NaN for df <= 0); R's ``pchisq(x, df, lower.tail=FALSE)``."""
    df = np.asarray(df, dtype=np.float64)
    p = chdtrc(df, np.maximum(np.asarray(x, dtype=np.float64), 0.0))
    return np.where(df > 0, p, np.nan)
