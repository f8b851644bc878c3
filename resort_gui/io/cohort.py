"""Apply the spec's column roles to a raw table: validated arrays plus excluded rows.

Validation happens here, before any estimator runs: numerical code happily accepts NaN
times, negative times and 1/2 event codes and returns a wrong curve. Row-level problems
exclude that row with a reason; problems with the whole table raise ``InputError``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from resort_gui.domain.cohort import Cohort, ExcludedRow
from resort_gui.domain.errors import InputError, Issue
from resort_gui.domain.spec import TIME_UNITS, AnalysisSpec, Endpoint, EventSource
from resort_gui.io.cells import (
    NO_WORDS,
    YES_WORDS,
    cell_text,
    holds_no_event,
    is_number,
    natural_key,
)
from resort_gui.io.columns import ColumnCodes, column_codes, memoised
from resort_gui.io.dates import (
    DATE_ORDERS,
    DAY_FIRST,
    MONTH_FIRST,
    looks_like_dates,
    order_evidence,
    parse_dates,
)
from resort_gui.io.roles import (
    censoring_event_values,
    is_death_column,
    name_words,
    reads_as_censoring,
)
from resort_gui.io.subgroups import select_subgroup
from resort_gui.io.table import RawTable
from resort_gui.io.timefix import merge_near_ties

ALL_PATIENTS = "All patients"
LONGEST_TIME = 1e6  # 2,700 years in days: a longer follow-up time is an error in any unit


def build_cohort(raw: RawTable, spec: AnalysisSpec) -> tuple[Cohort, list[Issue]]:
    """Turn ``raw`` into a ``Cohort`` following ``spec``; returns the cohort and its notes.

    The columns are read through ``columns.column_codes`` (once per table and column, kept
    while the table lives): the window builds the cohort again after every settings change.
    """
    _check_columns(raw, spec)
    issues: list[Issue] = list(raw.issues)
    if spec.date_format is None and spec.endpoint.from_dates:
        spec = replace(spec, date_format=_sheet_date_order(raw, issues))
    codings = {e.column: _distinct(raw, e.column) for e in spec.endpoint.events}
    raw = select_subgroup(raw, spec.where, issues)
    rows = raw.row_numbers().to_numpy(dtype=np.int64)
    problems = _Problems(rows.size)

    time, event, reason = _endpoint(raw, spec, codings, problems, issues)
    if spec.group is not None:
        problems.add(column_codes(raw, spec.group).missing, f"missing group ({spec.group})")
    for exclusion in spec.exclusions:
        problems.add(rows == exclusion.row, f"excluded by hand: {exclusion.reason}")
    if spec.patient_id is not None:
        _duplicate_patients(raw, spec.patient_id, rows, problems, issues)

    keep = problems.clean()
    _implausible_values(raw, spec, rows, keep, issues)
    dropped = np.flatnonzero(~keep)
    excluded = tuple(sorted(
        (*raw.dropped, *(ExcludedRow(r, p, why) for r, p, why in zip(
            rows[dropped].tolist(), _patients(raw, spec.patient_id, rows, dropped),
            problems.reasons(dropped), strict=True))),
        key=lambda e: e.row))
    if not keep.any():
        present = set(rows.tolist())
        first = next(e for e in excluded if e.row in present)
        raise InputError("no_usable_rows",
                         f"{raw.name}: none of the {rows.size} rows can be analysed; "
                         f"the first problem is in row {first.row}: {first.reason}.")
    if excluded:
        issues.append(Issue("rows_excluded",
                            f"{len(excluded)} of {rows.size + len(raw.dropped)} rows were "
                            "excluded (see the excluded rows and their reasons)."))

    kept = slice(None) if dropped.size == 0 else keep  # every row: no copies
    group, labels = _groups(raw, spec, keep)
    strata, strata_labels = _strata(raw, spec.strata, keep, issues)
    cohort = Cohort(
        time=_near_ties_merged(time[keep], issues),
        event=event[keep],
        group=group,
        group_labels=labels,
        strata=strata,
        strata_labels=strata_labels,
        row=rows[keep],
        patient=_kept_patients(raw, spec.patient_id, dropped),
        reason=tuple(reason[kept].tolist()),
        excluded=excluded,
        time_unit=spec.time_unit,
        source=raw.name,
        sha256=raw.sha256,
    )
    return cohort, issues


AGE_WORDS = frozenset({"age", "eta", "alter", "edad"})
SURGERY_WORDS = frozenset({"nephrectomy", "nefrectomia", "metastasectomy", "metastasectomia",
                           "surgery", "chirurgia", "intervento", "resection", "resezione"})


def _sheet_date_order(raw: RawTable, issues: list[Issue]) -> str | None:
    """Day or month first for every nn/nn/yyyy date of the sheet, decided once from the
    columns that show it (31/01 can only be day first): a column whose own dates never pass
    12 is read as its sheet is written. None when no column tells, or columns disagree (then
    each column is read on its own)."""
    evidence = {str(c): order_evidence(raw.frame[c]) for c in raw.frame.columns}
    day = [(c, d) for c, (d, _) in evidence.items() if d]
    month = [(c, m) for c, (_, m) in evidence.items() if m]
    if bool(day) == bool(month):
        return None
    order, (column, example) = (DAY_FIRST, day[0]) if day else (MONTH_FIRST, month[0])
    issues.append(Issue("date_order",
                        f"Dates written as nn/nn/yyyy are read as {DATE_ORDERS[order]} "
                        f"throughout the sheet, as column {column!r} shows ({example!r}); "
                        "give --date-format to say otherwise.", severity="info"))
    return order


def _implausible_values(raw: RawTable, spec: AnalysisSpec, rows: np.ndarray, keep: np.ndarray,
                        issues: list[Issue]) -> None:
    """Values that do not enter the survival times but say a row may be wrong: an age
    outside 0-120, a start date (randomisation) before the surgery that the patients had
    before it. The rows stay in the analysis; a warning names them, for the user to check."""
    for column in map(str, raw.frame.columns):
        words = name_words(column)
        if words & AGE_WORDS and not _is_date_column(raw, column):
            ages = pd.to_numeric(raw.frame[column], errors="coerce").to_numpy(dtype=float)
            odd = keep & ((ages < 0) | (ages > 120))
            if odd.any():
                issues.append(Issue("implausible_age",
                                    f"Column {column!r} has ages outside 0-120 in "
                                    f"{_rows_text(rows[odd])}. Check them; the patients are "
                                    "analysed."))
        elif words & SURGERY_WORDS and spec.endpoint.start and _is_date_column(raw, column):
            start = _dates(raw, spec.endpoint.start, spec.date_format, _Problems(rows.size))
            surgery = _dates(raw, column, spec.date_format, _Problems(rows.size))
            odd = keep & (start < surgery).to_numpy()
            if odd.any():
                issues.append(Issue("start_before_surgery",
                                    f"In {_rows_text(rows[odd])} the start date "
                                    f"({spec.endpoint.start}) is before the date in "
                                    f"{column!r}, though patients usually start after their "
                                    "surgery. Check them; the patients are analysed."))


def _is_date_column(raw: RawTable, name: str) -> bool:
    column = raw.frame[name]
    return column.dtype.kind == "M" or (column.dtype.kind == "O" and memoised(
        raw, ("looks like dates", name), lambda: looks_like_dates(column)))


def _duplicate_patients(raw: RawTable, column: str, rows: np.ndarray, problems: _Problems,
                        issues: list[Issue]) -> None:
    """A patient ID on several rows is one patient, not several: identical copies count
    once (the first row), rows that disagree are all excluded, since nothing tells which is
    right; a warning lists them."""
    codes = column_codes(raw, column)
    if codes.one_per_row:
        return
    valid = codes.codes >= 0
    counts = np.bincount(codes.codes[valid], minlength=codes.texts.size)
    repeated = np.flatnonzero(valid & (counts[np.where(valid, codes.codes, 0)] > 1))
    if repeated.size == 0:
        return
    listed = []
    for code, at in pd.Series(repeated).groupby(codes.codes[repeated]):
        positions = at.to_numpy()
        patient, numbers = str(codes.texts[code]), rows[positions]
        mask = np.zeros(rows.size, dtype=bool)
        if not raw.frame.iloc[positions].duplicated(keep="first").iloc[1:].all():
            mask[positions] = True
            problems.add(mask, f"patient {patient} is on {_rows_text(numbers)} with "
                               "different values: none of them is analysed")
        else:
            mask[positions[1:]] = True
            problems.add(mask, f"an identical copy of row {numbers[0]} (patient {patient}), "
                               "counted once")
        listed.append(f"{patient} ({_rows_text(numbers)})")
    issues.append(Issue("duplicate_patients",
                        f"Patient IDs in column {column!r} appear more than once: "
                        f"{', '.join(listed[:10])}{' and more' if len(listed) > 10 else ''}. "
                        "Identical copies were counted once; rows that disagree were all "
                        "excluded."))


def _rows_text(numbers: np.ndarray) -> str:
    """ "row 7", "rows 3 and 5", "rows 1, 2, 3, 4 and 5 and 3 more"."""
    shown = [str(n) for n in numbers[:5].tolist()]
    if len(shown) == 1:
        return f"row {shown[0]}"
    more = f" and {numbers.size - 5} more" if numbers.size > 5 else ""
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}{more}"


def _near_ties_merged(time: np.ndarray, issues: list[Issue]) -> np.ndarray:
    merged, changed = merge_near_ties(time)
    if changed:
        issues.append(Issue("near_ties_merged",
                            f"{changed} follow-up times differed from another only by rounding "
                            "(e.g. 0.30000000000000004 and 0.3) and were taken as equal, as "
                            "R's survival package does (timefix).", severity="info"))
    return merged


class _Problems:
    """Reasons per row, accumulated; a row with any reason is excluded."""

    def __init__(self, n: int) -> None:
        self.found = np.zeros(n, dtype=bool)
        self._added: list[tuple[np.ndarray, str | np.ndarray]] = []

    def add(self, mask: np.ndarray | pd.Series, reason: str | np.ndarray) -> None:
        """``reason``: one text, or one text per row of ``mask`` (in row order)."""
        if isinstance(mask, pd.Series):
            mask = mask.fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            return
        self.found |= mask
        self._added.append((mask, reason))

    def clean(self) -> np.ndarray:
        return ~self.found

    def reasons(self, rows: np.ndarray) -> list[str]:
        """The reasons of ``rows`` (the rows with a problem, in order), joined by "; "."""
        out = np.full(rows.size, "", dtype=object)
        for mask, reason in self._added:
            hit = mask[rows]
            current = out[hit]
            out[hit] = np.where(current == "", reason, current + "; " + reason)
        return out.tolist()


def _check_columns(raw: RawTable, spec: AnalysisSpec) -> None:
    endpoint = spec.endpoint
    wanted = [spec.patient_id, endpoint.time, endpoint.start, endpoint.last_contact, spec.group,
              *spec.strata, *(e.column for e in endpoint.events),
              *(e.date for e in endpoint.events), *(c.column for c in spec.where)]
    missing = list(dict.fromkeys(c for c in wanted if c is not None and c not in raw.frame.columns))
    if missing:
        what = f"no column {missing[0]!r}" if len(missing) == 1 else \
            f"no columns {', '.join(map(repr, missing))}"
        raise InputError("column_not_found",
                         f"{raw.name}: there is {what}. Columns found: "
                         f"{', '.join(map(repr, raw.frame.columns))}.")


def _distinct(raw: RawTable, column: str) -> list[str]:
    """The distinct cell texts of a column in natural order."""
    return sorted(column_codes(raw, column).texts.tolist(), key=natural_key)


def _endpoint(raw: RawTable, spec: AnalysisSpec, codings: dict[str, list[str]],
              problems: _Problems, issues: list[Issue]
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time, event (bool) and the reason text of every row."""
    endpoint = spec.endpoint
    if endpoint.from_dates:
        return _endpoint_from_dates(raw, spec, codings, problems, issues)
    assert endpoint.time is not None
    source = endpoint.events[0]
    event = _event_flags(raw, source, codings[source.column], problems, issues,
                         competing=spec.competing_values)
    time = _numeric_time(raw, endpoint.time, problems)
    reason = np.array(["censored", source.column], dtype=object)[event.view(np.int8)]
    if reads_as_censoring(source.column):  # "event (CNSR = 0)": which way round it was read
        text = cell_text(raw.frame[source.column]).fillna("").to_numpy(dtype=object)
        reason = np.where(event, "event (" + source.column + " = " + text + ")",
                          "censored (" + source.column + " = " + text + ")")
    return time, event, reason


