"""Wall-clock timing with repeats: the median is the figure, the spread is the noise."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Timing:
    """Median, fastest and slowest of ``runs`` repeats, in seconds."""

    median: float
    low: float
    high: float
    runs: int

    @property
    def noise(self) -> float:
        """Spread of the repeats relative to the median: (slowest - fastest) / median."""
        return (self.high - self.low) / self.median if self.median > 0 else 0.0

    @classmethod
    def of(cls, seconds: list[float]) -> Timing:
        return cls(float(np.median(seconds)), min(seconds), max(seconds), len(seconds))


def measure(work: Callable[[], object], repeats: int = 7, budget: float = 20.0,
            min_runs: int = 3) -> Timing:
    """Run ``work`` once to warm up, then up to ``repeats`` times, stopping early once
    ``budget`` seconds are spent and ``min_runs`` are done; garbage is collected between
    runs, not during them. A warm-up slower than a second counts as a run (first-call costs
    are then negligible, and slow work is not repeated needlessly)."""
    start = time.perf_counter()
    work()
    first = time.perf_counter() - start
    seconds: list[float] = [first] if first > 1.0 else []
    spent = first
    while len(seconds) < repeats and (len(seconds) < min_runs or spent < budget):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            work()
            seconds.append(time.perf_counter() - start)
        finally:
            gc.enable()
        spent += seconds[-1]
    return Timing.of(seconds)
