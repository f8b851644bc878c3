"""Dates as trial databases export them: Excel date cells, ISO text, dd/mm/yyyy and friends.

Parsing is vectorised (regular expressions over the whole column, then one
``pd.to_datetime`` from year/month/day parts). A column of ``nn/nn/yyyy`` dates whose
values never show a part above 12 cannot tell day from month: that is the user's choice
(``--date-format``), never a guess, and ``parse_dates`` stops with ``date_format_ambiguous``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pandas as pd

from resort_gui.domain.errors import InputError

DAY_FIRST, MONTH_FIRST = "dmy", "mdy"
DATE_ORDERS = {DAY_FIRST: "dd/mm/yyyy", MONTH_FIRST: "mm/dd/yyyy"}
_ALIASES = {
    "dmy": DAY_FIRST, "dd/mm/yyyy": DAY_FIRST, "dd.mm.yyyy": DAY_FIRST, "dd-mm-yyyy": DAY_FIRST,
    "day-first": DAY_FIRST, "mdy": MONTH_FIRST, "mm/dd/yyyy": MONTH_FIRST,
    "mm-dd-yyyy": MONTH_FIRST, "month-first": MONTH_FIRST,
}
_TIME_OF_DAY = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_YMD = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})" + _TIME_OF_DAY + "$"
_NUMERIC_DMY = r"^(?P<p>\d{1,2})[/.\-](?P<q>\d{1,2})[/.\-](?P<y>\d{4})" + _TIME_OF_DAY + "$"
_NAMED_MONTH = r"^(?P<d>\d{1,2})[ \-/.]*(?P<name>[^\W\d_]{3,9})\.?[ \-/.,]*(?P<y>\d{4})$"
_MONTH_NAMES = {
    # English, Italian, German, French and Spanish names and abbreviations (accents removed)
    **dict.fromkeys(("jan", "january", "gen", "gennaio", "januar", "janv", "janvier", "ene",
                     "enero"), 1),
    **dict.fromkeys(("feb", "february", "febbraio", "februar", "fev", "fevr", "fevrier",
                     "febrero"), 2),
    **dict.fromkeys(("mar", "march", "marzo", "mrz", "marz", "mars"), 3),
    **dict.fromkeys(("apr", "april", "aprile", "avr", "avril", "abr", "abril"), 4),
    **dict.fromkeys(("may", "mag", "maggio", "mai", "mayo"), 5),
    **dict.fromkeys(("jun", "june", "giu", "giugno", "juni", "juin", "junio"), 6),
    **dict.fromkeys(("jul", "july", "lug", "luglio", "juli", "juil", "juillet", "julio"), 7),
    **dict.fromkeys(("aug", "august", "ago", "agosto", "aout"), 8),
    **dict.fromkeys(("sep", "sept", "september", "set", "settembre", "septembre",
                     "septiembre"), 9),
    **dict.fromkeys(("oct", "october", "ott", "ottobre", "okt", "oktober", "octobre",
                     "octubre"), 10),
    **dict.fromkeys(("nov", "november", "novembre", "noviembre"), 11),
    **dict.fromkeys(("dec", "december", "dic", "dicembre", "dez", "dezember", "decembre",
                     "diciembre"), 12),
}


def normalise_date_order(text: str) -> str:
    """``"dd/mm/yyyy"``, ``"DMY"``, ``"day-first"``... -> ``"dmy"``; ValueError if unknown."""
    order = _ALIASES.get(text.strip().lower())
    if order is None:
        raise ValueError(f"date format must be dd/mm/yyyy or mm/dd/yyyy, not {text!r}")
    return order


def parse_dates(column: pd.Series, order: str | None = None, label: str = "") -> pd.Series:
    """Dates (``datetime64[s]``, time of day dropped) of a column; NaT where a cell is empty
    or not a date. ``order`` ("dmy"/"mdy") settles ``nn/nn/yyyy`` text; without it the column
    must show a part above 12, else ``InputError("date_format_ambiguous")`` naming ``label``.
    """
    if column.dtype.kind == "M":
        return _as_days(column)
    values = column.astype(object)
    result = pd.Series(pd.NaT, index=column.index, dtype="datetime64[s]")
    native = _native_dates(values)
    if native.any():
        result[native] = _as_days(pd.to_datetime(values[native], errors="coerce"))
    is_text = values.map(type).eq(str) if not pd.api.types.is_string_dtype(column) \
        else column.notna()
    if is_text.any():
        codes, uniques = pd.factorize(values[is_text].astype(str).str.strip())
        parsed = _parse_text(pd.Series(uniques, dtype=object), order, label).to_numpy()
        result[is_text] = parsed[codes]  # each distinct text parsed once
    return result


def order_evidence(column: pd.Series) -> tuple[str | None, str | None]:
    """A cell of ``column`` that can only be day first (``31/01/2016``) and one that can only
    be month first (``01/31/2016``), None where there is none."""
    if column.dtype.kind != "O" and not pd.api.types.is_string_dtype(column):
        return None, None
    text = pd.Series(column.dropna().astype(str).str.strip().unique(), dtype=object)
    numeric = text.str.extract(_NUMERIC_DMY).dropna()
    if numeric.empty:
        return None, None
    first, second = pd.to_numeric(numeric["p"]), pd.to_numeric(numeric["q"])
    day = text[first[(first > 12) & (second <= 12)].index]
    month = text[second[(second > 12) & (first <= 12)].index]
    return (str(day.iloc[0]) if len(day) else None, str(month.iloc[0]) if len(month) else None)


def looks_like_dates(column: pd.Series, sample: int = 200) -> bool:
    """True when most non-empty cells (of the first ``sample``) are dates (for role guessing)."""
    values = column.dropna().head(sample)
    if values.empty or column.dtype.kind in "fiub":
        return column.dtype.kind == "M"
    parsed = parse_dates(values, DAY_FIRST)
    return bool(parsed.notna().mean() >= 0.8)


def _as_days(dates: pd.Series) -> pd.Series:
    return dates.dt.tz_localize(None).dt.normalize().astype("datetime64[s]") \
        if getattr(dates.dt, "tz", None) is not None \
        else dates.dt.normalize().astype("datetime64[s]")


def _native_dates(values: pd.Series) -> pd.Series:
    kinds = pd.api.types.infer_dtype(values, skipna=True)
    if kinds in ("string", "empty", "floating", "integer", "mixed-integer-float", "boolean"):
        return pd.Series(False, index=values.index)
    return values.map(lambda v: isinstance(v, dt.date | pd.Timestamp | np.datetime64))


def _parse_text(text: pd.Series, order: str | None, label: str) -> pd.Series:
    parts = []
    ymd = text.str.extract(_YMD)
    parts.append(ymd.dropna())
    numeric = text.str.extract(_NUMERIC_DMY).dropna()
    if not numeric.empty:
        parts.append(_day_month(numeric, order or _infer_order(numeric, text, label)))
    named = text.str.extract(_NAMED_MONTH).dropna()
    if not named.empty:
        month = named["name"].map(_month_number)
        parts.append(named.assign(m=month)[month.notna()][["y", "m", "d"]])
    found = pd.concat([p for p in parts if not p.empty]) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=["y", "m", "d"])
    found = found[~found.index.duplicated()]
    numbers = found[["y", "m", "d"]].apply(pd.to_numeric, errors="coerce")
    numbers.columns = ["year", "month", "day"]
    dates = pd.to_datetime(numbers, errors="coerce") if len(numbers) else \
        pd.Series(pd.NaT, index=numbers.index, dtype="datetime64[s]")
    return dates.astype("datetime64[s]").reindex(text.index)


def _day_month(numeric: pd.DataFrame, order: str) -> pd.DataFrame:
    day, month = ("p", "q") if order == DAY_FIRST else ("q", "p")
    return pd.DataFrame({"y": numeric["y"], "m": numeric[month], "d": numeric[day]})


def _infer_order(numeric: pd.DataFrame, text: pd.Series, label: str) -> str:
    """Day first if some first part is above 12, month first if some second part is."""
    first, second = pd.to_numeric(numeric["p"]), pd.to_numeric(numeric["q"])
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first and not month_first:
        return DAY_FIRST
    if month_first and not day_first:
        return MONTH_FIRST
    example = text[numeric.index[0]]
    if day_first and month_first:
        raise InputError("date_format_mixed",
                         f"{label} mixes day/month and month/day dates (e.g. "
                         f"{text[first[first > 12].index[0]]!r} and "
                         f"{text[second[second > 12].index[0]]!r}). Fix the column so that "
                         "every date has the same form.")
    raise InputError("date_format_ambiguous",
                     f"{label} has dates such as {example!r} that can be read day/month or "
                     "month/day (no part is above 12). Say which with --date-format "
                     "dd/mm/yyyy or --date-format mm/dd/yyyy.")


def _month_number(name: str) -> float:
    plain = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    return float(_MONTH_NAMES.get(plain, np.nan))
