"""Subgroup hazard ratios and the interaction p against R's ``coxph`` (make_reference.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resort_gui.io.cells import natural_key
from resort_gui.stats.cox import cox_ph, group_design
from resort_gui.stats.subgroups import ALL_PATIENTS, Factor, interaction_p_value, subgroup_analysis
from tests.reference_extra import close, extra_csv

CASES = {  # case -> (data, group column, reference, other group, subgroup columns, ties)
    "veteran": ("veteran2__data", "trt", "1", "2", ("celltype", "prior"), "efron"),
    "lung": ("lung2__data", "sex", "female", "male", ("ecog",), "efron"),
    "lung_breslow": ("lung2__data", "sex", "female", "male", ("ecog",), "breslow"),
}


def factor(data: pd.DataFrame, name: str) -> Factor:
    text = data[name].astype(str)
    levels = tuple(sorted(text.unique(), key=natural_key))
    return Factor(name, text.map({v: i for i, v in enumerate(levels)}).to_numpy(), levels)


def run(case: str):
    name, group_col, reference, other, columns, ties = CASES[case]
    data = extra_csv(name)
    group = (data[group_col].astype(str) == other).to_numpy(dtype=np.int64)
    return data, subgroup_analysis(data["time"], data["status"], group, (reference, other),
                                   [factor(data, c) for c in columns], ties=ties)


@pytest.mark.parametrize("case", list(CASES))
def test_hazard_ratios_and_interaction_match_r(case: str) -> None:
    _, analysis = run(case)
    expected = extra_csv("subgroups").query("case == @case")
    got = analysis.to_frame()
    got = got[got["column"] != ALL_PATIENTS].reset_index(drop=True)
    assert list(got["column"]) == list(expected["column"])
    assert list(got["level"]) == list(expected["level"])
    for column in ("n", "events", "hr", "ci_lower", "ci_upper", "p_interaction"):
        close(got[column], expected[column])


def test_overall_row_is_the_unadjusted_cox_model() -> None:
    data, analysis = run("veteran")
    overall = analysis.effects[0]
    group = (data["trt"] == 2).to_numpy(dtype=np.int64)
    model = cox_ph(data["time"], data["status"], group_design(group, 2))
    assert overall.column == ALL_PATIENTS and overall.level == ""
    assert overall.hr == pytest.approx(model.hr[0], rel=1e-12)
    assert np.isnan(overall.p_interaction)
    assert overall.n == len(data) and overall.events == int(data["status"].sum())
    assert "likelihood-ratio" in analysis.interaction_test


def test_the_interaction_statistic_is_twice_the_loglik_difference() -> None:
    data = extra_csv("lung2__data")
    group = (data["sex"] == "male").to_numpy(dtype=np.int64)
    ecog = factor(data, "ecog")
    expected = extra_csv("subgroups").query("case == 'lung'")["lr_chisq"].iloc[0]
    p = interaction_p_value(data["time"].to_numpy(), data["status"].to_numpy(dtype=bool),
                            group, 2, ecog)
    from scipy.stats import chi2

    assert p == pytest.approx(chi2.sf(expected, 2), rel=1e-6)


def test_missing_levels_are_left_out_and_empty_groups_give_nan() -> None:
    data = extra_csv("veteran2__data")
    group = (data["trt"] == 2).to_numpy(dtype=np.int64)
    codes = factor(data, "prior").codes.copy()
    codes[:10] = -1
    # a level where every patient is in one arm: its hazard ratio is not estimable
    lonely = np.where(group == 1, 0, 1)
    analysis = subgroup_analysis(data["time"], data["status"], group, ("1", "2"),
                                 [Factor("prior", codes, ("no", "yes")),
                                  Factor("arm_alias", lonely, ("a", "b"))])
    prior = [e for e in analysis.effects if e.column == "prior"]
    assert sum(e.n for e in prior) == len(data) - 10
    alias = [e for e in analysis.effects if e.column == "arm_alias"]
    assert all(np.isnan(e.hr) and e.note for e in alias)
    assert np.isnan(alias[0].p_interaction)


def test_three_arms_give_one_row_per_comparison() -> None:
    data = extra_csv("veteran2__data")
    arms = np.arange(len(data)) % 3
    analysis = subgroup_analysis(data["time"], data["status"], arms, ("A", "B", "C"),
                                 [factor(data, "prior")])
    assert [(e.level, e.group) for e in analysis.effects] == [
        ("", "B"), ("", "C"), ("no", "B"), ("no", "C"), ("yes", "B"), ("yes", "C")]
    assert 0 < analysis.effects[2].p_interaction < 1