def _numeric_time(raw: RawTable, name: str, problems: _Problems) -> np.ndarray:
    column = raw.frame[name]
    if _is_date_column(raw, name):
        raise InputError("time_is_dates",
                         f"{raw.name}: column {name!r} holds dates, not durations. Give the "
                         "start date with --start and the date of the event or last contact "
                         "with --stop instead of --time.")
    time = memoised(raw, ("number", name), lambda: _numbers(column))
    if column.dtype.kind in "fiu":  # numbers already: only empty cells can be wrong
        problems.add(np.isnan(time), f"missing time ({name})")
        return _checked_time(time, name, problems)
    codes = column_codes(raw, name)
    problems.add(codes.missing, f"missing time ({name})")
    not_number = ~codes.missing & np.isnan(time)
    problems.add(not_number, codes.described(
        not_number, lambda t: f"time {t!r} in {name} is not a number"))
    return _checked_time(time, name, problems)


def _numbers(column: pd.Series) -> np.ndarray:
    """The column as numbers (NaN where a cell is not one), read-only."""
    if column.dtype.kind not in "fiu":
        column = pd.to_numeric(column.astype(object) if isinstance(
            column.dtype, pd.CategoricalDtype) else column, errors="coerce")
    numbers = column.astype(float).to_numpy(dtype=np.float64, copy=True)
    numbers.flags.writeable = False
    return numbers


