"""Test of proportional hazards from Schoenfeld residuals, numerically as R's ``cox.zph``.

The test (Grambsch & Therneau 1994, in the score-test form of survival 3.x) asks whether a
coefficient drifts with time: each covariate x is joined by g(t) x, with g the transformed
event time, and the score test of "the g(t) x coefficients are 0" is computed at the fitted
beta. The risk-set sums are those of the Cox fit (``resort_gui.stats.cox``), vectorised over
deaths; nothing loops over patients.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from resort_gui.domain.arrays import FloatArray
from resort_gui.domain.results import CoxModel, KaplanMeier
from resort_gui.domain.trial_results import ProportionalHazardsTest
from resort_gui.stats.cox import (
    _as_arrays,
    _relative_risks,
    _RiskSets,
    _set_sums,
    _term_s0,
    _Terms,
    _usable_rows,
    _weighted_sums,
    risk_sets,
)
from resort_gui.stats.distinct import distinct_times, is_sorted
from resort_gui.stats.distributions import chi2_upper_tail
from resort_gui.stats.km import kaplan_meier

GLOBAL = "GLOBAL"
TRANSFORMS = ("km", "identity", "rank", "log")


def cox_zph(time: ArrayLike, event: ArrayLike, X: ArrayLike, model: CoxModel, *,
            strata: ArrayLike | None = None, transform: str = "km") -> ProportionalHazardsTest:
    r"""Schoenfeld-residual test of proportional hazards for a fitted Cox model.

    Equivalent R call::

        cox.zph(coxph(Surv(time, event) ~ X [+ strata(s)], ties = model.ties),
                transform = transform, terms = FALSE)

    With ``g_j`` the transformed time of death j centred on its mean over all deaths,
    ``\bar x_j`` and ``V_j`` the (Efron-reduced) risk-set mean and covariance of x at the
    fitted beta, the score of the time-varying part and the information are

    .. math::

        U_2 = \sum_j g_j (x_j - \bar x_j), \qquad
        I = \sum_j \begin{pmatrix} V_j & g_j V_j \\ g_j V_j & g_j^2 V_j \end{pmatrix},

    and with ``u = (0, U_2)`` the test of coefficient k is ``u_K' I_{KK}^{-1} u_K`` over
    ``K = (1..p, p + k)`` on 1 df, the global test ``u' I^{-1} u`` on p df.

    Parameters
    ----------
    time, event, X, strata
        The data the model was fitted to (as for :func:`~resort_gui.stats.cox.cox_ph`).
    model : CoxModel
        The fit; its coefficients (NaN = not estimable, left out) and ``ties`` are used.
    transform : {"km", "identity", "rank", "log"}
        g(t). ``"km"`` is 1 - S(t-) of the pooled Kaplan-Meier curve of all rows used (R's
        default, also with strata).

    Returns
    -------
    ProportionalHazardsTest
        One row per column of ``X`` (NaN for a coefficient that was not estimable) and a
        last row ``GLOBAL`` (df = number of estimable coefficients).

    Notes
    -----
    R-parity rules: rows with a missing value or stratum are left out as in the fit; the
    transformed time of every row is computed, and centred by its mean over the rows with
    an event (``ttimes - mean(ttimes[event])``); "exact" ties are tested with Breslow's sums
    (as R, whose test distinguishes Efron from anything else); the beta part of the score
    is taken as exactly 0 (it is 0 at convergence). p-values with ``chi2.sf``.
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {TRANSFORMS}, not {transform!r}")
    time_a, event_a, x_a, strata_a = _as_arrays(time, event, X, strata)
    names = model.terms
    fitted = np.isfinite(model.coef)
    if x_a.shape[1] != len(names):
        raise ValueError("X must have one column per term of the model")
    if not fitted.any() or model.events == 0:
        return _not_testable(names, "The proportional-hazards test needs a fitted Cox model.")
    time_u, event_u, x_u, strata_u = _in_time_order(time_a, event_a, x_a, strata_a)
    g_set = _centred_g_per_tie_set(time_u, event_u, strata_u, transform)
    data = risk_sets(time_u, event_u, x_u if fitted.all() else x_u[:, fitted], strata_u,
                     collapse=True)
    score, information = _time_interaction_score(data, model.coef[fitted], g_set,
                                                 efron=model.ties == "efron")
    return _tests(names, fitted, score, information)


def _in_time_order(time: FloatArray, event: np.ndarray, x: FloatArray, strata: np.ndarray,
                   ) -> tuple[FloatArray, np.ndarray, FloatArray, np.ndarray]:
    """The usable rows (as the fit used them) in time order, so that every step after is
    linear; data already in that order (``run_analysis`` sorts it) is not copied."""
    used = _usable_rows(time, x, strata)
    if not used.all():
        time, event, x, strata = time[used], event[used], x[used], strata[used]
    if not is_sorted(time):
        order = np.argsort(time)
        time, event, x, strata = time[order], event[order], x[order], strata[order]
    return time, event, x, strata


