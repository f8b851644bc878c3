"""Apply the spec's column roles to a raw table: validated arrays plus excluded rows.

Validation happens here, before any estimator runs: numerical code happily accepts NaN
times, negative times and 1/2 event codes and returns a wrong curve. Row-level problems
exclude that row with a reason; problems with the whole table raise ``InputError``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from resort_gui.domain.cohort import Cohort, ExcludedRow
from resort_gui.domain.errors import InputError, Issue
from resort_gui.domain.spec import TIME_UNITS, AnalysisSpec, Endpoint, EventSource
from resort_gui.io.cells import NO_WORDS, YES_WORDS, cell_text, is_number, natural_key
from resort_gui.io.dates import looks_like_dates, parse_dates
from resort_gui.io.subgroups import select_subgroup
from resort_gui.io.table import RawTable

ALL_PATIENTS = "All patients"


def build_cohort(raw: RawTable, spec: AnalysisSpec) -> tuple[Cohort, list[Issue]]:
    """Turn ``raw`` into a ``Cohort`` following ``spec``; returns the cohort and its notes."""
    _check_columns(raw, spec)
    issues: list[Issue] = list(raw.issues)
    codings = {e.column: _distinct(raw.frame[e.column]) for e in spec.endpoint.events}
    raw = select_subgroup(raw, spec.where, issues)
    frame = raw.frame
    rows = pd.Series(raw.row_numbers(), index=frame.index)
    problems = _Problems(frame.index)

    time, event, reason = _endpoint(raw, spec, codings, problems, issues)
    group_text = _group_text(frame, spec.group, problems)
    for exclusion in spec.exclusions:
        problems.add(rows == exclusion.row, f"excluded by hand: {exclusion.reason}")

    keep = problems.clean()
    patient = cell_text(frame[spec.patient_id]) if spec.patient_id else rows.astype(str)
    excluded = tuple(sorted(
        (*raw.dropped, *(ExcludedRow(int(r), str(p) if pd.notna(p) else "", why)
                         for r, p, why in zip(rows[~keep], patient[~keep],
                                              problems.reasons[~keep], strict=True))),
        key=lambda e: e.row))
    if not keep.any():
        first = next(e for e in excluded if e.row in set(rows))
        raise InputError("no_usable_rows",
                         f"{raw.name}: none of the {len(frame)} rows can be analysed; "
                         f"the first problem is in row {first.row}: {first.reason}.")
    if excluded:
        issues.append(Issue("rows_excluded",
                            f"{len(excluded)} of {len(frame) + len(raw.dropped)} rows were "
                            "excluded (see the excluded rows and their reasons)."))

    labels = _group_order(frame[spec.group][keep] if spec.group else None, group_text[keep],
                          spec.reference, raw.name, spec.group)
    group_codes = group_text[keep].map({g: i for i, g in enumerate(labels)})
    strata, strata_labels = _strata(frame[keep], spec.strata, issues)
    cohort = Cohort(
        time=time[keep].to_numpy(dtype=np.float64),
        event=event[keep].to_numpy(dtype=bool),
        group=group_codes.to_numpy(dtype=np.int64),
        group_labels=labels,
        strata=strata,
        strata_labels=strata_labels,
        row=rows[keep].to_numpy(dtype=np.int64),
        patient=tuple(patient[keep].fillna("").astype(str).tolist()),
        reason=tuple(reason[keep].tolist()),
        excluded=excluded,
        time_unit=spec.time_unit,
        source=raw.name,
        sha256=raw.sha256,
    )
    return cohort, issues


class _Problems:
    """Reasons per row, accumulated; a row with any reason is excluded."""

    def __init__(self, index: pd.Index) -> None:
        self.reasons = pd.Series("", index=index, dtype=object)

    def add(self, mask: pd.Series, reason: str | pd.Series) -> None:
        """``reason``: one text, or a Series of texts holding (at least) the masked rows."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        text = reason.reindex(mask.index[mask]) if isinstance(reason, pd.Series) else reason
        current = self.reasons[mask]
        self.reasons[mask] = np.where(current == "", text, current + "; " + text)

    def clean(self) -> pd.Series:
        return self.reasons == ""


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


def _distinct(column: pd.Series) -> list[str]:
    """The distinct cell texts of a column in natural order."""
    return sorted(cell_text(column).dropna().unique(), key=natural_key)