def _checked_time(time: np.ndarray, name: str, problems: _Problems) -> np.ndarray:
    problems.add(np.isinf(time), f"time in {name} is not finite")
    with np.errstate(invalid="ignore"):
        problems.add(time < 0, f"negative time in {name}")
        problems.add(np.isfinite(time) & (time > LONGEST_TIME),
                     f"a time in {name} over {LONGEST_TIME:,.0f}, longer than any trial in "
                     "any unit (a typing or export error?)")
    return time


def _event_flags(raw: RawTable, source: EventSource, found: list[str], problems: _Problems,
                 issues: list[Issue], competing: tuple[str, ...] = ()) -> np.ndarray:
    """True where the event happened, False where censored or unusable (unusable rows get a
    reason). The coding is judged on ``found``, the values of the whole column (not only of
    a subgroup). ``competing`` values are not the event here either, but they are not said
    to be censored: the competing-risks note says how they count."""
    codes = column_codes(raw, source.column)
    problems.add(codes.missing, f"missing event status ({source.column})")
    if source.values:
        chosen = {v.strip().casefold() for v in source.values}
        flags = np.array([t.casefold() in chosen for t in codes.texts.tolist()], dtype=bool)
        competes = {v.strip().casefold() for v in competing}
        others = [v for v in found if v.casefold() not in chosen | competes]
        if not any(v.casefold() in chosen for v in found) and len(found) <= 1:
            issues.append(Issue("no_events",
                                f"Column {source.column!r} has no cell with the event value "
                                f"{', '.join(map(repr, source.values))}: every patient is "
                                "censored, so nothing can be compared."))
        elif not any(v.casefold() in chosen for v in found):
            raise InputError("event_value_not_found",
                             f"{raw.name}: column {source.column!r} has no cell with the event "
                             f"value {', '.join(map(repr, source.values))}; values found: "
                             f"{', '.join(map(repr, found))}.")
        if len(others) > 1:
            issues.append(Issue("several_censor_values",
                                f"Column {source.column!r}: values {', '.join(others)} are all "
                                "treated as censored."))
        return codes.per_row(flags, False)
    return _guess_event_flags(raw, source.column, codes, found, problems, issues)


