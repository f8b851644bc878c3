"""The plain-language checks beside the results, on data where the answer is known."""

from __future__ import annotations

import numpy as np

from resort_gui.analysis.guardrails import (
    GuardrailSettings,
    check_result,
    crossing_time,
    cut_time,
)
from resort_gui.analysis.run import run_analysis
from resort_gui.app.pipeline import analyze_file
from resort_gui.domain.cohort import Cohort
from resort_gui.domain.results import AnalysisResult
from resort_gui.domain.spec import AnalysisSpec, replace
from resort_gui.io.demo import demo_spec


def analyse(times: list[np.ndarray], events: list[np.ndarray], *, strata: np.ndarray | None = None,
            landmarks: tuple[float, ...] = (), spec: AnalysisSpec | None = None) -> AnalysisResult:
    """Run the real analysis on arrays, one array per group (group 0 the reference)."""
    time = np.concatenate(times).astype(float)
    event = np.concatenate(events).astype(bool)
    group = np.concatenate([np.full(len(t), i) for i, t in enumerate(times)]).astype(np.int64)
    labels = tuple("AB"[i] if len(times) <= 2 else f"G{i}" for i in range(len(times)))
    n = time.size
    cohort = Cohort(time=time, event=event, group=group, group_labels=labels,
                    strata=strata, strata_labels=("s0", "s1") if strata is not None else (),
                    row=np.arange(2, n + 2), patient=tuple(map(str, range(n))),
                    reason=("",) * n, excluded=(), time_unit="months", source="test",
                    sha256="")
    spec = spec or AnalysisSpec(group="arm", landmarks=landmarks,
                                strata=("site",) if strata is not None else ())
    return run_analysis(cohort, spec)


def codes(result: AnalysisResult, **settings: object) -> list[str]:
    return [g.code for g in check_result(result, GuardrailSettings(**settings))]


def test_curves_that_cross_are_flagged_with_the_time() -> None:
    rng = np.random.default_rng(1)
    steady = rng.exponential(10, 200)
    early_then_late = np.where(rng.random(200) < 0.4, rng.exponential(1.5, 200),
                               rng.exponential(40, 200))
    result = analyse([steady, early_then_late], [np.ones(200), np.ones(200)])
    assert "curves_cross" in codes(result)
    when = crossing_time(*result.groups, 10)
    assert when is not None and 2 < when < 20
    s = {g.label: np.interp(when + 3, g.km.time, g.km.survival) for g in result.groups}
    assert s["B"] > s["A"]  # after the crossing the late group is above


def test_parallel_curves_do_not_cross() -> None:
    rng = np.random.default_rng(2)
    result = analyse([rng.exponential(10, 150), rng.exponential(20, 150)],
                     [np.ones(150), np.ones(150)])
    assert "curves_cross" not in codes(result)
    assert crossing_time(*result.groups, 10) is None


def test_median_not_reached_names_the_group() -> None:
    time = np.arange(1.0, 21.0)
    few_events = np.zeros(20)
    few_events[:3] = 1
    result = analyse([time, time], [few_events, np.ones(20)])
    found = [g for g in check_result(result) if g.code == "median_not_reached"]
    assert [g.title for g in found] == ["Median not reached: A"]
    named = check_result(result, GuardrailSettings(names={"A": "Observation"}))
    assert any("Observation" in g.message for g in named)


def test_few_at_risk_offers_a_cut_where_every_group_has_fewer_left() -> None:
    time = np.arange(1.0, 31.0)
    result = analyse([time, time + 0.5], [np.ones(30), np.ones(30)])
    cut = cut_time(result, 10)
    # 10 remain at risk at t = 21 (A) and 21.5 (B); fewer than 10 from 22 and 22.5
    assert cut == 22.5
    guard = next(g for g in check_result(result) if g.code == "few_at_risk")
    assert guard.cut_at == 22.5 and "22.5 months" in guard.message
    assert "few_at_risk" not in codes(result, x_max=22.5)
    assert "few_at_risk" not in codes(result, min_at_risk=2)


def test_followup_shorter_than_a_landmark() -> None:
    result = analyze_file(demo_spec()).result
    assert result.followup.median < 48
    longer = analyze_file(replace(demo_spec(), landmarks=(12.0, 48.0))).result
    assert "followup_shorter_than_landmark" not in codes(result)
    guard = next(g for g in check_result(longer) if g.code == "followup_shorter_than_landmark")
    assert "48 months" in guard.message


def test_unstratified_test_quoted_in_a_stratified_trial() -> None:
    result = analyze_file(demo_spec()).result
    assert "unstratified_test" not in codes(result, quotes_stratified=True)
    guard = next(g for g in check_result(result, GuardrailSettings(quotes_stratified=False))
                 if g.code == "unstratified_test")
    p = result.test("logrank_stratified").p_value
    assert f"p = {p:.3f}" in guard.message
    unstratified = analyze_file(replace(demo_spec(), strata=())).result
    assert "unstratified_test" not in codes(unstratified, quotes_stratified=False)


def test_one_group_has_no_comparison_checks() -> None:
    result = analyze_file(replace(demo_spec(), group=None, reference=None, strata=())).result
    assert not {"curves_cross", "unstratified_test"} & set(codes(result))


def test_a_median_reached_among_few_patients_is_flagged() -> None:
    """The demo's OS with sorafenib: the curve reaches 50% at 72.5 months with one death
    among the 2 patients left (R's survfit gives the same median)."""
    from resort_gui.io.demo import os_endpoint

    result = analyze_file(replace(demo_spec(), endpoint=os_endpoint())).result
    found = [g for g in check_result(result) if g.code == "median_from_few"]
    assert [g.title for g in found] == ["Median from few patients: sorafenib"]
    assert "72.5 months, when only 2 patients remained at risk" in found[0].message
    assert "median_from_few" not in codes(analyze_file(demo_spec()).result)  # RFS: 11 and 15