def _endpoint(raw: RawTable, spec: AnalysisSpec, codings: dict[str, list[str]],
              problems: _Problems, issues: list[Issue]) -> tuple[pd.Series, pd.Series, pd.Series]:
    endpoint = spec.endpoint
    if endpoint.from_dates:
        return _endpoint_from_dates(raw, spec, codings, problems, issues)
    source = endpoint.events[0]
    event = _event_flags(raw, source, codings[source.column], problems, issues)
    time = _numeric_time(raw, endpoint.time, problems)
    reason = pd.Series(np.where(event.fillna(False).astype(bool), source.column, "censored"),
                       index=raw.frame.index, dtype=object)
    return time, event, reason


def _numeric_time(raw: RawTable, name: str, problems: _Problems) -> pd.Series:
    column = raw.frame[name]
    if column.dtype.kind == "M" or (column.dtype.kind == "O" and looks_like_dates(column)):
        raise InputError("time_is_dates",
                         f"{raw.name}: column {name!r} holds dates, not durations. Give the "
                         "start date with --start and the date of the event or last contact "
                         "with --stop instead of --time.")
    if column.dtype.kind in "fiu":  # numbers already: only empty cells can be wrong
        time = column.astype(float)
        problems.add(time.isna(), f"missing time ({name})")
        return _checked_time(time, name, problems)
    text = cell_text(column)
    time = pd.to_numeric(column.astype(object) if isinstance(column.dtype, pd.CategoricalDtype)
                         else column, errors="coerce")
    problems.add(text.isna(), f"missing time ({name})")
    not_number = text.notna() & time.isna()
    problems.add(not_number, "time " + text[not_number].map(repr) + f" in {name} is not a number")
    return _checked_time(time.astype(float), name, problems)


def _checked_time(time: pd.Series, name: str, problems: _Problems) -> pd.Series:
    problems.add(~np.isfinite(time.fillna(0.0)), f"time in {name} is not finite")
    problems.add(time < 0, f"negative time in {name}")
    return time.astype(float)


def _event_flags(raw: RawTable, source: EventSource, found: list[str], problems: _Problems,
                 issues: list[Issue]) -> pd.Series:
    """True where the event happened, False where censored, NaN where unusable. The coding is
    judged on ``found``, the values of the whole column (not only of a subgroup)."""
    text = cell_text(raw.frame[source.column])
    problems.add(text.isna(), f"missing event status ({source.column})")
    if source.values:
        chosen = {v.strip().casefold() for v in source.values}
        folded = text.str.casefold()
        flags = folded.isin(chosen)
        others = [v for v in found if v.casefold() not in chosen]
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
        return flags.where(text.notna())
    return _guess_event_flags(raw, source.column, text, found, problems)


def _guess_event_flags(raw: RawTable, column: str, text: pd.Series, found: list[str],
                       problems: _Problems) -> pd.Series:
    folded = text.str.casefold()
    yes, no = folded.isin(YES_WORDS), folded.isin(NO_WORDS)
    outside = [v for v in found if v.casefold() not in YES_WORDS | NO_WORDS]
    folded_found = {v.casefold() for v in found}
    coded = bool(folded_found & YES_WORDS) and bool(folded_found & NO_WORDS)
    if not coded or any(is_number(v) for v in outside):
        raise InputError("event_coding_unknown",
                         f"{raw.name}: column {column!r} has the values "
                         f"{', '.join(map(repr, found[:12]))}; say which mean the event "
                         f"happened with --event-value (e.g. --event-value {found[-1]}).")
    odd = text.notna() & ~yes & ~no
    problems.add(odd, "event value " + text[odd].map(repr) + f" in {column} is not yes/no or 1/0")
    return yes.where(yes | no)


def _dates(raw: RawTable, name: str, order: str | None, problems: _Problems,
           needed: pd.Series | None = None, what: str = "date") -> pd.Series:
    """Dates of column ``name``; rows in ``needed`` (default all) without a valid date get a
    reason. A column without a single date is a problem with the whole table."""
    column = raw.frame[name]
    dates = parse_dates(column, order, f"{raw.name}: column {name!r}")
    text = cell_text(column)
    if text.notna().any() and dates.isna().all():
        raise InputError("not_dates",
                         f"{raw.name}: column {name!r} holds no dates (e.g. "
                         f"{text.dropna().iloc[0]!r}). Give date columns with --start and "
                         "--stop, or a column of durations with --time.")
    needed = pd.Series(True, index=column.index) if needed is None else needed
    problems.add(needed & text.isna(), f"missing {what} ({name})")
    bad = needed & text.notna() & dates.isna()
    problems.add(bad, "date " + text[bad].map(repr) + f" in {name} is not a date")
    return dates


