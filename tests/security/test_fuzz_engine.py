"""Fuzzing the engine through the whole import path (CSV file, ``read_table``,
``build_cohort``, ``run_analysis``) with random valid and degenerate trials: ties, zero and
huge times, all censored, one patient, one group, missing, negative and non-finite times,
odd event codes. The only outcomes are a result or ``InputError``; the Kaplan-Meier table
and the log-rank chi-square equal the textbook computations, which R's ``survfit`` and
``survdiff`` reproduce (tests/test_analyze_parity.py holds R's own numbers)."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from resort_gui.analysis.run import run_analysis
from resort_gui.domain.errors import InputError
from resort_gui.domain.results import AnalysisResult, KaplanMeier
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import build_cohort, read_table
from tests.security.fuzzing import fuzz_settings

SPEC = AnalysisSpec(group="arm", conf_type="log", endpoint=Endpoint(
    time="months", events=(EventSource("relapse", ("1",)),)))
SECONDS = 20

GOOD_TIMES = st.one_of(st.integers(0, 60).map(float),
                       st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
                       st.sampled_from([1e-300, 5e-324, 1e15, 0.5, 12.0]))
BAD_TIMES = st.sampled_from([-1.0, math.nan, math.inf, -math.inf])
PATIENT = st.tuples(
    st.one_of(GOOD_TIMES, GOOD_TIMES, GOOD_TIMES, BAD_TIMES),
    st.sampled_from(["1", "1", "0", "0", "2", ""]),
    st.sampled_from(["observation", "sorafenib", "sorafenib", "placebo", ""]))


def analyse(path: Path) -> AnalysisResult | str:
    """The result, or the code of the program's own error."""
    started = time.perf_counter()
    try:
        raw = read_table(path)
        cohort, issues = build_cohort(raw, SPEC)
        return run_analysis(cohort, SPEC, issues)
    except InputError as error:
        assert error.code and str(error).strip()
        return error.code
    finally:
        assert time.perf_counter() - started < SECONDS


@fuzz_settings(100)
@given(patients=st.lists(PATIENT, min_size=1, max_size=40))
def test_random_trials(tmp_path_factory, patients: list[tuple[float, str, str]]) -> None:
    frame = pd.DataFrame(patients, columns=["months", "relapse", "arm"])
    path = tmp_path_factory.mktemp("trial") / "trial.csv"
    frame.to_csv(path, index=False, float_format="%.17g")
    result = analyse(path)
    if isinstance(result, str):
        return
    cohort = result.cohort
    assert np.isfinite(cohort.time).all() and (cohort.time >= 0).all()
    assert len(cohort.time) + len(cohort.excluded) <= len(frame)
    for code, group in enumerate(result.groups):
        mask = cohort.group == code
        check_km(group.km, cohort.time[mask], cohort.event[mask].astype(bool))
    check_km(result.overall.km, cohort.time, cohort.event.astype(bool))
    logrank = next((t for t in result.tests if t.name == "logrank"), None)
    if len(result.groups) == 2 and logrank is not None and not math.isnan(logrank.chisq):
        expected = textbook_logrank(cohort.time, cohort.event.astype(bool), cohort.group == 0)
        assert math.isclose(logrank.chisq, expected, rel_tol=1e-6, abs_tol=1e-9)


def check_km(km: KaplanMeier, time: np.ndarray, event: np.ndarray) -> None:
    """Product-limit at every distinct time: n at risk, events, censored and S(t)."""
    times = np.unique(time)
    at_risk = np.array([(time >= t).sum() for t in times])
    deaths = np.array([(event & (time == t)).sum() for t in times])
    censored = np.array([(~event & (time == t)).sum() for t in times])
    survival = np.cumprod(1 - deaths / at_risk)
    np.testing.assert_array_equal(km.time, times)
    np.testing.assert_array_equal(km.n_risk, at_risk)
    np.testing.assert_array_equal(km.n_event, deaths)
    np.testing.assert_array_equal(km.n_censor, censored)
    np.testing.assert_allclose(km.survival, survival, rtol=1e-12, atol=1e-15)
    finite = ~np.isnan(km.ci_lower)
    assert (km.ci_lower[finite] <= km.survival[finite] + 1e-12).all()
    assert (km.survival[finite] <= km.ci_upper[finite] + 1e-12).all()


def textbook_logrank(time: np.ndarray, event: np.ndarray, first: np.ndarray) -> float:
    """(O1 - E1)^2 / V over the distinct event times, hypergeometric variance (survdiff)."""
    observed = expected = variance = 0.0
    for t in np.unique(time[event]):
        at_risk, at_risk_1 = (time >= t).sum(), (first & (time >= t)).sum()
        deaths, deaths_1 = (event & (time == t)).sum(), (first & event & (time == t)).sum()
        observed += deaths_1
        expected += deaths * at_risk_1 / at_risk
        if at_risk > 1:
            variance += (deaths * (at_risk_1 / at_risk) * (1 - at_risk_1 / at_risk)
                         * (at_risk - deaths) / (at_risk - 1))
    return (observed - expected) ** 2 / variance if variance > 0 else math.nan


DEGENERATE = {
    "one patient": [(5.0, "1", "sorafenib")],
    "all censored": [(t, "0", arm) for t in (1.0, 2.0, 3.0) for arm in ("A", "B")],
    "all events at one time": [(4.0, "1", arm) for arm in ("A", "B", "A", "B")],
    "time zero": [(0.0, "1", "A"), (0.0, "0", "B"), (1.0, "1", "A"), (2.0, "1", "B")],
    "one group": [(t, "1", "A") for t in (1.0, 2.0, 3.0)],
    "no usable time": [(math.nan, "1", "A"), (-1.0, "1", "B")],
    "no group": [(1.0, "1", ""), (2.0, "0", "")],
    "huge and tiny": [(9.9e5, "1", "A"), (5e-324, "1", "B"), (1e-300, "0", "A"),  # 1e6: out
                      (9.9e5, "0", "B")],
}


def test_degenerate_trials(tmp_path: Path) -> None:
    outcomes = {}
    for name, patients in DEGENERATE.items():
        path = tmp_path / f"{name.replace(' ', '_')}.csv"
        pd.DataFrame(patients, columns=["months", "relapse", "arm"]).to_csv(
            path, index=False, float_format="%.17g")
        result = analyse(path)
        outcomes[name] = result if isinstance(result, str) else len(result.cohort.time)
        if not isinstance(result, str):
            for code, group in enumerate(result.groups):
                mask = result.cohort.group == code
                check_km(group.km, result.cohort.time[mask],
                         result.cohort.event[mask].astype(bool))
    assert outcomes == {
        "one patient": 1, "all censored": 6,
        "all events at one time": 4, "time zero": 4, "one group": 3,
        "no usable time": "no_usable_rows", "no group": "no_usable_rows", "huge and tiny": 4}


def test_cox_with_a_log_likelihood_of_zero(tmp_path: Path) -> None:
    """Six patients at time 0 and one relapse at 1: the Cox fit reaches loglik 0.0."""
    patients = [(0.0, "1", "observation"), *[(0.0, "0", "sorafenib")] * 5,
                (1.0, "1", "sorafenib")]
    path = tmp_path / "zero.csv"
    pd.DataFrame(patients, columns=["months", "relapse", "arm"]).to_csv(path, index=False)
    result = analyse(path)
    assert not isinstance(result, str) and len(result.cohort.time) == 7