def _per_tie_set(g: FloatArray, time: FloatArray, event: np.ndarray,
                 strata: np.ndarray) -> FloatArray:
    """g (a function of time) at each tie set of deaths, in the (stratum, time) order of the
    risk sets; the rows are in time order."""
    deaths = np.flatnonzero(event)
    order = deaths[np.argsort(strata[deaths], kind="stable")]  # (stratum, time) order
    t, s = time[order], strata[order]
    return g[order[np.r_[True, (t[1:] != t[:-1]) | (s[1:] != s[:-1])]]]


def _centred_g_per_tie_set(time: FloatArray, event: np.ndarray, strata: np.ndarray,
                           transform: str) -> FloatArray:
    """g at each tie set of deaths (in the risk sets' (stratum, time) order), centred on its
    mean over the deaths; the rows are in time order. With R's default transform and one
    stratum it is read off the pooled Kaplan-Meier curve: the tie sets are its event times,
    and the deaths' g values, in row order, are each time's value repeated."""
    if transform == "km" and strata.size and np.all(strata == strata[0]):
        km = kaplan_meier(time, event, conf_type="plain")
        g = 1.0 - np.r_[1.0, km.survival[:-1]]  # 1 - S(t-) at each distinct time
        return g[km.n_event > 0] - np.repeat(g, km.n_event).mean()
    g = _transformed_time(time, event, transform)
    return _per_tie_set(g, time, event, strata) - g[event].mean()


def _transformed_time(time: FloatArray, event: np.ndarray, transform: str) -> FloatArray:
    """g(t) for every row: 1 - S(t-) (pooled KM, left-continuous), t, rank(t) or log t."""
    if transform == "identity":
        return time.astype(np.float64)
    if transform == "log":
        return np.log(time)
    if transform == "rank":
        from scipy.stats import rankdata

        return rankdata(time).astype(np.float64)
    km = kaplan_meier(time, event, conf_type="plain")
    _, before = distinct_times(time)  # index of the last KM time < t, + 1 (km.time: every t)
    return 1.0 - np.r_[1.0, km.survival][before]


def _time_interaction_score(data: _RiskSets, beta: FloatArray, g_set: FloatArray, *,
                            efron: bool) -> tuple[FloatArray, FloatArray]:
    """``u = (0, U_2)`` and the 2p x 2p information of (x, g(t) x) at (beta, 0), with
    ``g_set`` the centred g of each tie set (the same for all its deaths)."""
    _, r, _ = _relative_risks(data, beta)
    terms = _Terms.per_death(data, efron=True) if efron else _Terms.breslow(data)
    sums = _set_sums(data, r)
    s0 = _term_s0(sums, terms)
    g = terms.spread(g_set)
    # sum w g^k m and sum w g^k V (V = s2 / s0 - m m'), k = 0, 1, 2
    (_, i11), (mean_g, i12), (_, i22) = (_weighted_sums(sums, terms, s0, terms.weight * g**k)
                                         for k in range(3))
    dying = data.death_cells
    g_cell = np.repeat(g_set, np.diff(np.r_[data.set_first_cell, dying.size]))
    observed = np.einsum("c,cp->p", data.deaths[dying] * g_cell, data.x[dying])
    score = np.r_[np.zeros(beta.size), observed - mean_g]
    information = np.block([[i11, i12], [i12, i22]])
    return score, information


def _tests(names: tuple[str, ...], fitted: np.ndarray, score: FloatArray,
           information: FloatArray) -> ProportionalHazardsTest:
    p = int(fitted.sum())
    chisq = np.full(len(names), np.nan)
    for k, column in enumerate(np.flatnonzero(fitted)):
        keep = np.r_[np.arange(p), p + k]
        chisq[column] = _quadratic_form(score[keep], information[np.ix_(keep, keep)])
    df = fitted.astype(np.int64)
    chisq = np.r_[chisq, _quadratic_form(score, information)]
    df = np.r_[df, p]
    with np.errstate(invalid="ignore"):
        p_value = np.where(df > 0, chi2_upper_tail(chisq, np.maximum(df, 1)), np.nan)
    note = "" if fitted.all() else ("Terms whose hazard ratio could not be estimated are "
                                    "not tested.")
    return ProportionalHazardsTest(term=np.array([*names, GLOBAL], dtype=object), chisq=chisq,
                                   df=df, p_value=p_value, note=note)


def _quadratic_form(u: FloatArray, matrix: FloatArray) -> float:
    try:
        return float(u @ np.linalg.solve(matrix, u))
    except np.linalg.LinAlgError:
        return float("nan")


def _not_testable(names: tuple[str, ...], note: str) -> ProportionalHazardsTest:
    k = len(names) + 1
    return ProportionalHazardsTest(term=np.array([*names, GLOBAL], dtype=object),
                                   chisq=np.full(k, np.nan), df=np.zeros(k, dtype=np.int64),
                                   p_value=np.full(k, np.nan), note=note)


def log_minus_log(km: KaplanMeier) -> tuple[FloatArray, FloatArray]:
    """The points of the log-log plot of one curve: ``log t`` against ``log(-log S(t))`` at
    the times where 0 < S < 1 and t > 0 (R: ``plot(fit, fun = "cloglog")``). Parallel curves
    are what proportional hazards look like."""
    keep = (km.time > 0) & (km.survival > 0) & (km.survival < 1)
    return np.log(km.time[keep]), np.log(-np.log(km.survival[keep]))
