"""Kaplan-Meier estimation with R ``survival`` (3.5) parity.

Every function reproduces one R call, down to R's rules for the awkward cases (ties, flat
stretches, S reaching 0, times beyond the last observation); each docstring names the call
and lists the rules in its Notes. The arithmetic is vectorised: ``np.unique`` builds the
table of distinct times, cumulative sums and products give the curve, ``searchsorted``
answers look-ups. There is no Python loop over patients or over distinct times.

Conventions shared by all functions:

* ``time`` is a float array (>= 0, validated by the caller), ``event`` a bool array (True =
  event, False = censored), both of length n; n = 0 gives empty results, never an exception.
* At a time shared by events and censorings, the events happen first: the censored patients
  are still at risk for the events at their own time (R's convention).
* "Not estimable" is NaN, as R's NA.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import ArrayLike

from resort_gui.domain.results import (
    FloatArray,
    FollowUp,
    IntArray,
    KaplanMeier,
    Landmarks,
    Quantiles,
    RestrictedMean,
    RiskTable,
)
from resort_gui.domain.spec import CONF_TYPES  # R's conf.type names: log-log, log, plain
from resort_gui.stats.distinct import is_sorted
from resort_gui.stats.distributions import normal_quantile

__all__ = [
    "CONF_TYPES",
    "QUANTILE_TOLERANCE",
    "kaplan_meier",
    "kaplan_meier_by_group",
    "median_followup",
    "restricted_mean",
    "risk_table",
    "risk_table_of",
    "survival_at",
    "survival_quantiles",
]


QUANTILE_TOLERANCE = float(np.sqrt(np.finfo(np.float64).eps))
"""R's ``sqrt(.Machine$double.eps)``: how close S must be to 1 - p to count as equal."""


# --------------------------------------------------------------------------- input


def _as_survival_data(time: ArrayLike, event: ArrayLike) -> tuple[FloatArray, np.ndarray]:
    """Flat float ``time`` and bool ``event`` of equal length (ValueError otherwise)."""
    time_arr = np.asarray(time, dtype=np.float64).ravel()
    event_arr = np.asarray(event).ravel().astype(bool)
    if time_arr.shape != event_arr.shape:
        raise ValueError(f"time and event differ in length ({time_arr.size} vs {event_arr.size})")
    return time_arr, event_arr


def _z_value(conf_type: str, conf_level: float) -> float:
    """Normal quantile ``qnorm(1 - (1 - conf_level) / 2)``, after checking the arguments."""
    if conf_type not in CONF_TYPES:
        raise ValueError(f"conf_type must be one of {CONF_TYPES}, not {conf_type!r}")
    if not 0.0 < conf_level < 1.0:
        raise ValueError(f"conf_level must lie in (0, 1), not {conf_level!r}")
    return float(normal_quantile(1.0 - (1.0 - conf_level) / 2.0))


# --------------------------------------------------------------------------- Kaplan-Meier


Counts = tuple[FloatArray, IntArray, IntArray]
"""Distinct times, the patients and the events at each."""


def _counts(time: FloatArray, event: np.ndarray) -> Counts:
    """Distinct times with the patients and the events at each.

    Times in increasing order (``run_analysis`` sorts them once) are counted in one pass;
    otherwise the distinct times of all patients and of the events are found each by one
    sort (no argsort), matched by a search among the distinct times only.
    """
    if time.size and is_sorted(time):
        new = _first_of_each(time)
        bounds = np.append(np.flatnonzero(new), time.size)
        events_before = np.concatenate(([0], np.cumsum(event, dtype=np.int64)))[bounds]
        return time[bounds[:-1]], np.diff(bounds), np.diff(events_before)
    times, count = np.unique(time, return_counts=True)
    event_times, event_count = np.unique(time[event], return_counts=True)
    n_event = np.zeros(times.size, dtype=np.int64)
    n_event[np.searchsorted(times, event_times)] = event_count
    return times, count, n_event


def _first_of_each(time: FloatArray) -> np.ndarray:
    """Mask of the first row of each distinct value of the sorted, non-empty ``time``."""
    new = np.empty(time.size, dtype=bool)
    new[0] = True
    np.not_equal(time[1:], time[:-1], out=new[1:])
    return new