def _guess_event_flags(raw: RawTable, column: str, codes: ColumnCodes, found: list[str],
                       problems: _Problems, issues: list[Issue]) -> np.ndarray:
    """Yes/no or 1/0 read without being told; a column of only "no" (0) is every patient
    censored, as R reads it (a subgroup or an early data cut without events is real)."""
    if reads_as_censoring(column) and (values := censoring_event_values(found)):
        issues.append(_censoring_flag_note(column, values, found))
        chosen = {v.casefold() for v in values}
        return codes.per_row(np.array([t.casefold() in chosen for t in codes.texts.tolist()],
                                      dtype=bool), False)
    folded = [t.casefold() for t in codes.texts.tolist()]
    yes = np.array([f in YES_WORDS for f in folded], dtype=bool)
    no = np.array([f in NO_WORDS for f in folded], dtype=bool)
    outside = [v for v in found if v.casefold() not in YES_WORDS | NO_WORDS]
    folded_found = {v.casefold() for v in found}
    if holds_no_event(found):
        issues.append(_no_event_issue(column, found))
        return codes.per_row(np.zeros(len(folded), dtype=bool), False)
    coded = bool(folded_found & YES_WORDS) and bool(folded_found & NO_WORDS)
    if not coded or any(is_number(v) for v in outside):
        raise InputError("event_coding_unknown", _coding_question(raw.name, column, found))
    odd = codes.per_row(~yes & ~no, False)
    problems.add(odd, codes.described(
        odd, lambda t: f"event value {t!r} in {column} is not yes/no or 1/0"))
    return codes.per_row(yes, False)


