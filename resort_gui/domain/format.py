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


def median_text(median: float, lower: float, upper: float, digits: int = 1,
                decimal: str = ".", level: float = 0.95) -> str:
    """A median survival time with its CI: "36.5 (95% CI 12.5–NR)"; a limit that is NaN was
    not reached."""
    return (f"{time_value(median, digits, decimal)} "
            f"({interval(lower, upper, digits, decimal, NOT_REACHED, level)})")


def survival_text(survival: float, lower: float, upper: float, digits: int = 1,
                  decimal: str = ".", level: float = 0.95) -> str:
    """A survival probability in percent with its CI: "74.3% (95% CI 56.4–85.7)"."""
    if survival is None or not math.isfinite(survival):
        return NOT_ESTIMABLE
    return (f"{number(survival * 100, digits, decimal)}% "
            f"({interval(lower * 100, upper * 100, digits, decimal, level=level)})")


NOT_ESTIMABLE_TEXT = "not estimable"


def ratio_text(ratio: float, lower: float, upper: float, digits: int = 2,
               decimal: str = ".", level: float = 0.95) -> str:
    """A hazard ratio with its CI: "1.40 (95% CI 0.74–2.63)"; "not estimable" when the
    model gave none (never "NE (95% CI NE–NE)": the reason goes beside it)."""
    if not math.isfinite(ratio):
        return NOT_ESTIMABLE_TEXT
    return (f"{number(ratio, digits, decimal)} "
            f"({interval(lower, upper, digits, decimal, level=level)})")


def tab_separated(rows: list[list[str]] | list[tuple[str, ...]]) -> str:
    """Rows of cells as tab-separated text, the format Word and Excel paste as a table."""
    return "\n".join("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row)
                     for row in rows) + "\n"


def cell(value: object) -> str:
    """A spreadsheet cell as the tables show it: blank when missing, dates as YYYY-MM-DD,
    whole numbers without decimals, other numbers with up to 10 significant digits."""
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return "" if math.isnan(value) else str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.10g}"
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):  # datetime, pandas Timestamp, date
        if str(value) == "NaT":
            return ""
        midnight = getattr(value, "hour", 0) == getattr(value, "minute", 0) == 0
        return value.strftime("%Y-%m-%d") if midnight else value.strftime(  # type: ignore
            "%Y-%m-%d %H:%M")
    return str(value)


def estimate_ci(value: float, lower: float, upper: float, digits: int = 1,
                decimal: str = ".", missing: str = NOT_ESTIMABLE) -> str:
    """An estimate with its CI for a table whose header names the level: "36.5 (12.5–NR)".
    ``missing`` stands for a NaN estimate or limit (NR for a time that was not reached)."""
    return (f"{number(value, digits, decimal, missing)} "
            f"({number(lower, digits, decimal, missing)}\u2013"
            f"{number(upper, digits, decimal, missing)})")


TIME_DIGITS = {"days": 0, "weeks": 1, "months": 1, "years": 2}


def time_digits(unit: str) -> int:
    """Decimals for times in ``unit``: whole days, tenths of weeks and months, years to 2."""
    return TIME_DIGITS.get(unit, 1)