def _counts_by_group(time: FloatArray, event: np.ndarray, group: IntArray,
                     n_groups: int) -> list[Counts]:
    """:func:`_counts` of each group's rows, the sorted ``time`` of all groups read once."""
    new = _first_of_each(time)
    times = time[new]
    cell = (np.cumsum(new) - 1) * n_groups + group  # (distinct time, group)
    count = np.bincount(cell, minlength=times.size * n_groups).reshape(-1, n_groups)
    n_event = np.bincount(cell[event], minlength=times.size * n_groups).reshape(-1, n_groups)
    present = count > 0
    return [(times[present[:, g]], count[present[:, g], g], n_event[present[:, g], g])
            for g in range(n_groups)]


def _greenwood_log_se(n_risk: IntArray, n_event: IntArray) -> FloatArray:
    """Standard error of log S (R's ``survfit()$std.err``) by Greenwood's formula.

    sqrt( sum_{t_i <= t} d_i / (n_i (n_i - d_i)) ); the term is +inf where n_i == d_i.
    """
    with np.errstate(divide="ignore"):
        terms = n_event / (n_risk * (n_risk - n_event).astype(np.float64))
    return np.sqrt(np.cumsum(terms))


def _confidence_band(
    survival: FloatArray, log_se: FloatArray, conf_type: str, z: float
) -> tuple[FloatArray, FloatArray]:
    """Pointwise limits, exactly as R's ``survival:::survfit_confint(logse=TRUE)``."""
    s = survival
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            half_width = z * log_se * s  # inf * 0 = NaN where S == 0, as in R
            return np.maximum(s - half_width, 0.0), np.minimum(s + half_width, 1.0)
        if conf_type == "log":
            log_s = np.log(np.where(s == 0.0, np.nan, s))
            return np.exp(log_s - z * log_se), np.minimum(np.exp(log_s + z * log_se), 1.0)
        # log-log: the transform is undefined at S == 0 and at S == 1
        log_s = np.log(np.where((s == 0.0) | (s == 1.0), np.nan, s))
        shift = z * log_se / log_s
        log_minus_log = np.log(-log_s)
        return np.exp(-np.exp(log_minus_log - shift)), np.exp(-np.exp(log_minus_log + shift))


def kaplan_meier(
    time: ArrayLike,
    event: ArrayLike,
    *,
    conf_type: str = "log-log",
    conf_level: float = 0.95,
) -> KaplanMeier:
    r"""Kaplan-Meier estimate with Greenwood standard error and pointwise confidence limits.

    Parameters
    ----------
    time : array_like of float, shape (n,)
        Follow-up times (>= 0).
    event : array_like of bool, shape (n,)
        True for an event, False for a censored observation.
    conf_type : {"log-log", "log", "plain"}
        Transform for the confidence limits (R's ``conf.type``).
    conf_level : float
        Confidence level, 0.95 by default.

    Returns
    -------
    KaplanMeier
        One row per distinct time, event or censoring.

    Notes
    -----
    Formula, at the distinct times :math:`t_i` with :math:`n_i` at risk
    (:math:`\#\{time \ge t_i\}`) and :math:`d_i` events:

    .. math::

        S(t) = \prod_{t_i \le t} (1 - d_i / n_i), \qquad
        \sigma^2(t) = \sum_{t_i \le t} \frac{d_i}{n_i (n_i - d_i)}

    ``std_err`` is :math:`S \sigma` (Greenwood, survival scale). With
    :math:`z = \Phi^{-1}(1 - (1 - \text{conf\_level})/2)` the limits are

    * ``plain``: :math:`S \pm z S \sigma`, clipped to [0, 1];
    * ``log``: :math:`S \exp(\pm z \sigma)` (computed as ``exp(log S -/+ z sigma)``), upper
      capped at 1;
    * ``log-log``: :math:`\exp(-\exp(\log(-\log S) \mp z \sigma / \log S))`, not capped.

    R equivalent: ``summary(survfit(Surv(time, event) ~ 1, conf.type=, conf.int=),
    censored=TRUE)``.

    R-parity rules:

    * Events precede censorings at a tied time: the censored are at risk for those events.
    * Where every patient at risk has the event (:math:`n_i = d_i`), S becomes 0 and the
      Greenwood sum is +inf; R then reports ``std.err`` NA (0 * inf) and NA limits for all
      three transforms. Reproduced as NaN.
    * ``log`` limits are NA where S == 0; ``log-log`` limits are NA where S == 0 *and* where
      S == 1 (e.g. censorings before the first event, or no event at all).
    * ``plain`` limits are clipped to [0, 1]; ``log`` caps only the upper limit at 1.
    * Empty input gives empty arrays and ``n == 0``.
    """
    time_arr, event_arr = _as_survival_data(time, event)
    return _curve(_counts(time_arr, event_arr), conf_type, conf_level)