def _censoring_flag_note(column: str, values: tuple[str, ...], found: list[str]) -> Issue:
    censored = [v for v in found if v not in values]
    return Issue("censoring_flag",
                 f"Column {column!r} is read as a censoring flag, as its name says: "
                 f"{' or '.join(map(repr, values))} means the event happened, "
                 f"{' or '.join(map(repr, censored))} censored. Give the values that mean the "
                 "event (--event-value) if it is the other way round.", severity="info")


def _no_event_issue(column: str, found: list[str]) -> Issue:
    values = " and ".join(map(repr, found))
    return Issue("no_events",
                 f"Column {column!r} holds only {values}: no patient had the event, so every "
                 "patient is censored. The curves stay flat at 100%, no median is reached "
                 "and the groups cannot be compared.")


def _coding_question(name: str, column: str, found: list[str]) -> str:
    """Why the event values must be said: a lone 1 can be "event" (0/1) or "censored" (1/2),
    and any other coding has no default."""
    listed = ", ".join(map(repr, found[:12]))
    if len(found) == 1 and is_number(found[0]):
        return (f"{name}: column {column!r} holds only the value {found[0]!r}, which can mean "
                "the event (coded 0/1) or censored (coded 1/2); say which with --event-value "
                f"(--event-value {found[0]} if every patient had the event).")
    return (f"{name}: column {column!r} has the values {listed}; say which mean the event "
            f"happened with --event-value (e.g. --event-value {found[-1]}).")


