"""The same work as ``engine_tasks``, done with lifelines (in the same process).

What "the same work" means, task by task (stated in the README too):

* ``km_per_group``: one ``KaplanMeierFitter.fit`` per arm (curve, Greenwood variance and
  log-log limits, lifelines' default and R's ``conf.type="log-log"``).
* ``logrank``: ``multivariate_logrank_test`` (k groups, as ``survdiff``).
* ``logrank_stratified``: lifelines has no stratified log-rank test: no figure.
* ``cox_stratified``: ``CoxPHFitter().fit(..., strata=["risk"])`` (Efron ties, as ours).
* ``analysis``: everything ``run_analysis`` computes that lifelines can: a curve per arm and
  pooled, their 25/50/75th percentiles with limits, survival and limits at the landmarks,
  the number at risk at the axis ticks, RMST to tau (lifelines' ``return_variance`` is the
  variance of the truncated survival time, not the SE of the estimate, and integrates
  numerically: left out), log-rank and Fleming-Harrington (1, 0) tests, Cox with and
  without strata, and the reverse Kaplan-Meier median follow-up with limits. No stratified
  log-rank (not in lifelines).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Arrays:
    """The synthetic trial as lifelines takes it."""

    time: np.ndarray
    event: np.ndarray
    arm: np.ndarray  # 0 = reference
    frame: pd.DataFrame  # time, event, arm, risk (for CoxPHFitter)
    landmarks: tuple[float, ...]
    ticks: np.ndarray
    tau: float


def arrays_of(trial: pd.DataFrame, landmarks: tuple[float, ...], ticks: np.ndarray,
              tau: float) -> Arrays:
    time = trial["time_days"].to_numpy(dtype=np.float64)
    event = trial["event"].to_numpy(dtype=np.int64)
    arm = (trial["arm"] != "observation").to_numpy(dtype=np.int64)
    frame = pd.DataFrame({"time": time, "event": event, "arm": arm,
                          "risk": trial["risk"].to_numpy(dtype=object)})
    return Arrays(time, event, arm, frame, landmarks, ticks, tau)


def _quiet(task: Callable[[Arrays], object]) -> Callable[[Arrays], object]:
    def run(data: Arrays) -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return task(data)
    return run


def _km(time: np.ndarray, event: np.ndarray):  # noqa: ANN202 - lifelines type
    from lifelines import KaplanMeierFitter

    return KaplanMeierFitter().fit(time, event)


def km_per_group(data: Arrays) -> object:
    return [_km(data.time[data.arm == g], data.event[data.arm == g]) for g in (0, 1)]


def logrank(data: Arrays) -> object:
    from lifelines.statistics import multivariate_logrank_test

    return multivariate_logrank_test(data.time, data.arm, data.event)


def cox_stratified(data: Arrays) -> object:
    from lifelines import CoxPHFitter

    return CoxPHFitter().fit(data.frame, "time", "event", strata=["risk"])


def _curve_summary(kmf, data: Arrays) -> dict[str, object]:  # noqa: ANN001
    from lifelines.utils import qth_survival_times, restricted_mean_survival_time

    levels = [0.75, 0.5, 0.25]  # S = 1 - p for p = 25, 50, 75 %
    table = kmf.event_table
    at_risk = table["at_risk"].to_numpy()
    ci = kmf.confidence_interval_
    landmark_rows = np.searchsorted(ci.index.to_numpy(), data.landmarks, side="right") - 1
    tick_rows = np.searchsorted(table.index.to_numpy(), data.ticks, side="left")
    return {
        "quantiles": [qth_survival_times(levels, kmf.survival_function_),
                      qth_survival_times(levels, ci.iloc[:, [0]]),
                      qth_survival_times(levels, ci.iloc[:, [1]])],
        "landmarks": (kmf.survival_function_at_times(list(data.landmarks)),
                      ci.iloc[np.maximum(landmark_rows, 0)]),
        "at_risk": np.r_[at_risk, 0][tick_rows],
        "rmst": restricted_mean_survival_time(kmf, t=data.tau),
    }


def whole_analysis(data: Arrays) -> object:
    from lifelines import CoxPHFitter
    from lifelines.statistics import multivariate_logrank_test
    from lifelines.utils import qth_survival_times

    curves = [_km(data.time[data.arm == g], data.event[data.arm == g]) for g in (0, 1)]
    curves.append(_km(data.time, data.event))
    summaries = [_curve_summary(kmf, data) for kmf in curves]
    tests = [multivariate_logrank_test(data.time, data.arm, data.event),
             multivariate_logrank_test(data.time, data.arm, data.event,
                                       weightings="fleming-harrington", p=1, q=0)]
    cox = [CoxPHFitter().fit(data.frame[["time", "event", "arm"]], "time", "event"),
           CoxPHFitter().fit(data.frame, "time", "event", strata=["risk"])]
    reverse = _km(data.time, 1 - data.event)
    followup = (reverse.median_survival_time_,
                qth_survival_times(0.5, reverse.confidence_interval_.iloc[:, [0]]),
                qth_survival_times(0.5, reverse.confidence_interval_.iloc[:, [1]]))
    return curves, summaries, tests, cox, followup


TASKS: dict[str, Callable[[Arrays], object] | None] = {
    "km_per_group": _quiet(km_per_group),
    "logrank": _quiet(logrank),
    "logrank_stratified": None,
    "cox_stratified": _quiet(cox_stratified),
    "analysis": _quiet(whole_analysis),
}
