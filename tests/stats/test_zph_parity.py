"""Proportional-hazards test against R's ``cox.zph(fit, transform = "km", terms = FALSE)``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resort_gui.domain.results import KaplanMeier
from resort_gui.io.design import covariate_design
from resort_gui.stats.cox import cox_ph, group_design
from resort_gui.stats.km import kaplan_meier
from resort_gui.stats.zph import GLOBAL, cox_zph, log_minus_log
from tests.reference import RTOL, csv
from tests.reference_extra import close, extra_csv

LUNG_TEXT = ["age", "sex", "ecog", "wt"]


def _case(case: str) -> tuple[pd.DataFrame, np.ndarray, tuple[str, ...], np.ndarray | None, str]:
    """(data, X, terms, strata, ties) of the models fitted in make_reference.R."""
    if case.startswith("lung_text"):
        data = extra_csv("lung2__data")
        columns = LUNG_TEXT if case == "lung_text" else LUNG_TEXT[:3]
        design = covariate_design(data, columns)
        return data, design.matrix, design.terms, None, \
            "breslow" if case.endswith("breslow") else "efron"
    data = extra_csv("veteran2__data")
    trt = group_design((data["trt"] == 2).to_numpy(dtype=np.int64), 2)
    if case == "veteran_group":
        design = covariate_design(data, ["celltype", "karno"])
        return data, np.column_stack([trt, design.matrix]), ("2", *design.terms), None, "efron"
    strata = (data["prior"] == "yes").to_numpy(dtype=np.int64)
    return data, np.column_stack([trt, data["karno"]]), ("2", "karno"), strata, "efron"


def test_lung_multi_matches_the_shared_reference() -> None:
    data = csv("lung_multi", "data")
    terms = ("age", "sex", "ph.ecog")
    X = data[list(terms)].to_numpy(dtype=float)
    model = cox_ph(data["time"], data["event"], X, terms=terms)
    test = cox_zph(data["time"], data["event"], X, model)
    expected = csv("lung_multi", "zph")
    assert list(test.term) == [*terms, GLOBAL]
    np.testing.assert_allclose(test.chisq, expected["chisq"], rtol=RTOL)
    np.testing.assert_array_equal(test.df, expected["df"])
    np.testing.assert_allclose(test.p_value, expected["p"], rtol=RTOL)
    assert test.global_p == pytest.approx(expected["p"].iloc[-1], rel=RTOL)


@pytest.mark.parametrize("case", ["lung_text", "lung_text_breslow", "veteran_group",
                                  "veteran_strata"])
def test_categories_ties_and_strata_match_r(case: str) -> None:
    data, X, terms, strata, ties = _case(case)
    model = cox_ph(data["time"], data["status"], X, strata=strata, ties=ties, terms=terms)
    test = cox_zph(data["time"], data["status"], X, model, strata=strata)
    expected = extra_csv("zph").query("case == @case")
    assert len(test.term) == len(expected)  # one row per coefficient, then GLOBAL
    close(test.chisq, expected["chisq"])
    np.testing.assert_array_equal(test.df, expected["df"])
    close(test.p_value, expected["p_value"])


def test_a_coefficient_that_is_not_estimable_is_not_tested() -> None:
    data = csv("lung_multi", "data")
    X = np.column_stack([data["age"], np.ones(len(data))])  # a constant column
    model = cox_ph(data["time"], data["event"], X, terms=("age", "one"))
    test = cox_zph(data["time"], data["event"], X, model)
    alone = cox_zph(data["time"], data["event"], X[:, :1],
                    cox_ph(data["time"], data["event"], X[:, :1], terms=("age",)))
    assert np.isnan(test.chisq[1]) and test.df[1] == 0 and test.note
    assert test.chisq[0] == pytest.approx(alone.chisq[0], rel=1e-12)
    assert test.df[-1] == 1


def test_no_events_gives_nan_and_a_note() -> None:
    time = np.arange(1.0, 11.0)
    X = np.arange(10.0).reshape(-1, 1)
    model = cox_ph(time, np.zeros(10), X)
    test = cox_zph(time, np.zeros(10), X, model)
    assert np.isnan(test.chisq).all() and test.note


def test_row_order_does_not_matter() -> None:
    data = csv("lung_multi", "data")
    X = data[["age", "sex", "ph.ecog"]].to_numpy(dtype=float)
    order = np.random.default_rng(3).permutation(len(data))
    model = cox_ph(data["time"], data["event"], X)
    shuffled = cox_ph(data["time"].to_numpy()[order], data["event"].to_numpy()[order], X[order])
    a = cox_zph(data["time"], data["event"], X, model)
    b = cox_zph(data["time"].to_numpy()[order], data["event"].to_numpy()[order], X[order],
                shuffled)
    np.testing.assert_allclose(a.chisq, b.chisq, rtol=1e-9)


def test_log_minus_log_points() -> None:
    km: KaplanMeier = kaplan_meier([1.0, 2.0, 3.0, 4.0], [True, True, False, True])
    x, y = log_minus_log(km)
    keep = (km.survival > 0) & (km.survival < 1)
    np.testing.assert_allclose(x, np.log(km.time[keep]))
    np.testing.assert_allclose(y, np.log(-np.log(km.survival[keep])))
