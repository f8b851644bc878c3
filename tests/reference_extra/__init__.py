"""R reference values for the analyses beyond the primary KM (see README.md here)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

EXTRA_DIR = Path(__file__).resolve().parent
RTOL = 1e-6


def extra_csv(name: str, **options: object) -> pd.DataFrame:
    """One reference table of this folder, e.g. ``extra_csv("zph")``."""
    return pd.read_csv(EXTRA_DIR / f"{name}.csv", keep_default_na=False, na_values=["NA", ""],
                       **options)


def close(actual: object, expected: object, rtol: float = RTOL, atol: float = 0.0) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float),
                               np.asarray(expected, dtype=float), rtol=rtol, atol=atol,
                               equal_nan=True)