def _endpoint_from_dates(raw: RawTable, spec: AnalysisSpec, codings: dict[str, list[str]],
                         problems: _Problems, issues: list[Issue]
                         ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Time from ``start`` to the earliest event that happened (on or before the cut-off),
    else to the last contact, or to the cut-off when the patient was followed beyond it."""
    endpoint: Endpoint = spec.endpoint
    assert endpoint.start is not None
    order = spec.date_format
    cutoff = pd.Timestamp(spec.cutoff) if spec.cutoff else None
    start = _dates(raw, endpoint.start, order, problems, what="start date")
    index = raw.frame.index
    event_date = pd.Series(pd.NaT, index=index, dtype="datetime64[s]")
    event_name = pd.Series("", index=index, dtype=object)
    any_event = pd.Series(False, index=index)
    beyond_cutoff = pd.Series(False, index=index)
    for source in endpoint.events:
        assert source.date is not None
        flags = _event_flags(raw, source, codings[source.column], problems, issues)
        flags = flags.fillna(False).astype(bool)
        when = _dates(raw, source.date, order, problems, needed=flags,
                      what=f"date of {source.column}")
        if cutoff is not None:
            after = flags & (when > cutoff)
            beyond_cutoff |= after
            flags &= ~after
        earlier = flags & when.notna() & (event_date.isna() | (when < event_date))
        event_date = event_date.mask(earlier, when)
        event_name = event_name.mask(earlier, source.column)
        any_event |= flags
    censor_date, censor_reason = _censoring(raw, spec, problems, ~any_event & ~beyond_cutoff)
    if cutoff is not None:
        late = ~any_event & (beyond_cutoff | (censor_date > cutoff))
        censor_date = censor_date.mask(late, cutoff)
        censor_reason = censor_reason.mask(late, f"censored at cut-off {cutoff.date()}")
        problems.add(start > cutoff, f"the start date ({endpoint.start}) is after the data "
                                     f"cut-off {cutoff.date()}")
    stop = event_date.where(any_event, censor_date)
    days = (stop - start).dt.total_seconds() / 86400.0
    problems.add(days < 0, "the event or last-contact date is before the start date "
                           f"({endpoint.start})")
    reason = np.where(any_event, event_name + " on " + stop.dt.date.astype(str), censor_reason)
    return (days / TIME_UNITS[spec.time_unit], any_event.where(stop.notna()),
            pd.Series(reason, index=index, dtype=object))


def _censoring(raw: RawTable, spec: AnalysisSpec, problems: _Problems,
               needed: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The last-contact date (needed where no event happened) and its reason text."""
    column = spec.endpoint.last_contact or spec.endpoint.events[0].date
    assert column is not None
    dates = _dates(raw, column, spec.date_format, problems, needed=needed,
                   what="date of last contact")
    reason = "censored at last contact " + dates.dt.date.astype(str)
    return dates, reason.astype(object)


def _group_text(frame: pd.DataFrame, column: str | None, problems: _Problems) -> pd.Series:
    if column is None:
        return pd.Series(ALL_PATIENTS, index=frame.index, dtype=object)
    text = cell_text(frame[column])
    problems.add(text.isna(), f"missing group ({column})")
    return text


def _group_order(column: pd.Series | None, text: pd.Series, reference: str | None,
                 source: str, name: str | None) -> tuple[str, ...]:
    """Groups in natural order (the file's own order for categorical columns, e.g. SPSS
    value labels), reference first."""
    if column is not None and isinstance(column.dtype, pd.CategoricalDtype):
        present = set(text.unique())
        labels = [str(c) for c in column.cat.categories if str(c) in present]
    else:
        labels = sorted(text.unique(), key=natural_key)
    if reference is not None:
        if reference not in labels:
            raise InputError("reference_not_found",
                             f"{source}: the reference group {reference!r} is not a value of "
                             f"column {name!r}; groups found: {', '.join(map(repr, labels))}.")
        labels.remove(reference)
        labels.insert(0, reference)
    return tuple(labels)


def _strata(frame: pd.DataFrame, columns: tuple[str, ...],
            issues: list[Issue]) -> tuple[np.ndarray | None, tuple[str, ...]]:
    """Combined strata codes (-1 where any strata value is missing)."""
    if not columns:
        return None, ()
    parts = [cell_text(frame[c]) for c in columns]
    missing = pd.concat([p.isna() for p in parts], axis=1).any(axis=1)
    key = parts[0].astype(str)
    for part in parts[1:]:
        key = key + " / " + part.astype(str)
    key = key.where(~missing)
    codes, uniques = pd.factorize(key, sort=True)
    if missing.any():
        issues.append(Issue("strata_missing",
                            f"{int(missing.sum())} patients have no value in "
                            f"{', '.join(columns)}: they are left out of the stratified "
                            "analyses only."))
    return codes.astype(np.int64), tuple(str(u) for u in uniques)