def kaplan_meier_by_group(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike,
    n_groups: int,
    *,
    conf_type: str = "log-log",
    conf_level: float = 0.95,
) -> tuple[KaplanMeier, ...]:
    """:func:`kaplan_meier` of the rows of each group (``group``: codes 0 .. n_groups - 1),
    in code order. Times in increasing order are counted for every group in one pass."""
    time_arr, event_arr = _as_survival_data(time, event)
    codes = np.asarray(group, dtype=np.int64).ravel()
    if not (time_arr.size and is_sorted(time_arr)):
        return tuple(kaplan_meier(time_arr[codes == g], event_arr[codes == g],
                                  conf_type=conf_type, conf_level=conf_level)
                     for g in range(n_groups))
    return tuple(_curve(counts, conf_type, conf_level)
                 for counts in _counts_by_group(time_arr, event_arr, codes, n_groups))


def _curve(counts: Counts, conf_type: str, conf_level: float) -> KaplanMeier:
    """The Kaplan-Meier curve of the ``counts`` (see :func:`kaplan_meier`)."""
    z = _z_value(conf_type, conf_level)
    times, count, n_event = counts
    n = int(count.sum())
    n_censor = count.astype(np.int64) - n_event
    n_risk = (n - (np.cumsum(count) - count)).astype(np.int64)
    survival = np.cumprod(1.0 - n_event / n_risk.astype(np.float64))
    log_se = _greenwood_log_se(n_risk, n_event)
    with np.errstate(invalid="ignore"):
        std_err = survival * log_se  # 0 * inf = NaN where S reaches 0, as R's NA
    ci_lower, ci_upper = _confidence_band(survival, log_se, conf_type, z)
    return KaplanMeier(
        time=times,
        n_risk=n_risk,
        n_event=n_event,
        n_censor=n_censor,
        survival=survival,
        std_err=std_err,
        ci_lower=ci_lower,
        ci_upper=ci_upper,
        conf_type=conf_type,
        conf_level=float(conf_level),
        n=n,
    )


def with_conf_type(km: KaplanMeier, conf_type: str) -> KaplanMeier:
    """The same curve with its pointwise limits by another transform, from its own counts
    (R: ``survfit(..., conf.type = conf_type)`` on the same data)."""
    if conf_type == km.conf_type:
        return km
    log_se = _greenwood_log_se(km.n_risk, km.n_event)
    lower, upper = _confidence_band(km.survival, log_se, conf_type,
                                    _z_value(conf_type, km.conf_level))
    return replace(km, ci_lower=lower, ci_upper=upper, conf_type=conf_type)


# --------------------------------------------------------------------------- quantiles


def _first_occurrences(values: FloatArray) -> np.ndarray:
    """Mask of R's ``!duplicated(values)``: exact equality, all NaN count as one value."""
    _, first = np.unique(values, return_index=True, equal_nan=True)
    keep = np.zeros(values.size, dtype=bool)
    keep[first] = True
    return keep


def _constant_right_lookup(knots: FloatArray, probs: FloatArray) -> IntArray:
    """R's ``approx(knots, seq_along(knots), probs, method="constant", f=1)$y`` (0-based).

    The index of the smallest knot >= p (knots with NaN are dropped, the rest sorted);
    -1 where p lies outside [min knot, max knot] (R's ``rule = 1`` gives NA).
    """
    index = np.flatnonzero(~np.isnan(knots))
    order = np.argsort(knots[index], kind="stable")
    sorted_knots, sorted_index = knots[index][order], index[order]
    if sorted_knots.size == 0:
        return np.full(probs.shape, -1, dtype=np.int64)
    position = np.searchsorted(sorted_knots, probs, side="left")
    inside = (position < sorted_knots.size) & (probs >= sorted_knots[0])
    return np.where(inside, sorted_index[np.minimum(position, sorted_knots.size - 1)], -1)


def _take_or_nan(x: FloatArray, index: IntArray) -> FloatArray:
    """``x[index]`` with NaN where index is -1 (R's ``x[NA]``)."""
    return np.where(index >= 0, x[np.maximum(index, 0)], np.nan)


