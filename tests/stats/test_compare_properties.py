"""Properties of the group comparisons that must hold for any data, checked by hypothesis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from resort_gui.stats import compare

PROPERTY_SETTINGS = settings(derandomize=True, deadline=None, max_examples=100)
WEIGHT_CHOICES = [("logrank", 1.0, 1.0), ("gehan_breslow", 1.0, 1.0),
                  ("tarone_ware", 1.0, 1.0), ("peto_peto", 1.0, 1.0),
                  ("modified_peto", 1.0, 1.0), ("fleming_harrington", 1.0, 0.0),
                  ("fleming_harrington", 0.0, 1.0), ("fleming_harrington", 0.5, 2.0)]


@dataclass(frozen=True)
class Trial:
    time: np.ndarray
    event: np.ndarray
    group: np.ndarray
    strata: np.ndarray | None
    n_groups: int


@st.composite
def trials(draw: st.DrawFn, *, min_groups: int = 2, max_groups: int = 4,
           stratified: bool | None = None) -> Trial:
    """Small trials with many ties: integer times 1..15, k groups, optional strata."""
    k = draw(st.integers(min_groups, max_groups))
    n = draw(st.integers(1, 40))
    time = np.array(draw(st.lists(st.integers(1, 15), min_size=n, max_size=n)), dtype=float)
    event = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    group = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    use_strata = draw(st.booleans()) if stratified is None else stratified
    strata = (np.array(draw(st.lists(st.integers(-1, 2), min_size=n, max_size=n)))
              if use_strata else None)
    return Trial(time, event, group.astype(np.int64), strata, k)


def _weighted(trial: Trial, choice: tuple[str, float, float], **changes: object):
    arguments = {"time": trial.time, "event": trial.event, "group": trial.group,
                 "strata": trial.strata, "n_groups": trial.n_groups}
    arguments.update(changes)
    weight, p, q = choice
    return compare.weighted_test(**arguments, weight=weight, p=p, q=q)


def _assert_same_test(a, b) -> None:
    assert a.df == b.df
    assert np.isnan(a.chisq) == np.isnan(b.chisq)
    if not np.isnan(a.chisq):
        assert_allclose(a.chisq, b.chisq, rtol=1e-8, atol=1e-10)
        assert_allclose(a.p_value, b.p_value, rtol=1e-8, atol=1e-12)


def _assert_honest(result) -> None:
    """A p-value in [0, 1], or NaN with a note saying why."""
    if np.isnan(result.p_value):
        assert np.isnan(result.chisq)
        assert result.note
    else:
        assert 0.0 <= result.p_value <= 1.0
        assert result.chisq >= 0.0
        assert result.df >= 1


# --------------------------------------------------------------------------------------------
# p-values and invariances
# --------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(trial=trials(), choice=st.sampled_from(WEIGHT_CHOICES))
def test_p_value_is_a_probability_or_nan_with_a_note(trial: Trial, choice) -> None:
    _assert_honest(_weighted(trial, choice))
    trend = compare.trend_test(trial.time, trial.event, trial.group, strata=trial.strata,
                               weight=choice[0], p=choice[1], q=choice[2],
                               n_groups=trial.n_groups)
    assert (0.0 <= trend.p_value <= 1.0) or (np.isnan(trend.p_value) and trend.note)


@PROPERTY_SETTINGS
@given(trial=trials(), choice=st.sampled_from(WEIGHT_CHOICES), data=st.data())
def test_invariant_to_row_order(trial: Trial, choice, data: st.DataObject) -> None:
    order = np.array(data.draw(st.permutations(range(trial.time.size))), dtype=np.int64)
    shuffled = Trial(trial.time[order], trial.event[order], trial.group[order],
                     None if trial.strata is None else trial.strata[order], trial.n_groups)
    before, after = _weighted(trial, choice), _weighted(shuffled, choice)
    _assert_same_test(before, after)
    assert_allclose(before.observed, after.observed, rtol=1e-10, atol=1e-12)
    assert_allclose(before.expected, after.expected, rtol=1e-10, atol=1e-12)


@PROPERTY_SETTINGS
@given(trial=trials(), choice=st.sampled_from(WEIGHT_CHOICES),
       factor=st.sampled_from([1e-3, 0.37, 2.0, 30.4375, 365.25, 1e4]))
def test_invariant_to_the_time_unit(trial: Trial, choice, factor: float) -> None:
    _assert_same_test(_weighted(trial, choice), _weighted(trial, choice,
                                                          time=trial.time * factor))


@PROPERTY_SETTINGS
@given(trial=trials(), choice=st.sampled_from(WEIGHT_CHOICES), data=st.data())
def test_relabelling_groups_leaves_the_k_group_test_unchanged(trial: Trial, choice,
                                                              data: st.DataObject) -> None:
    relabel = np.array(data.draw(st.permutations(range(trial.n_groups))), dtype=np.int64)
    before = _weighted(trial, choice)
    after = _weighted(trial, choice, group=relabel[trial.group])
    _assert_same_test(before, after)
    assert_allclose(after.observed[relabel], before.observed, rtol=1e-10, atol=1e-12)
    assert_allclose(after.expected[relabel], before.expected, rtol=1e-10, atol=1e-12)


@PROPERTY_SETTINGS
@given(trial=trials(), choice=st.sampled_from(WEIGHT_CHOICES))
def test_rows_sorted_by_time_give_the_same_test(trial: Trial, choice) -> None:
    """Sorted times are counted linearly, unsorted ones split by cell: same numbers."""
    order = np.argsort(trial.time, kind="stable")
    by_time = Trial(trial.time[order], trial.event[order], trial.group[order],
                    None if trial.strata is None else trial.strata[order], trial.n_groups)
    before, after = _weighted(trial, choice), _weighted(by_time, choice)
    _assert_same_test(before, after)
    assert_allclose(before.expected, after.expected, rtol=1e-10, atol=1e-12)


@PROPERTY_SETTINGS
@given(trial=trials(stratified=True), choice=st.sampled_from(WEIGHT_CHOICES))
def test_sparse_stratum_codes_give_the_same_test(trial: Trial, choice) -> None:
    """Strata numbered 0, 1, 2 or 0, 10^6, 2 x 10^6: the second makes the table of
    (stratum, time) blocks too sparse to count densely, so the other numbering is used."""
    assert trial.strata is not None
    spread = np.where(trial.strata >= 0, trial.strata * 1_000_000, -1)
    _assert_same_test(_weighted(trial, choice), _weighted(trial, choice, strata=spread))


@PROPERTY_SETTINGS
@given(trial=trials(stratified=False))
def test_one_stratum_is_the_unstratified_test(trial: Trial) -> None:
    plain = compare.survdiff(trial.time, trial.event, trial.group, n_groups=trial.n_groups)
    one = compare.survdiff(trial.time, trial.event, trial.group, n_groups=trial.n_groups,
                           strata=np.zeros(trial.time.size, dtype=np.int64))
    _assert_same_test(plain, one)


@PROPERTY_SETTINGS
@given(trial=trials(min_groups=2, max_groups=2, stratified=False))
def test_two_group_trend_is_the_logrank_test(trial: Trial) -> None:
    logrank = compare.survdiff(trial.time, trial.event, trial.group, n_groups=2)
    trend = compare.trend_test(trial.time, trial.event, trial.group, n_groups=2)
    if not np.isnan(logrank.chisq):
        assert_allclose(trend.chisq, logrank.chisq, rtol=1e-8, atol=1e-12)


# --------------------------------------------------------------------------------------------
# Pairwise adjustment and hazard ratios
# --------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(p=st.lists(st.one_of(st.floats(0.0, 1.0), st.just(float("nan"))), max_size=12),
       method=st.sampled_from(["holm", "bonferroni", "BH"]))
def test_adjusted_p_values_are_capped_and_monotone(p: list[float], method: str) -> None:
    raw = np.array(p, dtype=float)
    adjusted = compare.adjust_p_values(raw, method)
    known = ~np.isnan(raw)
    assert np.array_equal(np.isnan(adjusted), ~known)
    assert np.all(adjusted[known] >= raw[known] - 1e-15)
    assert np.all(adjusted[known] <= 1.0)
    order = np.argsort(raw[known], kind="stable")
    assert np.all(np.diff(adjusted[known][order]) >= -1e-15)


def test_p_adjust_matches_r_on_a_worked_example() -> None:
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
    #    p.adjust(..., "BH") = 0.02 0.04 0.04 0.02
    p = [0.01, 0.04, 0.03, 0.005]
    assert_allclose(compare.adjust_p_values(p, "holm"), [0.03, 0.06, 0.06, 0.02])
    assert_allclose(compare.adjust_p_values(p, "BH"), [0.02, 0.04, 0.04, 0.02])
    assert_allclose(compare.adjust_p_values(p, "bonferroni"), [0.04, 0.16, 0.12, 0.02])


@PROPERTY_SETTINGS
@given(trial=trials(min_groups=3), adjust=st.sampled_from(["holm", "bonferroni", "BH", "none"]))
def test_pairwise_p_values_are_probabilities(trial: Trial, adjust: str) -> None:
    result = compare.pairwise_tests(trial.time, trial.event, trial.group, adjust=adjust,
                                    strata=trial.strata, n_groups=trial.n_groups)
    k = trial.n_groups
    assert len(result.group1) == k * (k - 1) // 2
    for p, note in zip(result.p_adjusted, result.notes, strict=True):
        assert (0.0 <= p <= 1.0) or (np.isnan(p) and note)


@PROPERTY_SETTINGS
@given(trial=trials(stratified=False))
def test_hazard_ratios_are_positive_with_ordered_limits_or_nan(trial: Trial) -> None:
    for method in (compare.hazard_ratio_logrank, compare.hazard_ratio_mantel_haenszel):
        result = method(trial.time, trial.event, trial.group, n_groups=trial.n_groups)
        for hr, lower, upper, note in zip(result.hr, result.ci_lower, result.ci_upper,
                                          result.notes, strict=True):
            if np.isnan(hr):
                assert note
            else:
                assert 0.0 < lower <= hr <= upper


# --------------------------------------------------------------------------------------------
# Degenerate data: honest answers, never exceptions
# --------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(trial=trials(min_groups=1, max_groups=1), choice=st.sampled_from(WEIGHT_CHOICES))
def test_one_group_gives_nan_with_a_note(trial: Trial, choice) -> None:
    result = _weighted(trial, choice)
    assert np.isnan(result.chisq) and np.isnan(result.p_value)
    assert result.note.startswith(compare.NOTE_ONE_GROUP)


@PROPERTY_SETTINGS
@given(trial=trials(), choice=st.sampled_from(WEIGHT_CHOICES))
def test_no_events_gives_nan_with_a_note(trial: Trial, choice) -> None:
    result = _weighted(trial, choice, event=np.zeros(trial.time.size, dtype=bool))
    assert np.isnan(result.chisq) and np.isnan(result.p_value)
    assert result.note
    assert np.all(result.observed == 0) and np.all(result.expected == 0)


@pytest.mark.parametrize("compute", [compare.survdiff, compare.weighted_test,
                                     compare.trend_test, compare.pairwise_tests,
                                     compare.hazard_ratio_logrank,
                                     compare.hazard_ratio_mantel_haenszel])
def test_no_patients_does_not_raise(compute) -> None:
    empty = np.array([])
    result = compute(empty, empty.astype(bool), empty.astype(np.int64), n_groups=2)
    assert result is not None


def test_one_group_message_is_plain_english() -> None:
    result = compare.survdiff([1.0, 2.0, 3.0], [True, False, True], [0, 0, 0])
    assert result.note == "Only one group has patients: no comparison is possible."
    assert result.df == 0


def test_every_event_in_one_group_is_still_computable() -> None:
    time = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    event = np.array([True, True, True, False, False, False])
    group = np.array([1, 1, 1, 0, 0, 0])
    result = compare.survdiff(time, event, group)
    assert result.df == 1 and np.isfinite(result.chisq) and 0 < result.p_value < 0.05
    oe = compare.hazard_ratio_logrank(time, event, group)
    mh = compare.hazard_ratio_mantel_haenszel(time, event, group)
    assert np.isnan(oe.hr[0]) and oe.notes[0]
    assert np.isfinite(mh.hr[0]) and mh.hr[0] > 1 and mh.notes[0]


def test_a_group_of_one_patient() -> None:
    time = np.array([2.0, 3.0, 5.0, 7.0, 4.0])
    event = np.array([True, False, True, True, True])
    group = np.array([0, 0, 0, 0, 1])
    result = compare.survdiff(time, event, group)
    assert result.df == 1 and 0.0 <= result.p_value <= 1.0
    assert_allclose(result.observed, [3.0, 1.0])


def test_an_empty_group_code_is_left_out_with_a_note() -> None:
    time = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    event = np.array([True, True, False, True, True, False])
    group = np.array([0, 2, 0, 2, 0, 2])
    with_empty = compare.survdiff(time, event, group)
    without = compare.survdiff(time, event, group // 2)
    assert with_empty.df == without.df == 1
    assert_allclose(with_empty.chisq, without.chisq, rtol=1e-12)
    assert with_empty.observed[1] == with_empty.expected[1] == 0
    assert "group code 1" in with_empty.note.lower()


def test_a_group_never_at_risk_at_an_event_is_left_out_as_r_does() -> None:
    time = np.array([1.0, 2.0, 3.0, 4.0, 0.5])
    event = np.array([True, True, False, True, False])
    group = np.array([0, 1, 0, 1, 2])
    result = compare.survdiff(time, event, group)
    assert result.df == 1
    assert result.expected[2] == 0
    assert "R's survdiff" in result.note


def test_zero_weight_everywhere_gives_nan_with_a_note() -> None:
    # Fleming-Harrington q=1 weighs the first event time by 1 - S(t-) = 0.
    result = compare.weighted_test([1.0, 1.0, 2.0, 2.0], [True, True, False, False],
                                   [0, 1, 0, 1], weight="fleming_harrington", p=0, q=1)
    assert np.isnan(result.p_value)
    assert result.note == compare.NOTE_ZERO_VARIANCE


def test_rows_with_a_missing_stratum_are_left_out_with_a_note() -> None:
    time = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    event = np.ones(5, dtype=bool)
    group = np.array([0, 1, 0, 1, 0])
    result = compare.survdiff(time, event, group, strata=np.array([0, 0, 0, 0, -1]))
    reference = compare.survdiff(time[:4], event[:4], group[:4], strata=np.zeros(4, int))
    assert_allclose(result.chisq, reference.chisq, rtol=1e-12)
    assert "1 row was left out for a missing stratum." in result.note


def test_a_singular_variance_uses_a_generalised_inverse_with_a_note() -> None:
    # Group 2 is alone in its stratum: its row of V is zero (R's solve() would stop).
    time = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0, 11.0])
    event = np.ones(8, dtype=bool)
    group = np.array([0, 1, 0, 1, 0, 1, 2, 2])
    strata = np.array([0, 0, 0, 0, 0, 0, 1, 1])
    result = compare.survdiff(time, event, group, strata=strata)
    two_groups = compare.survdiff(time[:6], event[:6], group[:6])
    assert result.df == 1
    assert_allclose(result.chisq, two_groups.chisq, rtol=1e-10)
    assert "generalised inverse" in result.note
