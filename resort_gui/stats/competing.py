"""Competing risks: cumulative incidence (Aalen-Johansen) and Gray's test, as R's ``cmprsk``.

``cumulative_incidence`` reproduces ``cmprsk::cuminc``'s estimate and variance (Fortran
``cinc``) and ``timepoints``' look-up; ``gray_test`` reproduces its k-sample test (Fortran
``crstm``/``crst``, Gray 1988). Both are vectorised over distinct times (cumulative sums
and products) and over groups (arrays of shape times x groups); nothing loops over patients.

Conventions: ``time`` is a float array (>= 0); ``cause`` holds integer codes per patient,
0 = censored, 1 = the cause whose incidence is estimated, 2 = any competing cause. At a
time shared by events and censorings the events come first (censored patients are still at
risk), as in R.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from resort_gui.domain.arrays import FloatArray, IntArray
from resort_gui.domain.trial_results import CumulativeIncidence, GrayTest
from resort_gui.stats.distributions import chi2_upper_tail, normal_upper_quantile

CENSORED, OF_INTEREST, COMPETING = 0, 1, 2


# ------------------------------------------------------------------------- estimate

def cumulative_incidence(time: ArrayLike, cause: ArrayLike, *, group: str = "",
                         cause_label: str = "1", landmarks: ArrayLike = (),
                         conf_level: float = 0.95) -> CumulativeIncidence:
    r"""Aalen-Johansen cumulative incidence of cause 1 with cmprsk's delta-method variance
    and pointwise confidence limits on the log(-log) scale (:func:`cif_confidence`).

    Equivalent R call::

        cuminc(time, cause, cencode = 0)        # the curve "1 1"
        timepoints(fit, landmarks)              # est and var at the landmarks

    At the distinct times :math:`t_j` with :math:`n_j` at risk, :math:`d_{1j}` deaths from
    the cause and :math:`d_{2j}` from competing causes (:math:`d_j = d_{1j} + d_{2j}`) and the
    all-cause Kaplan-Meier :math:`S(t_j-)`,

    .. math:: F(t) = \sum_{t_j \le t} S(t_j-) \, d_{1j} / n_j .

    The variance (Gray's, Fortran ``cinc``) accumulates, at each time with events, for
    each kind of death c in {1, 2} with count :math:`d_c > 0`,
    :math:`w = S(t_j-)^2 (1 - (d_c-1)/(n_j-1)) d_c / n_j^2` times
    :math:`a^2, ab, b^2` into :math:`v_1, v_2, v_3`, where :math:`b = 1/S(t_j)` and
    :math:`a = F(t_j) b` for competing deaths, :math:`a = 1 + F(t_j) b` for deaths from
    the cause; then :math:`\mathrm{Var}\,F(t_j) = v_1 + F^2 v_3 - 2 F v_2`.

    Parameters
    ----------
    time : array of float, shape (n,)
    cause : array of int, shape (n,)
        0 censored, 1 the cause of interest, 2 a competing cause.
    group, cause_label : str
        Labels stored in the result.
    landmarks : array of float
        Extra times at which to read the curve.

    Returns
    -------
    CumulativeIncidence
        Rows at time 0, at each time with a death from the cause, and at the landmarks.

    Notes
    -----
    cmprsk parity: the variance is recorded only at times with a death from the cause (a
    competing death changes it only from the next such time on), and a time read between
    jumps takes the last recorded values (``timepoints``). A landmark beyond the largest
    follow-up time is NaN. A competing term is skipped when S(t_j) = 0 (everybody left
    died then), and b = 0 for the cause's own term in that case.
    """
    time_a = np.asarray(time, dtype=np.float64).ravel()
    cause_a = np.asarray(cause, dtype=np.int64).ravel()
    table = _DeathTable.build(time_a, cause_a)
    cif, variance = _cinc(table)
    jumps = table.d1 > 0
    times = np.r_[0.0, table.time[jumps]]
    cif_at, var_at = np.r_[0.0, cif[jumps]], np.r_[0.0, variance[jumps]]
    marks = np.unique(np.asarray(landmarks, dtype=np.float64).ravel())
    last = float(time_a.max()) if time_a.size else float("nan")
    all_times = np.union1d(times, marks)
    index = np.searchsorted(times, all_times, side="right") - 1
    beyond = ~(all_times <= last) & ~np.isin(all_times, times)
    cif_all = np.where(beyond, np.nan, cif_at[index])
    var_all = np.where(beyond, np.nan, var_at[index])
    lower, upper = cif_confidence(cif_all, var_all, conf_level)
    return CumulativeIncidence(
        group=group, cause=cause_label, time=all_times, cif=cif_all, variance=var_all,
        is_landmark=np.isin(all_times, marks), last_time=last,
        ci_lower=lower, ci_upper=upper, conf_level=conf_level,
        n=int(time_a.size), events=int(np.sum(cause_a == OF_INTEREST)),
    )


def cif_confidence(cif: ArrayLike, variance: ArrayLike,
                   conf_level: float = 0.95) -> tuple[FloatArray, FloatArray]:
    r"""Pointwise confidence limits of a cumulative incidence on the log(-log) scale.

    .. math:: F^{\exp(\mp z \sqrt{V} / (F \log F))}

    (lower with the minus sign; :math:`z` = 1.96 at 95%), from cmprsk's variance V. cmprsk
    itself prints and plots no interval (``print.cuminc`` gives est and var); this is the
    interval of Pintilie (2006) that tidycmprsk's ``cuminc`` reports. In R::

        tp <- timepoints(cuminc(time, cause, cencode = 0), times)
        z <- qnorm(1 - (1 - 0.95) / 2)
        tp$est ^ exp(-z * sqrt(tp$var) / (tp$est * log(tp$est)))   # lower
        tp$est ^ exp( z * sqrt(tp$var) / (tp$est * log(tp$est)))   # upper

    The limits stay within [0, 1]. NaN where F is 0 or 1, V is 0 or not finite (no
    interval can be formed there: R gives NaN or a degenerate interval).
    """
    cif_a = np.asarray(cif, dtype=np.float64)
    var_a = np.asarray(variance, dtype=np.float64)
    z = float(normal_upper_quantile((1.0 - conf_level) / 2.0))
    usable = (cif_a > 0) & (cif_a < 1) & (var_a > 0) & np.isfinite(var_a)
    safe = np.where(usable, cif_a, 0.5)
    with np.errstate(invalid="ignore"):
        spread = z * np.sqrt(np.where(usable, var_a, 0.0)) / (safe * np.log(safe))
    lower = np.where(usable, safe ** np.exp(-spread), np.nan)
    upper = np.where(usable, safe ** np.exp(spread), np.nan)
    return lower, upper


class _DeathTable:
    """Per distinct time with at least one death: at risk, deaths by kind, S(t-) and S(t)."""

    def __init__(self, time: FloatArray, n_risk: FloatArray, d1: FloatArray,
                 d2: FloatArray) -> None:
        self.time, self.n_risk, self.d1, self.d2 = time, n_risk, d1, d2
        d = d1 + d2
        factor = (n_risk - d) / n_risk
        self.s_after = np.cumprod(factor)
        self.s_before = np.r_[1.0, self.s_after[:-1]]

    @classmethod
    def build(cls, time: FloatArray, cause: IntArray) -> _DeathTable:
        distinct, inverse = np.unique(time, return_inverse=True)
        n_at = np.bincount(inverse, minlength=distinct.size)
        n_risk = (n_at[::-1].cumsum()[::-1]).astype(np.float64)
        d1 = np.bincount(inverse, weights=cause == OF_INTEREST, minlength=distinct.size)
        d2 = np.bincount(inverse, weights=cause == COMPETING, minlength=distinct.size)
        deaths = (d1 + d2) > 0
        return cls(distinct[deaths], n_risk[deaths], d1[deaths], d2[deaths])


def _cinc(t: _DeathTable) -> tuple[FloatArray, FloatArray]:
    """F and cmprsk's variance at every death time (meaningful where d1 > 0)."""
    cif = np.cumsum(t.s_before * t.d1 / t.n_risk)
    with np.errstate(divide="ignore"):
        b = np.where(t.s_after > 0, 1.0 / t.s_after, 0.0)
    competing = _variance_terms(t, t.d2, cif * b, b, (t.d2 > 0) & (t.s_after > 0))
    own = _variance_terms(t, t.d1, 1.0 + cif * b, b, t.d1 > 0)
    v1, v2, v3 = np.cumsum(competing + own, axis=1)
    return cif, v1 + cif ** 2 * v3 - 2.0 * cif * v2


def _variance_terms(t: _DeathTable, deaths: FloatArray, a: FloatArray, b: FloatArray,
                    active: np.ndarray) -> FloatArray:
    """Increments of (v1, v2, v3) = w (a^2, a b, b^2) from one kind of death."""
    w = _tie_weight(deaths, t.n_risk) * t.s_before ** 2 * deaths / t.n_risk ** 2
    w = np.where(active, w, 0.0)
    return np.stack([a * a * w, b * a * w, b * b * w])


def _tie_weight(deaths: FloatArray, n_risk: FloatArray) -> FloatArray:
    """1 - (d-1)/(n-1) for d > 1 tied deaths, 1 otherwise (cmprsk's hypergeometric factor)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(deaths > 1, 1.0 - (deaths - 1.0) / (n_risk - 1.0), 1.0)


# ------------------------------------------------------------------------- Gray's test

def gray_test(time: ArrayLike, cause: ArrayLike, group: ArrayLike, *,
              strata: ArrayLike | None = None, rho: float = 0.0,
              cause_label: str = "1") -> GrayTest:
    r"""Gray's test that the cumulative incidence of cause 1 is the same in all groups.

    Equivalent R call: ``cuminc(time, cause, group, strata, rho = rho, cencode = 0)$Tests``
    (the row of cause 1).

    Per group k, with :math:`\hat R_k(t) = n_k(t) / S_k(t-)` and the pooled subdistribution
    risk set :math:`\hat R(t) = \sum_k n_k(t)(1 - F_{1k}(t-)) / S_k(t-)`, the score is

    .. math:: s_k = \sum_j (1 - F_1(t_j-))^\rho \Big[d_{1kj} - d_{1j}
        \frac{n_{kj}(1 - F_{1k}(t_j-))}{S_k(t_j-) \hat R(t_j)}\Big]

    for the first k-1 groups, and the statistic :math:`s' V^{-1} s` (V from Gray's
    asymptotic variance, Fortran ``crst``) is chi-square on k - 1 df. With strata, s and V
    are sums over strata.

    Parameters
    ----------
    time : array of float, shape (n,)
    cause : array of int, shape (n,)
        0 censored, 1 the cause of interest, 2 a competing cause.
    group : array of int, shape (n,)
        Group codes 0..k-1 (codes with no patient are left out, as cmprsk drops empty
        levels).
    strata : array of int, shape (n,), optional
        Stratum codes.
    rho : float
        Power of the weight :math:`(1 - F_1(t-))^\rho`.

    Returns
    -------
    GrayTest
        NaN with a note when fewer than two groups have patients or V is singular (cmprsk
        then reports -1).

    Notes
    -----
    cmprsk parity: times with no death of any kind change nothing but the risk sets;
    groups with nobody at risk drop out of every sum at that time; the tie factors
    ``1 - (d-1)/(R S_k(t-) - 1)`` (cause 1) and ``1 - (d_k-1)/(n_k-1)`` (competing) are
    Gray's. Singular V is detected by the rank of V (as R's ``qr``) and reported as NaN.
    """
    time_a = np.asarray(time, dtype=np.float64).ravel()
    cause_a = np.asarray(cause, dtype=np.int64).ravel()
    _, group_a = np.unique(np.asarray(group, dtype=np.int64).ravel(), return_inverse=True)
    group_a = group_a.reshape(-1)
    k = int(group_a.max()) + 1 if group_a.size else 0
    if k < 2:
        return GrayTest(cause_label, np.nan, max(k - 1, 0), np.nan,
                        "Gray's test needs at least two groups with patients.")
    strata_a = (np.zeros(time_a.size, dtype=np.int64) if strata is None
                else np.asarray(strata, dtype=np.int64).ravel())
    score, variance = np.zeros(k - 1), np.zeros((k - 1, k - 1))
    for stratum in np.unique(strata_a):
        mask = strata_a == stratum
        s, v = _crst(_GroupTable.build(time_a[mask], cause_a[mask], group_a[mask], k), rho)
        score, variance = score + s, variance + v
    if np.linalg.matrix_rank(variance) < k - 1:
        return GrayTest(cause_label, np.nan, k - 1, np.nan,
                        "Gray's test is not possible: its variance matrix is singular "
                        "(too few events of this cause in some group).")
    stat = float(score @ np.linalg.solve(variance, score))
    return GrayTest(cause_label, stat, k - 1, float(chi2_upper_tail(stat, k - 1)))


class _GroupTable:
    """Per distinct time with a death (rows) and group (columns): at risk, deaths by kind,
    and the group's all-cause KM and cause-1 incidence just before and at the time."""

    def __init__(self, n_risk: FloatArray, d1: FloatArray, d2: FloatArray) -> None:
        self.n_risk, self.d1, self.d2 = n_risk, d1, d2
        present = n_risk > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(present, (n_risk - d1 - d2) / n_risk, 1.0)
        self.present = present
        self.s_after = np.cumprod(factor, axis=0)
        self.s_before = np.vstack([np.ones((1, n_risk.shape[1])), self.s_after[:-1]])
        with np.errstate(divide="ignore", invalid="ignore"):
            jump = np.where(present, self.s_before * d1 / n_risk, 0.0)
        self.f1_after = np.cumsum(jump, axis=0)
        self.f1_before = self.f1_after - jump

    @classmethod
    def build(cls, time: FloatArray, cause: IntArray, group: IntArray, k: int) -> _GroupTable:
        distinct, inverse = np.unique(time, return_inverse=True)
        inverse = inverse.reshape(-1)
        cell = inverse * k + group
        size = distinct.size * k

        def counts(mask: np.ndarray) -> FloatArray:
            return np.bincount(cell, weights=mask.astype(np.float64),
                               minlength=size).reshape(distinct.size, k)

        at_time = counts(np.ones(time.size, bool))
        n_risk = at_time[::-1].cumsum(axis=0)[::-1]
        d1, d2 = counts(cause == OF_INTEREST), counts(cause == COMPETING)
        deaths = (d1 + d2).sum(axis=1) > 0
        return cls(n_risk[deaths], d1[deaths], d2[deaths])