def _dates(raw: RawTable, name: str, order: str | None, problems: _Problems,
           needed: np.ndarray | None = None, what: str = "date") -> pd.Series:
    """Dates of column ``name``; rows in ``needed`` (default all) without a valid date get a
    reason. A column without a single date is a problem with the whole table."""
    dates: pd.Series = memoised(raw, ("dates", name, order), lambda: parse_dates(
        raw.frame[name], order, f"{raw.name}: column {name!r}"))
    codes = column_codes(raw, name)
    no_date = dates.isna().to_numpy()
    if not codes.missing.all() and no_date.all():
        first = codes.texts[codes.codes[np.argmax(~codes.missing)]]
        raise InputError("not_dates",
                         f"{raw.name}: column {name!r} holds no dates (e.g. {first!r}). Give "
                         "date columns with --start and --stop, or a column of durations "
                         "with --time.")
    needed = np.ones(no_date.size, dtype=bool) if needed is None else needed
    problems.add(needed & codes.missing, f"missing {what} ({name})")
    bad = needed & ~codes.missing & no_date
    problems.add(bad, codes.described(bad, lambda t: f"date {t!r} in {name} is not a date"))
    future = needed & (dates > today()).to_numpy()
    problems.add(future, codes.described(future, lambda t: f"date {t!r} in {name} is in the "
                                                           "future"))
    return dates


def today() -> pd.Timestamp:
    """The end of today: no date the analysis uses may be later."""
    return pd.Timestamp.today().normalize() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


