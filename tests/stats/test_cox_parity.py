"""Cox model against R's ``coxph`` (reference tables of survival 3.5-3, rtol 1e-6)."""

from __future__ import annotations

import numpy as np
import pytest

from resort_gui.stats.cox import cox_ph, group_design
from tests.reference import DATASETS, RTOL, csv, load

TERM_COLUMNS = ("coef", "hr", "se", "ci_lower", "ci_upper", "wald_p")
MODEL_COLUMNS = ("lr_chisq", "score_chisq")
MULTI_TERMS = ("age", "sex", "ph.ecog")


def _cox_cases() -> list[pytest.param]:
    cases = []
    for name in DATASETS:
        table = csv(name, "cox")
        for (ties, stratified), _ in table.groupby(["ties", "stratified"], sort=False):
            label = f"{name}-{ties}-{'stratified' if stratified else 'unstratified'}"
            cases.append(pytest.param(name, ties, bool(stratified), id=label))
    return cases


def _hr_method_cases() -> list[pytest.param]:
    cases = []
    for name in DATASETS:
        table = csv(name, "hr_methods")
        for _, row in table[table["model"].str.startswith("cox_")].iterrows():
            cases.append(pytest.param(name, row["group"], row["model"],
                                      id=f"{name}-{row['group']}-{row['model']}"))
    return cases


def test_every_dataset_has_unstratified_and_stratified_rows_where_possible():
    for name in DATASETS:
        table = csv(name, "cox")
        expected = {False, True} if load(name).strata is not None else {False}
        for ties in ("efron", "breslow"):
            assert set(table.loc[table["ties"] == ties, "stratified"]) == expected


@pytest.mark.parametrize(("name", "ties", "stratified"), _cox_cases())
def test_group_model_matches_r(name: str, ties: str, stratified: bool):
    data = load(name)
    expected = csv(name, "cox")
    expected = expected[(expected["ties"] == ties) & (expected["stratified"] == stratified)]
    model = cox_ph(data.time, data.event, group_design(data.group, len(data.groups)),
                   strata=data.strata if stratified else None, ties=ties,
                   terms=data.groups[1:])

    assert model.terms == tuple(expected["term"])
    assert model.converged and model.note == ""
    assert model.df == len(data.groups) - 1
    assert model.stratified == stratified and model.ties == ties
    for column in TERM_COLUMNS:
        np.testing.assert_allclose(getattr(model, column), expected[column], rtol=RTOL,
                                   err_msg=column)
    for column in MODEL_COLUMNS:
        np.testing.assert_allclose(getattr(model, column), expected[column].iloc[0],
                                   rtol=RTOL, err_msg=column)
    np.testing.assert_allclose(model.loglik[1], expected["loglik"].iloc[0], rtol=RTOL)
    np.testing.assert_allclose(model.lr_chisq, 2 * (model.loglik[1] - model.loglik[0]))


@pytest.mark.parametrize(("name", "ties", "stratified"), _cox_cases())
def test_rows_used_and_events(name: str, ties: str, stratified: bool):
    data = load(name)
    model = cox_ph(data.time, data.event, group_design(data.group, len(data.groups)),
                   strata=data.strata if stratified else None, ties=ties)
    used = data.strata >= 0 if stratified else np.ones(data.time.size, dtype=bool)
    assert model.n == int(used.sum())
    assert model.events == int(data.event[used].sum())


@pytest.mark.parametrize(("name", "group", "method"), _hr_method_cases())
def test_two_group_hazard_ratio_matches_r(name: str, group: str, method: str):
    data = load(name)
    code = data.groups.index(group)
    pair = (data.group == 0) | (data.group == code)
    expected = csv(name, "hr_methods")
    expected = expected[(expected["group"] == group) & (expected["model"] == method)].iloc[0]
    model = cox_ph(data.time[pair], data.event[pair],
                   (data.group[pair] == code).astype(np.float64),
                   ties=method.removeprefix("cox_"), terms=(group,))

    assert model.converged
    for column in ("hr", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(getattr(model, column)[0], expected[column], rtol=RTOL,
                                   err_msg=column)


def test_multivariable_model_matches_r():
    frame = csv("lung_multi", "data")
    expected = csv("lung_multi", "cox")
    model = cox_ph(frame["time"].to_numpy(), frame["event"].to_numpy(),
                   frame[list(MULTI_TERMS)].to_numpy(dtype=np.float64), terms=MULTI_TERMS)

    assert model.terms == tuple(expected["term"])
    assert model.converged and model.note == ""
    for column in TERM_COLUMNS:
        np.testing.assert_allclose(getattr(model, column), expected[column], rtol=RTOL,
                                   err_msg=column)
    assert model.n == expected["n"].iloc[0]
    assert model.events == expected["events"].iloc[0]
    assert model.df == len(MULTI_TERMS)


def test_confidence_level_is_the_one_asked_for() -> None:
    """90% Wald limits, as R's ``summary(coxph(Surv(time, status) ~ x, data = aml),
    conf.int = 0.9)``: exp(coef -+ qnorm(0.95) * se)."""
    data = load("aml")
    fit = cox_ph(data.time, data.event, group_design(data.group, 2), conf_level=0.90)
    row = csv("aml", "cox").query("ties == 'efron' and not stratified").iloc[0]
    z = 1.6448536269514722
    np.testing.assert_allclose(fit.ci_lower[0], np.exp(row["coef"] - z * row["se"]), rtol=RTOL)
    np.testing.assert_allclose(fit.ci_upper[0], np.exp(row["coef"] + z * row["se"]), rtol=RTOL)
