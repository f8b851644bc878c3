"""Times that differ only by floating-point rounding are one time, as in R (``timefix``).

``near_ties__data.csv`` (tests/reference_extra, made by ``make_near_ties.py``) holds times
typed as 0.3 beside times computed as 3 * 0.1 and times one part in 10^9 apart; R's answers,
with its default ``timefix = TRUE``, are in ``near_ties_km.csv`` and ``near_ties.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resort_gui.app.cli import main
from resort_gui.io.timefix import TOLERANCE, merge_near_ties
from tests.reference_extra import EXTRA_DIR, close, extra_csv

DATA = EXTRA_DIR / "near_ties__data.csv"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("near_ties")
    assert main(["analyze", str(DATA), "--time", "months", "--event", "relapse",
                 "--group", "arm", "--reference", "observation", "--strata", "site",
                 "--time-unit", "months", "--formats", "none", "--out", str(folder)]) == 0
    return folder


def r_value(quantity: str, timefix: bool = True) -> float:
    table = extra_csv("near_ties")
    row = table[(table["timefix"] == timefix) & (table["quantity"] == quantity)]
    assert len(row) == 1, quantity
    return float(row["value"].iloc[0])


def test_the_data_holds_near_ties_that_change_r_s_answer() -> None:
    times = pd.read_csv(DATA)["months"].to_numpy()
    _, changed = merge_near_ties(times)
    assert changed >= 5
    with pytest.raises(AssertionError):
        close(r_value("cox_efron.hr", timefix=False), r_value("cox_efron.hr"))


def test_kaplan_meier_matches_r(out: Path) -> None:
    ours = pd.read_csv(out / "km_table.csv")
    r = extra_csv("near_ties_km")
    assert ours["group"].tolist() == r["group"].tolist()
    for column in ("time", "n_risk", "n_event", "n_censor", "survival", "std_err",
                   "ci_lower", "ci_upper"):
        close(ours[column], r[column])


def test_log_rank_matches_r(out: Path) -> None:
    tests = pd.read_csv(out / "tests.csv").set_index("test")["chisq"]
    close(tests["logrank"], r_value("logrank"))
    close(tests["logrank_stratified"], r_value("logrank_stratified"))


@pytest.mark.parametrize(("model", "case"), [("cox", "cox_efron"), ("cox_breslow", "cox_breslow"),
                                             ("cox_stratified", "cox_stratified")])
def test_hazard_ratios_match_r(out: Path, model: str, case: str) -> None:
    ratios = pd.read_csv(out / "hazard_ratios.csv")
    row = ratios[ratios["model"] == model].iloc[0]
    for column in ("hr", "ci_lower", "ci_upper", "p_value"):
        close(row[column], r_value(f"{case}.{column}"))


def test_the_merge_is_said_in_plain_words(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["analyze", str(DATA), "--time", "months", "--event", "relapse",
                 "--formats", "none", "--out", str(tmp_path)]) == 0
    assert ("note: 8 follow-up times differed from another only by rounding"
            in capsys.readouterr().err)


def test_runs_of_near_equal_times_take_their_smallest_value() -> None:
    times = np.array([0.3, 0.1 + 0.2, 5.0, 5.0 * (1 + 1e-9), 5.0 * (1 + 2e-9), 7.0,
                      7.0 * (1 + 1e-6), np.nan])
    merged, changed = merge_near_ties(times)
    np.testing.assert_array_equal(merged[:7], [0.3, 0.3, 5.0, 5.0, 5.0, 7.0, 7.0 * (1 + 1e-6)])
    assert np.isnan(merged[7]) and changed == 3


def test_times_without_near_ties_are_left_alone() -> None:
    times = np.array([1.0, 2.0, 2.0, 3.0 + 10 * TOLERANCE * 3.0])
    merged, changed = merge_near_ties(times)
    assert merged is times and changed == 0
