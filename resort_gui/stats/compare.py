"""Comparison of survival between groups: log-rank family, trend, pairwise, simple HRs.

Every test here is built from one table: for each distinct event time within each stratum,
the number at risk and the number of events per group. With weights ``w_j`` at those times,

    O_g = sum_j w_j d_gj,     E_g = sum_j w_j d_j n_gj / n_j,     U = O - E,
    V_gh = sum_j w_j^2 d_j (n_j - d_j) / (n_j - 1) * (n_gj / n_j) * (delta_gh - n_hj / n_j),

(the hypergeometric variance), summed over strata for a stratified test. The k-group
statistic is ``U' V^- U``; the trend statistic is ``c'U / sqrt(c'Vc)``.

The reference is R's ``survival`` package (``survdiff``) and, for the other weights, the SAS
PROC LIFETEST definitions; see ``shared/reference/r-survival/README.md``. Estimators take
numpy arrays only: ``time`` (float), ``event`` (bool), ``group`` (int codes 0..k-1, 0 = the
reference group) and optional ``strata`` (int codes; a negative code means "missing" and the
row is left out, as R drops rows with a missing stratum).

A test that is not possible (fewer than two groups with patients, no events, zero variance)
returns NaN with a plain-English ``note``; it never raises on data.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np

from resort_gui.domain.arrays import BoolArray, FloatArray, IntArray
from resort_gui.domain.results import GroupTest
from resort_gui.stats.distinct import distinct_times, is_sorted
from resort_gui.stats.distributions import chi2_upper_tail, normal_upper_quantile

WEIGHTS = ("logrank", "gehan_breslow", "tarone_ware", "peto_peto", "modified_peto",
           "fleming_harrington")
ADJUSTMENTS = ("holm", "bonferroni", "BH", "none")

NOTE_NO_PATIENTS = "There are no patients: no comparison is possible."
NOTE_ONE_GROUP = "Only one group has patients: no comparison is possible."
NOTE_NO_EVENTS = "No events were observed: no comparison is possible."
NOTE_ONE_AT_RISK = ("Only one group has patients at risk when events occur: "
                    "no comparison is possible.")
NOTE_ZERO_VARIANCE = ("The test statistic has zero variance (no event occurred while patients "
                      "of two groups were at risk together, with a non-zero weight): "
                      "no comparison is possible.")


# --------------------------------------------------------------------------------------------
# Extra result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendTest:
    """Test for trend across ordered groups: ``z = c'U / sqrt(c'Vc)``, ``chisq = z^2`` on 1 df.

    ``scores`` are the group scores ``c`` in group-code order. NaN with a ``note`` when the
    test is not possible.
    """

    name: str
    scores: FloatArray
    z: float
    chisq: float
    df: int
    p_value: float
    note: str = ""

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame({"test": [self.name],
                             "scores": ["|".join(f"{s:g}" for s in self.scores)],
                             "z": [self.z], "chisq": [self.chisq], "df": [self.df],
                             "p_value": [self.p_value], "note": [self.note]})


@dataclass(frozen=True)
class PairwiseTests:
    """Every pair of groups compared on those two groups' patients only.

    One entry per pair ``(group1, group2)`` with ``group1 < group2``, ordered as R's
    ``pairwise.table`` lists them (by ``group2``, then ``group1``). ``p_adjusted`` follows
    R's ``p.adjust(method=adjust)`` over the pairs whose test was possible. ``notes`` holds a
    note per pair ("" when there is nothing to say).
    """

    name: str
    adjust: str
    group1: IntArray
    group2: IntArray
    chisq: FloatArray
    df: IntArray
    p_value: FloatArray
    p_adjusted: FloatArray
    notes: tuple[str, ...]

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame({"group1": self.group1, "group2": self.group2,
                             "chisq": self.chisq, "df": self.df, "p_value": self.p_value,
                             "p_adjusted": self.p_adjusted, "adjust": self.adjust,
                             "note": list(self.notes)})


@dataclass(frozen=True)
class HazardRatios:
    """Hazard ratio of each group against the reference (code 0), on those two groups'
    patients only, by a log-rank based method (``method`` is ``logrank_oe`` or
    ``mantel_haenszel``). One entry per non-reference group, in group-code order; NaN with a
    note where the ratio is not estimable."""

    method: str
    reference: int
    group: IntArray
    hr: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray
    conf_level: float
    notes: tuple[str, ...]

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame({"group": self.group, "reference": self.reference,
                             "method": self.method, "hr": self.hr,
                             "ci_lower": self.ci_lower, "ci_upper": self.ci_upper,
                             "note": list(self.notes)})


# --------------------------------------------------------------------------------------------
# Internal building blocks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sample:
    """The rows that take part, after dropping rows R would drop."""

    time: FloatArray
    event: BoolArray
    group: IntArray
    stratum: IntArray
    n_groups: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _EventTable:
    """One row per distinct event time within a stratum, sorted by (stratum, time)."""

    at_risk: FloatArray        # (m, k) patients at risk per group, time >= t
    events: FloatArray         # (m, k) events per group at t
    stratum_starts: IntArray   # first row of each stratum's block of rows
    n_patients: IntArray       # (k,) patients per group


@dataclass(frozen=True)
class _Score:
    """Weighted observed, expected and the hypergeometric variance of U = O - E."""

    observed: FloatArray
    expected: FloatArray
    variance: FloatArray


def _sample(time: Any, event: Any, group: Any, strata: Any,
            n_groups: int | None) -> _Sample:
    """Validate the arrays and drop rows with a missing time, group or stratum. Arrays of
    the right type are used as they are (not copied), so that tests of a subset that is
    every row share their event table (see :func:`shared_event_tables`)."""
    time = _flat(time, np.float64)
    event = _flat(event, np.bool_)
    group = _flat(group, np.int64)
    stratum = np.zeros(time.size, dtype=np.int64) if strata is None else _flat(strata, np.int64)
    if not time.size == event.size == group.size == stratum.size:
        raise ValueError("time, event, group and strata must have the same length")
    k = _number_of_groups(group, n_groups)
    keep = ~np.isnan(time) & (group >= 0) & (stratum >= 0)
    if keep.all():  # the usual case: no copies
        return _Sample(time, event, group, stratum, k, ())
    notes = _dropped_rows_notes(time, group, stratum)
    return _Sample(time[keep], event[keep], group[keep], stratum[keep], k, notes)


def _flat(values: Any, dtype: type) -> np.ndarray:
    """``values`` as a flat array of ``dtype``, the very same object when it is one."""
    flat = np.asarray(values)
    flat = flat if flat.ndim == 1 else flat.reshape(-1)
    return flat.astype(dtype, copy=False)


def _number_of_groups(group: IntArray, n_groups: int | None) -> int:
    largest = int(group.max()) + 1 if group.size else 0
    if n_groups is None:
        return largest
    if largest > n_groups:
        raise ValueError(f"group code {largest - 1} is not below n_groups={n_groups}")
    return int(n_groups)


def _dropped_rows_notes(time: FloatArray, group: IntArray,
                        stratum: IntArray) -> tuple[str, ...]:
    """One note per reason a row was left out; a row is counted under its first reason."""
    missing_time = np.isnan(time)
    missing_group = ~missing_time & (group < 0)
    missing_stratum = ~missing_time & ~missing_group & (stratum < 0)
    notes = []
    for mask, what in ((missing_time, "a missing time"), (missing_group, "a missing group"),
                       (missing_stratum, "a missing stratum")):
        count = int(mask.sum())
        if count:
            rows = "row was" if count == 1 else "rows were"
            notes.append(f"{count} {rows} left out for {what}.")
    return tuple(notes)


def _event_table(sample: _Sample) -> _EventTable:
    """Numbers at risk and events per group at each distinct (stratum, time) with an event.

    Patients and events per group are counted for each (stratum, time) block, in (stratum,
    time) order; the number at risk is the reverse cumulative count within the stratum.
    """
    k = sample.n_groups
    n_patients = np.bincount(sample.group, minlength=k).astype(np.int64)
    if sample.time.size == 0:
        empty = np.zeros((0, k))
        return _EventTable(empty, empty, np.zeros(0, dtype=np.int64), n_patients)
    block_stratum, counts, events = _block_counts(sample)
    at_risk = _at_risk_within_stratum(counts, block_stratum)
    has_event = events.sum(axis=1) > 0
    event_strata = block_stratum[has_event]
    stratum_starts = np.flatnonzero(np.r_[True, event_strata[1:] != event_strata[:-1]])
    if not has_event.any():
        stratum_starts = stratum_starts[:0]
    return _EventTable(at_risk[has_event].astype(np.float64), events[has_event],
                       stratum_starts, n_patients)


MAX_SPLIT_CELLS = 256
"""Up to this many (stratum, group, event) cells unsorted rows are split by cell, not
sorted."""


def _block_counts(sample: _Sample) -> tuple[IntArray, IntArray, FloatArray]:
    """The stratum of each (stratum, distinct time) block, in (stratum, time) order, and the
    patients and events per group in each block, shape (blocks, k)."""
    k = sample.n_groups
    n_cells = (int(sample.stratum.max()) + 1) * k * 2
    if n_cells <= MAX_SPLIT_CELLS and not is_sorted(sample.time):  # sorted: counting is linear
        return _counts_by_cell(sample, n_cells)
    block, block_stratum = _blocks(sample.time, sample.stratum)
    n_blocks = block_stratum.size
    cell = block * k + sample.group
    counts = np.bincount(cell, minlength=n_blocks * k).reshape(n_blocks, k)
    events = np.bincount(cell, weights=sample.event, minlength=n_blocks * k).reshape(n_blocks, k)
    return block_stratum, counts, events


def _counts_by_cell(sample: _Sample, n_cells: int) -> tuple[IntArray, IntArray, FloatArray]:
    """:func:`_block_counts` without an argsort of the times: the rows are split by their
    (stratum, group, event) cell with a radix sort of the small cell codes, each part's
    distinct times are counted by a plain sort, and each stratum's parts are aligned on the
    stratum's distinct times."""
    k = sample.n_groups
    cell = (sample.stratum * k + sample.group) * 2 + sample.event
    order = np.argsort(cell.astype(np.int16), kind="stable")  # radix sort: linear
    bounds = np.r_[0, np.cumsum(np.bincount(cell, minlength=n_cells))]
    time = sample.time[order]
    parts = [np.unique(time[bounds[c]:bounds[c + 1]], return_counts=True)
             for c in range(n_cells)]
    strata, counts, events = [], [], []
    for stratum in range(n_cells // (2 * k)):
        cells = range(stratum * 2 * k, (stratum + 1) * 2 * k)
        times = np.unique(np.concatenate([parts[c][0] for c in cells]))
        table = np.zeros((2, times.size, k), dtype=np.int64)  # censored / event, time, group
        for c in cells:
            table[c % 2, np.searchsorted(times, parts[c][0]), (c // 2) % k] = parts[c][1]
        strata.append(np.full(times.size, stratum, dtype=np.int64))
        counts.append(table[0] + table[1])
        events.append(table[1].astype(np.float64))
    return np.concatenate(strata), np.concatenate(counts), np.concatenate(events)


def _blocks(time: FloatArray, stratum: IntArray) -> tuple[IntArray, IntArray]:
    """Code of each row's (stratum, distinct time) block, numbered in (stratum, time) order,
    and the stratum of each block: the distinct times (linear on sorted times), then the
    blocks numbered by counting (or, with very many strata x times, by an ``np.unique``)."""
    times, time_code = distinct_times(time)
    if not stratum.any():  # one stratum: the blocks are the distinct times
        return time_code, np.zeros(times.size, dtype=np.int64)
    key = stratum * times.size + time_code
    size = (int(stratum.max()) + 1) * times.size
    if size > 4 * time.size + 4096:
        keys, block = np.unique(key, return_inverse=True)
        return block.reshape(-1), keys // times.size
    present = np.bincount(key, minlength=size) > 0
    return (np.cumsum(present) - 1)[key], np.flatnonzero(present) // times.size


def _at_risk_within_stratum(counts: IntArray, block_stratum: IntArray) -> IntArray:
    """Patients with time >= t in the same stratum: reverse cumsum, minus the later strata."""
    n_blocks = counts.shape[0]
    tail = np.zeros((n_blocks + 1, counts.shape[1]), dtype=np.int64)
    tail[:n_blocks] = np.cumsum(counts[::-1], axis=0)[::-1]
    first = np.r_[True, block_stratum[1:] != block_stratum[:-1]]
    starts = np.flatnonzero(first)
    next_start = np.r_[starts[1:], n_blocks][np.cumsum(first) - 1]
    return tail[:n_blocks] - tail[next_start]


def _cumprod_within_stratum(factor: FloatArray, stratum_starts: IntArray, *,
                            just_before: bool) -> FloatArray:
    """Running product of ``factor`` within each stratum: a survival-type curve at each event
    time, either including that time's factor or just before it (1 at the stratum's first
    event time)."""
    out = np.ones_like(factor)
    bounds = np.r_[stratum_starts, factor.size]
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        if just_before:
            out[start + 1:stop] = np.cumprod(factor[start:stop - 1])
        else:
            out[start:stop] = np.cumprod(factor[start:stop])
    return out


def _time_weights(table: _EventTable, weight: str, p: float, q: float) -> FloatArray:
    """The weight ``w_j`` at each event time (SAS PROC LIFETEST definitions; see
    :func:`weighted_test`)."""
    n = table.at_risk.sum(axis=1)
    d = table.events.sum(axis=1)
    if weight == "logrank":
        return np.ones_like(n)
    if weight == "gehan_breslow":
        return n
    if weight == "tarone_ware":
        return np.sqrt(n)
    if weight in ("peto_peto", "modified_peto"):
        peto = _cumprod_within_stratum(1.0 - d / (n + 1.0), table.stratum_starts,
                                       just_before=False)
        return peto if weight == "peto_peto" else peto * n / (n + 1.0)
    km = _cumprod_within_stratum(1.0 - d / n, table.stratum_starts, just_before=True)
    return km ** p * (1.0 - km) ** q


def _weighted_score(table: _EventTable, w: FloatArray) -> _Score:
    """O, E and the hypergeometric variance of O - E with weights ``w`` per event time."""
    n = table.at_risk.sum(axis=1)
    d = table.events.sum(axis=1)
    share = table.at_risk / n[:, None]
    observed = w @ table.events
    expected = (w * d) @ share
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(n > 1, d * (n - d) / (n - 1.0), 0.0)
    c = w ** 2 * spread
    variance = np.diag(c @ share) - (share * c[:, None]).T @ share
    return _Score(observed, expected, variance)


def _quadratic_form(u: FloatArray, v: FloatArray) -> tuple[float, int, bool]:
    """``u' v^- u`` and the rank of ``v``; the flag says whether ``v`` was singular."""
    if u.size == 0:
        return np.nan, 0, False
    eigen = np.linalg.eigvalsh(v)
    tolerance = max(float(np.abs(eigen).max()), 0.0) * 1e-10
    rank = int((eigen > tolerance).sum())
    if rank == 0:
        return np.nan, 0, False
    if rank == u.size:
        return max(float(u @ np.linalg.solve(v, u)), 0.0), rank, False
    return max(float(u @ np.linalg.pinv(v, hermitian=True) @ u), 0.0), rank, True


def _codes(mask: BoolArray) -> str:
    codes = [str(i) for i in np.flatnonzero(mask)]
    return ("group code " if len(codes) == 1 else "group codes ") + ", ".join(codes)


def _not_possible_note(table: _EventTable, active: BoolArray) -> str:
    """Why a k-group test is not possible, or "" when it is."""
    with_patients = int((table.n_patients > 0).sum())
    if with_patients == 0:
        return NOTE_NO_PATIENTS
    if with_patients == 1:
        return NOTE_ONE_GROUP
    if table.events.sum() == 0:
        return NOTE_NO_EVENTS
    if int((table.at_risk.sum(axis=0) > 0).sum()) < 2:
        return NOTE_ONE_AT_RISK
    if int(active.sum()) < 2:
        return NOTE_ZERO_VARIANCE
    return ""


def _left_out_notes(table: _EventTable, active: BoolArray) -> list[str]:
    notes = []
    empty = table.n_patients == 0
    if empty.any():
        notes.append(f"{_codes(empty).capitalize()}: no patients, left out of the test.")
    idle = ~empty & ~active
    if idle.any():
        notes.append(f"{_codes(idle).capitalize()}: no expected events (no patient at risk "
                     "when an event occurs), left out of the test as R's survdiff does.")
    return notes


def _chisq_test(name: str, table: _EventTable, score: _Score,
                notes: tuple[str, ...]) -> GroupTest:
    """The k-group chi-square ``U' V^- U`` by R's survdiff rule (see ``survdiff`` Notes)."""
    active = score.expected > 0
    note = _not_possible_note(table, active)
    all_notes = list(notes)
    chisq, df, singular = np.nan, 0, False
    if not note:
        keep = np.flatnonzero(active)[1:]
        u = (score.observed - score.expected)[keep]
        chisq, df, singular = _quadratic_form(u, score.variance[np.ix_(keep, keep)])
        note = "" if df else NOTE_ZERO_VARIANCE
        all_notes += _left_out_notes(table, active)
    if singular:
        all_notes.append("The variance matrix is singular (R's survdiff stops here): a "
                         "generalised inverse was used and the test has "
                         f"{df} degree{'s' if df != 1 else ''} of freedom.")
    p_value = float(chi2_upper_tail(chisq, df)) if df else np.nan
    text = " ".join([note, *all_notes] if note else all_notes)
    return GroupTest(name=name, chisq=float(chisq), df=int(df), p_value=p_value,
                     observed=score.observed, expected=score.expected, note=text)


def _check_weight(weight: str, p: float, q: float) -> None:
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {', '.join(WEIGHTS)}, not {weight!r}")
    if p < 0 or q < 0:
        raise ValueError("the Fleming-Harrington exponents p and q must not be negative")


def _weight_name(weight: str, p: float, q: float) -> str:
    return f"fleming_harrington_{p:g}_{q:g}" if weight == "fleming_harrington" else weight


@dataclass(frozen=True)
class _Tabulated:
    """The event table of a sample, its number of groups and its notes on dropped rows."""

    table: _EventTable
    n_groups: int
    notes: tuple[str, ...]


def _table_and_score(time: Any, event: Any, group: Any, strata: Any, n_groups: int | None,
                     weight: str, p: float, q: float) -> tuple[_Tabulated, _Score]:
    tabulated = _shared_table(time, event, group, strata, n_groups)
    table = tabulated.table
    return tabulated, _weighted_score(table, _time_weights(table, weight, p, q))


_SHARED_TABLES: ContextVar[dict[tuple[int, ...], tuple[Any, ...]] | None] = ContextVar(
    "shared_event_tables", default=None)


@contextmanager
def shared_event_tables() -> Iterator[None]:
    """Inside this block, tests of the very same arrays (the same objects) share one event
    table: ``run_analysis`` runs some fifteen tests on two tables. The arrays must not be
    changed in place inside the block. Per thread (a context variable); only the small
    tables are kept, the arrays are only referred to weakly."""
    token = _SHARED_TABLES.set({})
    try:
        yield
    finally:
        _SHARED_TABLES.reset(token)


def _shared_table(time: Any, event: Any, group: Any, strata: Any,
                  n_groups: int | None) -> _Tabulated:
    def tabulate() -> _Tabulated:
        sample = _sample(time, event, group, strata, n_groups)
        return _Tabulated(_event_table(sample), sample.n_groups, sample.notes)

    return _shared((time, event, group, strata), (-1 if n_groups is None else n_groups,),
                   tabulate)


def _shared(inputs: tuple[Any, ...], tag: tuple[int, ...],
            tabulate: Callable[[], _Tabulated]) -> _Tabulated:
    """``tabulate()``, once per live ``inputs`` (the same objects) and ``tag`` inside
    :func:`shared_event_tables`."""
    memo = _SHARED_TABLES.get()
    if memo is None or not all(isinstance(a, np.ndarray) or a is None for a in inputs):
        return tabulate()
    key = (*map(id, inputs), *tag)
    refs, found = memo.get(key, ((), None))
    if found is not None and all(r() is a for r, a in zip(refs, inputs, strict=True)):
        return found  # type: ignore[no-any-return]  # the same live objects, not new ones
    found = tabulate()
    memo[key] = (tuple(_weak(a) for a in inputs), found)
    return found


def _weak(array: np.ndarray | None) -> Callable[[], np.ndarray | None]:
    return (lambda: None) if array is None else weakref.ref(array)


# --------------------------------------------------------------------------------------------
# k-group tests
# --------------------------------------------------------------------------------------------


def survdiff(time: Any, event: Any, group: Any, *, strata: Any = None, rho: float = 0.0,
             n_groups: int | None = None) -> GroupTest:
    """The G-rho family of k-group tests (log-rank for ``rho=0``), as R's ``survdiff``.

    Parameters
    ----------
    time : array of float
        Follow-up time; a NaN time marks a row to leave out.
    event : array of bool
        True where the event happened at ``time``, False where the patient was censored.
    group : array of int
        Group codes 0..k-1; a negative code means "missing" (row left out).
    strata : array of int, optional
        Stratum codes; rows with a negative code are left out (R drops missing strata).
    rho : float
        Weight exponent: ``w_j = S(t_j-)^rho``, with ``S`` the pooled Kaplan-Meier estimate
        (within the stratum) just before ``t_j``. ``rho=0`` is the log-rank test, ``rho=1``
        the Peto & Peto modification of the Gehan-Wilcoxon test.
    n_groups : int, optional
        Number of groups k, when the last codes may have no rows (default: largest code + 1).

    Returns
    -------
    GroupTest
        ``chisq = U' V^- U`` on ``df`` degrees of freedom with ``U = O - E`` and the
        hypergeometric variance ``V`` (module docstring), summed over strata.
        ``observed``/``expected`` are R's ``$obs``/``$exp`` summed over strata: weighted
        by ``S(t-)^rho`` when ``rho != 0``.

    Notes
    -----
    R equivalent: ``survdiff(Surv(time, event) ~ group [+ strata(s)], rho=rho)``.

    Edge rules, as R's ``survdiff``:

    * Only groups with expected > 0 take part; the first of them is dropped and the chi-square
      is ``U[-1]' solve(V[-1, -1]) U[-1]``, on (number of those groups - 1) df. A group code
      with no patients has ``observed = expected = 0`` and is left out (R's ``strata()`` drops
      unused levels), with a note.
    * Where R would stop with "system is exactly singular", a generalised inverse is used and
      ``df`` is the rank of the variance matrix, with a note.
    * Where R reports ``chisq = 0`` because fewer than two groups can be compared (one group,
      no events, zero variance), ``chisq`` and ``p_value`` are NaN with a note.
    * An event time with a single patient at risk adds to O and E but not to V
      (``(n - d)/(n - 1)`` is taken as 0).
    """
    _check_weight("fleming_harrington", rho, 0.0)
    return _survdiff_test(_shared_table(time, event, group, strata, n_groups), rho,
                          strata is not None)


def _survdiff_test(tabulated: _Tabulated, rho: float, stratified: bool) -> GroupTest:
    table = tabulated.table
    score = _weighted_score(table, _time_weights(table, "fleming_harrington", rho, 0.0))
    name = f"survdiff_rho{rho:g}" + ("_stratified" if stratified else "")
    return _chisq_test(name, table, score, tabulated.notes)


def weighted_test(time: Any, event: Any, group: Any, *, weight: str = "logrank",
                  strata: Any = None, p: float = 1.0, q: float = 1.0,
                  n_groups: int | None = None) -> GroupTest:
    """A k-group weighted log-rank test with SAS PROC LIFETEST weights.

    Parameters
    ----------
    time, event, group, strata, n_groups
        As in :func:`survdiff`.
    weight : str
        The weight ``w_j`` at event time ``t_j``, with ``n_j`` at risk and ``d_j`` events
        (pooled within the stratum):

        * ``logrank``: 1
        * ``gehan_breslow``: ``n_j``
        * ``tarone_ware``: ``sqrt(n_j)``
        * ``peto_peto``: ``S~(t_j) = prod_{t_i <= t_j} (1 - d_i / (n_i + 1))``
        * ``modified_peto``: ``S~(t_j) n_j / (n_j + 1)``
        * ``fleming_harrington``: ``S(t_j-)^p (1 - S(t_j-))^q``, ``S`` the pooled
          Kaplan-Meier estimate.
    p, q : float
        Fleming-Harrington exponents (ignored by the other weights).

    Returns
    -------
    GroupTest
        ``chisq = U' V^- U`` with weighted ``U = O - E`` and the hypergeometric variance
        (module docstring), summed over strata; ``observed``/``expected`` are weighted.
        ``name`` is the weight, or ``fleming_harrington_P_Q``.

    Notes
    -----
    R equivalent: ``survdiff(..., rho=r)`` for ``logrank`` (r = 0) and
    ``fleming_harrington`` with ``q = 0`` (r = p); the others match SAS
    ``PROC LIFETEST; STRATA g / TEST=(...)`` and lifelines' ``multivariate_logrank_test``.
    The two Peto weights include the factor of ``t_j`` itself (``t_i <= t_j``, SAS's and
    lifelines' definition, confirmed against the reference values to 1e-14; the
    left-continuous reading ``t_i < t_j`` differs by up to 5%), whereas the
    Fleming-Harrington weights use the Kaplan-Meier just before ``t_j``, as ``survdiff``
    does. The chi-square and the degenerate cases follow the edge
    rules of :func:`survdiff`.
    """
    _check_weight(weight, p, q)
    tabulated, score = _table_and_score(time, event, group, strata, n_groups, weight, p, q)
    return _chisq_test(_weight_name(weight, p, q), tabulated.table, score, tabulated.notes)


def trend_test(time: Any, event: Any, group: Any, *, weight: str = "logrank",
               scores: Any = None, strata: Any = None, p: float = 1.0, q: float = 1.0,
               n_groups: int | None = None) -> TrendTest:
    """Test for trend across ordered groups with a weighted log-rank score.

    Parameters
    ----------
    time, event, group, strata, n_groups
        As in :func:`survdiff`.
    weight, p, q
        As in :func:`weighted_test`.
    scores : array of float, optional
        Score ``c_g`` of each group code; default ``1, 2, ..., k``.

    Returns
    -------
    TrendTest
        ``z = c'U / sqrt(c'Vc)`` and ``chisq = z^2`` on 1 df, ``p = P(chi2_1 > chisq)``
        (two-sided), with ``U`` and ``V`` from :func:`weighted_test` summed over strata.

    Notes
    -----
    R/SAS equivalent: ``PROC LIFETEST; STRATA g / TREND TEST=(...)``; in R,
    ``z = sum(c * (fit$obs - fit$exp)) / sqrt(c %*% fit$var %*% c)`` from ``survdiff``.
    Groups with no patients have ``U = 0`` and no variance, so their score has no effect.
    NaN with a note when fewer than two groups have patients, there are no events, or
    ``c'Vc = 0`` (e.g. all groups at risk share one score).
    """
    _check_weight(weight, p, q)
    tabulated, score = _table_and_score(time, event, group, strata, n_groups, weight, p, q)
    table = tabulated.table
    c = _trend_scores(scores, tabulated.n_groups)
    name = _weight_name(weight, p, q)
    note = _not_possible_note(table, score.expected > 0)
    spread = float(c @ score.variance @ c)
    if not note and spread <= 1e-12 * max(float(np.abs(score.variance).max()), 1e-300):
        note = NOTE_ZERO_VARIANCE
    text = " ".join([note, *tabulated.notes]).strip()
    if note:
        return TrendTest(name, c, np.nan, np.nan, 1, np.nan, text)
    z = float(c @ (score.observed - score.expected)) / float(np.sqrt(spread))
    return TrendTest(name, c, z, z * z, 1, float(chi2_upper_tail(z * z, 1)), text)


def _trend_scores(scores: Any, k: int) -> FloatArray:
    if scores is None:
        return np.arange(1, k + 1, dtype=np.float64)
    c = np.asarray(scores, dtype=np.float64).ravel()
    if c.size != k:
        raise ValueError(f"scores must have one value per group ({k}), not {c.size}")
    return c


# --------------------------------------------------------------------------------------------
# Pairwise comparisons and p-value adjustment
# --------------------------------------------------------------------------------------------


def adjust_p_values(p_values: Any, method: str = "holm") -> FloatArray:
    """Adjust p-values for multiple comparisons, as R's ``p.adjust(p, method)``.

    Parameters
    ----------
    p_values : array of float
        Raw p-values; NaN entries stay NaN and do not count among the comparisons.
    method : {"holm", "bonferroni", "BH", "none"}
        Holm: ``cummax((n - i + 1) p_(i))``; Bonferroni: ``n p``; Benjamini-Hochberg:
        ``cummin(n / i p_(i))`` from the largest down; all capped at 1.

    Returns
    -------
    array of float
        Adjusted p-values in the input order.

    Notes
    -----
    As R, ``n`` is the number of non-missing p-values; ties keep input order (R's ``order``
    is stable), which does not change the result thanks to the cumulative max/min.
    """
    if method not in ADJUSTMENTS:
        raise ValueError(f"adjust must be one of {', '.join(ADJUSTMENTS)}, not {method!r}")
    p = np.asarray(p_values, dtype=np.float64).ravel()
    out = p.copy()
    known = ~np.isnan(p)
    out[known] = _adjust_known(p[known], method)
    return out


def _adjust_known(p: FloatArray, method: str) -> FloatArray:
    n = p.size
    if method == "none" or n == 0:
        return p
    if method == "bonferroni":
        return np.minimum(1.0, n * p)
    rank = np.arange(1, n + 1, dtype=np.float64)
    out = np.empty(n)
    if method == "holm":
        order = np.argsort(p, kind="stable")
        out[order] = np.minimum(1.0, np.maximum.accumulate((n - rank + 1) * p[order]))
        return out
    order = np.argsort(-p, kind="stable")
    out[order] = np.minimum(1.0, np.minimum.accumulate(n / rank[::-1] * p[order]))
    return out


def pairwise_tests(time: Any, event: Any, group: Any, *, adjust: str = "holm",
                   strata: Any = None, rho: float = 0.0,
                   n_groups: int | None = None) -> PairwiseTests:
    """Every pair of groups compared by :func:`survdiff` on those two groups' patients.

    Parameters
    ----------
    time, event, group, strata, rho, n_groups
        As in :func:`survdiff`; with ``strata`` each pairwise test is stratified.
    adjust : {"holm", "bonferroni", "BH", "none"}
        Multiple-comparison adjustment over all pairs, as R's ``p.adjust``.

    Returns
    -------
    PairwiseTests
        Raw chi-square, df and p per pair and the adjusted p-values.

    Notes
    -----
    R equivalent: ``survminer::pairwise_survdiff(Surv(t, e) ~ g [+ strata(s)], data,
    p.adjust.method=adjust, rho=rho)``, which runs ``survdiff`` with the same formula on the
    rows of the two groups (so a stratified formula gives stratified pairwise tests). A pair
    whose test is not possible (e.g. a group with no patients) has NaN p-values with the
    reason in ``notes`` and is not counted by the adjustment, as ``p.adjust`` ignores NA.
    """
    sample = _sample(time, event, group, strata, n_groups)
    pairs = [(i, j) for j in range(1, sample.n_groups) for i in range(j)]
    tests = [_pair_test(sample, i, j, strata is not None, rho) for i, j in pairs]
    p_value = np.array([t.p_value for t in tests], dtype=np.float64)
    return PairwiseTests(
        name=f"survdiff_rho{rho:g}", adjust=adjust,
        group1=np.array([i for i, _ in pairs], dtype=np.int64),
        group2=np.array([j for _, j in pairs], dtype=np.int64),
        chisq=np.array([t.chisq for t in tests], dtype=np.float64),
        df=np.array([t.df for t in tests], dtype=np.int64),
        p_value=p_value, p_adjusted=adjust_p_values(p_value, adjust),
        notes=tuple(t.note for t in tests))


def _pair_test(sample: _Sample, i: int, j: int, stratified: bool, rho: float) -> GroupTest:
    return _survdiff_test(_pair_table(sample, i, j, stratified), rho, stratified)


def _pair_table(sample: _Sample, i: int, j: int, stratified: bool) -> _Tabulated:
    """The event table of groups ``i`` and ``j`` (as codes 0 and 1), read off the table of
    all the groups (inside :func:`shared_event_tables` the one the k-group tests use): the
    pairwise tests and the log-rank hazard ratios cut no rows out."""
    stratum = sample.stratum if stratified else None
    every = _shared_table(sample.time, sample.event, sample.group, stratum, sample.n_groups)
    if (i, j, sample.n_groups) == (0, 1, 2):
        return _Tabulated(every.table, 2, ())
    return _Tabulated(_pair_of(every.table, i, j), 2, ())


def _pair_of(table: _EventTable, i: int, j: int) -> _EventTable:
    """Groups ``i`` and ``j`` of ``table``: their numbers at risk and events at each
    (stratum, time) where either has an event (the numbers at risk of a group do not depend
    on the other groups)."""
    columns = [i, j]
    events = table.events[:, columns]
    has_event = events.sum(axis=1) > 0
    new_stratum = np.zeros(has_event.size, dtype=bool)
    new_stratum[table.stratum_starts[1:]] = True
    block = np.cumsum(new_stratum)[has_event]  # each kept row's stratum, numbered 0, 1, ...
    starts = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])[:block.size]
    return _EventTable(np.ascontiguousarray(table.at_risk[has_event][:, columns]),
                       np.ascontiguousarray(events[has_event]), starts,
                       table.n_patients[columns])


# --------------------------------------------------------------------------------------------
# Hazard ratios from the log-rank quantities
# --------------------------------------------------------------------------------------------


def hazard_ratio_logrank(time: Any, event: Any, group: Any, *, strata: Any = None,
                         conf_level: float = 0.95,
                         n_groups: int | None = None) -> HazardRatios:
    """Hazard ratio of each group against the reference as the ratio of O/E ratios.

    Parameters
    ----------
    time, event, group, strata, n_groups
        As in :func:`survdiff`; group code 0 is the reference.
    conf_level : float
        Confidence level of the interval.

    Returns
    -------
    HazardRatios
        ``HR = (O_1 / E_1) / (O_0 / E_0)`` from the log-rank test of group g (1) against
        the reference (0) on those two groups' patients, with the interval
        ``exp(log HR -/+ z sqrt(1/E_1 + 1/E_0))``, ``z`` the normal quantile.

    Notes
    -----
    R equivalent: ``fit <- survdiff(Surv(t, e) ~ g, data=subset(d, g %in% c(ref, g)))``;
    ``(fit$obs[2] / fit$exp[2]) / (fit$obs[1] / fit$exp[1])``. With ``strata``, O and E
    are summed over strata. When either group has no events the ratio is 0 or infinite and
    is reported as NaN with a note (like a Cox coefficient that diverges).
    """
    sample = _sample(time, event, group, strata, n_groups)
    z = _normal_quantile(conf_level)
    rows = [_logrank_oe_ratio(*_pair_score(sample, g, strata is not None), z)
            for g in range(1, sample.n_groups)]
    return _hazard_ratios("logrank_oe", sample.n_groups, rows, conf_level)


def hazard_ratio_mantel_haenszel(time: Any, event: Any, group: Any, *, strata: Any = None,
                                 conf_level: float = 0.95,
                                 n_groups: int | None = None) -> HazardRatios:
    """Hazard ratio of each group against the reference by the Mantel-Haenszel
    (one-step, Peto) estimate ``exp((O - E) / V)``.

    Parameters
    ----------
    time, event, group, strata, n_groups
        As in :func:`survdiff`; group code 0 is the reference.
    conf_level : float
        Confidence level of the interval.

    Returns
    -------
    HazardRatios
        ``HR = exp((O_1 - E_1) / V)`` with the log-rank quantities of group g against the
        reference on those two groups' patients (``V`` the hypergeometric variance), and
        the interval ``exp((O_1 - E_1) / V -/+ z / sqrt(V))``.

    Notes
    -----
    R equivalent: with ``fit`` as in :func:`hazard_ratio_logrank`,
    ``exp((fit$obs[2] - fit$exp[2]) / fit$var[2, 2])``. With ``strata``, O, E and V are
    summed over strata. NaN with a note when ``V = 0`` (no events, or a group with no
    patients). When every event is in one group the estimate is still finite (a one-step
    approximation that understates a large effect) and a note says so.
    """
    sample = _sample(time, event, group, strata, n_groups)
    z = _normal_quantile(conf_level)
    rows = [_mantel_haenszel_ratio(*_pair_score(sample, g, strata is not None), z)
            for g in range(1, sample.n_groups)]
    return _hazard_ratios("mantel_haenszel", sample.n_groups, rows, conf_level)


def _normal_quantile(conf_level: float) -> float:
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be between 0 and 1, not {conf_level}")
    return float(normal_upper_quantile((1.0 - conf_level) / 2.0))


def _pair_score(sample: _Sample, g: int, stratified: bool) -> tuple[_Score, str]:
    """Unweighted log-rank O, E, V of group ``g`` (index 1) against the reference (index 0),
    and the reason no hazard ratio can be estimated ("" when it can)."""
    table = _pair_table(sample, 0, g, stratified).table
    score = _weighted_score(table, np.ones(table.events.shape[0]))
    if table.n_patients[0] == 0:
        return score, "The reference group has no patients: the hazard ratio is not estimable."
    if table.n_patients[1] == 0:
        return score, f"Group code {g} has no patients: the hazard ratio is not estimable."
    if table.events.sum() == 0:
        return score, "No events in the two groups: the hazard ratio is not estimable."
    return score, ""


_Row = tuple[float, float, float, str]


def _logrank_oe_ratio(score: _Score, problem: str, z: float) -> _Row:
    (o0, o1), (e0, e1) = score.observed, score.expected
    if not problem and min(o0, o1, e0, e1) <= 0:
        problem = ("Every event is in one of the two groups: the hazard ratio is 0 or "
                   "infinite and not estimable.")
    if problem:
        return np.nan, np.nan, np.nan, problem
    log_hr = np.log((o1 / e1) / (o0 / e0))
    half = z * np.sqrt(1.0 / e1 + 1.0 / e0)
    return _ratio_row(log_hr, half, "")


def _mantel_haenszel_ratio(score: _Score, problem: str, z: float) -> _Row:
    v = float(score.variance[1, 1])
    if not problem and v <= 0:
        problem = "The log-rank variance is zero: the hazard ratio is not estimable."
    if problem:
        return np.nan, np.nan, np.nan, problem
    log_hr = (score.observed[1] - score.expected[1]) / v
    half = z / np.sqrt(v)
    note = ("Every event is in one of the two groups: the one-step estimate understates "
            "the effect." if score.observed.min() == 0 else "")
    return _ratio_row(log_hr, half, note)


def _ratio_row(log_hr: float, half: float, note: str) -> _Row:
    """exp(log HR) with its interval exp(log HR -/+ half); not estimable when a limit is
    beyond a double (a variance next to zero, e.g. from times of 1e300)."""
    with np.errstate(over="ignore"):
        row = np.exp([log_hr, log_hr - half, log_hr + half])
    if not np.all(np.isfinite(row)):
        return np.nan, np.nan, np.nan, ("The hazard ratio or its confidence interval is too "
                                        "large for a number: not estimable.")
    return float(row[0]), float(row[1]), float(row[2]), note


def _hazard_ratios(method: str, k: int, rows: list[_Row], conf_level: float) -> HazardRatios:
    columns = np.array([r[:3] for r in rows], dtype=np.float64).reshape(len(rows), 3)
    return HazardRatios(method=method, reference=0, group=np.arange(1, k, dtype=np.int64),
                        hr=columns[:, 0], ci_lower=columns[:, 1], ci_upper=columns[:, 2],
                        conf_level=conf_level, notes=tuple(r[3] for r in rows))


__all__ = ["survdiff", "weighted_test", "trend_test", "pairwise_tests", "adjust_p_values",
           "hazard_ratio_logrank", "hazard_ratio_mantel_haenszel", "TrendTest",
           "PairwiseTests", "HazardRatios", "WEIGHTS", "ADJUSTMENTS"]
