"""Access to R's reference output in ``tests/data/r-survival`` (see its README).

The files are vendored: a fresh clone runs its parity tests with nothing beside it, and a
missing file is a failure, never a skip.

``load(name)`` gives a dataset's arrays as the engine takes them: time, event (bool), group
codes in R's level order (code 0 = reference), and strata codes (-1 where R dropped the row).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent / "data" / "r-survival"
DATASETS = ("aml", "lung", "ovarian", "veteran")
CONF_TYPES = ("log-log", "log", "plain")
RTOL = 1e-6


@dataclass(frozen=True)
class Dataset:
    name: str
    frame: pd.DataFrame
    time_col: str
    event_col: str
    event_code: str
    group_col: str
    strata_col: str | None
    groups: tuple[str, ...]
    landmarks: tuple[float, ...]
    time: np.ndarray
    event: np.ndarray
    group: np.ndarray
    strata: np.ndarray | None


def csv(name: str, what: str) -> pd.DataFrame:
    """One reference table, e.g. ``csv("lung", "km")``; R's NA becomes NaN."""
    return pd.read_csv(REFERENCE_DIR / f"{name}__{what}.csv")


@cache
def load(name: str) -> Dataset:
    meta = csv(name, "meta").iloc[0]
    frame = csv(name, "data")
    groups = tuple(str(meta["groups"]).split("|"))
    strata_col = None if pd.isna(meta["strata"]) else str(meta["strata"])
    group_values = frame[meta["group"]].astype(str)
    group = np.array([groups.index(g) for g in group_values], dtype=np.int64)
    strata = None
    if strata_col is not None:
        codes, _ = pd.factorize(frame[strata_col], sort=True)  # NaN -> -1
        strata = codes.astype(np.int64)
    return Dataset(
        name=name,
        frame=frame,
        time_col=str(meta["time"]),
        event_col=str(meta["event"]),
        event_code=str(meta["event_code"]),
        group_col=str(meta["group"]),
        strata_col=strata_col,
        groups=groups,
        landmarks=tuple(float(t) for t in str(meta["landmarks"]).split("|")),
        time=frame[meta["time"]].to_numpy(dtype=np.float64),
        event=(frame[meta["event"]].astype(str) == str(meta["event_code"])).to_numpy(),
        group=group,
        strata=strata,
    )


def subset(data: Dataset, label: str) -> tuple[np.ndarray, np.ndarray]:
    """(time, event) of one group by its label, or of everyone for R's ``"(all)"``."""
    if label == "(all)":
        return data.time, data.event
    mask = data.group == data.groups.index(label)
    return data.time[mask], data.event[mask]