def _endpoint_from_dates(raw: RawTable, spec: AnalysisSpec, codings: dict[str, list[str]],
                         problems: _Problems, issues: list[Issue]
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time from ``start`` to the earliest event that happened (on or before the cut-off),
    else to the last contact, or to the cut-off when the patient was followed beyond it."""
    endpoint: Endpoint = spec.endpoint
    assert endpoint.start is not None
    order = spec.date_format
    cutoff = pd.Timestamp(spec.cutoff) if spec.cutoff else None
    start = _dates(raw, endpoint.start, order, problems, what="start date")
    n = len(raw.frame)
    event_date = pd.Series(pd.NaT, index=raw.frame.index, dtype="datetime64[s]")
    event_name = np.full(n, "", dtype=object)
    any_event = np.zeros(n, dtype=bool)
    beyond_cutoff = np.zeros(n, dtype=bool)
    dated_events = []
    for source in endpoint.events:
        assert source.date is not None
        flags = _event_flags(raw, source, codings[source.column], problems, issues)
        when = _dates(raw, source.date, order, problems, needed=flags,
                      what=f"date of {source.column}")
        dated_events.append((source, flags, when))
        if cutoff is not None:
            after = flags & (when > cutoff).to_numpy()
            beyond_cutoff |= after
            flags = flags & ~after
        earlier = flags & when.notna().to_numpy() & (
            event_date.isna() | (when < event_date)).to_numpy()
        event_date = event_date.mask(earlier, when)
        event_name[earlier] = source.column
        any_event |= flags
    censor_date, censor_reason = _censoring(raw, spec, problems, ~any_event & ~beyond_cutoff)
    _impossible_event_dates(raw, spec, dated_events, problems)
    if cutoff is not None:
        late = ~any_event & (beyond_cutoff | (censor_date > cutoff).to_numpy())
        censor_date = censor_date.mask(late, cutoff)
        censor_reason[late] = f"censored at cut-off {cutoff.date()}"
        problems.add(start > cutoff, f"the start date ({endpoint.start}) is after the data "
                                     f"cut-off {cutoff.date()}")
    stop = event_date.where(any_event, censor_date)
    days = (stop - start).dt.total_seconds() / 86400.0
    problems.add(days < 0, "the event or last-contact date is before the start date "
                           f"({endpoint.start})")
    reason = censor_reason
    dated = any_event & stop.notna().to_numpy()
    reason[any_event] = np.nan  # no date: the row is excluded
    reason[dated] = event_name[dated] + _day_texts(stop, " on ")[dated]
    return ((days / TIME_UNITS[spec.time_unit]).to_numpy(dtype=np.float64), any_event,
            reason)


def _impossible_event_dates(raw: RawTable, spec: AnalysisSpec,
                            dated_events: list[tuple[EventSource, np.ndarray, pd.Series]],
                            problems: _Problems) -> None:
    """An event dated after the patient's death, or (other than death) after the date of
    last contact, cannot be: nothing is observed after death, and an event is learnt of at
    a contact. Such rows are excluded with the reason."""
    deaths = [(s, f, w) for s, f, w in dated_events if is_death_column(s.column)]
    last = spec.endpoint.last_contact
    last_dates = (_dates(raw, last, spec.date_format, _Problems(len(raw.frame)))
                  if last else None)
    for source, flags, when in dated_events:
        if is_death_column(source.column):
            continue
        for death, died, death_date in deaths:
            after = flags & died & (when > death_date).to_numpy()
            problems.add(after, f"the date of {source.column} ({source.date}) is after the "
                                f"date of death ({death.date})")
        if last_dates is not None and last != source.date:
            after = flags & (when > last_dates).to_numpy()
            problems.add(after, f"the date of {source.column} ({source.date}) is after the "
                                f"date of last contact ({last})")


def _censoring(raw: RawTable, spec: AnalysisSpec, problems: _Problems,
               needed: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """The last-contact date (needed where no event happened) and its reason text."""
    column = spec.endpoint.last_contact or spec.endpoint.events[0].date
    assert column is not None
    dates = _dates(raw, column, spec.date_format, problems, needed=needed,
                   what="date of last contact")
    return dates, _day_texts(dates, "censored at last contact ")


def _day_texts(dates: pd.Series, before: str) -> np.ndarray:
    """``before`` + each date as "2016-03-12" (NaN for no date), each distinct date
    formatted once."""
    codes, days = pd.factorize(dates, use_na_sentinel=True)
    texts = [before + day for day in pd.Series(days).dt.date.astype(str).tolist()]
    return np.array(texts + [np.nan], dtype=object)[codes]


FEW_DROPPED = 16
"""Up to this many rows left out, the kept patients are cut out of the table's tuple."""


def _kept_patients(raw: RawTable, column: str | None, dropped: np.ndarray,
                   ) -> tuple[str, ...]:
    """The identifiers (cells of ``column``, "" when empty) of the rows not ``dropped``;
    () without an identifier column (``Cohort.patient_ids`` names them by row number). The
    tuple of all the table's identifiers is made once per table (a tuple of a million takes
    15 ms): with every row kept it is the answer, with a few left out (a patient excluded by
    hand) it is cut around them."""
    if column is None:
        return ()
    codes = column_codes(raw, column)
    if dropped.size > FEW_DROPPED:
        return tuple(codes.texts_of(np.delete(np.arange(codes.codes.size), dropped),
                                    "").tolist())
    every = memoised(raw, ("patients", column), lambda: tuple(
        codes.texts_of(slice(None), "").tolist()))
    if dropped.size == 0:
        return every
    kept = list(every)
    for row in reversed(dropped.tolist()):
        del kept[row]
    return tuple(kept)


def _patients(raw: RawTable, column: str | None, rows: np.ndarray,
              which: np.ndarray) -> list[str]:
    """The patient of the rows at positions ``which`` (the excluded rows): the id cell (""
    when empty), else the row number."""
    if column is None:
        return rows[which].astype(str).tolist()
    return column_codes(raw, column).texts_of(which, "").tolist()


def _groups(raw: RawTable, spec: AnalysisSpec,
            keep: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """The group code of each kept row and the group labels, reference first."""
    if spec.group is None:
        labels = _group_order(None, [ALL_PATIENTS], spec, raw.name)
        return np.zeros(int(keep.sum()), dtype=np.int64), labels
    codes = column_codes(raw, spec.group)
    kept = codes.codes[keep]
    present = codes.texts[pd.unique(kept)].tolist()  # in order of first appearance
    labels = _group_order(raw.frame[spec.group], present, spec, raw.name)
    position = {g: i for i, g in enumerate(labels)}
    return np.array([position[t] if t in position else -1 for t in codes.texts.tolist()],
                    dtype=np.int64)[kept], labels


def _group_order(column: pd.Series | None, present: list[str], spec: AnalysisSpec,
                 source: str) -> tuple[str, ...]:
    """Groups in the order the user set (``spec.group_order``; as R's factor levels, its
    first is the reference unless one is named), else in natural order (the file's own order
    for categorical columns, e.g. SPSS value labels); the reference first. Groups the order
    leaves out follow in natural order (``comparisons.group_order`` then stops the analysis
    with a message)."""
    found = set(present)
    if column is not None and isinstance(column.dtype, pd.CategoricalDtype):
        labels = [str(c) for c in column.cat.categories if str(c) in found]
        labels += sorted(found.difference(labels), key=natural_key)  # cells not read as labels
    else:
        labels = sorted(present, key=natural_key)
    if spec.group_order:
        ordered = list(dict.fromkeys(g for g in spec.group_order if g in found))
        labels = ordered + [g for g in labels if g not in ordered]
    reference = spec.reference
    if reference is not None:
        if reference not in labels:
            raise InputError("reference_not_found",
                             f"{source}: the reference group {reference!r} is not a value of "
                             f"column {spec.group!r}; groups found: "
                             f"{', '.join(map(repr, labels))}.")
        labels.remove(reference)
        labels.insert(0, reference)
    return tuple(labels)


MAX_DENSE_KEYS = 1 << 22
"""Strata combinations are numbered by counting up to this many possible keys per row."""


def _strata(raw: RawTable, columns: tuple[str, ...], keep: np.ndarray,
            issues: list[Issue]) -> tuple[np.ndarray | None, tuple[str, ...]]:
    """Combined strata codes of the kept rows (-1 where any strata value is missing), the
    labels ("a / b") in sorted order."""
    if not columns:
        return None, ()
    parts = [column_codes(raw, c) for c in columns]
    combination = np.zeros(int(keep.sum()), dtype=np.int64)
    combinations: list[tuple[int, ...]] = [()]
    for part in parts:
        width = part.texts.size + 1  # the codes -1 .. size-1, shifted to 0 .. size
        combination, found = _dense(combination * width + part.codes[keep] + 1)
        combinations = [(*combinations[key // width], key % width - 1) for key in found]
    labels = {c: " / ".join(str(p.texts[i]) for p, i in zip(parts, c, strict=True))
              for c in combinations if min(c) >= 0}
    uniques = sorted(set(labels.values()))
    code_of = {text: i for i, text in enumerate(uniques)}
    codes = np.array([code_of[labels[c]] if c in labels else -1 for c in combinations],
                     dtype=np.int64)[combination]
    missing = int((codes < 0).sum())
    if missing:
        issues.append(Issue("strata_missing",
                            f"{missing} patients have no value in "
                            f"{', '.join(columns)}: they are left out of the stratified "
                            "analyses only."))
    return codes, tuple(uniques)


def _dense(keys: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Keys renumbered 0.. in increasing order, and the key of each number."""
    size = int(keys.max(initial=-1)) + 1
    if size > MAX_DENSE_KEYS and size > 4 * keys.size:
        found, dense = np.unique(keys, return_inverse=True)
        return dense.reshape(-1), found.tolist()
    present = np.bincount(keys, minlength=size) > 0
    return (np.cumsum(present) - 1)[keys], np.flatnonzero(present).tolist()
