"""Inside shared_event_tables() tests of the same arrays share one event table, and new
arrays (even at a reused address) get their own."""

from __future__ import annotations

import numpy as np
import pytest

from resort_gui.stats import compare

RNG = np.random.default_rng(7)
TIME = RNG.integers(1, 30, 200).astype(float)
EVENT = RNG.random(200) < 0.6
GROUP = RNG.integers(0, 3, 200)
STRATA = RNG.integers(0, 2, 200)


def _tests(time: np.ndarray, strata: np.ndarray | None) -> list[float]:
    return [compare.weighted_test(time, EVENT, GROUP, weight=w, strata=strata).chisq
            for w in ("logrank", "gehan_breslow", "peto_peto", "fleming_harrington")]


@pytest.mark.parametrize("strata", [None, STRATA])
def test_shared_tables_give_the_same_tests_from_one_table(monkeypatch, strata) -> None:
    expected = _tests(TIME, strata)
    built = []
    original = compare._event_table
    monkeypatch.setattr(compare, "_event_table", lambda s: built.append(1) or original(s))
    with compare.shared_event_tables():
        got = _tests(TIME, strata)
    np.testing.assert_array_equal(got, expected)
    assert len(built) == 1


def test_a_new_array_at_a_freed_address_gets_its_own_table() -> None:
    expected = _tests(TIME[::-1].copy(), None)
    assert expected != _tests(TIME, None)
    with compare.shared_event_tables():
        for _ in range(20):
            _tests(TIME.copy(), None)  # a table for a temporary array, which is then freed
            assert _tests(TIME[::-1].copy(), None) == expected  # maybe at that address


def test_pairwise_tests_and_log_rank_hazard_ratios_read_pairs_off_one_table(monkeypatch) -> None:
    def run() -> list[np.ndarray]:
        pairwise = compare.pairwise_tests(TIME, EVENT, GROUP, strata=STRATA)
        ratios = [f(TIME, EVENT, GROUP, strata=STRATA).hr for f in (
            compare.hazard_ratio_logrank, compare.hazard_ratio_mantel_haenszel)]
        return [pairwise.chisq, *ratios]

    expected = run()
    built = []
    original = compare._event_table
    monkeypatch.setattr(compare, "_event_table", lambda s: built.append(1) or original(s))
    with compare.shared_event_tables():
        got = run()
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(built) == 1  # the pairs (0, 1), (0, 2) and (1, 2) are read off it


@pytest.mark.parametrize("strata", [None, STRATA])
def test_a_pair_read_off_the_table_of_all_groups_is_the_pair_counted_alone(strata) -> None:
    """Same numbers (to the bit) as the pair's own rows counted in a table of their own."""
    for i, j in ((0, 1), (0, 2), (1, 2)):
        rows = (GROUP == i) | (GROUP == j)
        alone = compare.survdiff(TIME[rows], EVENT[rows], (GROUP[rows] == j).astype(np.int64),
                                 strata=None if strata is None else STRATA[rows])
        pair = compare.pairwise_tests(TIME, EVENT, GROUP, strata=strata, adjust="none")
        at = [(a, b) for a, b in zip(pair.group1, pair.group2, strict=True)].index((i, j))
        assert pair.chisq[at] == alone.chisq and pair.p_value[at] == alone.p_value
