"""``resort-gui analyze`` writes the comparison family (issue 10) in agreement with R.

Every reference dataset is analysed in-process with the group order of R's levels; the
tables are compared with ``__weighted_tests.csv``, ``__trend.csv``, ``__pairwise.csv``,
``__hr_methods.csv`` and ``__milestones.csv`` at rtol 1e-6.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resort_gui.analysis import comparisons
from resort_gui.app.cli import main
from resort_gui.domain.spec import AnalysisSpec
from resort_gui.stats.compare import adjust_p_values, trend_test
from tests.reference import DATASETS, REFERENCE_DIR, RTOL, csv, load
from tests.stats.test_milestones_parity import RMST_DIFFERENCES

HR_MODELS = ("cox_efron", "cox_breslow", "cox_exact", "logrank_oe", "mantel_haenszel")


def analyze(name: str, out: Path, *extra: str) -> Path:
    """``analyze`` on a reference dataset, groups in R's level order (reference first)."""
    data = load(name)
    tau = csv(name, "rmst")["tau"].iloc[0]
    args = ["analyze", str(REFERENCE_DIR / f"{name}__data.csv"), "--time", data.time_col,
            "--event", data.event_col, "--event-value", data.event_code,
            "--group", data.group_col, "--reference", data.groups[0],
            "--group-order", ",".join(data.groups), "--time-unit", "days", "--tau", str(tau),
            "--landmarks", ",".join(str(t) for t in data.landmarks),
            "--formats", "none", "--out", str(out), *extra]
    if data.strata_col:
        args += ["--strata", data.strata_col]
    assert main(args) == 0
    return out