def _crst(t: _GroupTable, rho: float) -> tuple[FloatArray, FloatArray]:
    """Score (first k-1 groups) and variance of one stratum, Fortran ``crst`` vectorised; a
    stratum without deaths of any kind adds nothing."""
    k = t.n_risk.shape[1]
    if t.n_risk.shape[0] == 0:
        return np.zeros(k - 1), np.zeros((k - 1, k - 1))
    nd1 = t.d1.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(t.present, t.n_risk / t.s_before, 0.0)  # \hat R_k: n_k / S_k(t-)
        tr = h.sum(axis=1)
        tq = (h * (1.0 - t.f1_before)).sum(axis=1)
        f_after = np.cumsum(nd1 / tr)
        f_before = f_after - nd1 / tr
        fb = (1.0 - f_before) ** rho
        a = fb[:, None, None] * (np.eye(h.shape[1])[None] * h[:, :, None]
                                 - h[:, :, None] * h[:, None, :] / tr[:, None, None])
        c = np.cumsum(a * (nd1 / (tr * (1.0 - f_before)))[:, None, None], axis=0)
        expected = np.where(t.present, nd1[:, None] * h * (1.0 - t.f1_before) / tq[:, None],
                            0.0)
    score = (fb[:, None] * np.where(t.present, t.d1 - expected, 0.0)).sum(axis=0)[:-1]
    v, v2, v3 = _cause_terms(t, nd1, tr, f_after, a, c)
    v_c, v2_c, v3_c = _competing_terms(t, f_after, c)
    v, v2, v3 = v + v_c, v2 + v2_c, v3 + v3_c
    c_end = c[-1, :-1, :]  # (k-1, k) final c
    v = v + (c_end * v3) @ c_end.T + c_end @ v2.T + v2 @ c_end.T
    return score, v


