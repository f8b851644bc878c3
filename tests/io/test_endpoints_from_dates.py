"""Endpoints built from dates as a trial defines them: composite events, last contact, a data
cut-off, and the reason for every patient's time (the audit trail in derived.csv)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import AnalysisSpec, Condition, Endpoint, EventSource
from resort_gui.io import RawTable, build_cohort


def raw(frame: pd.DataFrame, first_row: int = 2) -> RawTable:
    return RawTable(frame=frame, path=Path("trial.xlsx"), sheet=None, sheets=(),
                    first_data_row=first_row, sha256="0" * 64)


def rfs_table() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["P1", "P2", "P3", "P4", "P5"],
        "arm": ["A", "B", "A", "B", "A"],
        "rand": ["01/01/2015", "01/01/2015", "01/01/2015", "15/01/2015", "01/01/2015"],
        "recurrence": ["sì", "no", "no", "no", "sì"],
        "date_rec": ["01/07/2015", None, None, None, "01/12/2016"],
        "death": ["sì", "sì", "no", "no", "no"],
        "date_death": ["01/01/2016", "01/11/2015", None, None, None],
        "last_contact": ["01/02/2016", "01/11/2015", "01/03/2015", "15/06/2017", "01/01/2017"],
    })


def rfs(cutoff: str | None = None, **kwargs: object) -> AnalysisSpec:
    endpoint = Endpoint(name="RFS", start="rand", last_contact="last_contact",
                        events=(EventSource("recurrence", (), "date_rec"),
                                EventSource("death", (), "date_death")))
    options: dict[str, object] = {"time_unit": "days", "date_format": "dmy", **kwargs}
    return AnalysisSpec(endpoint=endpoint, group="arm", patient_id="id", cutoff=cutoff,
                        **options)  # type: ignore[arg-type]


def test_composite_with_last_contact_column() -> None:
    cohort, _ = build_cohort(raw(rfs_table()), rfs())
    np.testing.assert_allclose(cohort.time, [181, 304, 59, 882, 700])
    np.testing.assert_array_equal(cohort.event, [True, True, False, False, True])
    assert cohort.reason == ("recurrence on 2015-07-01", "death on 2015-11-01",
                             "censored at last contact 2015-03-01",
                             "censored at last contact 2017-06-15", "recurrence on 2016-12-01")


def test_cutoff_censors_what_happened_after_it() -> None:
    cohort, _ = build_cohort(raw(rfs_table()), rfs("2016-06-30"))
    np.testing.assert_allclose(cohort.time, [181, 304, 59, 532, 546])
    np.testing.assert_array_equal(cohort.event, [True, True, False, False, False])
    assert cohort.reason[3:] == ("censored at cut-off 2016-06-30",
                                 "censored at cut-off 2016-06-30")


def test_event_on_the_cutoff_day_counts() -> None:
    cohort, _ = build_cohort(raw(rfs_table()), rfs("2016-12-01"))
    assert cohort.reason[4] == "recurrence on 2016-12-01" and cohort.event[4]


def test_event_after_cutoff_needs_no_last_contact() -> None:
    frame = rfs_table()
    frame.loc[4, "last_contact"] = None
    cohort, _ = build_cohort(raw(frame), rfs("2016-06-30"))
    assert cohort.reason[4] == "censored at cut-off 2016-06-30" and not cohort.excluded


def test_start_after_cutoff_is_excluded() -> None:
    cohort, _ = build_cohort(raw(rfs_table()), rfs("2015-01-10"))
    assert [(e.row, e.patient) for e in cohort.excluded] == [(5, "P4")]
    assert "after the data cut-off 2015-01-10" in cohort.excluded[0].reason


def test_last_contact_is_needed_only_without_an_event() -> None:
    frame = rfs_table()
    frame.loc[[0, 2], "last_contact"] = None
    cohort, _ = build_cohort(raw(frame), rfs())
    assert [e.row for e in cohort.excluded] == [4]
    assert cohort.excluded[0].reason == "missing date of last contact (last_contact)"


def test_event_without_its_date_is_excluded() -> None:
    frame = rfs_table()
    frame.loc[0, "date_rec"] = "not known"
    cohort, _ = build_cohort(raw(frame), rfs())
    assert cohort.excluded[0].row == 2
    assert cohort.excluded[0].reason == "date 'not known' in date_rec is not a date"


def test_stop_before_start_names_the_start_column() -> None:
    frame = rfs_table()
    frame.loc[2, "last_contact"] = "01/01/2014"
    cohort, _ = build_cohort(raw(frame), rfs())
    assert [e.row for e in cohort.excluded] == [4]
    assert "before the start date (rand)" in cohort.excluded[0].reason


@pytest.mark.parametrize("unit", ["days", "weeks", "months", "years"])
def test_time_unit_of_durations_from_dates(unit: str) -> None:
    divisor = {"days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25}[unit]
    cohort, _ = build_cohort(raw(rfs_table()), rfs(time_unit=unit))
    np.testing.assert_allclose(cohort.time, np.array([181, 304, 59, 882, 700]) / divisor)


def test_ambiguous_dates_stop_until_the_user_chooses() -> None:
    frame = pd.DataFrame({"rand": ["01/02/2015", "03/04/2015"], "ev": [1, 0],
                          "stop": ["01/03/2015", "03/05/2015"]})
    spec = AnalysisSpec(endpoint=Endpoint(start="rand", events=(EventSource("ev", (), "stop"),)),
                        time_unit="days")
    with pytest.raises(InputError) as error:
        build_cohort(raw(frame), spec)
    assert error.value.code == "date_format_ambiguous" and "'rand'" in str(error.value)
    day_first, _ = build_cohort(raw(frame), AnalysisSpec(**{**spec.__dict__,
                                                            "date_format": "dmy"}))
    month_first, _ = build_cohort(raw(frame), AnalysisSpec(**{**spec.__dict__,
                                                              "date_format": "mdy"}))
    np.testing.assert_allclose(day_first.time, [28, 30])  # 1 Feb -> 1 Mar, 3 Apr -> 3 May
    np.testing.assert_allclose(month_first.time, [1, 1])  # 2 Jan -> 3 Jan, 4 Mar -> 5 Mar


def test_durations_given_where_dates_belong() -> None:
    frame = pd.DataFrame({"rand": [1.0, 2.0], "ev": [1, 0], "stop": [3.0, 4.0]})
    spec = AnalysisSpec(endpoint=Endpoint(start="rand", events=(EventSource("ev", (), "stop"),)))
    with pytest.raises(InputError) as error:
        build_cohort(raw(frame), spec)
    assert error.value.code == "not_dates" and "--time" in str(error.value)


def test_dates_given_where_durations_belong() -> None:
    frame = pd.DataFrame({"months": ["01/02/2015", "13/04/2015"], "ev": [1, 0]})
    spec = AnalysisSpec(endpoint=Endpoint(time="months", events=(EventSource("ev"),)))
    with pytest.raises(InputError) as error:
        build_cohort(raw(frame), spec)
    assert error.value.code == "time_is_dates" and "--start" in str(error.value)


def test_row_numbers_follow_the_spreadsheet_and_footers_are_listed() -> None:
    from resort_gui.domain.cohort import ExcludedRow

    table = RawTable(frame=rfs_table(), path=Path("t.xlsx"), sheet="s", sheets=("s",),
                     first_data_row=4, sha256="0" * 64, rows=np.array([4, 5, 7, 8, 9]),
                     dropped=(ExcludedRow(10, "", "not a patient row ('Total')"),))
    frame = table.frame.copy()
    frame.loc[2, "last_contact"] = None
    table = RawTable(**{**table.__dict__, "frame": frame})
    cohort, issues = build_cohort(table, rfs())
    assert [(e.row, e.patient) for e in cohort.excluded] == [(7, "P3"), (10, "")]
    assert cohort.row.tolist() == [4, 5, 8, 9]
    assert any("2 of 6 rows" in i.message for i in issues)


def test_subgroup_keeps_matching_rows_with_their_row_numbers() -> None:
    cohort, issues = build_cohort(raw(rfs_table()), rfs(where=(Condition("arm", "b"),)))
    assert cohort.patient == ("P2", "P4") and cohort.row.tolist() == [3, 5]
    assert any(i.code == "subgroup" and "2 of 5 rows" in i.message for i in issues)


def test_subgroup_not_equal_and_combined() -> None:
    where = (Condition("arm", "B", equal=False), Condition("recurrence", "Sì"))
    cohort, _ = build_cohort(raw(rfs_table()), rfs(where=where))
    assert cohort.patient == ("P1", "P5")


def test_subgroup_compares_text_as_shown() -> None:
    frame = pd.DataFrame({"t": [1.0, 2.0, 3.0], "e": [1, 0, 1], "site": [1.0, 2.0, None]})
    spec = AnalysisSpec(endpoint=Endpoint(time="t", events=(EventSource("e"),)),
                        where=(Condition("site", "2", equal=False),))
    cohort, _ = build_cohort(raw(frame), spec)
    assert cohort.time.tolist() == [1.0]  # the empty site matches neither = nor !=
    assert cohort.event.tolist() == [True]  # 0/1 coding judged on the whole column


def test_subgroup_value_that_never_occurs_lists_the_values() -> None:
    with pytest.raises(InputError) as error:
        build_cohort(raw(rfs_table()), rfs(where=(Condition("arm", "C"),)))
    assert error.value.code == "subgroup_value_not_found" and "'A', 'B'" in str(error.value)


def test_subgroup_column_must_exist() -> None:
    with pytest.raises(InputError) as error:
        build_cohort(raw(rfs_table()), rfs(where=(Condition("sex", "F"),)))
    assert error.value.code == "column_not_found"
