"""Milestone comparisons against R: survival differences at landmarks (``__milestones.csv``)
and the RMST difference at tau, plus the edge rules of ``stats.milestones``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resort_gui.stats.km import kaplan_meier, restricted_mean
from resort_gui.stats.milestones import (
    NOTE_NO_VARIANCE,
    NOTE_NOT_ESTIMABLE,
    rmst_difference,
    survival_difference,
)
from tests.reference import DATASETS, RTOL, csv, load

# R 4.2.2, survival 3.5-3, for each dataset of shared/reference/r-survival and each group g
# against the first level (tau from __rmst.csv):
#   tab <- summary(survfit(Surv(time, e) ~ g, data = d), rmean = tau)$table
#   dif <- tab[i, "rmean"] - tab[1, "rmean"]
#   se  <- sqrt(tab[i, "se(rmean)"]^2 + tab[1, "se(rmean)"]^2)
#   c(dif, dif - qnorm(0.975) * se, dif + qnorm(0.975) * se, 2 * pnorm(-abs(dif / se)))
RMST_DIFFERENCES = (
    ("aml", "Nonmaintained", 36, -6.2722222222222186, -15.358855347997014,
     2.8144109035525773, 0.17608674596032795),
    ("lung", "Female", 730, 123.58744212763833, 58.141436013809596, 189.03344824146706,
     0.00021460580649206316),
    ("ovarian", "B", 730, 120.60854700854708, -43.609478221388116, 284.8265722384823,
     0.15001483905892207),
    ("veteran", "smallcell", 180, -47.56977580912158, -75.836996731899603,
     -19.30255488634355, 0.00097256551698982855),
    ("veteran", "adeno", 180, -45.94098208484175, -76.210516096879957, -15.671448072803539,
     0.0029327876106738813),
    ("veteran", "large", 180, 14.565190754664428, -18.031976052249135, 47.162357561577991,
     0.38116127852076748),
)


def _curve(name: str, label: str, conf_type: str = "log-log"):
    data = load(name)
    mask = data.group == data.groups.index(label)
    return kaplan_meier(data.time[mask], data.event[mask], conf_type=conf_type)


def _cases() -> list[pytest.param]:
    return [pytest.param(name, group, id=f"{name}-{group}") for name in DATASETS
            for group in load(name).groups[1:]]


@pytest.mark.parametrize(("name", "group"), _cases())
def test_survival_difference_matches_r(name: str, group: str) -> None:
    data = load(name)
    expected = csv(name, "milestones").query("group == @group")
    result = survival_difference(_curve(name, group), _curve(name, data.groups[0]),
                                 data.landmarks)
    np.testing.assert_allclose(result.time, expected["time"])
    for column in ("difference", "ci_lower", "ci_upper", "p_value"):
        np.testing.assert_allclose(getattr(result, column), expected[column], rtol=RTOL,
                                   err_msg=column)
    assert result.notes == ("",) * len(expected)


@pytest.mark.parametrize("conf_type", ["log", "plain"])
def test_survival_difference_does_not_depend_on_the_curves_ci_transform(conf_type: str):
    data = load("lung")
    ours = survival_difference(_curve("lung", "Female", conf_type),
                               _curve("lung", "Male", conf_type), data.landmarks)
    expected = csv("lung", "milestones")
    np.testing.assert_allclose(ours.ci_lower, expected["ci_lower"], rtol=RTOL)


@pytest.mark.parametrize(("name", "group", "tau", "difference", "lower", "upper", "p"),
                         RMST_DIFFERENCES, ids=[f"{r[0]}-{r[1]}" for r in RMST_DIFFERENCES])
def test_rmst_difference_matches_r(name, group, tau, difference, lower, upper, p) -> None:
    reference = restricted_mean(_curve(name, load(name).groups[0]), tau)
    result = rmst_difference(restricted_mean(_curve(name, group), tau), reference)
    np.testing.assert_allclose([result.difference, result.ci_lower, result.ci_upper,
                                result.p_value], [difference, lower, upper, p], rtol=RTOL)
    assert result.tau == tau and result.note == ""


def test_before_any_event_the_difference_is_zero_without_interval() -> None:
    group = kaplan_meier([5.0, 6.0, 7.0], [True, False, True])
    reference = kaplan_meier([4.0, 8.0], [True, True])
    result = survival_difference(group, reference, [1.0, 4.5])
    assert result.difference[0] == 0.0 and result.std_err[0] == 0.0
    assert np.isnan([result.ci_lower[0], result.ci_upper[0], result.p_value[0]]).all()
    assert result.notes[0] == NOTE_NO_VARIANCE
    assert np.isfinite(result.p_value[1]) and result.notes[1] == ""


def test_a_curve_at_zero_has_no_standard_error_hence_no_interval() -> None:
    group = kaplan_meier([1.0, 2.0], [True, True])  # S reaches 0 at 2: Greenwood SE is NA
    reference = kaplan_meier([1.0, 3.0, 4.0, 5.0], [True, False, True, False])
    result = survival_difference(group, reference, [2.5])
    assert result.difference[0] == pytest.approx(0.0 - 0.75)
    assert np.isnan([result.std_err[0], result.ci_lower[0], result.p_value[0]]).all()
    assert result.notes[0] == NOTE_NOT_ESTIMABLE


def test_a_landmark_after_the_last_follow_up_is_carried_forward_with_a_note() -> None:
    group = kaplan_meier([1.0, 2.0, 3.0], [True, False, False])
    reference = kaplan_meier([1.0, 2.0, 10.0, 12.0], [False, True, False, True])
    result = survival_difference(group, reference, [5.0])
    assert result.difference[0] == pytest.approx(2 / 3 - 2 / 3)
    assert "after the last follow-up of the group (3)" in result.notes[0]
    assert "reference" not in result.notes[0]


def test_empty_landmarks_give_empty_rows() -> None:
    curve = kaplan_meier([1.0, 2.0], [True, False])
    result = survival_difference(curve, curve, [])
    assert result.time.size == 0 and result.notes == ()


def test_rmst_difference_needs_the_same_tau() -> None:
    curve = kaplan_meier([1.0, 2.0, 3.0], [True, False, True])
    with pytest.raises(ValueError, match="tau"):
        rmst_difference(restricted_mean(curve, 2.0), restricted_mean(curve, 3.0))


@pytest.mark.parametrize("level", [0.0, 1.0, 1.5])
def test_conf_level_must_lie_strictly_between_0_and_1(level: float) -> None:
    curve = kaplan_meier([1.0, 2.0, 3.0], [True, False, True])
    with pytest.raises(ValueError, match="conf_level"):
        survival_difference(curve, curve, [2.0], conf_level=level)


samples = st.lists(st.tuples(st.integers(1, 30), st.booleans()), min_size=1, max_size=40)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(samples, samples, st.floats(0.5, 35.0), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_interval_is_centred_and_p_agrees_with_it(a, b, t, level) -> None:
    """The interval is D -/+ z SE; it excludes 0 exactly when p < 1 - level; swapping the
    groups negates D and keeps the SE and p."""
    km_a = kaplan_meier([x for x, _ in a], [e for _, e in a])
    km_b = kaplan_meier([x for x, _ in b], [e for _, e in b])
    ab = survival_difference(km_a, km_b, [t], conf_level=level)
    ba = survival_difference(km_b, km_a, [t], conf_level=level)
    np.testing.assert_allclose(ab.difference, -ba.difference, atol=1e-15)
    np.testing.assert_allclose(ab.p_value, ba.p_value, equal_nan=True)
    if np.isfinite(ab.p_value[0]):
        np.testing.assert_allclose((ab.ci_lower + ab.ci_upper) / 2, ab.difference, atol=1e-12)
        excludes_zero = ab.ci_lower[0] > 0 or ab.ci_upper[0] < 0
        if abs(ab.p_value[0] - (1 - level)) > 1e-9:
            assert excludes_zero == (ab.p_value[0] < 1 - level)
