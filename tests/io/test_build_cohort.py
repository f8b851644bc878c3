"""One case per way a real table goes wrong: the row is excluded with a reason that names it,
or the whole table is refused with a stable code and a message naming the column."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource, Exclusion
from resort_gui.io import RawTable, build_cohort


def raw(frame: pd.DataFrame) -> RawTable:
    return RawTable(frame=frame, path=Path("trial.csv"), sheet=None, sheets=(),
                    first_data_row=2, sha256="0" * 64)


def spec(event_values: tuple[str, ...] = (), **kwargs: object) -> AnalysisSpec:
    endpoint = Endpoint(time="months", events=(EventSource("relapse", event_values),))
    return AnalysisSpec(endpoint=endpoint, group="arm", patient_id="id", **kwargs)


def table(**columns: list[object]) -> pd.DataFrame:
    base = {"id": ["P1", "P2", "P3", "P4"], "months": [1.0, 2.0, 3.0, 4.0],
            "relapse": [1, 0, 1, 0], "arm": ["B", "A", "B", "A"]}
    base.update(columns)
    return pd.DataFrame(base)


def reasons(frame: pd.DataFrame, the_spec: AnalysisSpec | None = None) -> dict[int, str]:
    cohort, _ = build_cohort(raw(frame), the_spec or spec())
    return {e.row: e.reason for e in cohort.excluded}


def test_clean_table_keeps_every_row_in_natural_group_order() -> None:
    cohort, issues = build_cohort(raw(table()), spec())
    assert cohort.n == 4 and not cohort.excluded and not issues
    assert cohort.group_labels == ("A", "B")
    np.testing.assert_array_equal(cohort.group, [1, 0, 1, 0])
    np.testing.assert_array_equal(cohort.event, [True, False, True, False])
    np.testing.assert_array_equal(cohort.row, [2, 3, 4, 5])


def test_reference_group_comes_first() -> None:
    cohort, _ = build_cohort(raw(table()), spec(reference="B"))
    assert cohort.group_labels == ("B", "A")


def test_numeric_groups_sort_numerically() -> None:
    cohort, _ = build_cohort(raw(table(arm=[10, 9, 10, 9])), spec())
    assert cohort.group_labels == ("9", "10")


@pytest.mark.parametrize(("months", "row", "fragment"), [
    ([1.0, "unknown", 3.0, 4.0], 3, "'unknown' in months is not a number"),
    ([1.0, -2.0, 3.0, 4.0], 3, "negative time"),
    ([1.0, None, 3.0, 4.0], 3, "missing time"),
    ([1.0, 2.0, 3.0, float("inf")], 5, "not finite"),
])
def test_bad_time_excludes_that_row_only(months: list[object], row: int, fragment: str) -> None:
    excluded = reasons(table(months=months))
    assert list(excluded) == [row]
    assert fragment in excluded[row]


def test_missing_group_and_event_are_row_problems() -> None:
    excluded = reasons(table(arm=["B", None, "B", "A"], relapse=[1, 0, None, 0]))
    assert "missing group" in excluded[3]
    assert "missing event status" in excluded[4]


def test_stray_text_in_a_01_event_column_excludes_the_row() -> None:
    excluded = reasons(table(relapse=[1, 0, "?", 0]))
    assert "'?'" in excluded[4]


@pytest.mark.parametrize("values", [[1, 2, 2, 1], [0, 1, 2, 0], ["dead", "alive", "dead", "x"]])
def test_ambiguous_event_coding_asks_for_event_value(values: list[object]) -> None:
    with pytest.raises(InputError) as error:
        build_cohort(raw(table(relapse=values)), spec())
    assert error.value.code == "event_coding_unknown"
    assert "relapse" in str(error.value) and "--event-value" in str(error.value)


def test_explicit_event_value_codes_others_as_censored() -> None:
    cohort, _ = build_cohort(raw(table(relapse=[2, 1, 2, 1])), spec(("2",)))
    np.testing.assert_array_equal(cohort.event, [True, False, True, False])


def test_event_value_that_never_occurs_is_refused() -> None:
    with pytest.raises(InputError) as error:
        build_cohort(raw(table()), spec(("2",)))
    assert error.value.code == "event_value_not_found"


@pytest.mark.parametrize("words", [["yes", "no", "Yes", "NO"], ["sì", "no", "si", "no"],
                                   ["ja", "nein", "ja", "nein"], ["TRUE", "FALSE", "true", "f"]])
def test_yes_no_words_are_understood(words: list[str]) -> None:
    frame = table(relapse=words)
    cohort, _ = build_cohort(raw(frame), spec())
    assert cohort.event[:3].tolist() == [True, False, True]


def test_missing_column_names_it_and_lists_the_columns() -> None:
    with pytest.raises(InputError) as error:
        build_cohort(raw(table()), spec(strata=("site",)))
    assert error.value.code == "column_not_found"
    assert "'site'" in str(error.value) and "'months'" in str(error.value)


def test_unknown_reference_lists_the_groups() -> None:
    with pytest.raises(InputError) as error:
        build_cohort(raw(table()), spec(reference="C"))
    assert error.value.code == "reference_not_found" and "'A'" in str(error.value)


def test_no_usable_rows_stops_cleanly() -> None:
    with pytest.raises(InputError) as error:
        build_cohort(raw(table(months=["x", "y", "z", "w"])), spec())
    assert error.value.code == "no_usable_rows" and "row 2" in str(error.value)


def test_hand_exclusion_keeps_its_reason() -> None:
    excluded = reasons(table(), spec(exclusions=(Exclusion(4, "consent withdrawn"),)))
    assert excluded == {4: "excluded by hand: consent withdrawn"}


def test_missing_strata_leave_patients_in_unstratified_analyses() -> None:
    cohort, issues = build_cohort(raw(table(site=["lung", None, "bone", "lung"])),
                                  spec(strata=("site",)))
    assert cohort.n == 4
    assert cohort.strata is not None and cohort.strata[1] == -1
    assert any(i.code == "strata_missing" for i in issues)


def test_composite_endpoint_from_dates_takes_the_earliest_event() -> None:
    d = dt.datetime
    frame = pd.DataFrame({
        "id": ["P1", "P2", "P3"],
        "arm": ["A", "B", "A"],
        "rand": [d(2015, 1, 1)] * 3,
        "recurrence": ["yes", "no", "no"],
        "date_rec": [d(2015, 7, 1), d(2016, 1, 1), d(2015, 3, 1)],
        "death": ["yes", "yes", "no"],
        "date_death": [d(2016, 1, 1), d(2015, 11, 1), d(2015, 3, 1)],
    })
    endpoint = Endpoint(name="RFS", start="rand", last_contact="date_rec",
                        events=(EventSource("recurrence", (), "date_rec"),
                                EventSource("death", (), "date_death")))
    the_spec = AnalysisSpec(endpoint=endpoint, group="arm", patient_id="id", time_unit="days")
    cohort, _ = build_cohort(raw(frame), the_spec)
    np.testing.assert_allclose(cohort.time, [181, 304, 59])
    np.testing.assert_array_equal(cohort.event, [True, True, False])
    assert cohort.reason[0] == "recurrence on 2015-07-01"
    assert cohort.reason[2] == "censored at last contact 2015-03-01"


def test_stop_before_start_is_excluded() -> None:
    d = dt.datetime
    frame = pd.DataFrame({"id": ["P1", "P2"], "arm": ["A", "A"],
                          "rand": [d(2015, 1, 1), d(2015, 1, 1)],
                          "rec": ["yes", "no"], "date_rec": [d(2014, 1, 1), d(2015, 2, 1)]})
    endpoint = Endpoint(start="rand", events=(EventSource("rec", (), "date_rec"),))
    cohort, _ = build_cohort(raw(frame), AnalysisSpec(endpoint=endpoint, group="arm",
                                                      patient_id="id"))
    assert [e.row for e in cohort.excluded] == [2]
    assert "before the start date" in cohort.excluded[0].reason


def test_a_column_with_no_event_at_all_is_everyone_censored() -> None:
    cohort, issues = build_cohort(raw(table(relapse=[0, 0, 0, 0])), spec(("1",)))
    assert cohort.n == 4 and not cohort.event.any()
    assert any(i.code == "no_events" for i in issues)


@pytest.mark.parametrize("values", [[0, 0, 0, 0], ["no", "No", "no", "no"], [0, "no", 0, 0]])
def test_a_01_column_holding_only_0_is_read_as_r_reads_it(values: list[object]) -> None:
    """Without --event-value: every patient censored, as R's Surv(t, 0) is, with a warning
    that says so (a subgroup or an early data cut without events is real)."""
    cohort, issues = build_cohort(raw(table(relapse=values)), spec())
    assert cohort.n == 4 and not cohort.event.any()
    [warning] = [i for i in issues if i.code == "no_events"]
    assert warning.severity == "warning" and "'relapse'" in warning.message
    assert "no patient had the event" in warning.message


def test_a_column_holding_only_1_asks_and_says_why() -> None:
    with pytest.raises(InputError) as error:
        build_cohort(raw(table(relapse=[1, 1, 1, 1])), spec())
    assert error.value.code == "event_coding_unknown"
    message = str(error.value)
    assert "only the value '1'" in message and "1/2" in message and "--event-value 1" in message


@pytest.mark.parametrize("missing", [[], [3], [0, 5, 39], list(range(0, 40, 2))])
def test_the_patients_of_the_kept_rows_in_order(missing: list[int]) -> None:
    """Few rows left out are cut out of the table's patients; many are gathered."""
    months = [float(i + 1) for i in range(40)]
    for i in missing:
        months[i] = None
    frame = pd.DataFrame({"id": [f"P{i}" for i in range(40)], "months": months,
                          "relapse": [i % 2 for i in range(40)], "arm": ["A", "B"] * 20})
    table = raw(frame)
    for _ in range(2):  # the second time from the table's memo
        cohort, _ = build_cohort(table, spec())
        assert cohort.patient == tuple(f"P{i}" for i in range(40) if i not in missing)
        without_id, _ = build_cohort(table, replace(spec(), patient_id=None))
        assert without_id.patient == ()  # named by row number, not kept as text
        assert without_id.patient_ids() == tuple(str(i + 2) for i in range(40)
                                                 if i not in missing)
