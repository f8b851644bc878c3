"""Group comparisons against R's reference output (shared/reference/r-survival), rtol 1e-6."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from resort_gui.stats import compare
from tests.reference import DATASETS, REFERENCE_DIR, RTOL, Dataset, csv, load

HR_METHODS = {"logrank_oe": compare.hazard_ratio_logrank,
              "mantel_haenszel": compare.hazard_ratio_mantel_haenszel}


def _with_reference(what: str) -> list[str]:
    """Datasets for which R produced ``what`` (pairwise and trend: 3+ groups only)."""
    return [name for name in DATASETS if (REFERENCE_DIR / f"{name}__{what}.csv").exists()]


def _rows(what: str, *, only: set[str] | None = None) -> list[tuple[str, int]]:
    """(dataset, row index) of every row of one reference table, for parametrisation."""
    found = []
    for name in _with_reference(what):
        for index, row in csv(name, what).iterrows():
            if only is None or row.iloc[0] in only:
                found.append((name, int(index)))
    return found


def _row_id(param: tuple[str, int]) -> str:
    return f"{param[0]}-{param[1]}"


def _strata_or_none(data: Dataset, stratified: bool) -> np.ndarray | None:
    return data.strata if stratified else None


def _weight_arguments(test: str) -> dict[str, object]:
    """``fleming_harrington_P_Q`` -> weight, p, q; other names are the weight itself."""
    if test.startswith("fleming_harrington_"):
        p, q = test.removeprefix("fleming_harrington_").split("_")
        return {"weight": "fleming_harrington", "p": float(p), "q": float(q)}
    return {"weight": test}


# --------------------------------------------------------------------------------------------
# survdiff
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("param", _rows("tests"), ids=_row_id)
def test_survdiff_matches_r(param: tuple[str, int]) -> None:
    name, index = param
    data = load(name)
    row = csv(name, "tests").iloc[index]
    stratified = row["test"] == "survdiff_stratified"
    rho = 1.0 if row["test"] == "survdiff_rho1" else 0.0
    result = compare.survdiff(data.time, data.event, data.group,
                              strata=_strata_or_none(data, stratified), rho=rho)
    assert result.df == row["df"]
    assert_allclose([result.chisq, result.p_value], [row["chisq"], row["p"]], rtol=RTOL)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("rho", [0, 1])
def test_observed_expected_match_r(name: str, rho: int) -> None:
    data = load(name)
    table = csv(name, "observed_expected")
    expected_rows = table[table["test"] == f"survdiff_rho{rho}"]
    result = compare.survdiff(data.time, data.event, data.group, rho=float(rho))
    assert list(expected_rows["group"]) == list(data.groups)
    assert_allclose(np.bincount(data.group), expected_rows["n"])
    assert_allclose(result.observed, expected_rows["observed"], rtol=RTOL)
    assert_allclose(result.expected, expected_rows["expected"], rtol=RTOL)


# --------------------------------------------------------------------------------------------
# Weighted tests and trend
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("param", _rows("weighted_tests"), ids=_row_id)
def test_weighted_test_matches_reference(param: tuple[str, int]) -> None:
    name, index = param
    data = load(name)
    row = csv(name, "weighted_tests").iloc[index]
    result = compare.weighted_test(data.time, data.event, data.group,
                                   strata=_strata_or_none(data, bool(row["stratified"])),
                                   **_weight_arguments(row["test"]))
    assert result.name == row["test"]
    assert result.df == row["df"]
    assert_allclose([result.chisq, result.p_value], [row["chisq"], row["p"]], rtol=RTOL)


STRATIFIABLE = [(name, stratified) for name in DATASETS for stratified in (False, True)
                if not stratified or load(name).strata is not None]


@pytest.mark.parametrize(("name", "stratified"), STRATIFIABLE)
def test_fleming_harrington_1_0_equals_survdiff_rho1(name: str, stratified: bool) -> None:
    data = load(name)
    strata = _strata_or_none(data, stratified)
    weighted = compare.weighted_test(data.time, data.event, data.group, strata=strata,
                                     weight="fleming_harrington", p=1.0, q=0.0)
    rho1 = compare.survdiff(data.time, data.event, data.group, strata=strata, rho=1.0)
    assert_allclose(weighted.chisq, rho1.chisq, rtol=1e-12)
    assert_allclose(weighted.observed, rho1.observed, rtol=1e-12)


@pytest.mark.parametrize("param", _rows("trend"), ids=_row_id)
def test_trend_matches_reference(param: tuple[str, int]) -> None:
    name, index = param
    data = load(name)
    row = csv(name, "trend").iloc[index]
    scores = [float(s) for s in str(row["scores"]).split("|")]
    result = compare.trend_test(data.time, data.event, data.group, scores=scores,
                                strata=_strata_or_none(data, bool(row["stratified"])),
                                **_weight_arguments(row["test"]))
    assert_allclose([result.z, result.chisq, result.p_value],
                    [row["z"], row["chisq"], row["p"]], rtol=RTOL)


@pytest.mark.parametrize("name", DATASETS)
def test_default_trend_scores_are_one_to_k(name: str) -> None:
    data = load(name)
    default = compare.trend_test(data.time, data.event, data.group)
    explicit = compare.trend_test(data.time, data.event, data.group,
                                  scores=np.arange(1, len(data.groups) + 1))
    assert_allclose(default.scores, explicit.scores)
    assert_allclose(default.z, explicit.z, rtol=1e-12)


# --------------------------------------------------------------------------------------------
# Pairwise tests and hazard ratios
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", _with_reference("pairwise"))
@pytest.mark.parametrize("adjust", ["none", "holm", "bonferroni", "BH"])
def test_pairwise_matches_survminer(name: str, adjust: str) -> None:
    data = load(name)
    table = csv(name, "pairwise")
    expected = table[table["method"] == adjust]
    result = compare.pairwise_tests(data.time, data.event, data.group, adjust=adjust)
    ours = {(data.groups[i], data.groups[j]): p
            for i, j, p in zip(result.group1, result.group2, result.p_adjusted, strict=True)}
    assert len(ours) == len(expected)
    got = [ours[(g1, g2)] for g1, g2 in zip(expected["group1"], expected["group2"],
                                            strict=True)]
    assert_allclose(got, expected["p_value"], rtol=RTOL)
    assert np.all(result.df == 1)


@pytest.mark.parametrize(("name", "stratified"), STRATIFIABLE)
def test_pairwise_is_survdiff_on_the_two_groups(name: str, stratified: bool) -> None:
    """survminer runs survdiff with the same formula (strata included) on each pair's rows."""
    data = load(name)
    strata = _strata_or_none(data, stratified)
    result = compare.pairwise_tests(data.time, data.event, data.group, strata=strata,
                                    adjust="none")
    for i, j, chisq in zip(result.group1, result.group2, result.chisq, strict=True):
        rows = (data.group == i) | (data.group == j)
        alone = compare.survdiff(data.time[rows], data.event[rows], data.group[rows] == j,
                                 strata=None if strata is None else strata[rows])
        assert_allclose(chisq, alone.chisq, rtol=1e-12)


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("method", sorted(HR_METHODS))
def test_hazard_ratio_methods_match_r(name: str, method: str) -> None:
    data = load(name)
    table = csv(name, "hr_methods")
    expected = table[table["model"] == method]
    result = HR_METHODS[method](data.time, data.event, data.group)
    assert [data.groups[g] for g in result.group] == list(expected["group"])
    assert set(expected["reference"]) == {data.groups[result.reference]}
    assert_allclose(np.c_[result.hr, result.ci_lower, result.ci_upper],
                    expected[["hr", "ci_lower", "ci_upper"]].to_numpy(), rtol=RTOL)
    assert all(note == "" for note in result.notes)


def test_result_frames_have_one_row_per_item() -> None:
    data = load("veteran")
    assert len(compare.trend_test(data.time, data.event, data.group).to_frame()) == 1
    assert len(compare.pairwise_tests(data.time, data.event, data.group).to_frame()) == 6
    assert len(compare.hazard_ratio_logrank(data.time, data.event, data.group).to_frame()) == 3
