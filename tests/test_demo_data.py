"""The committed demo workbook: its structure, its internal consistency, its calibration to
the published RESORT summary numbers, and that ``make_demo.py`` regenerates it exactly."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

DEMO_DIR = Path(__file__).resolve().parents[1] / "resources" / "demo"
WORKBOOK = DEMO_DIR / "resort_demo.xlsx"
DAYS_PER_MONTH = 30.4375

PATIENT_COLUMNS = [
    "patient_id", "arm", "date_nephrectomy", "date_metastasectomy", "date_randomisation",
    "recurrence", "date_recurrence_or_last_contact", "death", "date_death_or_last_contact",
    "interval_nephrectomy", "metastasis_site", "n_lesions", "age", "sex",
]
DATE_COLUMNS = [c for c in PATIENT_COLUMNS if c.startswith("date_")]


def _load_generator():
    name = "resort_demo_make_demo"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, DEMO_DIR / "make_demo.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while building
        spec.loader.exec_module(module)
    return sys.modules[name]


make_demo = _load_generator()


def _values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    try:
        return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)]
                for ws in wb.worksheets}
    finally:
        wb.close()


@pytest.fixture(scope="module")
def book():
    wb = load_workbook(WORKBOOK)
    yield wb
    wb.close()


@pytest.fixture(scope="module")
def sheets() -> dict[str, list[dict]]:
    """Each sheet as a list of {header: value} rows."""
    out = {}
    for title, rows in _values(WORKBOOK).items():
        if title == "about":
            out[title] = rows
        else:
            out[title] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return out


@pytest.fixture(scope="module")
def patients(sheets) -> list[dict]:
    """Patient rows with the date cells as ``datetime.date``."""
    rows = []
    for row in sheets["patients"]:
        row = dict(row)
        for col in DATE_COLUMNS:
            assert isinstance(row[col], dt.datetime), (row["patient_id"], col, row[col])
            row[col] = row[col].date()
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------- structure
def test_sheets_in_order(book):
    assert book.sheetnames == ["patients", "adverse_events", "screening", "about"]


def test_headers(book):
    def header(name):
        return [c.value for c in book[name][1]]

    assert header("patients") == PATIENT_COLUMNS
    assert header("adverse_events") == ["patient_id", "term", "grade"]
    assert header("screening") == ["patient_id", "randomised", "reason_not_randomised"]


def test_patients_counts_and_categories(patients):
    assert len(patients) == 69
    arms = [p["arm"] for p in patients]
    assert arms.count("sorafenib") == 33 and arms.count("observation") == 36
    ids = [p["patient_id"] for p in patients]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"RES-\d{3}", i) for i in ids)
    for p in patients:
        assert p["recurrence"] in ("yes", "no")
        assert p["death"] in ("yes", "no")
        assert p["interval_nephrectomy"] in ("<=12 months", ">12 months")
        assert p["metastasis_site"] in ("lung", "lymph nodes", "other")
        assert p["n_lesions"] in ("1", "2-3")
        assert p["sex"] in ("M", "F")
        assert isinstance(p["age"], int) and 18 <= p["age"] <= 90
    for col in ("interval_nephrectomy", "metastasis_site", "n_lesions", "sex"):
        assert len({p[col] for p in patients}) > 1, col


def test_date_cells_are_excel_dates(book):
    ws = book["patients"]
    header = [c.value for c in ws[1]]
    for col in DATE_COLUMNS:
        j = header.index(col) + 1
        for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
            assert cell.is_date, (cell.coordinate, cell.value, cell.number_format)
            assert cell.number_format.upper() in ("YYYY-MM-DD", "DD/MM/YYYY")


def test_dates_are_plausible_and_consistent(patients):
    cutoff = make_demo.CUTOFF
    assert dt.date(2019, 1, 1) <= cutoff <= dt.date(2020, 12, 31)
    randomised = [p["date_randomisation"] for p in patients]
    assert min(randomised).year == 2012 and max(randomised).year == 2017
    assert randomised == sorted(randomised)  # ids follow the order of enrolment
    for p in patients:
        pid = p["patient_id"]
        assert p["date_nephrectomy"] < p["date_metastasectomy"] < p["date_randomisation"], pid
        assert (p["date_randomisation"] - p["date_metastasectomy"]).days <= 84, pid
        rec, death = p["date_recurrence_or_last_contact"], p["date_death_or_last_contact"]
        assert p["date_randomisation"] < rec <= cutoff, pid
        assert p["date_randomisation"] < death <= cutoff, pid
        assert rec <= death, pid  # death (or the last contact) never before recurrence
        if p["recurrence"] == "no":  # one last contact, or the death date for both
            assert rec == death, pid


def test_interval_stratum_matches_dates(patients):
    for p in patients:
        months = (p["date_metastasectomy"] - p["date_nephrectomy"]).days / DAYS_PER_MONTH
        if p["interval_nephrectomy"] == "<=12 months":
            # the interval runs to the diagnosis of the metastasis, weeks before surgery
            assert months <= 14, p["patient_id"]
        else:
            assert months > 12, p["patient_id"]


def test_adverse_events(sheets, patients):
    arm = {p["patient_id"]: p["arm"] for p in patients}
    events = sheets["adverse_events"]
    assert events
    for e in events:
        assert e["patient_id"] in arm
        assert isinstance(e["term"], str) and e["term"]
        assert isinstance(e["grade"], int) and 1 <= e["grade"] <= 5
    pairs = [(e["patient_id"], e["term"]) for e in events]
    assert len(set(pairs)) == len(pairs)  # worst grade per patient and term

    def rows(name):
        return [e for e in events if arm[e["patient_id"]] == name]

    sor, obs = rows("sorafenib"), rows("observation")
    assert len(sor) / 33 > 2 * len(obs) / 36
    assert max(e["grade"] for e in obs) <= 2
    severe = [e for e in sor if e["grade"] >= 3]
    assert len(severe) >= 10
    assert any(e["term"] == "Hand-foot skin reaction" for e in severe)


def test_screening(sheets, patients):
    screening = sheets["screening"]
    assert len(screening) == 76
    ids = [s["patient_id"] for s in screening]
    assert len(set(ids)) == 76
    randomised = [s for s in screening if s["randomised"] == "yes"]
    others = [s for s in screening if s["randomised"] == "no"]
    assert len(randomised) == 69 and len(others) == 7
    assert [s["patient_id"] for s in randomised] == [p["patient_id"] for p in patients]
    assert all(s["reason_not_randomised"] is None for s in randomised)
    assert all(isinstance(s["reason_not_randomised"], str) and s["reason_not_randomised"]
               for s in others)


def test_about_says_synthetic(sheets):
    text = " ".join(str(v) for row in sheets["about"] for v in row if v is not None)
    assert "SYNTHETIC" in text
    assert "make_demo.py" in text
    assert str(make_demo.SEED) in text


# ---------------------------------------------------------------------------- calibration
def _rfs(patients):
    sor, time, event = [], [], []
    for p in patients:
        happened = p["recurrence"] == "yes" or p["death"] == "yes"
        end = p["date_recurrence_or_last_contact"]
        if p["death"] == "yes":
            end = min(end, p["date_death_or_last_contact"])
        sor.append(p["arm"] == "sorafenib")
        time.append((end - p["date_randomisation"]).days / DAYS_PER_MONTH)
        event.append(happened)
    return np.array(sor), np.array(time), np.array(event)


def _km(time, event, at=None):
    """Kaplan-Meier: survival at ``at``, or the median (first time S <= 0.5) if None."""
    s = 1.0
    for t in np.unique(time[event]):
        if at is not None and t > at:
            return s
        s *= 1.0 - np.sum((time == t) & event) / np.sum(time >= t)
        if at is None and s <= 0.5:
            return float(t)
    return s if at is not None else np.nan


def test_calibration_resembles_resort(patients):
    sor, time, event = _rfs(patients)
    obs = ~sor
    assert 33 <= _km(time[obs], event[obs]) <= 41  # published: 37 months
    assert 18 <= _km(time[sor], event[sor]) <= 24  # published: 21 months
    for months, published in ((12, 0.74), (24, 0.59), (36, 0.51)):
        assert abs(_km(time[obs], event[obs], months) - published) < 0.04, months
    assert 35 <= _km(time, ~event) <= 42  # median follow-up (reverse KM), published: 38
    deaths = sum(p["death"] == "yes" for p in patients)
    assert 3 <= deaths <= 12  # overall survival immature
    p_value = make_demo.logrank_p(time, event, sor)
    assert 0.05 < p_value < 0.6


def test_generator_report_matches_workbook(patients):
    c = make_demo.calibration(make_demo.simulate())
    sor, time, event = _rfs(patients)
    assert c["median_obs"] == pytest.approx(_km(time[~sor], event[~sor]))
    assert c["followup"] == pytest.approx(_km(time, ~event))


# --------------------------------------------------------------------------- regeneration
def test_regenerating_gives_the_same_values(tmp_path):
    path = tmp_path / "resort_demo.xlsx"
    make_demo.build_workbook(path)
    committed, fresh = _values(WORKBOOK), _values(path)
    assert list(fresh) == list(committed)
    for title in committed:
        assert fresh[title] == committed[title], f"sheet {title!r} differs"


def test_regenerating_gives_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    make_demo.build_workbook(first)
    make_demo.build_workbook(second)
    assert first.read_bytes() == second.read_bytes()


def test_fixed_document_properties(book):
    assert book.properties.created == make_demo.FIXED_TIMESTAMP
    assert book.properties.modified == make_demo.FIXED_TIMESTAMP
