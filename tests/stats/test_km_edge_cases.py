"""Degenerate and boundary data: every answer honest, none an exception, all as R gives it.

The expected values were produced by R 4.2.2 with survival 3.5-3 (R is not needed to run
these tests). For each case in ``EDGE_DATA`` and each ``ct`` in c("log-log", "log", "plain"):

    f <- survfit(Surv(time, event) ~ 1, conf.type = ct)
    s <- summary(f, censored = TRUE)          # time, n_risk, ..., ci_lower, ci_upper
    q <- quantile(f, probs, conf.int = TRUE)  # q_time, q_lower, q_upper
    l <- summary(f, times = landmarks, extend = TRUE)   # lm_*
    summary(f, rmean = tau)$table[c("rmean", "se(rmean)")]  # rmst
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from resort_gui.stats.km import (
    CONF_TYPES,
    kaplan_meier,
    median_followup,
    restricted_mean,
    risk_table,
    survival_at,
    survival_quantiles,
)

NAN = np.nan
RTOL = 1e-9


class EdgeCase(NamedTuple):
    time: list[float]
    event: list[int]
    probs: list[float]
    landmarks: list[float] | None
    tau: float


EDGE_DATA = {
    "all censored": EdgeCase(
        time=[2, 3, 3, 5],
        event=[0, 0, 0, 0],
        probs=[0.25, 0.5, 0.75],
        landmarks=[1, 2, 4, 6],
        tau=6,
    ),
    "one event": EdgeCase(time=[3], event=[1], probs=[0.25, 0.5, 0.75], landmarks=[1, 3, 4], tau=5),
    "one censored": EdgeCase(
        time=[3], event=[0], probs=[0.25, 0.5, 0.75], landmarks=[1, 3, 4], tau=5
    ),
    "ties": EdgeCase(
        time=[1, 2, 2, 2, 3, 4, 4],
        event=[1, 1, 1, 0, 0, 1, 0],
        probs=[0.25, 0.5, 0.75],
        landmarks=[0, 1.5, 2, 4, 10],
        tau=10,
    ),
    "last censored": EdgeCase(
        time=[1, 2, 3, 4, 5],
        event=[1, 0, 1, 1, 0],
        probs=[0.25, 0.5, 0.75],
        landmarks=[0.5, 3, 5, 8],
        tau=8,
    ),
    "time zero": EdgeCase(
        time=[0, 0, 1, 2, 3],
        event=[1, 0, 1, 0, 1],
        probs=[0.25, 0.5, 0.75],
        landmarks=[0, 0.5, 3, 5],
        tau=2,
    ),
    "one to four": EdgeCase(
        time=[1, 2, 3, 4],
        event=[1, 1, 1, 1],
        probs=[0.25, 0.5, 0.75, 1],
        landmarks=[0, 2, 2.5, 4, 5],
        tau=10,
    ),
    "all die": EdgeCase(
        time=[1, 2, 3], event=[1, 1, 1], probs=[0.25, 0.5, 0.75, 1], landmarks=None, tau=2.5
    ),
    "flat end": EdgeCase(
        time=[1, 2, 3, 4], event=[1, 1, 0, 0], probs=[0.25, 0.5, 0.75], landmarks=[3, 5], tau=4
    ),
}

R_SHARED = {
    "all censored": {
        "time": [2, 3, 5],
        "n_risk": [4, 3, 1],
        "n_event": [0, 0, 0],
        "n_censor": [1, 2, 1],
        "survival": [1, 1, 1],
        "std_err": [0, 0, 0],
        "q_time": [NAN, NAN, NAN],
        "lm_time": [1, 2, 4, 6],
        "lm_n_risk": [4, 4, 1, 0],
        "lm_surv": [1, 1, 1, 1],
        "lm_se": [0, 0, 0, 0],
        "rmst": [6, 0],
    },
    "one event": {
        "time": [3],
        "n_risk": [1],
        "n_event": [1],
        "n_censor": [0],
        "survival": [0],
        "std_err": [NAN],
        "q_time": [3, 3, 3],
        "lm_time": [1, 3, 4],
        "lm_n_risk": [1, 1, 0],
        "lm_surv": [1, 0, 0],
        "lm_se": [0, NAN, NAN],
        "rmst": [3, 0],
    },
    "one censored": {
        "time": [3],
        "n_risk": [1],
        "n_event": [0],
        "n_censor": [1],
        "survival": [1],
        "std_err": [0],
        "q_time": [NAN, NAN, NAN],
        "lm_time": [1, 3, 4],
        "lm_n_risk": [1, 1, 0],
        "lm_surv": [1, 1, 1],
        "lm_se": [0, 0, 0],
        "rmst": [5, 0],
    },
    "ties": {
        "time": [1, 2, 3, 4],
        "n_risk": [7, 6, 3, 2],
        "n_event": [1, 2, 0, 1],
        "n_censor": [0, 1, 1, 1],
        "survival": [
            0.8571428571428571,
            0.5714285714285714,
            0.5714285714285714,
            0.2857142857142857,
        ],
        "std_err": [
            0.13226001425322162,
            0.18704390591656486,
            0.18704390591656486,
            0.22262677784970844,
        ],
        "q_time": [2, 4, NAN],
        "lm_time": [0, 1.5, 2, 4, 10],
        "lm_n_risk": [7, 6, 6, 2, 0],
        "lm_surv": [
            1,
            0.8571428571428571,
            0.5714285714285714,
            0.2857142857142857,
            0.2857142857142857,
        ],
        "lm_se": [
            0,
            0.13226001425322162,
            0.18704390591656486,
            0.22262677784970844,
            0.22262677784970844,
        ],
        "rmst": [4.714285714285714, 1.5742090429123992],
    },
    "last censored": {
        "time": [1, 2, 3, 4, 5],
        "n_risk": [5, 4, 3, 2, 1],
        "n_event": [1, 0, 1, 1, 0],
        "n_censor": [0, 1, 0, 0, 1],
        "survival": [0.8, 0.8, 0.5333333333333333, 0.26666666666666666, 0.26666666666666666],
        "std_err": [
            0.17888543819998318,
            0.17888543819998318,
            0.24825315633367007,
            0.22574977954133857,
            0.22574977954133857,
        ],
        "q_time": [3, 4, NAN],
        "lm_time": [0.5, 3, 5, 8],
        "lm_n_risk": [5, 3, 1, 0],
        "lm_surv": [1, 0.5333333333333333, 0.26666666666666666, 0.26666666666666666],
        "lm_se": [0, 0.24825315633367007, 0.22574977954133857, 0.22574977954133857],
        "rmst": [4.2, 1.2278255395436095],
    },
    "time zero": {
        "time": [0, 1, 2, 3],
        "n_risk": [5, 3, 2, 1],
        "n_event": [1, 1, 0, 1],
        "n_censor": [1, 0, 1, 0],
        "survival": [0.8, 0.5333333333333333, 0.5333333333333333, 0],
        "std_err": [0.17888543819998318, 0.24825315633367007, 0.24825315633367007, NAN],
        "q_time": [1, 3, 3],
        "lm_time": [0, 0.5, 3, 5],
        "lm_n_risk": [5, 3, 1, 0],
        "lm_surv": [0.8, 0.8, 0, 0],
        "lm_se": [0.17888543819998318, 0.17888543819998318, NAN, NAN],
        "rmst": [1.3333333333333335, 0.36918328279635887],
    },
    "one to four": {
        "time": [1, 2, 3, 4],
        "n_risk": [4, 3, 2, 1],
        "n_event": [1, 1, 1, 1],
        "n_censor": [0, 0, 0, 0],
        "survival": [0.75, 0.5, 0.25, 0],
        "std_err": [0.21650635094610965, 0.25, 0.21650635094610965, NAN],
        "q_time": [1.5, 2.5, 3.5, 4],
        "lm_time": [0, 2, 2.5, 4, 5],
        "lm_n_risk": [4, 3, 2, 1, 0],
        "lm_surv": [1, 0.5, 0.5, 0, 0],
        "lm_se": [0, 0.25, 0.25, NAN, NAN],
        "rmst": [2.5, 0.5590169943749475],
    },
    "all die": {
        "time": [1, 2, 3],
        "n_risk": [3, 2, 1],
        "n_event": [1, 1, 1],
        "n_censor": [0, 0, 0],
        "survival": [0.6666666666666666, 0.3333333333333333, 0],
        "std_err": [0.2721655269759087, 0.2721655269759087, NAN],
        "q_time": [1, 2, 3, 3],
        "rmst": [1.8333333333333333, 0.36004114991154773],
    },
    "flat end": {
        "time": [1, 2, 3, 4],
        "n_risk": [4, 3, 2, 1],
        "n_event": [1, 1, 0, 0],
        "n_censor": [0, 0, 1, 1],
        "survival": [0.75, 0.5, 0.5, 0.5],
        "std_err": [0.21650635094610965, 0.25, 0.25, 0.25],
        "q_time": [1.5, 3, NAN],
        "lm_time": [3, 5],
        "lm_n_risk": [2, 0],
        "lm_surv": [0.5, 0.5],
        "lm_se": [0.25, 0.25],
        "rmst": [2.75, 0.649519052838329],
    },
}

R_BY_CONF_TYPE = {
    ("all censored", "log-log"): {
        "ci_lower": [NAN, NAN, NAN],
        "ci_upper": [NAN, NAN, NAN],
        "q_lower": [NAN, NAN, NAN],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [1, NAN, NAN, NAN],
        "lm_upper": [1, NAN, NAN, NAN],
    },
    ("all censored", "log"): {
        "ci_lower": [1, 1, 1],
        "ci_upper": [1, 1, 1],
        "q_lower": [NAN, NAN, NAN],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [1, 1, 1, 1],
        "lm_upper": [1, 1, 1, 1],
    },
    ("all censored", "plain"): {
        "ci_lower": [1, 1, 1],
        "ci_upper": [1, 1, 1],
        "q_lower": [NAN, NAN, NAN],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [1, 1, 1, 1],
        "lm_upper": [1, 1, 1, 1],
    },
    ("one event", "log-log"): {
        "ci_lower": [NAN],
        "ci_upper": [NAN],
        "q_lower": [NAN, NAN, NAN],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [1, NAN, NAN],
        "lm_upper": [1, NAN, NAN],
    },
    ("one event", "log"): {
        "ci_lower": [NAN],
        "ci_upper": [NAN],
        "q_lower": [NAN, NAN, NAN],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [1, NAN, NAN],
        "lm_upper": [1, NAN, NAN],
    },
    ("one event", "plain"): {
        "ci_lower": [NAN],
        "ci_upper": [NAN],
        "q_lower": [NAN, NAN, NAN],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [1, NAN, NAN],
        "lm_upper": [1, NAN, NAN],
    },
    ("one censored", "log-log"): {
        "ci_lower": [NAN],
        "ci_upper": [NAN],
        "q_lower": [NAN, NAN, NAN],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [1, NAN, NAN],
        "lm_upper": [1, NAN, NAN],
    },
    ("one censored", "log"): {
        "ci_lower": [1],
        "ci_upper": [1],
        "q_lower": [NAN, NAN, NAN],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [1, 1, 1],
        "lm_upper": [1, 1, 1],
    },
    ("one censored", "plain"): {
        "ci_lower": [1],
        "ci_upper": [1],
        "q_lower": [NAN, NAN, NAN],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [1, 1, 1],
        "lm_upper": [1, 1, 1],
    },
    ("ties", "log-log"): {
        "ci_lower": [
            0.3340538792922222,
            0.17186601552877517,
            0.17186601552877517,
            0.01441694387305235,
        ],
        "ci_upper": [
            0.9785610585261755,
            0.8370827803491805,
            0.8370827803491805,
            0.6905950123655417,
        ],
        "q_lower": [1, 1, 2],
        "q_upper": [4, NAN, NAN],
        "lm_lower": [
            1,
            0.3340538792922222,
            0.17186601552877517,
            0.01441694387305235,
            0.01441694387305235,
        ],
        "lm_upper": [
            1,
            0.9785610585261755,
            0.8370827803491805,
            0.6905950123655417,
            0.6905950123655417,
        ],
    },
    ("ties", "log"): {
        "ci_lower": [
            0.6334465290121496,
            0.3008436463897868,
            0.3008436463897868,
            0.0620413238949748,
        ],
        "ci_upper": [1, 1, 1, 1],
        "q_lower": [1, 2, 4],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [
            1,
            0.6334465290121496,
            0.3008436463897868,
            0.0620413238949748,
            0.0620413238949748,
        ],
        "lm_upper": [1, 1, 1, 1, 1],
    },
    ("ties", "plain"): {
        "ci_lower": [0.5979179926117886, 0.20482925230440602, 0.20482925230440602, 0],
        "ci_upper": [1, 0.9380278905527368, 0.9380278905527368, 0.7220547522939136],
        "q_lower": [1, 2, 2],
        "q_upper": [4, NAN, NAN],
        "lm_lower": [1, 0.5979179926117886, 0.20482925230440602, 0, 0],
        "lm_upper": [1, 1, 0.9380278905527368, 0.7220547522939136, 0.7220547522939136],
    },
    ("last censored", "log-log"): {
        "ci_lower": [
            0.20380926326763926,
            0.20380926326763926,
            0.06833208784720288,
            0.009677000578881358,
            0.009677000578881358,
        ],
        "ci_upper": [
            0.9691797888667426,
            0.9691797888667426,
            0.8630711827387925,
            0.6861362791570119,
            0.6861362791570119,
        ],
        "q_lower": [1, 1, 1],
        "q_upper": [4, NAN, NAN],
        "lm_lower": [1, 0.06833208784720288, 0.009677000578881358, 0.009677000578881358],
        "lm_upper": [1, 0.8630711827387925, 0.6861362791570119, 0.6861362791570119],
    },
    ("last censored", "log"): {
        "ci_lower": [
            0.5161257603421721,
            0.5161257603421721,
            0.21418348074136873,
            0.05074276512667122,
            0.05074276512667122,
        ],
        "ci_upper": [1, 1, 1, 1, 1],
        "q_lower": [1, 3, 3],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [1, 0.21418348074136873, 0.05074276512667122, 0.05074276512667122],
        "lm_upper": [1, 1, 1, 1],
    },
    ("last censored", "plain"): {
        "ci_lower": [0.4493909837693675, 0.4493909837693675, 0.04676608787094849, 0, 0],
        "ci_upper": [1, 1, 1, 0.7091281040855473, 0.7091281040855473],
        "q_lower": [1, 1, 3],
        "q_upper": [4, NAN, NAN],
        "lm_lower": [1, 0.04676608787094849, 0, 0],
        "lm_upper": [1, 1, 0.7091281040855473, 0.7091281040855473],
    },
    ("time zero", "log-log"): {
        "ci_lower": [0.20380926326763926, 0.06833208784720288, 0.06833208784720288, NAN],
        "ci_upper": [0.9691797888667426, 0.8630711827387925, 0.8630711827387925, NAN],
        "q_lower": [0, 0, 0],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [0.20380926326763926, 0.20380926326763926, NAN, NAN],
        "lm_upper": [0.9691797888667426, 0.9691797888667426, NAN, NAN],
    },
    ("time zero", "log"): {
        "ci_lower": [0.5161257603421721, 0.21418348074136873, 0.21418348074136873, NAN],
        "ci_upper": [1, 1, 1, NAN],
        "q_lower": [0, 1, 1],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [0.5161257603421721, 0.5161257603421721, NAN, NAN],
        "lm_upper": [1, 1, NAN, NAN],
    },
    ("time zero", "plain"): {
        "ci_lower": [0.4493909837693675, 0.04676608787094849, 0.04676608787094849, NAN],
        "ci_upper": [1, 1, 1, NAN],
        "q_lower": [0, 0, 1],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [0.4493909837693675, 0.4493909837693675, NAN, NAN],
        "lm_upper": [1, 1, NAN, NAN],
    },
    ("one to four", "log-log"): {
        "ci_lower": [0.12794691759514587, 0.05784708299514463, 0.008947824416603172, NAN],
        "ci_upper": [0.9605486422850784, 0.844861281190374, 0.6653253427888653, NAN],
        "q_lower": [1, 1, 1, NAN],
        "q_upper": [3, NAN, NAN, NAN],
        "lm_lower": [1, 0.05784708299514463, 0.05784708299514463, NAN, NAN],
        "lm_upper": [1, 0.844861281190374, 0.844861281190374, NAN, NAN],
    },
    ("one to four", "log"): {
        "ci_lower": [0.42593226849798205, 0.18765892870658832, 0.04579075966601819, NAN],
        "ci_upper": [1, 1, 1, NAN],
        "q_lower": [1, 1, 2, NAN],
        "q_upper": [NAN, NAN, NAN, NAN],
        "lm_lower": [1, 0.18765892870658832, 0.18765892870658832, NAN, NAN],
        "lm_upper": [1, 1, 1, NAN, NAN],
    },
    ("one to four", "plain"): {
        "ci_lower": [0.3256553497214357, 0.010009003864986599, 0, NAN],
        "ci_upper": [1, 0.9899909961350134, 0.6743446502785643, NAN],
        "q_lower": [1, 1, 2, NAN],
        "q_upper": [3, NAN, NAN, NAN],
        "lm_lower": [1, 0.010009003864986599, 0.010009003864986599, NAN, NAN],
        "lm_upper": [1, 0.9899909961350134, 0.9899909961350134, NAN, NAN],
    },
    ("all die", "log-log"): {
        "ci_lower": [0.054073426786516755, 0.008961628330979084, NAN],
        "ci_upper": [0.945206387272047, 0.7741486503608326, NAN],
        "q_lower": [1, 1, 1, NAN],
        "q_upper": [NAN, NAN, NAN, NAN],
    },
    ("all die", "log"): {
        "ci_lower": [0.2995071303590223, 0.06727839085192228, NAN],
        "ci_upper": [1, 1, NAN],
        "q_lower": [1, 1, 2, NAN],
        "q_upper": [NAN, NAN, NAN, NAN],
    },
    ("all die", "plain"): {
        "ci_lower": [0.13323203596052124, 0, NAN],
        "ci_upper": [1, 0.8667679640394788, NAN],
        "q_lower": [1, 1, 1, NAN],
        "q_upper": [NAN, NAN, NAN, NAN],
    },
    ("flat end", "log-log"): {
        "ci_lower": [
            0.12794691759514587,
            0.05784708299514463,
            0.05784708299514463,
            0.05784708299514463,
        ],
        "ci_upper": [0.9605486422850784, 0.844861281190374, 0.844861281190374, 0.844861281190374],
        "q_lower": [1, 1, 1],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [0.05784708299514463, 0.05784708299514463],
        "lm_upper": [0.844861281190374, 0.844861281190374],
    },
    ("flat end", "log"): {
        "ci_lower": [
            0.42593226849798205,
            0.18765892870658832,
            0.18765892870658832,
            0.18765892870658832,
        ],
        "ci_upper": [1, 1, 1, 1],
        "q_lower": [1, 1, 2],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [0.18765892870658832, 0.18765892870658832],
        "lm_upper": [1, 1],
    },
    ("flat end", "plain"): {
        "ci_lower": [
            0.3256553497214357,
            0.010009003864986599,
            0.010009003864986599,
            0.010009003864986599,
        ],
        "ci_upper": [1, 0.9899909961350134, 0.9899909961350134, 0.9899909961350134],
        "q_lower": [1, 1, 2],
        "q_upper": [NAN, NAN, NAN],
        "lm_lower": [0.010009003864986599, 0.010009003864986599],
        "lm_upper": [0.9899909961350134, 0.9899909961350134],
    },
}


def _fit(label: str, conf_type: str):
    case = EDGE_DATA[label]
    return kaplan_meier(
        np.asarray(case.time, dtype=float),
        np.asarray(case.event, dtype=bool),
        conf_type=conf_type,
    )


def _close(actual: object, expected: list[float], what: str) -> None:
    assert_allclose(
        np.asarray(actual, dtype=float),
        np.asarray(expected, dtype=float),
        rtol=RTOL,
        atol=0,
        equal_nan=True,
        err_msg=what,
    )


EDGE_IDS = [f"{label}-{ct}" for label, ct in R_BY_CONF_TYPE]


@pytest.mark.parametrize(("label", "conf_type"), list(R_BY_CONF_TYPE), ids=EDGE_IDS)
def test_edge_case_matches_r(label: str, conf_type: str) -> None:
    shared, by_conf, case = R_SHARED[label], R_BY_CONF_TYPE[label, conf_type], EDGE_DATA[label]
    km = _fit(label, conf_type)
    for column in ("time", "n_risk", "n_event", "n_censor", "survival", "std_err"):
        _close(getattr(km, column), shared[column], column)
    _close(km.ci_lower, by_conf["ci_lower"], "ci_lower")
    _close(km.ci_upper, by_conf["ci_upper"], "ci_upper")

    quantiles = survival_quantiles(km, case.probs)
    _close(quantiles.time, shared["q_time"], "quantile")
    _close(quantiles.ci_lower, by_conf["q_lower"], "quantile lower")
    _close(quantiles.ci_upper, by_conf["q_upper"], "quantile upper")
    assert_array_equal(quantiles.reached, ~np.isnan(shared["q_time"]))

    if case.landmarks is not None:
        landmarks = survival_at(km, case.landmarks)
        for column, key in (
            ("time", "lm_time"),
            ("n_risk", "lm_n_risk"),
            ("survival", "lm_surv"),
            ("std_err", "lm_se"),
        ):
            _close(getattr(landmarks, column), shared[key], key)
        _close(landmarks.ci_lower, by_conf["lm_lower"], "lm_lower")
        _close(landmarks.ci_upper, by_conf["lm_upper"], "lm_upper")

    rmst = restricted_mean(km, case.tau)
    _close([rmst.rmst, rmst.se], shared["rmst"], "rmst")


# ----------------------------------------------------------------- the rules, one by one


def test_median_on_flat_stretch_at_one_half_is_its_midpoint() -> None:
    # R: quantile(survfit(Surv(1:4, rep(1, 4)) ~ 1), .5) is 2.5
    km = kaplan_meier(np.array([1.0, 2, 3, 4]), np.ones(4, dtype=bool))
    assert survival_quantiles(km, [0.5]).time[0] == 2.5


def test_flat_stretch_that_ends_the_curve_uses_the_last_time() -> None:
    # R: quantile(survfit(Surv(1:4, c(1, 1, 0, 0)) ~ 1), .5) is 3 = (2 + 4) / 2
    km = kaplan_meier(np.array([1.0, 2, 3, 4]), np.array([1, 1, 0, 0], dtype=bool))
    assert survival_quantiles(km, [0.5]).time[0] == 3.0


def test_quantile_one_is_the_time_the_curve_reaches_zero() -> None:
    # R: quantile(survfit(Surv(1:4, rep(1, 4)) ~ 1), 1) is 4
    km = kaplan_meier(np.array([1.0, 2, 3, 4]), np.ones(4, dtype=bool))
    assert survival_quantiles(km, [1.0]).time[0] == 4.0


def test_quantile_zero_is_the_origin() -> None:
    km = kaplan_meier(np.array([1.0, 2, 3]), np.ones(3, dtype=bool))
    assert survival_quantiles(km, [0.0]).time[0] == 0.0


@pytest.mark.parametrize("conf_type", CONF_TYPES)
def test_all_censored_stays_at_one_and_reaches_no_quantile(conf_type: str) -> None:
    km = kaplan_meier(np.array([2.0, 3, 3, 5]), np.zeros(4, dtype=bool), conf_type=conf_type)
    assert_array_equal(km.survival, 1.0)
    assert_array_equal(km.std_err, 0.0)
    quantiles = survival_quantiles(km)
    assert not quantiles.reached.any()
    assert np.isnan(quantiles.time).all()
    if conf_type == "log-log":  # log(-log 1) is undefined: R gives NA
        assert np.isnan(km.ci_lower).all() and np.isnan(km.ci_upper).all()
    else:
        assert_array_equal(km.ci_lower, 1.0)


@pytest.mark.parametrize("conf_type", CONF_TYPES)
def test_single_patient_with_event(conf_type: str) -> None:
    km = kaplan_meier(np.array([3.0]), np.array([True]), conf_type=conf_type)
    assert km.n == 1
    assert_array_equal(km.survival, [0.0])
    assert np.isnan(km.std_err[0]) and np.isnan(km.ci_lower[0]) and np.isnan(km.ci_upper[0])
    assert_array_equal(survival_quantiles(km).time, [3.0, 3.0, 3.0])
    assert restricted_mean(km, 5.0).rmst == restricted_mean(km, 3.0).rmst == 3.0  # S = 0 after 3


def test_single_censored_patient() -> None:
    km = kaplan_meier(np.array([3.0]), np.array([False]))
    assert_array_equal(km.n_risk, [1])
    assert_array_equal(km.n_censor, [1])
    assert_array_equal(km.survival, [1.0])
    followup = median_followup(np.array([3.0]), np.array([False]))
    assert followup.reached and followup.median == 3.0


def test_events_come_before_censorings_at_a_tied_time() -> None:
    # at t = 2: two events and one censoring; the censored patient is at risk for them
    km = kaplan_meier(np.array([1.0, 2, 2, 2, 3, 4, 4]), np.array([1, 1, 1, 0, 0, 1, 0], bool))
    row = int(np.flatnonzero(km.time == 2.0)[0])
    assert (km.n_risk[row], km.n_event[row], km.n_censor[row]) == (6, 2, 1)
    assert km.survival[row] == pytest.approx(6 / 7 * (1 - 2 / 6))


def test_risk_table_counts_ties_as_r() -> None:
    # R: summary(survfit(Surv(c(1,2,2,2,3,4,4), c(1,1,1,0,0,1,0)) ~ 1),
    #            times = c(0, 2, 4, 5), extend = TRUE): n.risk 7 6 2 0,
    #    cumsum(n.event) 0 3 4 4, cumsum(n.censor) 0 1 3 3
    table = risk_table(
        np.array([1.0, 2, 2, 2, 3, 4, 4]), np.array([1, 1, 1, 0, 0, 1, 0], bool), [0, 2, 4, 5]
    )
    assert_array_equal(table.n_risk, [7, 6, 2, 0])
    assert_array_equal(table.n_event_cum, [0, 3, 4, 4])
    assert_array_equal(table.n_censor_cum, [0, 1, 3, 3])


def test_last_observation_censored_carries_the_curve_beyond() -> None:
    km = kaplan_meier(np.array([1.0, 2, 3, 4, 5]), np.array([1, 0, 1, 1, 0], bool))
    assert km.time[-1] == 5.0 and km.survival[-1] == pytest.approx(4 / 15)
    beyond = survival_at(km, [100.0])
    assert beyond.n_risk[0] == 0
    assert beyond.survival[0] == km.survival[-1] and beyond.std_err[0] == km.std_err[-1]
    assert not survival_quantiles(km, [0.75]).reached[0]


def test_events_at_time_zero_count_at_time_zero() -> None:
    km = kaplan_meier(np.array([0.0, 0, 1, 2, 3]), np.array([1, 0, 1, 0, 1], bool))
    assert km.time[0] == 0.0 and km.survival[0] == pytest.approx(0.8)
    at_zero = survival_at(km, [0.0])
    assert at_zero.survival[0] == pytest.approx(0.8) and at_zero.n_risk[0] == 5
    # R: quantile(survfit(Surv(c(0,0,1,2,3), c(1,0,1,0,1)) ~ 1, conf.type="log-log"))$lower
    assert_array_equal(survival_quantiles(km).ci_lower, [0.0, 0.0, 0.0])


def test_landmark_before_the_first_time_is_the_origin() -> None:
    km = kaplan_meier(np.array([5.0, 6, 7]), np.array([1, 1, 0], bool))
    before = survival_at(km, [1.0])
    assert (before.survival[0], before.std_err[0], before.n_risk[0]) == (1.0, 0.0, 3)
    assert (before.ci_lower[0], before.ci_upper[0]) == (1.0, 1.0)  # R's survfit0 row


def test_survival_at_sorts_and_drops_non_finite_times_as_r() -> None:
    km = kaplan_meier(np.array([1.0, 2, 3]), np.array([1, 1, 0], bool))
    landmarks = survival_at(km, [2.5, np.inf, 0.5, np.nan])
    assert_array_equal(landmarks.time, [0.5, 2.5])


@pytest.mark.parametrize("conf_type", CONF_TYPES)
def test_curve_reaching_zero_gives_nan_spread_not_an_error(conf_type: str) -> None:
    km = kaplan_meier(np.array([1.0, 2, 3]), np.ones(3, dtype=bool), conf_type=conf_type)
    assert km.survival[-1] == 0.0
    assert np.isnan(km.std_err[-1]) and np.isnan(km.ci_lower[-1]) and np.isnan(km.ci_upper[-1])
    assert np.isfinite(km.std_err[:-1]).all()
    rmst = restricted_mean(km, 10.0)  # the n == d time adds 0 to the variance, as in R
    assert rmst.rmst == pytest.approx(2.0) and np.isfinite(rmst.se)


def test_restricted_mean_beyond_the_last_time_extends_the_curve_flat() -> None:
    km = kaplan_meier(np.array([1.0, 2, 3, 4]), np.array([1, 1, 0, 0], bool))
    at_end, beyond = restricted_mean(km, 4.0), restricted_mean(km, 10.0)
    assert beyond.rmst == pytest.approx(at_end.rmst + 6 * 0.5)


def test_restricted_mean_before_the_first_time_is_tau() -> None:
    # R stops here ("Truncation point ... < smallest survival"); S = 1 up to tau
    km = kaplan_meier(np.array([5.0, 6]), np.array([1, 1], bool))
    result = restricted_mean(km, 2.0)
    assert (result.rmst, result.se) == (2.0, 0.0)


def test_median_followup_edges_match_r() -> None:
    # R: quantile(survfit(Surv(1:4, 1 - c(1,1,0,0)) ~ 1), .5, conf.int=TRUE): 3.5, 3, NA
    followup = median_followup(np.array([1.0, 2, 3, 4]), np.array([1, 1, 0, 0], bool))
    _close([followup.median, followup.ci_lower, followup.ci_upper], [3.5, 3.0, NAN], "fu")
    # R: ... Surv(c(1,2,2,3,5,6), 1 - c(0,1,0,1,0,0)) ...: 5, 2, NA
    followup = median_followup(np.array([1.0, 2, 2, 3, 5, 6]), np.array([0, 1, 0, 1, 0, 0], bool))
    _close([followup.median, followup.ci_lower, followup.ci_upper], [5.0, 2.0, NAN], "fu")
    # nobody censored: the reverse curve never falls, follow-up median not reached
    followup = median_followup(np.array([1.0, 2, 3]), np.ones(3, dtype=bool))
    assert not followup.reached and np.isnan(followup.median)


@pytest.mark.parametrize("conf_type", CONF_TYPES)
def test_empty_input_gives_empty_results(conf_type: str) -> None:
    empty_time, empty_event = np.array([], dtype=float), np.array([], dtype=bool)
    km = kaplan_meier(empty_time, empty_event, conf_type=conf_type)
    assert km.n == 0
    for column in (
        "time",
        "n_risk",
        "n_event",
        "n_censor",
        "survival",
        "std_err",
        "ci_lower",
        "ci_upper",
    ):
        assert getattr(km, column).shape == (0,)
    quantiles = survival_quantiles(km)
    assert not quantiles.reached.any() and np.isnan(quantiles.ci_lower).all()
    landmarks = survival_at(km, [1.0, 2.0])
    assert_array_equal(landmarks.n_risk, [0, 0])
    assert np.isnan(landmarks.survival).all()
    assert np.isnan(restricted_mean(km, 1.0).rmst)
    table = risk_table(empty_time, empty_event, [0.0, 1.0])
    assert_array_equal(table.n_risk, [0, 0])
    assert_array_equal(table.n_event_cum, [0, 0])
    assert not median_followup(empty_time, empty_event).reached
    assert km.to_frame().shape == (0, 8)


def test_invalid_arguments_raise_value_error() -> None:
    time, event = np.array([1.0, 2.0]), np.array([True, False])
    with pytest.raises(ValueError, match="conf_type"):
        kaplan_meier(time, event, conf_type="logit")
    with pytest.raises(ValueError, match="conf_level"):
        kaplan_meier(time, event, conf_level=1.5)
    with pytest.raises(ValueError, match="length"):
        kaplan_meier(time, event[:1])
    km = kaplan_meier(time, event)
    with pytest.raises(ValueError, match="probabilities"):
        survival_quantiles(km, [0.5, 1.2])
    with pytest.raises(ValueError, match="tau"):
        restricted_mean(km, -1.0)


def test_conf_level_changes_the_width() -> None:
    time = np.array([1.0, 2, 3, 4, 5, 6])
    event = np.array([1, 1, 0, 1, 1, 0], bool)
    narrow = kaplan_meier(time, event, conf_type="plain", conf_level=0.80)
    wide = kaplan_meier(time, event, conf_type="plain", conf_level=0.99)
    assert (narrow.ci_lower >= wide.ci_lower).all() and (narrow.ci_upper <= wide.ci_upper).all()
