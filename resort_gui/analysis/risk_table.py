"""The times of the number-at-risk table (``at_risk.csv``, the rows under the figure).

They are part of the analysis result because the table is: its counts are computed with the
curves. The figure draws its x-axis ticks at the same times so the table lines up.
"""

from __future__ import annotations

import numpy as np

# Tick steps a reader expects for each unit, smallest first.
_UNIT_STEPS = {
    "days": (1, 2, 5, 7, 10, 14, 20, 30, 50, 60, 90, 100, 180, 200, 365, 500, 730, 1000),
    "weeks": (1, 2, 4, 8, 12, 13, 26, 52, 104),
    "months": (1, 2, 3, 6, 12, 24, 36, 60, 120),
    "years": (0.5, 1, 2, 5, 10, 20),
}



def risk_table_times(t_max: float, unit: str, max_ticks: int = 10) -> np.ndarray:
    """Times 0, step, 2*step, ... covering ``t_max``, with the smallest step of the unit's
    usual steps (every 6 or 12 months, ...) that needs at most ``max_ticks`` intervals: the
    times of the number-at-risk table, which the figure also takes as its x-axis ticks
    (survminer's ``break.time.by``, chosen for the reader)."""
    if not np.isfinite(t_max) or t_max <= 0:
        return np.array([0.0])
    steps = _UNIT_STEPS.get(unit, _UNIT_STEPS["days"])
    step = next((s for s in steps if t_max / s <= max_ticks), None)
    if step is None:
        magnitude = 10 ** np.floor(np.log10(t_max / max_ticks))
        step = next(m * magnitude for m in (1, 2, 5, 10) if t_max / (m * magnitude) <= max_ticks)
    count = int(np.ceil(t_max / step - 1e-9))
    return np.arange(count + 1, dtype=np.float64) * step
