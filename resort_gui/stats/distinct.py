"""Distinct times and each patient's index among them: the counting step every estimator
shares."""

from __future__ import annotations

import numpy as np

from resort_gui.domain.arrays import FloatArray, IntArray


def distinct_times(time: FloatArray) -> tuple[FloatArray, IntArray]:
    """The sorted distinct values of ``time`` and the index of each row's value among them
    (``times[code] == time``), as ``np.unique(time, return_inverse=True)``.

    Linear when ``time`` is already sorted: ``run_analysis`` and the comparisons sort the
    cohort by time once, so the many estimators after them count instead of sorting again.
    Otherwise one ``np.unique`` (an argsort). NaN times (which fail the sortedness check)
    are left to ``np.unique``, which puts them last as one value.
    """
    time = np.asarray(time, dtype=np.float64).reshape(-1)
    if time.size == 0 or not is_sorted(time):
        times, code = np.unique(time, return_inverse=True)
        return times, code.reshape(-1)
    new = np.empty(time.size, dtype=bool)
    new[0] = True
    np.not_equal(time[1:], time[:-1], out=new[1:])
    return time[new], np.cumsum(new) - 1


def is_sorted(time: FloatArray) -> bool:
    """Whether ``time`` is non-decreasing (False if it holds NaN)."""
    return bool(np.all(time[1:] >= time[:-1]))
