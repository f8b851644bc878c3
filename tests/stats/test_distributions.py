"""The scipy.special forms give scipy.stats' numbers bit for bit, and analyze does not import
scipy.stats (half a second of start-up)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from resort_gui.stats.distributions import (
    chi2_upper_tail,
    normal_quantile,
    normal_upper_quantile,
    normal_upper_tail,
)

X = [-np.inf, -40.0, -1.0, -1e-300, 0.0, 1e-300, 0.5, 3.841, 40.0, 1e3, np.inf, np.nan]
P = [0.0, 1e-300, 0.025, 0.5, 0.975, 1.0, 1.5, np.nan]


@pytest.mark.parametrize("df", [0, 1, 2, 3.5, 7])
def test_chi2_upper_tail_is_scipy_stats(df: float) -> None:
    np.testing.assert_array_equal(chi2_upper_tail(np.array(X), df), stats.chi2.sf(X, df))


def test_normal_functions_are_scipy_stats() -> None:
    np.testing.assert_array_equal(normal_upper_tail(np.array(X)), stats.norm.sf(X))
    np.testing.assert_array_equal(normal_quantile(np.array(P)), stats.norm.ppf(P))
    np.testing.assert_array_equal(normal_upper_quantile(np.array(P)), stats.norm.isf(P))


def test_analyze_does_not_import_scipy_stats() -> None:
    code = ("import sys, resort_gui.app.cli, resort_gui.app.pipeline, resort_gui.analysis.run; "
            "print('scipy.stats' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "False", done.stderr
