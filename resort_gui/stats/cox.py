"""Cox proportional-hazards regression, numerically equivalent to R's ``survival::coxph``.

The model is fitted by maximising the partial likelihood with Newton-Raphson exactly as R's
``coxph.fit`` does (start at beta = 0, step halving, same convergence rule), so coefficients,
standard errors and the global tests agree with R to far better than 1e-6 relative.

All sums are vectorised: the rows are put in (stratum, time) order once, risk-set sums are
reverse cumulative sums read off at the first row of each distinct event time, and Efron's
within-tie correction is evaluated per death from its rank inside its tie set. With 0/1
covariates (a group design) the patients sharing stratum, time and group are one weighted
cell, so a Newton step costs O(cells + deaths) rather than O(patients).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

from resort_gui.domain.arrays import BoolArray, FloatArray, IntArray
from resort_gui.domain.results import CoxModel
from resort_gui.stats.distinct import distinct_times
from resort_gui.stats.distributions import normal_quantile, normal_upper_tail

TIES = ("efron", "breslow", "exact")
TOLER_CHOL = np.finfo(float).eps ** 0.75  # R's coxph.control(toler.chol=)

NO_EVENTS_NOTE = "No events: the Cox model cannot be fitted."
ONE_GROUP_NOTE = "Hazard ratio not estimable: all events occurred in one group."

Evaluation = tuple[float, FloatArray, FloatArray]  # loglik, score vector, information matrix


# ----------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------

def group_design(group: ArrayLike, k: int) -> FloatArray:
    """Indicator (treatment-contrast) design matrix of a k-level group factor.

    Parameters
    ----------
    group : array of int, shape (n,)
        Group codes ``0..k-1``; code 0 is the reference level. A negative code marks a
        missing group: its row is all NaN, so that :func:`cox_ph` leaves it out (as R's
        ``na.omit`` does).
    k : int
        Number of levels.

    Returns
    -------
    ndarray, shape (n, k-1)
        Column ``j-1`` is 1.0 where ``group == j`` and 0.0 elsewhere, as R's
        ``model.matrix(~ factor(g))`` without the intercept.
    """
    codes = np.asarray(group, dtype=np.int64).reshape(-1)
    if k < 1 or np.any(codes >= k):
        raise ValueError(f"group codes must lie in 0..{k - 1} (negative = missing)")
    design = (codes[:, None] == np.arange(1, k)[None, :]).astype(np.float64)
    design[codes < 0] = np.nan
    return design


def cox_ph(
    time: ArrayLike,
    event: ArrayLike,
    X: ArrayLike,
    *,
    strata: ArrayLike | None = None,
    ties: str = "efron",
    terms: Sequence[str] | None = None,
    max_iter: int = 30,
    tol: float = 1e-9,
    conf_level: float = 0.95,
) -> CoxModel:
    r"""Fit a Cox proportional-hazards model by maximum partial likelihood.

    Equivalent R call::

        coxph(Surv(time, event) ~ X [+ strata(s)], ties = ties,
              control = coxph.control(eps = tol, iter.max = max_iter))

    With linear predictor :math:`\eta_i = x_i^\top\beta`, distinct event times :math:`t_j`
    (within a stratum), risk set :math:`R_j = \{l : t_l \ge t_j\}`, the set :math:`D_j` of
    the :math:`d_j` deaths at :math:`t_j` and :math:`r_l = e^{\eta_l}`, the log partial
    likelihoods are

    Breslow
        :math:`\ell(\beta) = \sum_j \big[\sum_{i\in D_j}\eta_i
        - d_j \log \sum_{l\in R_j} r_l\big]`
    Efron
        :math:`\ell(\beta) = \sum_j \big[\sum_{i\in D_j}\eta_i - \sum_{k=0}^{d_j-1}
        \log\big(\sum_{l\in R_j} r_l - \tfrac{k}{d_j}\sum_{l\in D_j} r_l\big)\big]`
    Exact (discrete-time conditional likelihood)
        :math:`\ell(\beta) = \sum_j \big[\sum_{i\in D_j}\eta_i - \log \sum_{S\subseteq R_j,
        |S|=d_j} \prod_{l\in S} r_l\big]`, the denominator being the elementary symmetric
        polynomial of degree :math:`d_j` of the :math:`r_l` (Gail, Lubin & Rubinstein 1981).

    A stratified model sums :math:`\ell` over strata, each with its own baseline hazard.
    The score :math:`U` and information :math:`I` are the first and minus second derivatives;
    every term (the Efron correction included) is a weighted mean and covariance of
    :math:`x` over a (reduced) risk set.

    Parameters
    ----------
    time : array of float, shape (n,)
        Follow-up time. Only the ordering matters.
    event : array of bool or 0/1, shape (n,)
        True (non-zero) where the event was observed, False (0) where censored; a NaN
        event leaves the row out.
    X : array of float, shape (n, p) or (n,)
        Design matrix (e.g. :func:`group_design`). Rows with a non-finite value are left out.
    strata : array of int, shape (n,), optional
        Stratum codes; rows with a negative code are left out (R drops missing strata).
    ties : {"efron", "breslow", "exact"}
        Handling of tied event times, as R's ``ties=``.
    terms : sequence of str, optional
        Names of the columns of ``X`` (default ``x1 .. xp``).
    max_iter : int
        Maximum Newton-Raphson iterations (R's ``iter.max``).
    tol : float
        Convergence tolerance on the relative change in log-likelihood (R's ``eps``).

    Returns
    -------
    CoxModel
        Coefficients, standard errors, hazard ratios with 95% Wald CI, Wald p per term,
        log-likelihood at beta = 0 and at the estimate, likelihood-ratio and score tests.

    Notes
    -----
    R-parity rules:

    * Newton-Raphson starts at beta = 0; a step that lowers the log-likelihood is halved;
      the fit has converged when ``|1 - loglik_old / loglik_new| <= tol`` after a full step,
      and the reported estimate, log-likelihood and information are those of that last
      iterate (``coxph.fit``/``coxfit6``). R centres and rescales covariates internally;
      Newton-Raphson is affine invariant, so the iterates are the same without doing so
      (here the covariates are centred and ``eta`` shifted per stratum only to keep
      ``exp`` in range).
    * ``se = sqrt(diag(I^-1))`` at the estimate; CI ``exp(coef +- z se)`` with z the normal
      quantile of ``conf_level`` (R's ``summary(fit, conf.int=)``); Wald
      ``p = 2 * Phi(-|coef / se|)``; ``lr_chisq = 2 (loglik - loglik_0)``;
      ``score_chisq = U(0)' I(0)^-1 U(0)`` on ``df`` = number of fitted terms.
    * Rows with a missing (negative) stratum or a non-finite value are dropped, as
      ``na.omit`` does; ``n`` and ``events`` count the rows used.
    * A column that does not vary (e.g. a group with no patients) or that is collinear
      with the others gets NaN (R reports NA) and a note; the other terms are fitted.
    * Infinite coefficient (monotone likelihood, e.g. every event in one group): R's rule
      flags a term when the remaining Newton step ``|I^-1 U|`` exceeds both ``tol`` and
      ``sqrt(tol) * |coef|`` ("Loglik converged before variable ...; coefficient may be
      infinite"). Such a term gets NaN coefficient, SE, HR, CI and p, ``converged`` is
      False, and the note says why. The log-likelihood, likelihood-ratio and score tests
      stay as computed (they remain valid as limits).
    * No events: NaN everywhere, with a note. Nothing here raises for degenerate data.
    """
    if ties not in TIES:
        raise ValueError(f"ties must be one of {TIES}, not {ties!r}")
    if max_iter < 1:
        raise ValueError("max_iter must be at least 1")
    time_a, event_a, x_a, strata_a = _as_arrays(time, event, X, strata)
    names = _term_names(terms, x_a.shape[1])
    used = _usable_rows(time_a, x_a, strata_a)
    notes = _dropped_rows_note(strata_a, used)
    rows = slice(None) if used.all() else used  # every row usable: no copies
    n, n_events = int(used.sum()), int(event_a[rows].sum())
    if n_events == 0:
        return _unfitted(names, n, 0, ties, strata is not None, notes + [NO_EVENTS_NOTE])
    data = risk_sets(time_a[rows], event_a[rows], x_a[rows], strata_a[rows],
                     collapse=ties != "exact")
    fitted, column_notes = _estimable_columns(data, names)
    notes += column_notes
    if not fitted.any():
        return _unfitted(names, n, n_events, ties, strata is not None, notes)
    evaluate = _likelihood_function(data.restrict(fitted), ties)
    try:
        # Extreme iterates (a diverging coefficient) may underflow a risk-set sum to 0; the
        # resulting -inf loglik is handled by step halving / the divergence rule.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            fit = _newton_raphson(evaluate, int(fitted.sum()), max_iter, tol)
            return _assemble(fit, data, names, fitted, ties, strata is not None, tol,
                             max_iter, notes, conf_level=conf_level)
    except np.linalg.LinAlgError:
        notes.append("The model could not be fitted: the information matrix became singular "
                     "(a coefficient may be infinite).")
        return _unfitted(names, n, n_events, ties, strata is not None, notes)


# ----------------------------------------------------------------------------------------
# Input handling
# ----------------------------------------------------------------------------------------

def _as_arrays(time: ArrayLike, event: ArrayLike, X: ArrayLike, strata: ArrayLike | None,
               ) -> tuple[FloatArray, BoolArray, FloatArray, IntArray]:
    time_a = np.asarray(time, dtype=np.float64).reshape(-1)
    event_a = np.asarray(event).reshape(-1)
    if event_a.dtype != np.bool_:  # 0/1 or NaN: a missing event drops the row
        event_f = event_a.astype(np.float64)
        time_a = np.where(np.isfinite(event_f), time_a, np.nan)
        event_a = np.nan_to_num(event_f) != 0
    x_a = np.asarray(X, dtype=np.float64)
    x_a = x_a.reshape(-1, 1) if x_a.ndim == 1 else x_a
    n = time_a.size
    strata_a = (np.zeros(n, dtype=np.int64) if strata is None
                else np.asarray(strata, dtype=np.int64).reshape(-1))
    if x_a.ndim != 2 or not (event_a.size == x_a.shape[0] == strata_a.size == n):
        raise ValueError("time, event, X and strata must have the same number of rows")
    return time_a, event_a, x_a, strata_a


def _term_names(terms: Sequence[str] | None, p: int) -> tuple[str, ...]:
    names = tuple(f"x{j + 1}" for j in range(p)) if terms is None else tuple(terms)
    if len(names) != p:
        raise ValueError(f"terms has {len(names)} names for {p} columns of X")
    return names


def _usable_rows(time: FloatArray, x: FloatArray, strata: IntArray) -> BoolArray:
    return np.isfinite(time) & np.isfinite(x).all(axis=1) & (strata >= 0)


def _dropped_rows_note(strata: IntArray, used: BoolArray) -> list[str]:
    missing = int((~used & (strata >= 0)).sum())
    if missing == 0:
        return []
    return [f"{missing} row(s) with a missing time, event or covariate were left out."]


# ----------------------------------------------------------------------------------------
# Sorted data and risk sets
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _RiskSets:
    """Cells sorted by (stratum, time) with the index arrays of the event-time tie sets.

    A *cell* is one patient, or, when the covariates are 0/1 indicators (a group design) and
    ties are Efron or Breslow, all the patients sharing stratum, time and covariate values:
    they have the same relative risk, so each risk-set sum counts the cell ``weight`` times
    and its deaths ``deaths`` times. Collapsing is exact (the same sums, added in another
    order) and turns O(n) work per Newton step into O(cells), a few thousand for registry
    data in days. A *tie set* is the group of deaths sharing one (stratum, time); its risk
    set is the cells ``set_start .. set_stop - 1`` (same stratum, time >= the death time).
    """

    x: FloatArray           # (c, p) centred covariates, sorted
    weight: FloatArray      # (c,) patients in each cell
    deaths: FloatArray      # (c,) deaths in each cell
    row_stratum: IntArray   # (c,) 0-based stratum index of each sorted cell
    stratum_start: IntArray  # (S,) first cell of each stratum
    death_cells: IntArray   # (q,) cells with at least one death, sorted
    set_first_cell: IntArray  # (T,) position in death_cells of each tie set's first cell
    set_size: IntArray      # (T,) number of deaths d_j of each tie set
    set_start: IntArray     # (T,) first cell of the risk set
    set_stop: IntArray      # (T,) one past the last cell of the risk set (stratum end)

    @classmethod
    def build(cls, time: FloatArray, event: BoolArray, x: FloatArray, strata: IntArray,
              *, collapse: bool) -> _RiskSets:
        cells = _collapsed_cells(time, event, x, strata) if collapse else None
        stratum, block, x, weight, deaths = cells or _patient_cells(time, event, x, strata)
        c = block.size
        new_stratum = np.r_[True, stratum[1:] != stratum[:-1]]
        new_block = np.r_[True, block[1:] != block[:-1]]
        stratum_start = np.flatnonzero(new_stratum)
        row_stratum = np.cumsum(new_stratum) - 1
        stratum_stop = np.r_[stratum_start[1:], c][row_stratum]
        block_first = np.flatnonzero(new_block)[np.cumsum(new_block) - 1]
        death_cells = np.flatnonzero(deaths)
        death_block = block_first[death_cells]
        new_set = np.r_[True, death_block[1:] != death_block[:-1]]
        set_first_cell = np.flatnonzero(new_set)
        set_rows = death_block[set_first_cell]
        centre = np.einsum("c,cp->p", weight, x) / weight.sum()
        return cls(
            x=x - centre, weight=weight, deaths=deaths, row_stratum=row_stratum,
            stratum_start=stratum_start, death_cells=death_cells,
            set_first_cell=set_first_cell,
            set_size=np.add.reduceat(deaths[death_cells], set_first_cell).astype(np.int64),
            set_start=set_rows, set_stop=stratum_stop[set_rows],
        )

    def restrict(self, columns: BoolArray) -> _RiskSets:
        """The same risk sets with only the given covariate columns."""
        return replace(self, x=self.x[:, columns])


_Shared = list[tuple[tuple[np.ndarray, ...], bool, _RiskSets]]
_SHARED_RISK_SETS: ContextVar[tuple[_Shared, ...]] = ContextVar("shared_risk_sets", default=())


@contextmanager
def shared_risk_sets() -> Iterator[None]:
    """Inside this block, Cox fits and ``cox.zph`` of equal data (time, event, covariates and
    strata of the same values) share their sorted cells: ``run_analysis`` fits the groups'
    model, a pairwise model and the test of proportional hazards on the same patients. The
    arrays are kept until the block ends and must not be changed in place inside it.

    Blocks nest: an inner block sees the cells of the blocks around it and drops its own at
    its end (a pair of groups' fits share theirs with each other, not with the rest of the
    analysis, which would keep them to its end)."""
    token = _SHARED_RISK_SETS.set((*_SHARED_RISK_SETS.get(), []))
    try:
        yield
    finally:
        _SHARED_RISK_SETS.reset(token)


def risk_sets(time: FloatArray, event: BoolArray, x: FloatArray, strata: IntArray, *,
              collapse: bool) -> _RiskSets:
    """``_RiskSets.build``, once per equal data inside :func:`shared_risk_sets`."""
    blocks = _SHARED_RISK_SETS.get()
    if not blocks:
        return _RiskSets.build(time, event, x, strata, collapse=collapse)
    inputs = (time, event, x, strata)
    for block in blocks:
        for seen, collapsed, data in block:
            if collapsed == collapse and all(map(_equal, inputs, seen)):
                return data
    data = _RiskSets.build(time, event, x, strata, collapse=collapse)
    blocks[-1].append((inputs, collapse, data))
    return data


def _equal(a: np.ndarray, b: np.ndarray) -> bool:
    """The same values: the same memory (kept alive by the block), or compared."""
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    same_memory = (a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
                   and a.strides == b.strides)
    return same_memory or bool(np.array_equal(a, b))


_Cells = tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]
"""stratum, (stratum, time) block, covariates, patients and deaths of each cell, sorted."""

MAX_INDICATOR_COLUMNS = 16
MAX_CELLS_PER_PATIENT = 4
"""The dense (stratum, time, covariate pattern) table is used up to this size times n."""


def _patient_cells(time: FloatArray, event: BoolArray, x: FloatArray,
                   strata: IntArray) -> _Cells:
    """One cell per patient: the rows sorted by (stratum, time)."""
    order = np.lexsort((time, strata))
    time, stratum = time[order], strata[order]
    new_block = np.r_[True, (stratum[1:] != stratum[:-1]) | (time[1:] != time[:-1])]
    return (stratum, np.cumsum(new_block) - 1, x[order], np.ones(time.size),
            event[order].astype(np.float64))


def _collapsed_cells(time: FloatArray, event: BoolArray, x: FloatArray,
                     strata: IntArray) -> _Cells | None:
    """Patients counted by (stratum, time, pattern of 0/1 covariates), without sorting rows;
    None when a covariate is not 0/1 or the table would be too large."""
    p = x.shape[1]
    if p > MAX_INDICATOR_COLUMNS or not np.all((x == 0.0) | (x == 1.0)):
        return None
    times, time_code = distinct_times(time)
    n_strata, patterns = int(strata.max()) + 1, 1 << p
    size = n_strata * times.size * patterns
    if size > MAX_CELLS_PER_PATIENT * time.size + 4096:
        return None
    pattern = np.einsum("np,p->n", x, (1 << np.arange(p)).astype(np.float64))
    key = (strata * times.size + time_code) * patterns + pattern.astype(np.int64)
    weight = np.bincount(key, minlength=size)
    deaths = np.bincount(key, weights=event, minlength=size)
    cells = np.flatnonzero(weight)
    block = cells // patterns
    bits = ((cells % patterns)[:, None] >> np.arange(p)) & 1
    return (block // times.size, block, bits.astype(np.float64),
            weight[cells].astype(np.float64), deaths[cells])


def _risk_set_sums(values: FloatArray, start: IntArray, stop: IntArray) -> FloatArray:
    """Sum of ``values`` over rows ``start .. stop-1`` for each pair, via reverse cumsums
    (written in place after a row of zeros: no second copy of a million rows)."""
    tail = np.zeros((values.shape[0] + 1,) + values.shape[1:])
    np.cumsum(values[::-1], axis=0, out=tail[-2::-1])
    return tail[start] - tail[stop]


def _estimable_columns(data: _RiskSets, names: tuple[str, ...],
                       ) -> tuple[BoolArray, list[str]]:
    """Columns that can be fitted: not constant and not aliased at beta = 0.

    The aliasing check is R's ``cholesky2`` pivot test (pivot below ``toler.chol`` times
    the column's scale) applied to the information matrix at beta = 0 after scaling each
    column by its total sum of squares, so it does not depend on the units of ``X``.
    """
    scale = np.einsum("c,cp->p", data.weight, data.x ** 2)
    constant = np.ptp(data.x, axis=0) == 0
    _, _, info = _breslow_efron(data, np.zeros(data.x.shape[1]), _Terms.breslow(data))
    aliased = _aliased_pivots(info, np.where(constant, 1.0, scale)) & ~constant
    notes = [f"'{names[j]}' has the same value for every patient (e.g. a group with no "
             "patients), so its hazard ratio cannot be estimated."
             for j in np.flatnonzero(constant)]
    notes += [f"'{names[j]}' does not vary among the patients at risk at the event times, or "
              "is determined by the other terms, so its hazard ratio cannot be estimated."
              for j in np.flatnonzero(aliased)]
    return ~(constant | aliased), notes


def _aliased_pivots(info: FloatArray, scale: FloatArray) -> BoolArray:
    """Sequential Cholesky pivots (in column order) that are numerically zero."""
    matrix = info / np.sqrt(np.outer(scale, scale))
    aliased = np.zeros(matrix.shape[0], dtype=bool)
    for i in range(matrix.shape[0]):
        pivot = matrix[i, i]
        if not np.isfinite(pivot) or pivot <= TOLER_CHOL:
            aliased[i] = True
            matrix[i, :] = matrix[:, i] = 0.0
            continue
        column = matrix[i + 1:, i] / pivot
        matrix[i + 1:, i + 1:] -= np.outer(column, matrix[i, i + 1:])
    return aliased


# ----------------------------------------------------------------------------------------
# Partial likelihood, score and information
# ----------------------------------------------------------------------------------------

def _likelihood_function(data: _RiskSets, ties: str) -> Callable[[FloatArray], Evaluation]:
    if ties == "exact":
        return lambda beta: _exact(data, beta)
    terms = _Terms.per_death(data, efron=True) if ties == "efron" else _Terms.breslow(data)
    return lambda beta: _breslow_efron(data, beta, terms)


def _relative_risks(data: _RiskSets, beta: FloatArray,
                    ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``eta = x beta``, ``r = exp(eta - shift)`` and the per-cell ``shift``.

    ``shift`` is the largest ``eta`` of the cell's stratum, which keeps ``r <= 1``; being
    constant within a stratum it is added back to the log of every risk-set sum.
    """
    eta = np.einsum("cp,p->c", data.x, beta)
    shift = np.maximum.reduceat(eta, data.stratum_start)[data.row_stratum]
    return eta, np.exp(eta - shift), shift


@dataclass(frozen=True)
class _Terms:
    """The denominators of the log partial likelihood: term i belongs to tie set ``set[i]``,
    removes ``fraction[i]`` of the set's own deaths from its risk set (Efron) and counts
    ``weight[i]`` times. With ``repeats`` the terms are the tie sets in order, set j
    ``repeats[j]`` times, so per-set values are spread by ``np.repeat`` (several times
    faster than gathering them for the half a million deaths of a registry)."""

    set: IntArray
    fraction: FloatArray
    weight: FloatArray
    repeats: IntArray | None = None

    @classmethod
    def per_death(cls, data: _RiskSets, *, efron: bool) -> _Terms:
        """One term per death, set by set: with Efron's rule death k (0-based) of a set of
        d deaths removes k/d."""
        sets = np.repeat(np.arange(data.set_size.size), data.set_size)
        first = np.cumsum(data.set_size) - data.set_size
        rank = np.arange(sets.size) - first[sets]
        fraction = rank / data.set_size[sets] if efron else np.zeros(sets.size)
        return cls(sets, fraction, np.ones(sets.size), data.set_size)

    def spread(self, per_set: FloatArray) -> FloatArray:
        """Each term's value of a per-tie-set array."""
        if self.repeats is not None:
            return np.repeat(per_set, self.repeats, axis=0)
        return per_set[self.set]

    def per_set(self, values: FloatArray, sets: int) -> FloatArray:
        """The sum of each tie set's terms of ``values`` (one per term), zero for a set
        without terms: the reverse of ``spread``."""
        if self.repeats is not None:  # the sets in order, each with its terms in a run
            return np.add.reduceat(values, np.cumsum(self.repeats) - self.repeats)
        out = np.zeros(sets)
        out[self.set] = values  # one term per set
        return out

    @classmethod
    def breslow(cls, data: _RiskSets, sets: IntArray | None = None) -> _Terms:
        """One term per tie set, counted d times (every death sees the whole risk set)."""
        sets = np.arange(data.set_size.size) if sets is None else sets
        return cls(sets, np.zeros(sets.size), data.set_size[sets].astype(np.float64))


def _breslow_efron(data: _RiskSets, beta: FloatArray, terms: _Terms) -> Evaluation:
    """Log partial likelihood, score and information (Breslow or Efron ``terms``)."""
    eta, r, shift = _relative_risks(data, beta)
    return _combine(data, eta, *_term_sums(data, r, shift, terms))


def _set_sums(data: _RiskSets, r: FloatArray) -> list[tuple[FloatArray, FloatArray]]:
    """Per moment (r, r x, r x x'), per tie set: the sum over its risk set and the sum over
    its own deaths, each as (sets, 1 | p | p * p). The moments are made one after the
    other, each dropped once summed (r x x' of a million cells is 8 p^2 MB)."""
    dying = data.death_cells

    def summed(values: FloatArray) -> tuple[FloatArray, FloatArray]:
        at_risk = _risk_set_sums(values * data.weight[:, None], data.set_start, data.set_stop)
        tied = np.add.reduceat(values[dying] * data.deaths[dying, None],
                               data.set_first_cell, axis=0)
        return at_risk, tied

    rx = r[:, None] * data.x
    return [summed(r[:, None]), summed(rx),
            summed((rx[:, :, None] * data.x[:, None, :]).reshape(r.size, -1))]


def _term_sums(data: _RiskSets, r: FloatArray, shift: FloatArray, terms: _Terms,
               ) -> tuple[float, FloatArray, FloatArray]:
    """Over the terms: sum w log s0, sum w m and sum w (s2 / s0 - m m'), with m = s1 / s0
    (``_weighted_sums``). ``shift`` (per cell) is added back to each log s0."""
    sums = _set_sums(data, r)
    s0 = _term_s0(sums, terms)
    w = terms.weight
    log_total = float(np.einsum("t,t->", w, np.log(s0)) + np.einsum(
        "j,j->", terms.per_set(w, data.set_size.size), shift[data.set_start]))
    return (log_total, *_weighted_sums(sums, terms, s0, w))


def _term_s0(sums: list[tuple[FloatArray, FloatArray]], terms: _Terms) -> FloatArray:
    """Each term's risk-set sum of r, ``A0_j - f_t B0_j`` (``_set_sums``' first moment)."""
    (a0, b0) = sums[0]
    return terms.spread(a0[:, 0]) - terms.fraction * terms.spread(b0[:, 0])


def _weighted_sums(sums: list[tuple[FloatArray, FloatArray]], terms: _Terms, s0: FloatArray,
                   w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Over the terms, with weights ``w``: sum w m and sum w (s2 / s0 - m m'), m = s1 / s0.

    Term t of tie set j has the sums ``s_t = A_j - f_t B_j`` (A over the risk set, B over
    the set's deaths, f_t Efron's fraction, 0 for Breslow). Only s0 is needed per term: with
    ``u = w / s0``, ``v = w / s0^2`` and their per-set sums ``U_k = sum u f^k``,
    ``V_k = sum v f^k``,

        sum w s1 / s0 = sum_j A1 U0 - B1 U1,     sum w s2 / s0 = sum_j A2 U0 - B2 U1,
        sum w m m'    = sum_j V0 A1 A1' - V1 (A1 B1' + B1 A1') + V2 B1 B1',

    so no array of p x p matrices per death is built (half a million deaths in a registry).
    """
    (a1, b1), (a2, b2) = sums[1], sums[2]
    p = a1.shape[1]
    f = terms.fraction
    u, v = w / s0, w / (s0 * s0)
    uf, vf = u * f, v * f
    u0, u1, v0, v1, v2 = (terms.per_set(x, a1.shape[0]) for x in (u, uf, v, vf, vf * f))
    mean_total = np.einsum("jp,j->p", a1, u0) - np.einsum("jp,j->p", b1, u1)
    second = (np.einsum("jq,j->q", a2, u0) - np.einsum("jq,j->q", b2, u1)).reshape(p, p)
    cross = np.einsum("jp,jq,j->pq", a1, b1, v1)
    outer = (np.einsum("jp,jq,j->pq", a1, a1, v0) - cross - cross.T
             + np.einsum("jp,jq,j->pq", b1, b1, v2))
    return mean_total, second - outer


def _combine(data: _RiskSets, eta: FloatArray, log_total: float, mean_total: FloatArray,
             covariance_total: FloatArray) -> Evaluation:
    """loglik = sum eta(deaths) - sum log-denominators; score; information.

    The sums are ``einsum`` loops, not BLAS: a multithreaded BLAS call on a busy machine can
    wait for its threads longer than the arithmetic takes."""
    loglik = np.einsum("c,c->", data.deaths, eta) - log_total
    score = np.einsum("c,cp->p", data.deaths, data.x) - mean_total
    return float(loglik), score, covariance_total


def _exact(data: _RiskSets, beta: FloatArray) -> Evaluation:
    """Exact partial likelihood: Breslow's closed form where d = 1, recursion where d > 1."""
    eta, r, shift = _relative_risks(data, beta)
    terms = _Terms.breslow(data, np.flatnonzero(data.set_size == 1))
    log_total, mean_total, covariance_total = _term_sums(data, r, shift, terms)
    tied_log, tied_mean, tied_cov = _exact_tied_sets(data, r, shift)
    return _combine(data, eta, log_total + float(tied_log.sum()),
                    mean_total + tied_mean.sum(axis=0), covariance_total + tied_cov.sum(axis=0))


def _exact_tied_sets(data: _RiskSets, r: FloatArray, shift: FloatArray,
                     ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per tie set with d > 1: log e_d(R_j), and the mean and covariance of x under it.

    ``e_d`` is the elementary symmetric polynomial of degree d of the relative risks of the
    risk set. With ``S_k(s) = e_k(r_s .. r_{stop-1})`` (the rows from ``s`` to the end of the
    stratum) the recursion of Gail, Lubin & Rubinstein (1981),
    ``S_k(s) = S_k(s+1) + r_s S_{k-1}(s+1)``, unrolls to a reverse cumulative sum per
    degree, ``S_k(s) = sum_{u >= s} r_u S_{k-1}(u+1)``; its derivatives (for the score
    and information) are reverse cumulative sums of the differentiated summands. So every
    nested risk set of a stratum is read off degree by degree with array operations, from
    the stratum's earliest tied death time to its end.
    """
    p = data.x.shape[1]
    tied = np.flatnonzero(data.set_size > 1)
    log_sum, mean, covariance = np.zeros(tied.size), np.zeros((tied.size, p)), np.zeros(
        (tied.size, p, p))
    for stop in np.unique(data.set_stop[tied]):
        sets = tied[data.set_stop[tied] == stop]
        out = np.searchsorted(tied, sets)
        first = int(data.set_start[sets].min())
        log_e, first_moment, second_moment = _symmetric_sums(
            r[first:stop], data.x[first:stop], data.set_start[sets] - first,
            data.set_size[sets])
        log_sum[out] = log_e + data.set_size[sets] * shift[data.set_start[sets]]
        mean[out] = first_moment
        covariance[out] = second_moment - first_moment[:, :, None] * first_moment[:, None, :]
    return log_sum, mean, covariance


def _symmetric_sums(r: FloatArray, x: FloatArray, start: IntArray, degree: IntArray,
                    ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """For risk sets ``start[i]..end`` of rows with relative risks ``r`` and covariates
    ``x``: log e_d, grad e_d / e_d and hess e_d / e_d with ``d = degree[i]``.

    Each degree is rescaled to a maximum of 1 (the factor kept in ``log_scale``) so large
    risk sets do not overflow; a value that still underflows gives NaN (the fit then
    reports that the exact likelihood could not be computed).
    """
    rows, p = x.shape
    outer = x[:, :, None] * x[:, None, :]
    e = np.ones(rows + 1)                       # S_{k-1}(s), s = 0..rows (S(rows) = e_k of {})
    grad, hess = np.zeros((rows + 1, p)), np.zeros((rows + 1, p, p))
    log_scale = 0.0
    log_e = np.full(start.size, np.nan)
    first, second = np.full((start.size, p), np.nan), np.full((start.size, p, p), np.nan)
    for k in range(1, int(degree.max()) + 1):
        e_next, grad_next, hess_next = e[1:], grad[1:], hess[1:]
        e_terms = r * e_next
        grad_terms = r[:, None] * (grad_next + x * e_next[:, None])
        hess_terms = r[:, None, None] * (hess_next + grad_next[:, :, None] * x[:, None, :]
                                         + x[:, :, None] * grad_next[:, None, :]
                                         + e_next[:, None, None] * outer)
        e, grad, hess = (_reverse_cumsum(e_terms), _reverse_cumsum(grad_terms),
                         _reverse_cumsum(hess_terms))
        biggest = e.max()
        e, grad, hess = e / biggest, grad / biggest, hess / biggest
        log_scale += float(np.log(biggest))
        ready = np.flatnonzero(degree == k)
        ready = ready[e[start[ready]] > _SMALLEST_SUM]
        value = e[start[ready]]
        log_e[ready] = log_scale + np.log(value)
        first[ready] = grad[start[ready]] / value[:, None]
        second[ready] = hess[start[ready]] / value[:, None, None]
    return log_e, first, second


_SMALLEST_SUM = 1e-250
"""A rescaled e_d below this has lost digits to underflow (doubles reach 1e-308)."""


def _reverse_cumsum(values: FloatArray) -> FloatArray:
    """``out[s] = sum(values[s:])`` along the first axis, with a zero row appended."""
    total = np.cumsum(values[::-1], axis=0)[::-1]
    return np.concatenate([total, np.zeros((1,) + values.shape[1:])])


# ----------------------------------------------------------------------------------------
# Newton-Raphson
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Fit:
    beta: FloatArray
    loglik_initial: float
    loglik: float
    score_chisq: float
    score: FloatArray       # at beta
    info: FloatArray        # at beta
    converged: bool


def _newton_raphson(evaluate: Callable[[FloatArray], Evaluation], p: int, max_iter: int,
                    eps: float) -> _Fit:
    """R's ``coxfit6`` iteration: full Newton steps, halving when the loglik decreases."""
    beta = np.zeros(p)
    loglik_initial, score, info = evaluate(beta)
    step = np.linalg.solve(info, score)
    score_chisq = float(score @ step)
    best = loglik_initial
    candidate, halving = beta + step, False
    for iteration in range(1, max_iter + 1):
        loglik, score, info = evaluate(candidate)
        if not halving and _relative_change(best, loglik) <= eps:
            return _Fit(candidate, loglik_initial, loglik, score_chisq, score, info, True)
        if iteration == max_iter:
            break
        if not loglik >= best:  # decreased (or not finite): halve the step
            candidate, halving = (candidate + beta) / 2, True
        else:
            best, beta, halving = loglik, candidate, False
            candidate = candidate + np.linalg.solve(info, score)
    return _Fit(candidate, loglik_initial, loglik, score_chisq, score, info, False)


def _relative_change(old: float, new: float) -> float:
    """R's convergence measure ``|1 - old/new|``; inf when ``new`` is 0 (R's coxfit6 then
    iterates on)."""
    if old == new:
        return 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(abs(1.0 - np.divide(old, new)))


def _diverging_terms(fit: _Fit, eps: float) -> BoolArray:
    """R's infinite-coefficient rule: remaining step above eps and sqrt(eps) * |coef|."""
    with np.errstate(over="ignore", invalid="ignore"):
        remaining = np.abs(np.linalg.solve(fit.info, fit.score))
        return ~np.isfinite(remaining) | ((remaining > eps)
                                          & (remaining > np.sqrt(eps) * np.abs(fit.beta)))


# ----------------------------------------------------------------------------------------
# Result assembly
# ----------------------------------------------------------------------------------------

def _assemble(fit: _Fit, data: _RiskSets, names: tuple[str, ...], fitted: BoolArray,
              ties: str, stratified: bool, eps: float, max_iter: int,
              notes: list[str], *, conf_level: float) -> CoxModel:
    diverging = _diverging_terms(fit, eps)
    with np.errstate(invalid="ignore", divide="ignore"):
        se_fitted = np.sqrt(np.diag(np.linalg.inv(fit.info)))
    coef = _expand(np.where(diverging, np.nan, fit.beta), fitted)
    se = _expand(np.where(diverging, np.nan, se_fitted), fitted)
    converged = fit.converged and not diverging.any()
    if diverging.any():
        notes.append(_diverging_note(data, names, fitted, diverging))
    elif not fit.converged:
        notes.append(f"The Cox model did not converge in {max_iter} iterations; "
                     "the estimates may be inaccurate.")
    return CoxModel(
        terms=names, coef=coef, se=se, **_wald(coef, se, conf_level),
        loglik=(fit.loglik_initial, fit.loglik),
        lr_chisq=2.0 * (fit.loglik - fit.loglik_initial), score_chisq=fit.score_chisq,
        df=int(fitted.sum()), n=int(data.weight.sum()), events=int(data.set_size.sum()),
        ties=ties, stratified=stratified, converged=converged, note=" ".join(notes),
    )


def _expand(values: FloatArray, fitted: BoolArray) -> FloatArray:
    """Per-term array with NaN for the columns that were not fitted."""
    out = np.full(fitted.size, np.nan)
    out[fitted] = values
    return out


def _wald(coef: FloatArray, se: FloatArray, conf_level: float) -> dict[str, FloatArray]:
    z_crit = normal_quantile(0.5 + conf_level / 2)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return {
            "hr": np.exp(coef),
            "ci_lower": np.exp(coef - z_crit * se),
            "ci_upper": np.exp(coef + z_crit * se),
            "wald_p": 2.0 * normal_upper_tail(np.abs(coef / se)),
        }


def _diverging_note(data: _RiskSets, names: tuple[str, ...], fitted: BoolArray,
                    diverging: BoolArray) -> str:
    """Plain-English reason for an infinite coefficient."""
    columns = np.flatnonzero(fitted)[diverging]
    x = data.x[:, fitted]
    notes = []
    for j, col in zip(np.flatnonzero(diverging), columns, strict=True):
        values = np.unique(x[:, j])
        dead_values = np.unique(x[data.death_cells, j])
        if values.size == 2 and dead_values.size == 1 and fitted.sum() == 1:
            return ONE_GROUP_NOTE
        if values.size == 2 and dead_values.size == 1 and dead_values[0] == values[0]:
            notes.append(f"Hazard ratio for '{names[col]}' not estimable: no events occurred "
                         "in that group.")
        else:
            notes.append(f"Hazard ratio for '{names[col]}' not estimable: at every event time "
                         "the patient with the event had the highest (or lowest) value among "
                         "those at risk, so the estimate grows without bound.")
    return " ".join(notes)


def _unfitted(names: tuple[str, ...], n: int, n_events: int, ties: str, stratified: bool,
              notes: list[str]) -> CoxModel:
    nan = np.full(len(names), np.nan)
    return CoxModel(
        terms=names, coef=nan, se=nan.copy(), hr=nan.copy(), ci_lower=nan.copy(),
        ci_upper=nan.copy(), wald_p=nan.copy(), loglik=(np.nan, np.nan), lr_chisq=np.nan,
        score_chisq=np.nan, df=0, n=n, events=n_events, ties=ties, stratified=stratified,
        converged=False, note=" ".join(notes),
    )
