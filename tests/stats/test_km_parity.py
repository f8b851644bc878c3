"""Kaplan-Meier family against R's survival 3.5-3 (reference CSVs, relative tolerance 1e-6).

Every number and every NA position of km.csv, quantiles.csv, landmarks.csv, rmst.csv and
followup.csv must agree; see ``tests/data/r-survival/README.md`` for the R calls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from resort_gui.stats.km import (
    kaplan_meier,
    median_followup,
    restricted_mean,
    risk_table,
    survival_at,
    survival_quantiles,
)
from tests.reference import CONF_TYPES, DATASETS, RTOL, csv, load, subset


def _cases() -> list[tuple[str, str, str]]:
    return [
        (name, conf_type, group)
        for name in DATASETS
        for conf_type in CONF_TYPES
        for group in (*load(name).groups, "(all)")
    ]


CASES = _cases()
IDS = [f"{name}-{conf_type}-{group}" for name, conf_type, group in CASES]


def _reference(name: str, what: str, conf_type: str | None, group: str) -> pd.DataFrame:
    table = csv(name, what)
    rows = table["group"] == group
    if conf_type is not None:
        rows &= table["conf_type"] == conf_type
    return table[rows].reset_index(drop=True)


def _assert_columns(actual: object, expected: pd.DataFrame, columns: tuple[str, ...]) -> None:
    for column in columns:
        assert_allclose(
            np.asarray(getattr(actual, column), dtype=np.float64),
            expected[column].to_numpy(dtype=np.float64),
            rtol=RTOL,
            equal_nan=True,
            err_msg=column,
        )


def _fit(name: str, conf_type: str, group: str):
    time, event = subset(load(name), group)
    return kaplan_meier(time, event, conf_type=conf_type)


@pytest.mark.parametrize(("name", "conf_type", "group"), CASES, ids=IDS)
def test_kaplan_meier_matches_r(name: str, conf_type: str, group: str) -> None:
    expected = _reference(name, "km", conf_type, group)
    assert len(expected) > 0
    km = _fit(name, conf_type, group)
    _assert_columns(km, expected, ("time", "survival", "std_err", "ci_lower", "ci_upper"))
    for column in ("n_risk", "n_event", "n_censor"):
        assert_array_equal(getattr(km, column), expected[column].to_numpy(), err_msg=column)


@pytest.mark.parametrize(("name", "conf_type", "group"), CASES, ids=IDS)
def test_quantiles_match_r(name: str, conf_type: str, group: str) -> None:
    expected = _reference(name, "quantiles", conf_type, group)
    assert len(expected) > 0
    quantiles = survival_quantiles(_fit(name, conf_type, group), expected["prob"].to_numpy())
    _assert_columns(quantiles, expected, ("prob", "time", "ci_lower", "ci_upper"))
    assert_array_equal(quantiles.reached, expected["time"].notna().to_numpy())


@pytest.mark.parametrize(("name", "conf_type", "group"), CASES, ids=IDS)
def test_landmarks_match_r(name: str, conf_type: str, group: str) -> None:
    expected = _reference(name, "landmarks", conf_type, group)
    assert len(expected) > 0
    landmarks = survival_at(_fit(name, conf_type, group), load(name).landmarks)
    _assert_columns(landmarks, expected, ("time", "survival", "std_err", "ci_lower", "ci_upper"))
    assert_array_equal(landmarks.n_risk, expected["n_risk"].to_numpy())


@pytest.mark.parametrize(("name", "conf_type", "group"), CASES, ids=IDS)
def test_risk_table_matches_r_landmarks(name: str, conf_type: str, group: str) -> None:
    """The risk table's n_risk is R's landmark n.risk; its counts match the KM rows."""
    expected = _reference(name, "landmarks", conf_type, group)
    time, event = subset(load(name), group)
    table = risk_table(time, event, load(name).landmarks)
    assert_array_equal(table.n_risk, expected["n_risk"].to_numpy())
    km = kaplan_meier(time, event, conf_type=conf_type)
    at_km = risk_table(time, event, km.time)
    assert_array_equal(at_km.n_risk, km.n_risk)
    assert_array_equal(at_km.n_event_cum, np.cumsum(km.n_event))
    assert_array_equal(at_km.n_censor_cum, np.cumsum(km.n_censor))


RMST_CASES = [(name, group) for name in DATASETS for group in csv(name, "rmst")["group"].tolist()]


@pytest.mark.parametrize(("name", "group"), RMST_CASES, ids=[f"{n}-{g}" for n, g in RMST_CASES])
def test_restricted_mean_matches_r(name: str, group: str) -> None:
    expected = _reference(name, "rmst", None, group)
    assert len(expected) == 1
    time, event = subset(load(name), group)
    km = kaplan_meier(time, event)
    result = restricted_mean(km, float(expected["tau"].iloc[0]))
    _assert_columns(result, expected, ("tau", "rmst", "se"))
    assert km.n == int(expected["n"].iloc[0])
    assert int(km.n_event.sum()) == int(expected["events"].iloc[0])


@pytest.mark.parametrize("name", DATASETS)
def test_median_followup_matches_r(name: str) -> None:
    expected = csv(name, "followup").iloc[0]
    data = load(name)
    followup = median_followup(data.time, data.event)
    assert_allclose(
        [followup.median, followup.ci_lower, followup.ci_upper],
        expected[["median_followup", "ci_lower", "ci_upper"]].to_numpy(dtype=np.float64),
        rtol=RTOL,
        equal_nan=True,
    )
    assert followup.reached == bool(pd.notna(expected["median_followup"]))
