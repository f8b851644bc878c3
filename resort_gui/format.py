"""How numbers are written for people: the results panel, the figure's annotation and the
exports' text all format through here, and nowhere else.

A value that is NaN is "NR" (not reached) where it is a time, "NE" (not estimable) elsewhere.
"""

from __future__ import annotations

import math

NOT_REACHED = "NR"
NOT_ESTIMABLE = "NE"


def number(value: float, digits: int = 1, decimal: str = ".",
           missing: str = NOT_ESTIMABLE) -> str:
    if value is None or not math.isfinite(value):
        return missing
    return f"{value:.{digits}f}".replace(".", decimal)


def time_value(value: float, digits: int = 1, decimal: str = ".") -> str:
    """A survival time; NaN means not reached."""
    return number(value, digits, decimal, missing=NOT_REACHED)


def interval(lower: float, upper: float, digits: int = 1, decimal: str = ".",
             missing: str = NOT_ESTIMABLE, level: float = 0.95) -> str:
    dash = "\u2013"
    return (f"{round(level * 100):g}% CI {number(lower, digits, decimal, missing)}"
            f"{dash}{number(upper, digits, decimal, missing)}")


def p_value(p: float, decimal: str = ".") -> str:
    """Journal style: p = 0.404, p = 0.012, p < 0.001; NE when not computed."""
    if p is None or not math.isfinite(p):
        return f"p {NOT_ESTIMABLE}"
    if p < 0.001:
        return f"p < {number(0.001, 3, decimal)}"
    return f"p = {number(p, 3, decimal)}"


def percent(probability: float, digits: int = 0, decimal: str = ".") -> str:
    return number(probability * 100, digits, decimal) + "%" \
        if math.isfinite(probability) else NOT_ESTIMABLE