def table(out: Path, what: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{what}.csv", keep_default_na=False, na_values=[""])


def close(actual: object, expected: object) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float),
                               np.asarray(expected, dtype=float), rtol=RTOL, equal_nan=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each dataset with the default --fh 1,1 and with --fh 0,1 and 1,0."""
    return {(name, fh): analyze(name, tmp_path_factory.mktemp(f"{name}-{fh}"), "--fh", fh)
            for name in DATASETS for fh in ("1,1", "0,1", "1,0")}


def our_name(r_name: str, stratified: bool) -> str:
    return f"{r_name}_stratified" if stratified else r_name


@pytest.mark.parametrize("name", DATASETS)
def test_weighted_tests_match_r(runs, name: str) -> None:
    expected = csv(name, "weighted_tests")
    ours = pd.concat([table(runs[name, fh], "tests") for fh in ("1,1", "0,1", "1,0")])
    ours = ours.drop_duplicates("test").set_index("test")
    for _, row in expected.iterrows():
        got = ours.loc[our_name(row["test"], bool(row["stratified"]))]
        close(got[["chisq", "df", "p_value"]], row[["chisq", "df", "p"]])


@pytest.mark.parametrize("name", DATASETS)
def test_tests_table_rows_and_order(runs, name: str) -> None:
    data = load(name)
    names = list(table(runs[name, "1,1"], "tests")["test"])
    family = ["logrank", "gehan_breslow", "tarone_ware", "peto_peto", "modified_peto"]
    expected = [*family, "fleming_harrington_1_0", "fleming_harrington_1_1"]
    expected += ["trend"] if len(data.groups) >= 3 else []
    if data.strata is not None:
        expected += [f"{t}_stratified" for t in family + ["fleming_harrington_1_1"]]
        expected += ["trend_stratified"] if len(data.groups) >= 3 else []
    assert names == expected
    with_1_0 = list(table(runs[name, "1,0"], "tests")["test"])
    assert with_1_0.count("fleming_harrington_1_0") == 1  # not repeated when --fh 1,0
    if data.strata is not None:
        assert "fleming_harrington_1_0_stratified" in with_1_0


def test_trend_matches_r(runs) -> None:
    expected = csv("veteran", "trend").query("test == 'logrank'").set_index("stratified")
    ours = table(runs["veteran", "1,1"], "tests").set_index("test")
    for stratified, name in ((False, "trend"), (True, "trend_stratified")):
        close(ours.loc[name, ["chisq", "p_value"]], expected.loc[stratified, ["chisq", "p"]])
        assert ours.loc[name, "df"] == 1


@pytest.mark.parametrize("method", ["none", "holm", "bonferroni", "BH"])
def test_pairwise_matches_r(tmp_path: Path, method: str) -> None:
    out = analyze("veteran", tmp_path, "--adjust", method)
    ours = table(out, "pairwise")
    assert list(ours.columns) == ["group1", "group2", "test", "chisq", "p_value",
                                  "p_adjusted", "method"]
    plain = ours[ours["test"] == "logrank"].reset_index(drop=True)
    expected = csv("veteran", "pairwise")
    raw = expected[expected["method"] == "none"].reset_index(drop=True)
    adjusted = expected[expected["method"] == method].reset_index(drop=True)
    assert list(zip(plain["group1"], plain["group2"], strict=True)) == \
        list(zip(raw["group1"], raw["group2"], strict=True))
    close(plain["p_value"], raw["p_value"])
    close(plain["p_adjusted"], adjusted["p_value"])
    assert set(ours["method"]) == {method}
    assert set(ours["test"]) == {"logrank", "logrank_stratified"}


def test_pairwise_against_the_reference_adjusts_over_those_pairs_only(tmp_path: Path) -> None:
    out = analyze("veteran", tmp_path, "--pairwise", "reference")
    ours = table(out, "pairwise").query("test == 'logrank'")
    raw = csv("veteran", "pairwise").query("method == 'none' and group1 == 'squamous'")
    assert list(ours["group2"]) == list(raw["group2"])
    close(ours["p_value"], raw["p_value"])
    close(ours["p_adjusted"], adjust_p_values(raw["p_value"].to_numpy(), "holm"))


@pytest.mark.parametrize("name", DATASETS)
def test_hazard_ratio_methods_match_r(runs, name: str) -> None:
    ours = table(runs[name, "1,1"], "hazard_ratios")
    expected = csv(name, "hr_methods")
    merged = expected.merge(ours, on=["group", "reference", "model"], suffixes=("_r", ""))
    assert len(merged) == len(expected) == len(load(name).groups[1:]) * len(HR_MODELS)
    for column in ("hr", "ci_lower", "ci_upper"):
        close(merged[column], merged[f"{column}_r"])
    assert set(ours["model"]) >= set(HR_MODELS) | {"cox"}


@pytest.mark.parametrize("name", DATASETS)
def test_log_rank_hazard_ratios_carry_the_pairs_log_rank_p(runs, name: str) -> None:
    data = load(name)
    hrs = table(runs[name, "1,1"], "hazard_ratios")
    pairs = table(runs[name, "1,1"], "pairwise").query("test == 'logrank'")
    for group in data.groups[1:]:
        pair = pairs[(pairs["group1"] == data.groups[0]) & (pairs["group2"] == group)]
        for model in ("logrank_oe", "mantel_haenszel"):
            row = hrs[(hrs["model"] == model) & (hrs["group"] == group)]
            close(row["p_value"], pair["p_value"])


@pytest.mark.parametrize("name", DATASETS)
def test_milestones_match_r(runs, name: str) -> None:
    ours = table(runs[name, "1,1"], "milestones")
    expected = csv(name, "milestones")
    assert list(ours.columns) == list(expected.columns)
    merged = expected.merge(ours, on=["time", "group", "reference"], suffixes=("_r", ""))
    assert len(merged) == len(expected) == len(ours)
    for column in ("difference", "ci_lower", "ci_upper", "p_value"):
        close(merged[column], merged[f"{column}_r"])


@pytest.mark.parametrize("row", RMST_DIFFERENCES, ids=[f"{r[0]}-{r[1]}" for r in RMST_DIFFERENCES])
def test_rmst_difference_matches_r(runs, row) -> None:
    name, group, tau, difference, lower, upper, p = row
    ours = table(runs[name, "1,1"], "rmst_difference").set_index("group")
    assert ours.loc[group, "reference"] == load(name).groups[0]
    close(ours.loc[group, ["tau", "difference", "ci_lower", "ci_upper", "p_value"]],
          [tau, difference, lower, upper, p])


def test_two_groups_have_one_pair_equal_to_the_log_rank_test(runs) -> None:
    out = runs["aml", "1,1"]
    pair = table(out, "pairwise")
    tests = table(out, "tests").set_index("test")
    assert len(pair) == 1
    close(pair["p_value"], [tests.loc["logrank", "p_value"]])
    close(pair["p_adjusted"], pair["p_value"])


def test_the_group_order_sets_the_trend_scores(tmp_path: Path) -> None:
    data = load("veteran")
    order = ("adeno", "squamous", "large", "smallcell")  # not R's order nor its reverse
    out = analyze("veteran", tmp_path, "--group-order", ",".join(order))
    ours = table(out, "tests").set_index("test")
    scores = [order.index(g) + 1.0 for g in data.groups]
    expected = trend_test(data.time, data.event, data.group, scores=scores)
    close(ours.loc["trend", ["chisq", "p_value"]], [expected.chisq, expected.p_value])
    assert not np.isclose(ours.loc["trend", "chisq"], csv("veteran", "trend")["chisq"].iloc[0])
    assert list(table(out, "pairwise")["group1"])[:1] == ["adeno"]


def _dose_file(tmp_path: Path) -> Path:
    """Veteran's rows with the four cell types recoded as doses 0, 2.5, 5, 10."""
    data = load("veteran")
    doses = dict(zip(data.groups, ("0", "2.5", "5", "10"), strict=True))
    frame = data.frame.assign(dose=data.frame["celltype"].map(doses))
    path = tmp_path / "doses.csv"
    frame.to_csv(path, index=False)
    return path


