"""Role guessing proposes what a person would: from English/Italian names and from values."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from resort_gui.io.roles import guess_roles, name_words
from tests.reference import load


def test_italian_trial_with_dates_and_si_no() -> None:
    frame = pd.DataFrame({
        "codice paziente": ["P01", "P02", "P03", "P04"],
        "braccio": ["sorafenib", "osservazione", "sorafenib", "osservazione"],
        "data randomizzazione": ["01/02/2015", "13/03/2015", "1/1/2016", "20/05/2016"],
        "recidiva": ["Sì", "No", "Sì", "No"],
        "data recidiva o ultimo contatto": ["01/02/2016", "13/03/2016", "1/1/2017", "2/2/2018"],
        "decesso": ["No", "No", "Sì", "No"],
        "data decesso": [None, None, "2/2/2018", None],
        "sede metastasi": ["polmone", "linfonodi", "polmone", "polmone"],
    })
    guess = guess_roles(frame)
    assert guess.patient_id == "codice paziente"
    assert guess.group == "braccio"
    assert guess.start == "data randomizzazione"
    assert [(e.column, e.values, e.date) for e in guess.events] == [
        ("recidiva", ("Sì",), "data recidiva o ultimo contatto"),
        ("decesso", ("Sì",), "data decesso"),
    ]
    assert guess.last_contact == "data recidiva o ultimo contatto"
    assert guess.time is None
    assert guess.strata == ("sede metastasi",)


def test_english_durations_pair_time_with_its_event() -> None:
    frame = pd.DataFrame({
        "PatientID": [1, 2, 3, 4, 5, 6],
        "OS_months": [12.5, 3.0, 40.1, 22.0, 7.5, 9.0],
        "OS_event": [1, 0, 0, 1, 1, 0],
        "RFS_months": [2.5, 3.0, 30.1, 12.0, 7.5, 1.0],
        "RFS_event": [1, 0, 1, 1, 1, 0],
        "Treatment": ["A", "B", "A", "B", "A", "B"],
        "age": [61, 70, 55, 48, 66, 59],
    })
    guess = guess_roles(frame)
    assert guess.patient_id == "PatientID"
    assert guess.events[0].column == "RFS_event" and guess.events[0].values == ("1",)
    assert guess.time == "RFS_months"
    assert guess.group == "Treatment"


def test_unclear_coding_is_proposed_without_values() -> None:
    guess = guess_roles(load("lung").frame)
    assert guess.time == "time"
    assert guess.events[0].column == "status"
    assert guess.events[0].values == () and guess.events[0].found == ("1", "2")
    assert guess.group == "sex"


def test_excel_date_cells_are_dates() -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "date of randomisation": [dt.date(2015, 1, 2)] * 2,
                          "last follow-up": [dt.date(2016, 1, 2), dt.date(2016, 3, 2)],
                          "status": ["dead", "alive"]})
    guess = guess_roles(frame)
    assert guess.dates == ("date of randomisation", "last follow-up")
    assert guess.start == "date of randomisation"
    assert guess.last_contact == "last follow-up"
    assert guess.events[0].column == "status" and guess.events[0].values == ()


@pytest.mark.parametrize(("name", "words"), [
    ("futime", {"fu", "time"}), ("RFSMonths", {"rfs", "months"}),
    ("Data Decesso", {"data", "decesso"}), ("ph.ecog", {"ph", "ecog"}),
])
def test_name_words(name: str, words: set[str]) -> None:
    assert words <= name_words(name)
