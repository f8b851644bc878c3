"""Cumulative incidence and Gray's test against R's ``cmprsk::cuminc`` (2.2-11)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resort_gui.stats.competing import cumulative_incidence, gray_test
from resort_gui.stats.km import kaplan_meier
from tests.reference import REFERENCE_DIR, csv
from tests.reference_extra import close, extra_csv

CASES = {  # case -> (data, group column, strata column, rho)
    "pbc_trt": ("pbc_cr", "trt", None, 0.0),
    "pbc3_edema": ("pbc3", "edema", None, 0.0),
    "pbc3_edema_strata": ("pbc3", "edema", "sex", 0.0),
    "pbc3_stage_rho1": ("pbc3", "stage", None, 1.0),
}


def _data(name: str) -> pd.DataFrame:
    if name == "pbc_cr":
        return pd.read_csv(REFERENCE_DIR / "pbc_cr__data.csv")
    return extra_csv("pbc3__data", dtype={"edema": str})


def _codes(status: pd.Series, cause: int) -> np.ndarray:
    """0 censored, 1 the cause, 2 the other cause (cmprsk's coding inside cuminc)."""
    status = status.to_numpy()
    return np.where(status == 0, 0, np.where(status == cause, 1, 2))


def _group_codes(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    labels = sorted(column.astype(str).unique())
    return column.astype(str).map({g: i for i, g in enumerate(labels)}).to_numpy(), labels


def test_landmarks_match_the_shared_reference() -> None:
    data = _data("pbc_cr")
    expected = csv("pbc_cr", "cif")
    for (label, time), row in expected.set_index(["group_cause", "time"]).iterrows():
        group, cause = (int(v) for v in label.split())
        mask = (data["trt"] == group).to_numpy()
        curve = cumulative_incidence(data["time"][mask], _codes(data["status"], cause)[mask],
                                     landmarks=[time])
        at = curve.time == time
        assert curve.is_landmark[at].all()
        close(curve.cif[at], row["cif"])
        close(curve.variance[at], row["var"])


@pytest.mark.parametrize("case", list(CASES))
def test_every_step_of_every_curve_matches_r(case: str) -> None:
    name, group_col, _, _ = CASES[case]
    data = _data(name)
    expected = extra_csv("cif_curves").query("case == @case")
    for label, want in expected.groupby("group_cause"):
        group, cause = label.split()
        mask = (data[group_col].astype(str) == group).to_numpy()
        curve = cumulative_incidence(data["time"][mask], _codes(data["status"], int(cause))[mask])
        # cuminc gives each corner twice (before and after the jump); keep the after value.
        corners = want.iloc[1:-1].iloc[1::2]
        np.testing.assert_array_equal(curve.time[1:], corners["time"])
        close(curve.cif[1:], corners["cif"])
        close(curve.variance[1:], corners["var"], atol=1e-18)
        assert curve.last_time == want["time"].iloc[-1]


@pytest.mark.parametrize("case", list(CASES))
def test_gray_matches_r(case: str) -> None:
    name, group_col, strata_col, rho = CASES[case]
    data = _data(name)
    group, _ = _group_codes(data[group_col])
    strata = _group_codes(data[strata_col])[0] if strata_col else None
    for _, want in extra_csv("gray").query("case == @case").iterrows():
        test = gray_test(data["time"], _codes(data["status"], int(want["cause"])), group,
                         strata=strata, rho=rho)
        close(test.chisq, want["stat"])
        assert test.df == want["df"]
        close(test.p_value, want["p_value"], atol=1e-15)  # R's 1 - pchisq underflows to 0


def test_shared_gray_reference() -> None:
    data = _data("pbc_cr")
    for _, want in csv("pbc_cr", "gray").iterrows():
        test = gray_test(data["time"], _codes(data["status"], int(want["cause"])),
                         data["trt"].to_numpy())
        close([test.chisq, test.p_value, test.df], [want["stat"], want["p"], want["df"]])


def test_a_stratum_without_deaths_adds_nothing_to_gray() -> None:
    """R's cuminc agrees: a stratum whose patients are all censored has no event time."""
    data = _data("pbc_cr")
    codes = _codes(data["status"], 1)
    group = data["trt"].to_numpy()
    alone = gray_test(data["time"], codes, group)
    quiet = np.zeros(6, dtype=np.int64)
    with_censored_stratum = gray_test(
        np.r_[data["time"], np.arange(1.0, 7.0)], np.r_[codes, quiet],
        np.r_[group, group[:6]], strata=np.r_[np.zeros(len(data), np.int64), quiet + 1])
    assert with_censored_stratum.chisq == pytest.approx(alone.chisq, rel=1e-12)


def test_landmark_beyond_follow_up_is_nan_and_between_jumps_holds() -> None:
    time = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    cause = np.array([1, 2, 0, 1, 0])
    curve = cumulative_incidence(time, cause, landmarks=[1.5, 5.0, 6.0])
    values = dict(zip(curve.time.tolist(), curve.cif.tolist(), strict=True))
    assert values[1.5] == values[1.0] == pytest.approx(0.2)
    assert values[5.0] == values[4.0]
    assert np.isnan(values[6.0])
    assert curve.is_landmark.sum() == 3


def test_cif_of_all_causes_is_one_minus_km() -> None:
    rng = np.random.default_rng(7)
    time = rng.integers(1, 30, 80).astype(float)
    cause = rng.integers(0, 3, 80)
    km = kaplan_meier(time, cause > 0)
    grid = km.time
    f1 = cumulative_incidence(time, np.where(cause == 1, 1, np.where(cause == 0, 0, 2)),
                              landmarks=grid)
    f2 = cumulative_incidence(time, np.where(cause == 2, 1, np.where(cause == 0, 0, 2)),
                              landmarks=grid)
    np.testing.assert_allclose(f1.cif[f1.is_landmark] + f2.cif[f2.is_landmark],
                               1.0 - km.survival, rtol=1e-12)


def test_gray_needs_two_groups() -> None:
    test = gray_test([1.0, 2.0, 3.0], [1, 0, 2], [0, 0, 0])
    assert np.isnan(test.chisq) and test.note


def test_steps_for_drawing_hold_each_jump_to_the_last_follow_up() -> None:
    curve = cumulative_incidence([1.0, 2.0, 3.0, 4.0, 5.0], [1, 2, 0, 1, 0],
                                 landmarks=[1.0, 1.5, 6.0])
    x, y = curve.steps()
    np.testing.assert_allclose(x, [0.0, 1.0, 4.0, 5.0])
    np.testing.assert_allclose(y, [0.0, 0.2, 0.5, 0.5])


CI_CASES = {"pbc_trt": ("pbc_cr", "trt"), "pbc3_edema": ("pbc3", "edema"),
            "pbc3_edema_90": ("pbc3", "edema")}


@pytest.mark.parametrize("case", sorted(CI_CASES))
def test_confidence_limits_at_milestones_match_r(case: str) -> None:
    """est, var and the log(-log) limits at the milestone times, per group and cause, as
    ``make_cif_ci.R`` computes them from ``timepoints(cuminc(...))`` (2 and 3 groups, 95% and
    90%); NA in R (incidence still 0) is NaN here."""
    name, column = CI_CASES[case]
    data = _data(name)
    want = extra_csv("cif_ci")
    want = want[want["case"] == case]
    level = float(want["level"].iloc[0])
    for label, rows in want.groupby("group_cause"):
        group, cause = label.rsplit(" ", 1)
        keep = (data[column].astype(str) == group).to_numpy()
        fit = cumulative_incidence(data["time"][keep], _codes(data["status"][keep], int(cause)),
                                   landmarks=rows["time"], conf_level=level)
        at = fit.is_landmark
        close(fit.time[at], rows["time"])
        close(fit.cif[at], rows["cif"], atol=1e-15)
        close(fit.variance[at], rows["var"], atol=1e-15)
        close(fit.ci_lower[at], rows["ci_lower"])
        close(fit.ci_upper[at], rows["ci_upper"])
    if case == "pbc3_edema":
        assert want["ci_lower"].isna().any()  # the case of an incidence still 0 is covered
