"""Seeded synthetic registry data for the benchmarks.

Two arms (``observation``, the reference, and ``sorafenib`` with hazard ratio 0.8), three
strata (``risk``: low, intermediate, high, with hazards x1, x1.5, x2.5), exponential event
times (median about 2 years in the reference low-risk stratum) and uniform censoring over
0-6 years, then rounded up to whole days so that times are tied as in real registries (a
million patients share a few thousand distinct days).

``make_trial(n, seed)`` is deterministic for a given ``(n, seed)``; ``write_csv`` and
``write_xlsx`` put it on disk for the import benchmarks and the ``analyze`` runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ARMS = ("observation", "sorafenib")
STRATA = ("low", "intermediate", "high")
ARM_HAZARD_RATIO = 0.8
STRATUM_HAZARD = (1.0, 1.5, 2.5)
BASE_MEDIAN_DAYS = 730.0
MAX_CENSOR_DAYS = 6 * 365.0
SEED = 20240607


def make_trial(n: int, seed: int = SEED) -> pd.DataFrame:
    """``n`` patients: ``patient_id``, ``arm``, ``risk``, ``time_days`` (int >= 1), ``event``
    (0/1)."""
    rng = np.random.default_rng([seed, n])
    arm = rng.integers(0, 2, n)
    stratum = rng.choice(3, size=n, p=(0.5, 0.3, 0.2))
    hazard = (np.log(2.0) / BASE_MEDIAN_DAYS) * np.asarray(STRATUM_HAZARD)[stratum] \
        * np.where(arm == 1, ARM_HAZARD_RATIO, 1.0)
    event_time = rng.exponential(1.0 / hazard)
    censor_time = rng.uniform(0.0, MAX_CENSOR_DAYS, n)
    time = np.ceil(np.minimum(event_time, censor_time)).astype(np.int64)
    return pd.DataFrame({
        "patient_id": [f"P{i:07d}" for i in range(1, n + 1)],
        "arm": np.asarray(ARMS, dtype=object)[arm],
        "risk": np.asarray(STRATA, dtype=object)[stratum],
        "time_days": time,
        "event": (event_time <= censor_time).astype(np.int64),
    })


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def write_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_excel(path, index=False, sheet_name="patients", engine="openpyxl")
    return path


def cached_file(n: int, suffix: str, folder: Path) -> Path:
    """The trial of ``n`` patients as ``folder/trial_<n>.<suffix>``, written once."""
    path = folder / f"trial_{n}.{suffix}"
    if not path.exists():
        frame = make_trial(n)
        (write_csv if suffix == "csv" else write_xlsx)(frame, path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)
    return path
