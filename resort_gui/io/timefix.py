"""Times that differ only by floating-point rounding are the same time, as in R's survival.

Spreadsheets hand us 0.30000000000000004 beside 0.3 (a formula ``=0.1+0.2``) and
0.7999999999999999 beside 0.8 (a date difference divided by 30.4375). To a person they are
one time; to a float comparison they are two, and the number at risk, the events at that
time, S(t), the log-rank statistic and the Cox estimate all change. R's ``survfit``,
``survdiff`` and ``coxph`` merge them (``timefix = TRUE``, the default, calls ``aeqSurv``).
The rule is applied once, where the cohort's times are made, so that every estimator sees
the same times.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

TOLERANCE = float(np.sqrt(np.finfo(np.float64).eps))  # R: sqrt(.Machine$double.eps)


def merge_near_ties(time: NDArray[np.float64]) -> tuple[NDArray[np.float64], int]:
    """Each time replaced by the smallest of its run of near-equal times, and how many
    patients' times changed.

    R: ``survival:::aeqSurv(Surv(time, event))``. With ``y`` the sorted distinct finite
    times and ``dy = diff(y)``, neighbours are tied when ``dy <= tol`` or
    ``dy / mean(|y|) <= tol``, ``tol = sqrt(.Machine$double.eps)`` (about 1.5e-8, the
    tolerance of ``all.equal``). A chain of tied neighbours is one run; every time in a run
    becomes the run's first (smallest) value (R's ``cuts[findInterval(x, cuts)]``).

    Notes
    -----
    R applies the rule to the data of each call, so ``mean(|y|)`` is taken over the patients
    of that call; here it is taken over the cohort, which differs from R only for a gap
    within a hair of the tolerance in a subgroup's own fit.
    """
    y = np.unique(time[np.isfinite(time)])
    if y.size < 2:
        return time, 0
    dy = np.diff(y)
    tied = (dy <= TOLERANCE) | (dy / np.mean(np.abs(y)) <= TOLERANCE)
    if not tied.any():
        return time, 0
    cuts = y[np.concatenate(([True], ~tied))]
    merged = time.copy()
    finite = np.isfinite(time)
    merged[finite] = cuts[np.searchsorted(cuts, time[finite], side="right") - 1]
    return merged, int(np.count_nonzero(merged[finite] != time[finite]))
