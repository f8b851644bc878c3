"""Properties every Kaplan-Meier result must have, on random data (hypothesis).

Times are drawn from a small integer grid so that ties between events and censorings, and
curves that reach 0, happen often. Derandomized, so CI sees the same examples every run.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from resort_gui.stats.km import (
    CONF_TYPES,
    kaplan_meier,
    restricted_mean,
    risk_table,
    survival_at,
    survival_quantiles,
)

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)
PROBS = (0.1, 0.25, 0.5, 0.75, 0.9, 1.0)


@st.composite
def survival_data(draw: st.DrawFn, min_size: int = 0) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(min_value=min_size, max_value=40))
    time = draw(st.lists(st.integers(0, 25), min_size=n, max_size=n))
    event = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return np.asarray(time, dtype=np.float64), np.asarray(event, dtype=bool)


conf_types = st.sampled_from(CONF_TYPES)


@SETTINGS
@given(survival_data(), conf_types)
def test_survival_is_non_increasing_within_unit_interval(data, conf_type) -> None:
    km = kaplan_meier(*data, conf_type=conf_type)
    assert np.all((km.survival >= 0.0) & (km.survival <= 1.0))
    assert np.all(np.diff(km.survival) <= 0.0)
    assert np.all(np.diff(km.time) > 0.0)


@SETTINGS
@given(survival_data(), conf_types)
def test_confidence_interval_contains_survival_where_finite(data, conf_type) -> None:
    km = kaplan_meier(*data, conf_type=conf_type)
    slack = 1e-12
    lower_known, upper_known = ~np.isnan(km.ci_lower), ~np.isnan(km.ci_upper)
    assert np.all(km.ci_lower[lower_known] <= km.survival[lower_known] + slack)
    assert np.all(km.ci_upper[upper_known] >= km.survival[upper_known] - slack)
    assert np.all((km.ci_lower[lower_known] >= 0.0) & (km.ci_upper[upper_known] <= 1.0))
    # NaN only where R has NA: S == 0, or S == 1 for log-log
    undefined = km.survival == 0.0
    if conf_type == "log-log":
        undefined |= km.survival == 1.0
    assert_array_equal(np.isnan(km.ci_lower), undefined)
    assert_array_equal(np.isnan(km.std_err), km.survival == 0.0)


@SETTINGS
@given(survival_data(), conf_types, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(data, conf_type, rng) -> None:
    time, event = data
    order = np.array(rng.sample(range(time.size), time.size), dtype=np.int64)
    km = kaplan_meier(time, event, conf_type=conf_type)
    shuffled = kaplan_meier(time[order], event[order], conf_type=conf_type)
    for column in (
        "time",
        "n_risk",
        "n_event",
        "n_censor",
        "survival",
        "std_err",
        "ci_lower",
        "ci_upper",
    ):
        assert_array_equal(getattr(km, column), getattr(shuffled, column), err_msg=column)
    assert_array_equal(survival_quantiles(km, PROBS).time, survival_quantiles(shuffled, PROBS).time)
    at = np.arange(0.0, 27.0, 3.0)
    table, shuffled_table = risk_table(time, event, at), risk_table(time[order], event[order], at)
    assert_array_equal(table.n_risk, shuffled_table.n_risk)
    assert_array_equal(table.n_event_cum, shuffled_table.n_event_cum)


@SETTINGS
@given(survival_data(), conf_types)
def test_times_in_order_are_counted_to_the_same_curve(data, conf_type) -> None:
    """Sorted times take the one-pass counting path (run_analysis sorts them once)."""
    time, event = data
    order = np.argsort(time, kind="stable")
    km = kaplan_meier(time, event, conf_type=conf_type)
    in_order = kaplan_meier(time[order], event[order], conf_type=conf_type)
    for column in ("time", "n_risk", "n_event", "n_censor", "survival", "std_err", "ci_lower",
                   "ci_upper"):
        assert_array_equal(getattr(km, column), getattr(in_order, column), err_msg=column)
    at = np.arange(0.0, 27.0, 3.0)
    table, in_order_table = risk_table(time, event, at), risk_table(time[order], event[order],
                                                                     at)
    for column in ("n_risk", "n_event_cum", "n_censor_cum"):
        assert_array_equal(getattr(table, column), getattr(in_order_table, column))


@SETTINGS
@given(survival_data())
def test_counts_add_up(data) -> None:
    time, event = data
    km = kaplan_meier(time, event)
    assert km.n == time.size
    assert km.n_event.sum() == event.sum()
    assert km.n_event.sum() + km.n_censor.sum() == time.size
    if time.size:
        assert km.n_risk[0] == time.size
        leaving = km.n_event + km.n_censor
        assert_array_equal(km.n_risk[1:], km.n_risk[:-1] - leaving[:-1])
        assert km.n_risk[-1] == leaving[-1]
        assert np.all(leaving >= 1)


@SETTINGS
@given(survival_data())
def test_risk_table_agrees_with_the_curve(data) -> None:
    time, event = data
    km = kaplan_meier(time, event)
    table = risk_table(time, event, km.time)
    assert_array_equal(table.n_risk, km.n_risk)
    assert_array_equal(table.n_event_cum, np.cumsum(km.n_event))
    assert_array_equal(table.n_censor_cum, np.cumsum(km.n_censor))
    landmarks = survival_at(km, km.time)
    assert_array_equal(landmarks.survival, km.survival)
    assert_array_equal(landmarks.n_risk, km.n_risk)


@SETTINGS
@given(survival_data(min_size=1), conf_types, st.sampled_from((0.5, 2.0, 7.3, 365.25 / 12.0)))
def test_quantiles_scale_with_time_and_not_with_probability(data, conf_type, factor) -> None:
    time, event = data
    quantiles = survival_quantiles(kaplan_meier(time, event, conf_type=conf_type), PROBS)
    rescaled = survival_quantiles(kaplan_meier(time * factor, event, conf_type=conf_type), PROBS)
    assert_array_equal(rescaled.prob, quantiles.prob)
    assert_array_equal(rescaled.reached, quantiles.reached)
    for column in ("time", "ci_lower", "ci_upper"):
        assert_allclose(
            getattr(rescaled, column),
            getattr(quantiles, column) * factor,
            rtol=1e-12,
            equal_nan=True,
            err_msg=column,
        )


@SETTINGS
@given(survival_data(min_size=1), st.integers(0, 30), st.integers(0, 30))
def test_restricted_mean_lies_under_tau_and_grows_with_it(data, tau_a, tau_b) -> None:
    km = kaplan_meier(*data)
    short, long = sorted((float(tau_a), float(tau_b)))
    first, second = restricted_mean(km, short), restricted_mean(km, long)
    assert 0.0 <= first.rmst <= short + 1e-12
    assert first.rmst <= second.rmst + 1e-12
    assert second.rmst - first.rmst <= long - short + 1e-12
    assert np.isfinite(first.se) and first.se >= 0.0