def _find_quantile(x: FloatArray, y: FloatArray, probs: FloatArray, tol: float) -> FloatArray:
    """R's ``survival:::findq``: the x where the increasing step function y first reaches p.

    ``x`` starts with the origin and ``y`` (= 1 - curve) with 0. Where y sits at p within
    ``tol`` on a flat stretch, the answer is the midpoint of that stretch: between the time
    it starts and the time it ends, or the last x if the curve ends there.
    """
    if probs.size == 0 or np.nanmax(y) < probs.min():
        return np.full(probs.shape, np.nan)
    x_last = x[-1]
    keep = _first_occurrences(y)
    x, y = x[keep], y[keep]
    start = _constant_right_lookup(y + tol, probs)  # first y >= p - tol
    end = _constant_right_lookup(y - tol, probs)  # first y >= p + tol
    quantile = (_take_or_nan(x, start) + _take_or_nan(x, end)) / 2.0
    quantile[probs == 0.0] = x[0]
    if not np.isnan(y[-1]):
        ends_at_p = np.abs(probs - y[-1]) < tol
        quantile[ends_at_p] = (_take_or_nan(x, start[ends_at_p]) + x_last) / 2.0
    return quantile


def _check_probs(probs: ArrayLike) -> FloatArray:
    probs_arr = np.atleast_1d(np.asarray(probs, dtype=np.float64)).ravel()
    if np.any(np.isnan(probs_arr)) or np.any((probs_arr < 0.0) | (probs_arr > 1.0)):
        raise ValueError(f"probabilities must lie in [0, 1], got {probs_arr.tolist()}")
    return probs_arr


def survival_quantiles(
    km: KaplanMeier, probs: Sequence[float] | ArrayLike = (0.25, 0.5, 0.75)
) -> Quantiles:
    r"""Quantiles of the survival time with confidence limits, by R's rule.

    Parameters
    ----------
    km : KaplanMeier
        Curve from :func:`kaplan_meier`; its ``ci_lower``/``ci_upper`` give the limits.
    probs : sequence of float in [0, 1]
        Probabilities of the event; 0.5 gives the median survival time.

    Returns
    -------
    Quantiles
        ``time`` NaN with ``reached`` False when the curve never falls to 1 - p; a NaN limit
        when the matching confidence curve never does.

    Notes
    -----
    Formula: :math:`t_p = \min\{t : S(t) \le 1 - p\}`; the lower (upper) limit is the same
    search on the lower (upper) confidence curve.

    R equivalent: ``quantile(survfit(...), probs, conf.int=TRUE)`` (``survival:::doquant``
    and ``survival:::findq``, survival 3.5), with ``tolerance = sqrt(.Machine$double.eps)``.

    R-parity rules, applied identically to the estimate and to each confidence curve:

    * The search runs on y = 1 - curve with the origin (time 0, y = 0) prepended, after
      dropping repeated y values (so censoring-only rows vanish) and NA values.
    * Equality is within ``tol``: a curve within ``tol`` of 1 - p counts as reaching it.
    * Flat stretch exactly at 1 - p: the quantile is the midpoint between the time the
      curve reaches 1 - p and the next time it drops (e.g. ``Surv(1:4, rep(1, 4))`` has
      median 2.5). If the curve ends on that stretch, the midpoint uses the last time of
      the curve instead (events or censorings).
    * If no y reaches the *smallest* requested p, every quantile is NA (R's early return).
    * p == 0 gives the origin, 0.
    * Limits are NA where the confidence curve is NA (e.g. log-log at S == 1, any transform
      at S == 0): those rows are skipped, not treated as crossings.
    """
    probs_arr = _check_probs(probs)
    x = np.concatenate(([0.0], km.time))

    def search(curve: FloatArray) -> FloatArray:
        return _find_quantile(
            x, np.concatenate(([0.0], 1.0 - curve)), probs_arr, QUANTILE_TOLERANCE
        )

    time = search(km.survival)
    return Quantiles(
        prob=probs_arr,
        time=time,
        ci_lower=search(km.ci_lower),
        ci_upper=search(km.ci_upper),
        reached=~np.isnan(time),
    )


# --------------------------------------------------------------------------- landmarks


