"""Cox fits inside ``shared_risk_sets`` build the sorted cells of equal data once; an inner
block sees the outer cells and drops its own at its end."""

from __future__ import annotations

import numpy as np
import pytest

from resort_gui.stats import cox
from resort_gui.stats.cox import risk_sets, shared_risk_sets


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows of each ``_RiskSets.build``."""
    seen: list[int] = []
    build = cox._RiskSets.build

    def counted(time, event, x, strata, *, collapse):  # noqa: ANN001, ANN202
        seen.append(time.size)
        return build(time, event, x, strata, collapse=collapse)

    monkeypatch.setattr(cox._RiskSets, "build", counted)
    return seen


def data(n: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(n)
    return (np.sort(rng.integers(1, 50, n).astype(float)), rng.random(n) < 0.6,
            rng.integers(0, 2, (n, 1)).astype(float), np.zeros(n, dtype=np.int64))


def test_equal_data_is_built_once_and_an_inner_block_drops_its_own(builds) -> None:
    everyone, pair = data(40), data(25)
    with shared_risk_sets():
        first = risk_sets(*everyone, collapse=True)
        assert risk_sets(*(a.copy() for a in everyone), collapse=True) is first
        with shared_risk_sets():
            assert risk_sets(*everyone, collapse=True) is first  # the outer cells
            inner = risk_sets(*pair, collapse=True)
            assert risk_sets(*pair, collapse=True) is inner
            risk_sets(*everyone, collapse=False)  # another kind of cells: built here
        assert risk_sets(*pair, collapse=True) is not inner  # dropped with its block
    assert builds == [40, 25, 40, 25]
    risk_sets(*everyone, collapse=True)  # outside any block: always built
    assert builds == [40, 25, 40, 25, 40]