def test_trend_scores_from_the_group_values(tmp_path: Path) -> None:
    data = load("veteran")
    assert main(["analyze", str(_dose_file(tmp_path)), "--time", "time", "--event", "status",
                 "--group", "dose", "--reference", "0", "--trend-scores", "values",
                 "--formats", "none", "--out", str(tmp_path / "out")]) == 0
    ours = table(tmp_path / "out", "tests").set_index("test")
    expected = trend_test(data.time, data.event, data.group, scores=[0, 2.5, 5, 10])
    close(ours.loc["trend", ["chisq", "p_value"]], [expected.chisq, expected.p_value])


def test_trend_scores_from_text_values_are_refused(tmp_path: Path, capsys) -> None:
    code = main(["analyze", str(REFERENCE_DIR / "veteran__data.csv"), "--time", "time",
                 "--event", "status", "--group", "celltype", "--trend-scores", "values",
                 "--formats", "none", "--out", str(tmp_path)])
    assert code == 2
    message = capsys.readouterr().err
    assert "'adeno'" in message and "celltype" in message and "veteran__data.csv" in message


@pytest.mark.parametrize(("order", "words"), [
    ("squamous,smallcell,adeno,large,giant", ["'giant'", "not a group"]),
    ("squamous,smallcell,adeno", ["leaves out", "'large'"]),
    ("squamous,squamous,adeno,large,smallcell", ["more than once"]),
])
def test_a_wrong_group_order_stops_with_a_plain_message(tmp_path: Path, capsys, order: str,
                                                        words: list[str]) -> None:
    code = main(["analyze", str(REFERENCE_DIR / "veteran__data.csv"), "--time", "time",
                 "--event", "status", "--group", "celltype", "--group-order", order,
                 "--formats", "none", "--out", str(tmp_path)])
    message = capsys.readouterr().err
    assert code == 2 and message.startswith("error: ")
    assert all(w in message for w in words), message
    assert "Traceback" not in message


@pytest.mark.parametrize("option", [["--fh", "1"], ["--fh", "a,b"], ["--fh", "-1,0"],
                                    ["--adjust", "fdr"], ["--pairwise", "some"]])
def test_bad_comparison_options_stop_with_exit_code_2(tmp_path: Path, capsys,
                                                      option: list[str]) -> None:
    code = main(["analyze", str(REFERENCE_DIR / "aml__data.csv"), "--time", "time",
                 "--event", "status", "--group", "x", *option, "--formats", "none",
                 "--out", str(tmp_path)])
    assert code == 2 and "error:" in capsys.readouterr().err