def _with_origin(km: KaplanMeier) -> KaplanMeier:
    """R's ``survfit0``: prepend time 0 (S = 1, se 0, limits 1) unless the curve starts at 0."""
    if km.time.size == 0 or km.time[0] == 0.0:
        return km

    def prepend(values: np.ndarray, first: float) -> np.ndarray:
        return np.concatenate((np.array([first], dtype=values.dtype), values))

    return KaplanMeier(
        time=prepend(km.time, 0.0),
        n_risk=prepend(km.n_risk, km.n_risk[0]),
        n_event=prepend(km.n_event, 0),
        n_censor=prepend(km.n_censor, 0),
        survival=prepend(km.survival, 1.0),
        std_err=prepend(km.std_err, 0.0),
        ci_lower=prepend(km.ci_lower, 1.0),
        ci_upper=prepend(km.ci_upper, 1.0),
        conf_type=km.conf_type,
        conf_level=km.conf_level,
        n=km.n,
    )


def survival_at(km: KaplanMeier, times: ArrayLike) -> Landmarks:
    r"""Survival, its standard error, limits and number at risk at fixed times.

    Parameters
    ----------
    km : KaplanMeier
        Curve from :func:`kaplan_meier`.
    times : array_like of float
        Landmark times.

    Returns
    -------
    Landmarks
        One row per finite landmark, in increasing order.

    Notes
    -----
    Formula: :math:`S(t) = S(t_{(j)})` with :math:`t_{(j)}` the last distinct time
    :math:`\le t`, and ``n_risk`` :math:`= \#\{time \ge t\}`.

    R equivalent: ``summary(survfit(...), times=times, extend=TRUE)``.

    R-parity rules:

    * Before the first time the curve is R's ``survfit0`` origin: S = 1, std_err 0, both
      limits 1 (also for log-log, whose limits are NA at S == 1 elsewhere), n_risk = n.
    * Beyond the last time (``extend=TRUE``) S, std_err and the limits of the last time are
      carried forward and n_risk is 0.
    * Landmarks are sorted and non-finite ones dropped, as R does.
    * An empty curve (n = 0) gives NaN survival with n_risk 0 (R stops with an error).
    """
    landmarks = np.sort(np.atleast_1d(np.asarray(times, dtype=np.float64)).ravel())
    landmarks = landmarks[np.isfinite(landmarks)]
    if km.time.size == 0:
        nan = np.full(landmarks.shape, np.nan)
        return Landmarks(
            landmarks, np.zeros(landmarks.shape, np.int64), nan, nan.copy(), nan.copy(), nan.copy()
        )
    curve = _with_origin(km)
    row = np.maximum(np.searchsorted(curve.time, landmarks, side="right") - 1, 0)
    first_at_or_after = np.searchsorted(curve.time, landmarks, side="left")
    n_risk = np.concatenate((curve.n_risk, [0]))[first_at_or_after]
    return Landmarks(
        time=landmarks,
        n_risk=n_risk.astype(np.int64),
        survival=curve.survival[row],
        std_err=curve.std_err[row],
        ci_lower=curve.ci_lower[row],
        ci_upper=curve.ci_upper[row],
    )


# --------------------------------------------------------------------------- restricted mean


def restricted_mean(km: KaplanMeier, tau: float) -> RestrictedMean:
    r"""Restricted mean survival time up to ``tau`` and its standard error.

    Parameters
    ----------
    km : KaplanMeier
        Curve from :func:`kaplan_meier`.
    tau : float
        Truncation time (>= 0).

    Returns
    -------
    RestrictedMean

    Notes
    -----
    Formula: with :math:`t_0 = 0 < t_1 < \dots < t_k \le \tau` the distinct times up to
    :math:`\tau`,

    .. math::

        \mathrm{RMST} = \int_0^\tau S(u)\,du, \qquad
        \mathrm{Var} = \sum_{i=1}^{k} A_i^2 \, \frac{d_i}{n_i (n_i - d_i)},
        \quad A_i = \int_{t_i}^{\tau} S(u)\,du.

    R equivalent: ``summary(survfit(...), rmean=tau)$table[c("rmean", "se(rmean)")]``
    (``survival:::survmean``).

    R-parity rules:

    * The curve starts at R's ``survfit0`` origin (time 0, S = 1).
    * Beyond the last time the curve is extended flat to ``tau`` (its last value, 0 if it
      reached 0).
    * A time with :math:`n_i = d_i` contributes 0 to the variance (not +inf).
    * ``tau`` before the first time gives ``tau`` with SE 0 (R stops with an error there).
    * An empty curve (n = 0) gives NaN.

    Raises
    ------
    ValueError
        If ``tau`` is negative or not finite.
    """
    tau = float(tau)
    if not np.isfinite(tau) or tau < 0.0:
        raise ValueError(f"tau must be a finite time >= 0, not {tau!r}")
    if km.time.size == 0:
        return RestrictedMean(tau=tau, rmst=np.nan, se=np.nan)
    curve = _with_origin(km)
    upto = int(np.searchsorted(curve.time, tau, side="right"))
    n, d = curve.n_risk[:upto].astype(np.float64), curve.n_event[:upto]
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard_variance = np.where(n == d, 0.0, d / (n * (n - d)))
    knots = np.concatenate((curve.time[:upto], [tau]))
    areas = np.diff(knots) * curve.survival[:upto]  # area of each step up to tau
    area_to_tau = np.cumsum(areas[::-1])[::-1]  # A_i: area under S from t_i to tau
    variance = float(np.sum(area_to_tau**2 * hazard_variance))
    return RestrictedMean(tau=tau, rmst=float(np.sum(areas)), se=float(np.sqrt(variance)))


