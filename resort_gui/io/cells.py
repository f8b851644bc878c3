"""Cells as a user reads them, and the yes/no words of the languages trial data comes in."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

# Event coding understood without asking: yes = the event happened (en, it, de, fr, es).
YES_WORDS = frozenset({"1", "yes", "y", "true", "si", "sì", "sí", "ja", "oui", "vero", "wahr",
                       "vrai", "verdadero"})
NO_WORDS = frozenset({"0", "no", "n", "false", "nein", "non", "falso", "falsch", "faux"})


def cell_text(column: pd.Series) -> pd.Series:
    """Cells as text the way a user reads them: 2.0 -> "2", " Yes " -> "Yes", a date ->
    "2016-03-12", empty or blank -> NaN. Each distinct value is converted once."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = np.append(_texts_of(uniques, column), np.nan)
    return pd.Series(texts[codes], index=column.index, dtype=object)


def cell_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The cells as codes into their distinct texts (``cell_text``'s, in order of first
    appearance), -1 for an empty or blank cell: ``texts[codes]`` is ``cell_text(column)``
    wherever ``codes >= 0``."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    text_codes, texts = pd.factorize(_texts_of(uniques, column), use_na_sentinel=True)
    return np.append(text_codes, -1)[codes], np.asarray(texts, dtype=object)


def _texts_of(uniques: object, column: pd.Series) -> np.ndarray:
    """The text of each distinct value ``uniques`` of ``column`` (NaN for a blank one)."""
    if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
        stripped = pd.Series(uniques, dtype=object).str.strip()  # text: no type checks needed
        return stripped.where(stripped != "").to_numpy(dtype=object)
    return np.array([_text(v) for v in uniques], dtype=object)


def _text(value: object) -> object:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat() if _is_midnight(value) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    stripped = str(value).strip()
    return stripped if stripped else np.nan


def _is_midnight(value: dt.datetime) -> bool:
    return value.hour == value.minute == value.second == value.microsecond == 0


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def natural_key(value: str) -> tuple[int, float, str]:
    """Numbers numerically first, then text alphabetically (case-insensitive)."""
    return (0, float(value), "") if is_number(value) else (1, 0.0, value.casefold())


def holds_no_event(found: list[str]) -> bool:
    """True when every value found means "no" (0, no, false...): no patient had the event,
    and every patient is censored, as R reads ``Surv(time, 0)``."""
    return bool(found) and {v.casefold() for v in found} <= NO_WORDS


def event_values_in(found: list[str]) -> tuple[str, ...] | None:
    """The values meaning "event" when ``found`` is a yes/no coding (both kinds present and
    nothing else); None when the user must choose."""
    folded = {v.casefold() for v in found}
    if folded and folded <= YES_WORDS | NO_WORDS and folded & YES_WORDS and folded & NO_WORDS:
        return tuple(v for v in found if v.casefold() in YES_WORDS)
    return None
