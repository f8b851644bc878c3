"""``resort-gui analyze`` on each R reference dataset writes files that agree with R to 1e-6."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resort_gui.app.cli import main
from tests.reference import CONF_TYPES, DATASETS, REFERENCE_DIR, RTOL, csv, load

ALL = "All patients"


def run_analyze(name: str, conf_type: str, out: Path) -> Path:
    data = load(name)
    tau = csv(name, "rmst")["tau"].iloc[0]
    args = ["analyze", str(REFERENCE_DIR / f"{name}__data.csv"), "--time", data.time_col,
            "--event", data.event_col, "--event-value", data.event_code,
            "--group", data.group_col, "--reference", data.groups[0],
            "--conf-type", conf_type, "--time-unit", "days", "--tau", str(tau),
            "--landmarks", ",".join(str(t) for t in data.landmarks),
            "--formats", "none", "--out", str(out)]
    if data.strata_col:
        args += ["--strata", data.strata_col]
    assert main(args) == 0
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    return {(name, conf): run_analyze(name, conf, tmp_path_factory.mktemp(f"{name}-{conf}"))
            for name in DATASETS for conf in CONF_TYPES}


def ours(out: Path, what: str) -> pd.DataFrame:
    frame = pd.read_csv(out / f"{what}.csv", keep_default_na=False, na_values=[""])
    if "group" in frame:
        frame["group"] = frame["group"].astype(str).replace(ALL, "(all)")
    return frame


def close(actual: object, expected: object) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=RTOL, equal_nan=True)


@pytest.mark.parametrize("conf_type", CONF_TYPES)
@pytest.mark.parametrize("name", DATASETS)
def test_km_table(outputs, name: str, conf_type: str) -> None:
    expected = csv(name, "km").query("conf_type == @conf_type")
    actual = ours(outputs[name, conf_type], "km_table")
    for group, want in expected.groupby("group", sort=False):
        got = actual[actual["group"] == group]
        for column in ("time", "n_risk", "n_event", "n_censor", "survival", "std_err",
                       "ci_lower", "ci_upper"):
            close(got[column], want[column])


@pytest.mark.parametrize("conf_type", CONF_TYPES)
@pytest.mark.parametrize("name", DATASETS)
def test_quantiles_and_landmarks(outputs, name: str, conf_type: str) -> None:
    out = outputs[name, conf_type]
    for what, key in (("quantiles", "prob"), ("landmarks", "time")):
        expected = csv(name, what).query("conf_type == @conf_type")
        actual = ours(out, what)
        merged = expected.merge(actual, on=["group", key], suffixes=("_r", ""))
        assert len(merged) == len(expected)
        for column in [c for c in expected.columns if c not in ("conf_type", "group", key)]:
            close(merged[column], merged[f"{column}_r"])


@pytest.mark.parametrize("name", DATASETS)
def test_summary_tests_and_hazard_ratios(outputs, name: str) -> None:
    out = outputs[name, "log"]
    rmst = csv(name, "rmst").merge(ours(out, "summary"), on="group", suffixes=("_r", ""))
    assert len(rmst) == len(csv(name, "rmst"))
    close(rmst["rmst"], rmst["rmst_r"])
    close(rmst["rmst_se"], rmst["se"])
    close(rmst["n"], rmst["n_r"])
    close(rmst["events"], rmst["events_r"])

    tests = ours(out, "tests").set_index("test")
    r_tests = csv(name, "tests").set_index("test")
    for ours_name, r_name in (("logrank", "survdiff_rho0"),
                              ("fleming_harrington_1_0", "survdiff_rho1"),
                              ("logrank_stratified", "survdiff_stratified")):
        if r_name in r_tests.index:
            close(tests.loc[ours_name, ["chisq", "df", "p_value"]],
                  r_tests.loc[r_name, ["chisq", "df", "p"]])

    cox = csv(name, "cox").query("ties == 'efron'")
    hrs = ours(out, "hazard_ratios")
    for stratified, model in ((False, "cox"), (True, "cox_stratified")):
        want = cox[cox["stratified"] == stratified]
        got = hrs[hrs["model"] == model].set_index("group").loc[want["term"]]
        close(got["hr"], want["hr"])
        close(got["ci_lower"], want["ci_lower"])
        close(got["ci_upper"], want["ci_upper"])
        close(got["p_value"], want["wald_p"])

    close(ours(out, "followup").iloc[0], csv(name, "followup").iloc[0])


def test_spec_reproduces_the_run(outputs, tmp_path: Path) -> None:
    first = outputs["lung", "log"]
    assert main(["analyze", "--spec", str(first / "analysis.json"), "--formats", "none",
                 "--out", str(tmp_path)]) == 0
    for name in ("km_table", "summary", "tests", "hazard_ratios", "landmarks"):
        assert (tmp_path / f"{name}.csv").read_bytes() == (first / f"{name}.csv").read_bytes()
