"""distinct_times: np.unique(return_inverse=True), linear on sorted input."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from resort_gui.stats.distinct import distinct_times

times = st.lists(st.sampled_from([0.0, -0.0, 0.5, 1.0, 2.0, 2.5, 1e300, np.inf, np.nan]),
                 max_size=30)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(values=times, sort=st.booleans())
def test_same_answer_as_numpy_unique(values: list[float], sort: bool) -> None:
    time = np.sort(np.array(values)) if sort else np.array(values)
    expected_times, expected_code = np.unique(time, return_inverse=True)
    got_times, got_code = distinct_times(time)
    np.testing.assert_array_equal(got_times, expected_times)
    np.testing.assert_array_equal(got_code, expected_code.reshape(-1))


def test_sorted_input_with_ties() -> None:
    time = np.repeat(np.arange(1000.0), 3)
    got_times, got_code = distinct_times(time)
    np.testing.assert_array_equal(got_times, np.arange(1000.0))
    np.testing.assert_array_equal(got_code, np.repeat(np.arange(1000), 3))
