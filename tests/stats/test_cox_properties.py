"""Properties of the Cox fit that hold for any data, and its degenerate answers."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from resort_gui.stats.cox import ONE_GROUP_NOTE, cox_ph, group_design

FAST = settings(derandomize=True, deadline=None, max_examples=50)
TIES = ("efron", "breslow", "exact")
ESTIMATES = ("coef", "se", "hr", "ci_lower", "ci_upper", "wald_p")


@st.composite
def two_groups(draw, max_n: int = 24, max_time: int = 10) -> dict[str, np.ndarray]:
    """Integer times (so ties are common), events, group codes 0/1 and two strata."""
    n = draw(st.integers(4, max_n))
    column = st.lists
    return {
        "time": np.array(draw(column(st.integers(1, max_time), min_size=n, max_size=n)),
                         dtype=np.float64),
        "event": np.array(draw(column(st.booleans(), min_size=n, max_size=n))),
        "group": np.array(draw(column(st.integers(0, 1), min_size=n, max_size=n))),
        "strata": np.array(draw(column(st.integers(0, 1), min_size=n, max_size=n))),
    }


def _fit(data: dict[str, np.ndarray], ties: str, stratified: bool = False, **changes):
    values = {**data, **changes}
    return cox_ph(values["time"], values["event"], group_design(values["group"], 2),
                  strata=values["strata"] if stratified else None, ties=ties)


def _assert_same_fit(a, b, rtol: float = 1e-8) -> None:
    for name in ESTIMATES:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=rtol, atol=1e-12,
                                   err_msg=name)
    np.testing.assert_allclose(a.loglik, b.loglik, rtol=rtol)
    np.testing.assert_allclose([a.lr_chisq, a.score_chisq], [b.lr_chisq, b.score_chisq],
                               rtol=rtol, atol=1e-10)
    assert (a.n, a.events, a.converged, a.note) == (b.n, b.events, b.converged, b.note)


@FAST
@given(data=two_groups(), seed=st.integers(0, 2**32 - 1), ties=st.sampled_from(TIES),
       stratified=st.booleans())
def test_row_order_does_not_matter(data, seed, ties, stratified):
    model = _fit(data, ties, stratified)
    assume(model.converged)
    order = np.random.default_rng(seed).permutation(data["time"].size)
    shuffled = {key: value[order] for key, value in data.items()}
    _assert_same_fit(model, _fit(shuffled, ties, stratified))


@FAST
@given(data=two_groups(), factor=st.floats(1e-3, 1e3), ties=st.sampled_from(TIES))
def test_only_the_order_of_times_matters(data, factor, ties):
    model = _fit(data, ties)
    assume(model.converged)
    _assert_same_fit(model, _fit(data, ties, time=data["time"] * factor + 7.0), rtol=1e-10)


@FAST
@given(data=two_groups(), ties=st.sampled_from(TIES), stratified=st.booleans())
def test_swapping_the_reference_flips_the_sign(data, ties, stratified):
    model = _fit(data, ties, stratified)
    assume(model.converged)
    swapped = _fit(data, ties, stratified, group=1 - data["group"])
    np.testing.assert_allclose(swapped.coef, -model.coef, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(swapped.se, model.se, rtol=1e-7)
    np.testing.assert_allclose(swapped.hr, 1 / model.hr, rtol=1e-7)
    np.testing.assert_allclose(swapped.ci_lower, 1 / model.ci_upper, rtol=1e-7)
    np.testing.assert_allclose(swapped.wald_p, model.wald_p, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(swapped.loglik, model.loglik, rtol=1e-9)
    np.testing.assert_allclose([swapped.lr_chisq, swapped.score_chisq],
                               [model.lr_chisq, model.score_chisq], rtol=1e-6, atol=1e-10)


@FAST
@given(data=two_groups())
def test_tie_methods_agree_without_tied_deaths(data):
    distinct = data["time"] + np.arange(data["time"].size) / 100.0  # no two times equal
    fits = [_fit(data, ties, time=distinct) for ties in TIES]
    assume(fits[0].converged)
    for other in fits[1:]:
        _assert_same_fit(fits[0], other, rtol=1e-7)


def _exact_loglik(time, event, x, beta) -> float:
    """Brute force: every subset of the risk set with as many members as deaths."""
    eta = x * beta
    total = 0.0
    for t in np.unique(time[event]):
        dead = event & (time == t)
        at_risk = np.flatnonzero(time >= t)
        subsets = combinations(at_risk, int(dead.sum()))
        total += eta[dead].sum() - np.log(sum(np.exp(eta[list(s)].sum()) for s in subsets))
    return float(total)


@settings(derandomize=True, deadline=None, max_examples=25)
@given(data=two_groups(max_n=11, max_time=4))
def test_exact_ties_is_the_subset_likelihood(data):
    model = _fit(data, "exact")
    assume(model.converged)
    x = data["group"].astype(np.float64)
    expected = [_exact_loglik(data["time"], data["event"], x, beta)
                for beta in (0.0, model.coef[0])]
    np.testing.assert_allclose(model.loglik, expected, rtol=1e-10)


@FAST
@given(data=two_groups(), ties=st.sampled_from(TIES), stratified=st.booleans())
def test_no_events_gives_nan_and_a_note(data, ties, stratified):
    model = _fit(data, ties, stratified, event=np.zeros_like(data["event"]))
    for name in ESTIMATES:
        assert np.isnan(getattr(model, name)).all()
    assert np.isnan(model.lr_chisq) and np.isnan(model.score_chisq)
    assert not model.converged and model.events == 0
    assert "No events" in model.note


@FAST
@given(data=two_groups(), ties=st.sampled_from(TIES), events_in=st.integers(0, 1))
def test_all_events_in_one_group_gives_nan_and_a_note(data, ties, events_in):
    group = data["group"]
    assume(0 < group.sum() < group.size)
    event = data["event"] & (group == events_in)
    assume(event.any())
    time = np.where(group == events_in, data["time"], 100.0)  # other group still at risk
    model = _fit(data, ties, time=time, event=event)
    for name in ("hr", "ci_lower", "ci_upper", "coef", "se", "wald_p"):
        assert np.isnan(getattr(model, name)).all()
    assert not model.converged
    assert model.note == ONE_GROUP_NOTE
    assert model.lr_chisq > 0 and model.score_chisq > 0


def test_monotone_likelihood_keeps_the_global_tests_of_r():
    # R: coxph(Surv(t, e) ~ g) gives loglik -6.915723, -3.178054 and score 6.156307
    time = np.arange(1.0, 9.0)
    event = np.array([1, 1, 1, 0, 0, 1, 0, 0], dtype=bool)
    model = cox_ph(time, event, event.astype(np.float64)[:, None], terms=("g",))
    np.testing.assert_allclose(model.loglik, (-6.915723448631, -3.178053831178), rtol=1e-9)
    np.testing.assert_allclose(model.score_chisq, 6.156306578153, rtol=1e-9)
    assert np.isnan(model.hr[0]) and model.note == ONE_GROUP_NOTE


def test_a_group_without_events_among_three():
    time = np.arange(1.0, 9.0)
    group = np.array([0, 1, 0, 1, 2, 2, 0, 1])
    event = np.array([1, 1, 1, 0, 0, 0, 1, 1], dtype=bool)
    model = cox_ph(time, event, group_design(group, 3), terms=("B", "C"))
    assert np.isfinite(model.hr[0]) and np.isnan(model.hr[1])
    assert "'C'" in model.note and "no events" in model.note
    assert not model.converged


@pytest.mark.parametrize("ties", TIES)
def test_a_group_without_patients(ties):
    time = np.arange(1.0, 9.0)
    group = np.array([0, 1, 0, 1, 1, 1, 0, 1])
    event = np.array([1, 1, 1, 0, 0, 0, 1, 1], dtype=bool)
    model = cox_ph(time, event, group_design(group, 3), terms=("B", "C"), ties=ties)
    alone = cox_ph(time, event, group_design(group, 2), terms=("B",), ties=ties)
    np.testing.assert_allclose(model.coef, [alone.coef[0], np.nan])
    assert "'C'" in model.note and model.converged and model.df == 1


def test_stratum_constant_covariate_is_not_estimable():
    # R: coxph(... ~ x + z + strata(z)) reports NA for z, the other coefficient unchanged
    time = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    event = np.array([1, 0, 1, 1, 1, 0, 1, 1], dtype=bool)
    x = np.array([0.5, 1.5, 0.2, 2.0, 1.0, 0.1, 0.3, 0.8])
    z = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    both = cox_ph(time, event, np.c_[x, z], strata=z, terms=("x", "z"))
    alone = cox_ph(time, event, x, strata=z, terms=("x",))
    np.testing.assert_allclose(both.coef, [alone.coef[0], np.nan], rtol=1e-12)
    assert "'z'" in both.note


def test_missing_values_and_strata_leave_rows_out():
    time = np.array([1.0, 2, 3, 4, 5, 6, np.nan, 8])
    event = np.ones(8, dtype=bool)
    group = np.array([0, 1, 0, 1, -1, 1, 0, 1])
    strata = np.array([0, 0, 0, -1, 0, 0, 0, 0])
    model = cox_ph(time, event, group_design(group, 2), strata=strata)
    kept = np.array([0, 1, 2, 5, 7])
    reference = cox_ph(time[kept], event[kept], group_design(group[kept], 2),
                       strata=strata[kept])
    assert model.n == 5 and model.events == 5
    np.testing.assert_allclose(model.coef, reference.coef, rtol=1e-12)


def test_group_design():
    design = group_design([0, 2, 1, -1], 3)
    np.testing.assert_array_equal(design[:3], [[0, 0], [0, 1], [1, 0]])
    assert np.isnan(design[3]).all()
    with pytest.raises(ValueError):
        group_design([0, 3], 3)


@FAST
@given(data=two_groups(), ties=st.sampled_from(("efron", "breslow")), stratified=st.booleans(),
       beta=st.floats(-3.0, 3.0))
def test_patients_collapsed_into_cells_give_the_same_likelihood(data, ties, stratified, beta):
    """Patients sharing stratum, time and group are one weighted cell for Efron and Breslow:
    the log-likelihood, score and information must equal those of one row per patient."""
    from resort_gui.stats.cox import _likelihood_function, _RiskSets

    strata = data["strata"] if stratified else np.zeros_like(data["strata"])
    assume(data["event"].any())
    x = group_design(data["group"], 2)
    collapsed, rows = (_RiskSets.build(data["time"], data["event"], x, strata, collapse=c)
                       for c in (True, False))
    assert collapsed.weight.size <= rows.weight.size
    assert collapsed.weight.sum() == rows.weight.sum() == data["time"].size
    for a, b in zip(_likelihood_function(collapsed, ties)(np.array([beta])),
                    _likelihood_function(rows, ties)(np.array([beta])), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