def test_exact_ties_are_skipped_above_the_bound_with_a_note(tmp_path: Path, capsys,
                                                            monkeypatch) -> None:
    monkeypatch.setattr(comparisons, "EXACT_MAX_PATIENTS", 20)
    out = analyze("aml", tmp_path)
    exact = table(out, "hazard_ratios").query("model == 'cox_exact'")
    assert exact[["hr", "ci_lower", "ci_upper", "p_value"]].isna().all().all()
    assert "cox_exact" in capsys.readouterr().err
    efron = table(out, "hazard_ratios").query("model == 'cox_efron'")
    assert efron["hr"].notna().all()


def test_exact_ties_are_skipped_for_a_large_tie_set(tmp_path: Path, capsys,
                                                    monkeypatch) -> None:
    monkeypatch.setattr(comparisons, "EXACT_MAX_TIED_EVENTS", 1)
    out = analyze("veteran", tmp_path)  # veteran has tied death times
    assert table(out, "hazard_ratios").query("model == 'cox_exact'")["hr"].isna().all()
    assert "events share one time" in capsys.readouterr().err


def test_the_analysis_file_reruns_the_comparisons(runs, tmp_path: Path) -> None:
    first = runs["veteran", "0,1"]
    spec = json.loads((first / "analysis.json").read_text())["spec"]
    assert spec["fh"] == [0.0, 1.0] and spec["group_order"][0] == "squamous"
    assert main(["analyze", "--spec", str(first / "analysis.json"), "--formats", "none",
                 "--out", str(tmp_path)]) == 0
    for name in ("tests", "pairwise", "hazard_ratios", "milestones", "rmst_difference",
                 "conventions"):
        assert (tmp_path / f"{name}.csv").read_bytes() == (first / f"{name}.csv").read_bytes()


def test_spec_json_round_trip_keeps_the_comparison_settings() -> None:
    spec = AnalysisSpec(group_order=("b", "a"), adjust="BH", fh=(0.5, 2.0),
                        trend_scores="values", pairwise="reference")
    assert AnalysisSpec.from_json(spec.to_json()) == spec
    assert AnalysisSpec.from_json(AnalysisSpec().to_json()) == AnalysisSpec()


def test_one_group_writes_empty_comparison_tables(tmp_path: Path) -> None:
    assert main(["analyze", str(REFERENCE_DIR / "aml__data.csv"), "--time", "time",
                 "--event", "status", "--landmarks", "12", "--time-unit", "weeks",
                 "--formats", "none",
                 "--out", str(tmp_path)]) == 0
    for name in ("pairwise", "milestones", "rmst_difference"):
        assert table(tmp_path, name).empty
    assert list(table(tmp_path, "milestones").columns) == [
        "time", "group", "reference", "difference", "ci_lower", "ci_upper", "p_value"]


def test_the_group_order_is_the_display_order_and_names_the_reference(tmp_path: Path) -> None:
    """As R's factor levels: the groups are listed in the order given, the first is the
    reference when none is named; a named reference still comes first. The log-rank test
    does not depend on the order."""
    data = load("veteran")
    order = ["large", "adeno", "squamous", "smallcell"]
    base = ["analyze", str(REFERENCE_DIR / "veteran__data.csv"), "--time", "time",
            "--event", "status", "--group", "celltype", "--group-order", ",".join(order),
            "--formats", "none"]
    assert main([*base, "--out", str(tmp_path / "a")]) == 0
    assert list(table(tmp_path / "a", "summary")["group"])[:4] == order
    cox = table(tmp_path / "a", "hazard_ratios").query("model == 'cox'")
    assert list(cox["group"]) == order[1:] and set(cox["reference"]) == {"large"}
    logrank = table(tmp_path / "a", "tests").set_index("test").loc["logrank", "chisq"]
    close([logrank], [csv("veteran", "tests").set_index("test").loc["survdiff_rho0", "chisq"]])

    assert main([*base, "--reference", "squamous", "--out", str(tmp_path / "b")]) == 0
    assert list(table(tmp_path / "b", "summary")["group"])[:4] == [
        "squamous", "large", "adeno", "smallcell"]
    assert data.groups[0] == "squamous"  # R's reference: the hazard ratios are R's again
    ours = table(tmp_path / "b", "hazard_ratios").query("model == 'cox'").set_index("group")
    want = csv("veteran", "cox").query("ties == 'efron' and not stratified").set_index("term")
    close(ours.loc[list(want.index), "hr"], want["hr"])