def _cause_terms(t: _GroupTable, nd1: FloatArray, tr: FloatArray, f_after: FloatArray,
                 a: FloatArray, c: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Variance contributions of the deaths from the cause of interest (``nd1 > 0``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t4 = np.where(t.s_after > 0, 1.0 - (1.0 - f_after[:, None]) / t.s_after, 1.0)
        t5 = np.where(nd1[:, None] > 1,
                      1.0 - (nd1[:, None] - 1.0) / (tr[:, None] * t.s_before - 1.0), 1.0)
        t3 = t5 * t.s_before * nd1[:, None] / (tr[:, None] * t.n_risk)
    t3 = np.where(t.present & (nd1[:, None] > 0), t3, 0.0)
    b = a[:, :-1, :] - t4[:, None, :] * c[:, :-1, :]  # (T, k-1, k)
    v3 = (t4 * t4 * t3).sum(axis=0)
    v2 = np.einsum("tik,tk->ik", b, t4 * t3)
    v = np.einsum("tik,tjk,tk->ij", b, b, t3)
    return v, v2, v3


def _competing_terms(t: _GroupTable, f_after: FloatArray, c: FloatArray,
                     ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Variance contributions of the competing deaths (``d2_k > 0`` and ``S_k(t) > 0``)."""
    active = (t.s_after > 0) & (t.d2 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        t4 = np.where(active, (1.0 - f_after[:, None]) / t.s_after, 0.0)
        t3 = _tie_weight(t.d2, t.n_risk) * t.s_before ** 2 * t.d2 / t.n_risk ** 2
    t3 = np.where(active, t3, 0.0)
    b = t4[:, None, :] * c[:, :-1, :]
    v3 = (t4 * t4 * t3).sum(axis=0)
    v2 = -np.einsum("tik,tk->ik", b, t4 * t3)
    v = np.einsum("tik,tjk,tk->ij", b, b, t3)
    return v, v2, v3
