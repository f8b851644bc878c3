"""Dates: every form trial exports use, and never a guess between day and month."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from resort_gui.domain.errors import InputError
from resort_gui.io.dates import looks_like_dates, normalise_date_order, parse_dates


def parsed(values: list[object], order: str | None = None) -> list[str | None]:
    dates = parse_dates(pd.Series(values, dtype=object), order, "t.csv: column 'd'")
    return [None if pd.isna(d) else d.date().isoformat() for d in dates]


@pytest.mark.parametrize(("text", "iso"), [
    ("2016-03-12", "2016-03-12"), ("2016/3/2", "2016-03-02"), ("2016-03-12T14:30:00", "2016-03-12"),
    ("13/03/2016", "2016-03-13"), ("13.03.2016", "2016-03-13"), ("13-03-2016", "2016-03-13"),
    ("13/03/2016 00:00", "2016-03-13"), ("12MAR2016", "2016-03-12"), ("12-Mar-2016", "2016-03-12"),
    ("3 marzo 2016", "2016-03-03"), ("1. Mai 2016", "2016-05-01"), ("7 août 2016", "2016-08-07"),
])
def test_text_forms(text: str, iso: str | None) -> None:
    assert parsed([text, "25/12/2015"])[0] == iso


def test_cells_that_are_not_dates_are_missing() -> None:
    assert parsed(["31/02/2016", "12/03/16", "soon", "", None, 42000.0, "13/01/2016"]) == \
        [None, None, None, None, None, None, "2016-01-13"]


def test_excel_date_cells_and_datetimes() -> None:
    values = [dt.date(2015, 1, 2), dt.datetime(2015, 1, 3, 23, 59), pd.Timestamp("2015-01-04")]
    assert parsed(values) == ["2015-01-02", "2015-01-03", "2015-01-04"]
    column = pd.Series(pd.to_datetime(["2015-01-02 10:00", None]))
    assert parse_dates(column).iloc[0] == pd.Timestamp("2015-01-02")


def test_month_first_is_inferred_when_a_second_part_is_above_12() -> None:
    assert parsed(["03/25/2016", "04/01/2016"]) == ["2016-03-25", "2016-04-01"]


def test_ambiguous_column_asks_the_user() -> None:
    with pytest.raises(InputError) as error:
        parsed(["03/04/2016", "05/06/2016"])
    assert error.value.code == "date_format_ambiguous"
    assert "column 'd'" in str(error.value) and "--date-format" in str(error.value)
    assert parsed(["03/04/2016"], "dmy") == ["2016-04-03"]
    assert parsed(["03/04/2016"], "mdy") == ["2016-03-04"]


def test_a_column_mixing_both_orders_is_refused() -> None:
    with pytest.raises(InputError) as error:
        parsed(["25/03/2016", "03/25/2016"])
    assert error.value.code == "date_format_mixed"


def test_the_users_choice_excludes_cells_that_do_not_fit_it() -> None:
    assert parsed(["25/03/2016", "03/25/2016"], "dmy") == ["2016-03-25", None]


def test_iso_dates_never_need_a_choice() -> None:
    assert parsed(["2016-03-04", "2016-05-06"]) == ["2016-03-04", "2016-05-06"]


@pytest.mark.parametrize(("text", "order"), [("dd/mm/yyyy", "dmy"), ("DMY", "dmy"),
                                             ("mm/dd/yyyy", "mdy"), ("dd.mm.yyyy", "dmy")])
def test_date_order_names(text: str, order: str) -> None:
    assert normalise_date_order(text) == order


def test_unknown_date_order_name() -> None:
    with pytest.raises(ValueError):
        normalise_date_order("yyyy/dd/mm")


def test_looks_like_dates() -> None:
    assert looks_like_dates(pd.Series(["01/02/2015", "03/04/2015", None]))
    assert looks_like_dates(pd.Series([dt.date(2015, 1, 2)], dtype=object))
    assert not looks_like_dates(pd.Series([1.0, 2.0]))
    assert not looks_like_dates(pd.Series(["yes", "no"]))
