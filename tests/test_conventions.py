"""The conventions table reproduces R's numbers under each convention, and with them the
numbers a colleague's SAS, SPSS, Prism or Stata output shows by default."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resort_gui.analysis.conventions import (
    SOFTWARE,
    TOPIC_AT_RISK,
    TOPIC_CI,
    TOPIC_HR,
    TOPIC_TEST,
    ConventionRow,
    comparison_time,
    conventions_table,
    defaults_of,
)
from resort_gui.analysis.run import run_analysis
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import build_cohort, read_table
from tests.reference import DATASETS, REFERENCE_DIR, RTOL, csv, load

R_CONF_TYPE = {"log": "log", "log-log": "log-log", "plain": "plain"}
R_MODEL = {"Cox, Efron ties": "cox_efron", "Cox, Breslow ties": "cox_breslow",
           "Cox, exact ties (discrete)": "cox_exact", "log-rank (O/E ratio)": "logrank_oe",
           "Mantel-Haenszel": "mantel_haenszel"}


def analysis_of(name: str, **settings: object):
    data = load(name)
    spec = AnalysisSpec(
        source=str(REFERENCE_DIR / f"{name}__data.csv"),
        endpoint=Endpoint(time=data.time_col,
                          events=(EventSource(data.event_col, (data.event_code,)),)),
        group=data.group_col, reference=data.groups[0], group_order=data.groups,
        strata=(data.strata_col,) if data.strata_col else (), landmarks=data.landmarks,
        time_unit="days", **settings)
    cohort, issues = build_cohort(read_table(Path(spec.source)), spec)
    return run_analysis(cohort, spec, issues)


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    return {name: analysis_of(name) for name in DATASETS}


def rows_of(result, topic: str, convention: str | None = None) -> list[ConventionRow]:
    return [r for r in result.conventions
            if r.topic == topic and (convention is None or r.convention == convention)]


def close(actual: object, expected: object) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float),
                               np.asarray(expected, dtype=float), rtol=RTOL, equal_nan=True)


@pytest.mark.parametrize("name", DATASETS)
def test_ci_rows_reproduce_r_under_each_transform(results, name: str) -> None:
    result, data = results[name], load(name)
    t = data.landmarks[0]
    assert comparison_time(result) == t
    for conf_type in R_CONF_TYPE:
        rows = rows_of(result, TOPIC_CI, conf_type)
        landmarks = csv(name, "landmarks").query("conf_type == @conf_type and time == @t")
        quantiles = csv(name, "quantiles").query("conf_type == @conf_type and prob == 0.5")
        for group in data.groups:
            at = next(r for r in rows if r.quantity == f"S({t:g}) in {group}")
            want = landmarks[landmarks["group"] == group].iloc[0]
            close([at.estimate, at.ci_lower, at.ci_upper],
                  want[["survival", "ci_lower", "ci_upper"]])
            median = next(r for r in rows if r.quantity == f"median survival in {group}")
            want = quantiles[quantiles["group"] == group].iloc[0]
            close([median.estimate, median.ci_lower, median.ci_upper],
                  want[["time", "ci_lower", "ci_upper"]])


@pytest.mark.parametrize("name", DATASETS)
def test_hazard_ratio_rows_reproduce_r_under_each_method(results, name: str) -> None:
    expected = csv(name, "hr_methods")
    rows = rows_of(results[name], TOPIC_HR)
    assert len(rows) == len(expected)
    for row in rows:
        group = row.quantity.split(" vs ")[0]
        want = expected[(expected["group"] == group)
                        & (expected["model"] == R_MODEL[row.convention])].iloc[0]
        close([row.estimate, row.ci_lower, row.ci_upper], want[["hr", "ci_lower", "ci_upper"]])


@pytest.mark.parametrize("name", DATASETS)
def test_at_risk_rows_count_before_and_after_the_time(results, name: str) -> None:
    data, t = load(name), load(name).landmarks[0]
    landmarks = csv(name, "landmarks").query("conf_type == 'log' and time == @t")
    for code, group in enumerate(data.groups):
        before, after = (r for r in rows_of(results[name], TOPIC_AT_RISK)
                         if r.quantity == f"at risk at {t:g} in {group}")
        assert before.estimate == landmarks.set_index("group").loc[group, "n_risk"]
        assert after.estimate == np.sum(data.time[data.group == code] > t)
        assert before.used and not after.used


@pytest.mark.parametrize("name", DATASETS)
def test_test_rows_reproduce_r(results, name: str) -> None:
    expected = csv(name, "weighted_tests").query("not stratified").set_index("test")
    rows = rows_of(results[name], TOPIC_TEST)
    names = [r.quantity.split("(")[-1].rstrip(")") for r in rows]
    assert "logrank" in names and not any(n.endswith("_stratified") for n in names)
    for row, test in zip(rows, names, strict=True):
        if test in expected.index:
            close([row.estimate, row.p_value], expected.loc[test, ["chisq", "p"]])
    assert ("trend" in names) == (len(load(name).groups) >= 3)


@pytest.mark.parametrize("name", DATASETS)
def test_sas_spss_and_r_style_numbers(results, name: str) -> None:
    """What each program prints by default for these data is R's number under that
    program's convention: SAS log-log and Breslow, SPSS plain (S +/- 1.96 SE) and Breslow,
    R log and Efron, Stata log-log and Breslow."""
    rows = results[name].conventions
    data, t = load(name), load(name).landmarks[0]
    expected_hr = csv(name, "hr_methods")
    for software, conf_type, model in (("SAS", "log-log", "cox_breslow"),  # noqa: B007 (query)
                                       ("SPSS", "plain", "cox_breslow"),
                                       ("R", "log", "cox_efron"),
                                       ("Stata", "log-log", "cox_breslow")):
        mine = defaults_of(rows, software)
        landmarks = csv(name, "landmarks").query("conf_type == @conf_type and time == @t")
        for group in data.groups:
            row = next(r for r in mine if r.quantity == f"S({t:g}) in {group}")
            close([row.ci_lower, row.ci_upper],
                  landmarks.set_index("group").loc[group, ["ci_lower", "ci_upper"]])
        hr_rows = [r for r in mine if r.topic == TOPIC_HR]
        assert [R_MODEL[r.convention] for r in hr_rows] == [model] * (len(data.groups) - 1)
        want = expected_hr[expected_hr["model"] == model].set_index("group")
        for row in hr_rows:
            close(row.estimate, want.loc[row.quantity.split(" vs ")[0], "hr"])


def test_every_program_has_one_default_ci_transform_and_one_ties_method(results) -> None:
    rows = results["veteran"].conventions
    for software in SOFTWARE:
        ci = {r.convention for r in defaults_of(rows, software) if r.topic == TOPIC_CI}
        assert len(ci) == 1, software
        cox = {r.convention for r in defaults_of(rows, software)
               if r.topic == TOPIC_HR and r.convention.startswith("Cox")}
        assert len(cox) <= 1, software
    with pytest.raises(ValueError, match="software"):
        defaults_of(rows, "Excel")


@pytest.mark.parametrize(("conf_type", "ties"), [("plain", "breslow"), ("log", "efron")])
def test_the_used_flag_follows_the_settings(conf_type: str, ties: str) -> None:
    result = analysis_of("aml", conf_type=conf_type, ties=ties)
    used_ci = {r.convention for r in rows_of(result, TOPIC_CI) if r.used}
    used_hr = {r.convention for r in rows_of(result, TOPIC_HR) if r.used}
    assert used_ci == {conf_type}
    assert used_hr == {f"Cox, {ties.capitalize()} ties"}
    cox = next(h for h in result.hazard_ratios if h.model == "cox")
    used_row = next(r for r in rows_of(result, TOPIC_HR) if r.used)
    close(used_row.estimate, cox.hr)  # two groups: the main model is the two-group model


def test_with_more_than_two_groups_no_pairwise_ratio_is_marked_used(results) -> None:
    """veteran's main results quote one Cox model of the four cell types; the rows compare
    each pair on its own patients, a different number, and say so."""
    rows = rows_of(results["veteran"], TOPIC_HR)
    assert rows and not any(r.used for r in rows)
    assert all(r.quantity.endswith(", these two groups only") for r in rows)


def test_conventions_table_is_recomputed_identically(results) -> None:
    result = results["lung"]
    assert conventions_table(result) == result.conventions


def test_one_group_has_only_ci_and_at_risk_rows(tmp_path: Path) -> None:
    spec = AnalysisSpec(source=str(REFERENCE_DIR / "aml__data.csv"),
                        endpoint=Endpoint(time="time", events=(EventSource("status"),)),
                        time_unit="days")
    cohort, issues = build_cohort(read_table(Path(spec.source)), spec)
    result = run_analysis(cohort, spec, issues)
    assert {r.topic for r in result.conventions} == {TOPIC_CI, TOPIC_AT_RISK}
    t = comparison_time(result)
    assert t in result.ticks and t > 0  # no landmark: the middle tick of the axis


def test_conventions_csv_has_a_row_per_convention(results, tmp_path: Path) -> None:
    from resort_gui.export.tables import result_tables

    frame = result_tables(results["veteran"])["conventions"]
    assert len(frame) == len(results["veteran"].conventions)
    assert set(frame.columns) >= {"topic", "convention", "quantity", "estimate", "default_in",
                                  "used", "how"}
    sas = frame[frame["default_in"].str.contains("SAS", na=False)]
    assert set(sas["topic"]) == {TOPIC_CI, TOPIC_HR, TOPIC_TEST}
    assert pd.api.types.is_float_dtype(frame["estimate"])


def test_without_landmarks_the_comparison_time_is_before_any_curve_reaches_zero() -> None:
    """veteran's adeno curve falls to 0 at 186 days: the middle tick of the axis (600) would
    compare empty intervals, so the time is taken among the ticks before it."""
    landmarked = analysis_of("veteran")
    result = replace(landmarked, spec=replace(landmarked.spec, landmarks=()))
    result = replace(result, conventions=conventions_table(result))
    assert comparison_time(result) == 100.0
    s_rows = [r for r in rows_of(result, TOPIC_CI) if r.quantity.startswith("S(")]
    assert s_rows and all(0 < r.estimate < 1 and np.isfinite(r.ci_lower) for r in s_rows)