# --------------------------------------------------------------------------- risk table


def risk_table(time: ArrayLike, event: ArrayLike, at: ArrayLike) -> RiskTable:
    r"""Number at risk and cumulative events and censorings at given times.

    Parameters
    ----------
    time, event : array_like
        As for :func:`kaplan_meier`.
    at : array_like of float
        Times of the table's columns (kept in the order given).

    Returns
    -------
    RiskTable

    Notes
    -----
    Formula: ``n_risk`` :math:`= \#\{time \ge t\}`, ``n_event_cum`` :math:`=
    \#\{time \le t, event\}`, ``n_censor_cum`` :math:`= \#\{time \le t, \lnot event\}`.

    R equivalent: ``summary(survfit(...), times=at, extend=TRUE)$n.risk`` and the cumulative
    sums of its ``n.event`` and ``n.censor`` (the table of ``survminer::ggsurvplot``).
    A patient censored at t is still counted at risk at t, as R does.
    """
    time_arr, event_arr = _as_survival_data(time, event)
    return _table_at(_counts(time_arr, event_arr), at)


def risk_table_of(km: KaplanMeier, at: ArrayLike) -> RiskTable:
    """:func:`risk_table` of the patients of the curve ``km``, read off its counts."""
    return _table_at((km.time, km.n_event + km.n_censor, km.n_event), at)


def _table_at(counts: Counts, at: ArrayLike) -> RiskTable:
    times, count, n_event = counts
    at_arr = np.atleast_1d(np.asarray(at, dtype=np.float64)).ravel()
    rows_before = np.concatenate(([0], np.cumsum(count, dtype=np.int64)))  # time < times[i]
    events_before = np.concatenate(([0], np.cumsum(n_event, dtype=np.int64)))
    before = np.searchsorted(times, at_arr, side="left")
    upto = np.searchsorted(times, at_arr, side="right")
    return RiskTable(
        time=at_arr,
        n_risk=rows_before[-1] - rows_before[before],
        n_event_cum=events_before[upto],
        n_censor_cum=rows_before[upto] - events_before[upto],
    )


# --------------------------------------------------------------------------- follow-up


def median_followup(
    time: ArrayLike,
    event: ArrayLike,
    *,
    conf_type: str = "log",
    conf_level: float = 0.95,
) -> FollowUp:
    r"""Median follow-up by the reverse Kaplan-Meier method, with confidence limits.

    Parameters
    ----------
    time, event : array_like
        As for :func:`kaplan_meier` (``event`` True = event, as usual).
    conf_type : {"log", "log-log", "plain"}
        Transform for the limits; "log" is R's ``survfit`` default.
    conf_level : float
        Confidence level.

    Returns
    -------
    FollowUp
        NaN median with ``reached`` False when fewer than half are censored by the end.

    Notes
    -----
    Formula: the median of the Kaplan-Meier curve of the censoring times, where censoring
    is the "event" and an event censors the follow-up.

    R equivalent: ``quantile(survfit(Surv(time, 1 - event) ~ 1), 0.5, conf.int=TRUE)``.

    R-parity rules: those of :func:`kaplan_meier` and :func:`survival_quantiles`; at a tied
    time, the censorings (now the "events") precede the events.
    """
    time_arr, event_arr = _as_survival_data(time, event)
    reverse = kaplan_meier(time_arr, ~event_arr, conf_type=conf_type, conf_level=conf_level)
    median = survival_quantiles(reverse, (0.5,))
    return FollowUp(
        median=float(median.time[0]),
        ci_lower=float(median.ci_lower[0]),
        ci_upper=float(median.ci_upper[0]),
        reached=bool(median.reached[0]),
    )
