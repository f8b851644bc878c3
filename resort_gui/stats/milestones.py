"""Milestone comparisons of two arms: survival at fixed times and restricted mean survival.

Both compare a group with the reference as a difference of two independent estimates with a
normal approximation,

    D = A_g - A_ref,   SE(D) = sqrt(SE(A_g)^2 + SE(A_ref)^2),
    CI = D -/+ z SE(D),   p = 2 (1 - Phi(|D| / SE(D))),

where ``A`` is the Kaplan-Meier survival at a landmark time (Greenwood SE, from
:func:`resort_gui.stats.km.survival_at`) or the restricted mean survival time up to ``tau``
(SE from :func:`resort_gui.stats.km.restricted_mean`). The groups are independent samples, so
the covariance term is zero.

The reference values are R's (``shared/reference/r-survival/*__milestones.csv``), built from
``summary(survfit(Surv(t, e) ~ g), times=)`` and ``summary(fit, rmean=tau)$table``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from resort_gui.domain.results import (
    FloatArray,
    KaplanMeier,
    RestrictedMean,
    RmstDifference,
    SurvivalDifference,
)
from resort_gui.stats.distributions import normal_upper_quantile, normal_upper_tail
from resort_gui.stats.km import survival_at

__all__ = ["rmst_difference", "survival_difference"]

NOTE_NO_VARIANCE = ("Both groups have a standard error of 0 here (no event yet in either "
                    "group): no confidence interval or p-value.")
NOTE_NOT_ESTIMABLE = ("The standard error is not estimable here (a survival curve has "
                      "reached 0, or a group has no patients): no confidence interval or "
                      "p-value.")


def _normal_quantile(conf_level: float) -> float:
    if not 0.0 < conf_level < 1.0:
        raise ValueError(f"conf_level must lie in (0, 1), not {conf_level!r}")
    return float(normal_upper_quantile((1.0 - conf_level) / 2.0))


def _normal_test(difference: FloatArray, std_err: FloatArray, z: float,
                 ) -> tuple[FloatArray, FloatArray, FloatArray, list[str]]:
    """Limits ``D -/+ z SE`` and two-sided p, NaN with a note where SE is 0 or NaN."""
    usable = np.isfinite(std_err) & (std_err > 0) & np.isfinite(difference)
    safe = np.where(usable, std_err, 1.0)
    lower = np.where(usable, difference - z * safe, np.nan)
    upper = np.where(usable, difference + z * safe, np.nan)
    p_value = np.where(usable, 2.0 * normal_upper_tail(np.abs(difference) / safe), np.nan)
    notes = ["" if ok else NOTE_NO_VARIANCE if se == 0 else NOTE_NOT_ESTIMABLE
             for ok, se in zip(usable, std_err, strict=True)]
    return lower, upper, p_value, notes


def _beyond_follow_up_note(km: KaplanMeier, t: float, label: str) -> str:
    """A note when ``t`` is after the curve's last time and the curve has not reached 0
    (then its value at ``t`` is an extrapolation)."""
    if km.time.size and t > km.time[-1] and km.survival[-1] > 0:
        return (f"{t:g} is after the last follow-up of {label} ({km.time[-1]:g}): its last "
                "survival value is carried forward.")
    return ""


def survival_difference(km: KaplanMeier, reference: KaplanMeier, times: ArrayLike, *,
                        conf_level: float = 0.95) -> SurvivalDifference:
    r"""Difference in Kaplan-Meier survival between a group and the reference at fixed times.

    Parameters
    ----------
    km, reference : KaplanMeier
        Curves of the group and of the reference group (:func:`~resort_gui.stats.km.kaplan_meier`;
        their confidence-interval transform does not matter here).
    times : array_like of float
        Landmark times; sorted and non-finite ones dropped, as :func:`survival_at` does.
    conf_level : float
        Confidence level of the interval.

    Returns
    -------
    SurvivalDifference
        One row per landmark: :math:`D(t) = S_g(t) - S_{ref}(t)` with
        :math:`SE = \sqrt{se_g(t)^2 + se_{ref}(t)^2}` (Greenwood, survival scale), the normal
        interval :math:`D \mp z\,SE` and :math:`p = 2\,(1 - \Phi(|D| / SE))`.

    Notes
    -----
    R equivalent::

        s <- summary(survfit(Surv(t, e) ~ g), times = times, extend = TRUE)
        d <- s$surv[g] - s$surv[ref]; se <- sqrt(s$std.err[g]^2 + s$std.err[ref]^2)
        d + c(-1, 1) * qnorm(0.975) * se; 2 * pnorm(-abs(d / se))

    Edge rules:

    * Before the first event of both groups the two standard errors are 0 (S = 1 exactly):
      the difference is 0 and the interval and p-value are NaN with a note.
    * Where a curve has reached 0 its Greenwood SE is NaN (R's NA): interval and p are NaN.
    * After a group's last follow-up its last value is carried forward (``extend=TRUE``),
      with a note unless the curve has reached 0: the comparison there rests on no patient
      at risk.
    """
    z = _normal_quantile(conf_level)
    group_at, reference_at = survival_at(km, times), survival_at(reference, times)
    difference = group_at.survival - reference_at.survival
    std_err = np.sqrt(group_at.std_err ** 2 + reference_at.std_err ** 2)
    lower, upper, p_value, notes = _normal_test(difference, std_err, z)
    for i, t in enumerate(group_at.time):
        extra = [_beyond_follow_up_note(curve, float(t), label)
                 for curve, label in ((km, "the group"), (reference, "the reference group"))]
        notes[i] = " ".join(n for n in (notes[i], *extra) if n)
    return SurvivalDifference(time=group_at.time, difference=difference, std_err=std_err,
                              ci_lower=lower, ci_upper=upper, p_value=p_value,
                              notes=tuple(notes))


def rmst_difference(rmst: RestrictedMean, reference: RestrictedMean, *,
                    conf_level: float = 0.95) -> RmstDifference:
    r"""Difference in restricted mean survival time (RMST) up to the same ``tau``.

    Parameters
    ----------
    rmst, reference : RestrictedMean
        RMST of the group and of the reference group from
        :func:`~resort_gui.stats.km.restricted_mean`, with the same ``tau``.
    conf_level : float
        Confidence level of the interval.

    Returns
    -------
    RmstDifference
        :math:`D = RMST_g - RMST_{ref}`, :math:`SE = \sqrt{se_g^2 + se_{ref}^2}`, the
        normal interval :math:`D \mp z\,SE` and :math:`p = 2\,(1 - \Phi(|D| / SE))`.

    Notes
    -----
    R equivalent (the RMST and its SE as ``survival:::survmean``)::

        tab <- summary(survfit(Surv(t, e) ~ g), rmean = tau)$table
        d <- tab[g, "rmean"] - tab[ref, "rmean"]
        se <- sqrt(tab[g, "se(rmean)"]^2 + tab[ref, "se(rmean)"]^2)

    NaN interval and p with a note when the SE is 0 (no event before ``tau`` in either
    group) or not estimable.

    Raises
    ------
    ValueError
        If the two RMSTs are not up to the same ``tau``.
    """
    if rmst.tau != reference.tau:
        raise ValueError(f"both RMSTs must share tau (got {rmst.tau} and {reference.tau})")
    z = _normal_quantile(conf_level)
    difference = np.array([rmst.rmst - reference.rmst])
    std_err = np.sqrt(np.array([rmst.se ** 2 + reference.se ** 2]))
    lower, upper, p_value, notes = _normal_test(difference, std_err, z)
    return RmstDifference(tau=rmst.tau, difference=float(difference[0]),
                          std_err=float(std_err[0]), ci_lower=float(lower[0]),
                          ci_upper=float(upper[0]), p_value=float(p_value[0]), note=notes[0])
