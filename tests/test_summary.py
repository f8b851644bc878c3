"""Results as text: every number in the tables and the abstract sentence is the analysis
layer's number written by ``resort_gui.domain.format``."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from resort_gui.analysis.run import run_analysis
from resort_gui.app.pipeline import analyze_file
from resort_gui.domain import format as fmt
from resort_gui.domain.results import AnalysisResult
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource, replace
from resort_gui.io import build_cohort, read_table
from resort_gui.io.demo import demo_spec
from resort_gui.present.summary import (
    TextOptions,
    comparison_table,
    followup_table,
    group_table,
    results_sentence,
)
from tests.reference import REFERENCE_DIR


@cache
def demo() -> AnalysisResult:
    return analyze_file(demo_spec()).result


@cache
def lung(group: str | None = "sex") -> AnalysisResult:
    spec = AnalysisSpec(source=str(REFERENCE_DIR / "lung__data.csv"),
                        endpoint=Endpoint(time="time", events=(EventSource("status", ("2",)),)),
                        group=group, time_unit="days", landmarks=(365.0,))
    raw = read_table(spec.source)
    cohort, issues = build_cohort(raw, spec)
    return run_analysis(cohort, spec, issues)


def test_demo_sentence_quotes_the_stratified_analysis() -> None:
    r = demo()
    obs, sor = r.groups
    strat = r.test("logrank_stratified")
    hr = next(h for h in r.hazard_ratios if h.model == "cox_stratified")
    text = results_sentence(r, TextOptions())
    assert text.startswith(
        f"Median RFS was {obs.median[0]:.1f} months (95% CI {obs.median[1]:.1f}\u2013NR) with "
        f"observation versus {sor.median[0]:.1f} months (95% CI {sor.median[1]:.1f}\u2013"
        f"{sor.median[2]:.1f}) with sorafenib (stratified log-rank p = {strat.p_value:.3f}).")
    assert (f"The hazard ratio for sorafenib versus observation was {hr.hr:.2f} "
            f"(95% CI {hr.ci_lower:.2f}\u2013{hr.ci_upper:.2f}), stratified by "
            "interval_nephrectomy, metastasis_site and n_lesions.") in text
    assert f"Median follow-up was {r.followup.median:.1f} months." in text


def test_unstratified_sentence_and_decimal_comma_and_names() -> None:
    r = demo()
    logrank = r.test("logrank")
    text = results_sentence(r, TextOptions(decimal=",", stratified=False,
                                           names={"sorafenib": "Sorafenib"}))
    assert f"(log-rank p = {logrank.p_value:.3f})".replace(".", ",") in text
    assert "with Sorafenib" in text and "with sorafenib" not in text
    assert "." not in text.replace(". ", "").rstrip(".").replace("Median RFS", "")


def test_not_reached_median_is_written_as_such() -> None:
    r = demo()
    assert not np.isfinite(r.groups[0].median[2])
    assert "observation" in results_sentence(r, TextOptions())
    spec = replace(demo_spec(), group=None, reference=None, strata=())
    single = analyze_file(spec).result
    text = results_sentence(single, TextOptions())
    assert text.startswith(f"Median RFS was {single.groups[0].median[0]:.1f} months")
    assert f"in {single.cohort.n} patients." in text
    assert "log-rank" not in text and "hazard ratio" not in text


def test_group_table_holds_the_results_numbers() -> None:
    r = demo()
    table = group_table(r, TextOptions(names={"sorafenib": "Sorafenib"}))
    assert table.header == ("", "observation", "Sorafenib", "All patients")
    rows = {row[0]: row[1:] for row in table.rows}
    groups = (*r.groups, r.overall)
    assert rows["Patients"] == tuple(str(g.n) for g in groups)
    assert rows["Events"] == tuple(str(g.events) for g in groups)
    assert rows["Censored"] == tuple(str(g.censored) for g in groups)
    medians = rows["Median, months"]
    assert medians[0] == f"{groups[0].median[0]:.1f} ({groups[0].median[1]:.1f}\u2013NR)"
    for i, t in enumerate((12, 24, 36)):
        cells = rows[f"RFS at {t} months, %"]
        for cell, g in zip(cells, groups, strict=True):
            lm = g.landmarks
            assert cell == (f"{lm.survival[i] * 100:.1f} ({lm.ci_lower[i] * 100:.1f}\u2013"
                            f"{lm.ci_upper[i] * 100:.1f})")
    rmst = rows[f"RMST to {r.tau:.1f} months, months (SE)"]
    assert rmst == tuple(f"{g.rmst.rmst:.1f} ({g.rmst.se:.1f})" for g in groups)
    lines = table.tsv().splitlines()
    assert len(lines) == 2 + len(table.rows)
    assert all(line.count("\t") == 3 for line in lines[:-1]) and lines[-1] == table.note


def test_comparison_table_lists_tests_and_hazard_ratios() -> None:
    r = demo()
    table = comparison_table(r, TextOptions())
    names = [row[0] for row in table.rows]
    assert names == ["Log-rank test", "Stratified log-rank test",
                     "HR sorafenib vs observation, Cox",
                     "HR sorafenib vs observation, stratified Cox"]
    assert table.note.endswith("Strata: interval_nephrectomy, metastasis_site and n_lesions.")
    assert table.rows[0][2] == fmt.p_value(r.test("logrank").p_value)
    cox = next(h for h in r.hazard_ratios if h.model == "cox")
    assert table.rows[2][1] == fmt.ratio_text(cox.hr, cox.ci_lower, cox.ci_upper)


def test_followup_and_lung_in_days() -> None:
    r = lung()
    table = followup_table(r, TextOptions())
    assert table.rows[0][0].endswith("days")
    assert table.rows[1][1] == "228"
    text = results_sentence(r, TextOptions())
    assert text.startswith("Median survival was ")
    assert "The 365-day survival rate was" in text
    assert f"Median follow-up was {r.followup.median:.0f} days." in text
    male, female = r.groups
    assert f"{male.median[0]:.0f} days" in text and f"{female.median[0]:.0f} days" in text


@pytest.mark.parametrize("decimal", [".", ","])
def test_tsv_has_no_stray_separators(decimal: str) -> None:
    tsv = group_table(demo(), TextOptions(decimal=decimal)).tsv()
    assert tsv.endswith("\n") and "\r" not in tsv


def test_followup_that_cannot_be_estimated_says_why() -> None:
    """veteran: 9 of 137 patients censored, so the reverse Kaplan-Meier curve never reaches
    one half; the table says so instead of "NR (95% CI NR-NR)"."""
    from resort_gui.analysis.run import run_analysis
    from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
    from resort_gui.io import build_cohort, read_table
    from resort_gui.present.summary import TextOptions, followup_table
    from tests.reference import REFERENCE_DIR

    spec = AnalysisSpec(source=str(REFERENCE_DIR / "veteran__data.csv"),
                        endpoint=Endpoint(time="time", events=(EventSource("status", ("1",)),)),
                        group="celltype", time_unit="days")
    cohort, issues = build_cohort(read_table(spec.source), spec)
    result = run_analysis(cohort, spec, issues)
    assert not result.followup.reached
    assert followup_table(result, TextOptions()).rows[0][1] == \
        "not estimable (too few patients censored)"
