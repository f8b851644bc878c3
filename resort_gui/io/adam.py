"""CDISC ADaM time-to-event data (ADTTE): one row per subject and parameter (OS, PFS...),
turned into one row per subject so every parameter is an endpoint like any other.

An ADTTE is recognised by its columns (USUBJID, PARAMCD, AVAL, CNSR). Each parameter gives
the columns ``AVAL (OS)`` and ``CNSR (OS)`` (and ``EVNTDESC (OS)``, ``AVALU (OS)``... for
every column that differs between a subject's parameters); the columns that are the same
for all of a subject's rows (treatment, stratification, population flags) stay as they
are. Each subject's row keeps the file row number of its first usable record. Rows that cannot be
used are set aside with their own row number and a reason, as footers are: a second row for
the same subject and parameter (both set aside: which one is right cannot be told), a CNSR
that is not a whole number of 0 or more, an AVAL below 0 or not a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from resort_gui.domain.cohort import ExcludedRow
from resort_gui.domain.errors import Issue
from resort_gui.domain.spec import Endpoint, EventSource
from resort_gui.io.cells import cell_text

REQUIRED = ("USUBJID", "PARAMCD", "AVAL", "CNSR")
PER_PARAMETER = ("AVAL", "CNSR", "AVALU", "EVNTDESC", "CNSDTDSC", "ADT", "STARTDT", "SRCDOM",
                 "SRCVAR", "SRCSEQ", "AVALC")
PARAMETER_NAMES = ("PARAMCD", "PARAM", "PARAMN")
TREATMENT_COLUMNS = ("TRT01P", "TRT01A", "TRTP", "TRTA", "ARM", "ACTARM")
POPULATION_FLAGS = ("ITTFL", "FASFL", "SAFFL", "PPROTFL", "EFFFL")


def is_adtte(frame: pd.DataFrame) -> bool:
    upper = {str(c).upper() for c in frame.columns}
    return all(c in upper for c in REQUIRED)


def time_column(code: str) -> str:
    return f"AVAL ({code})"


def censor_column(code: str) -> str:
    return f"CNSR ({code})"


def parameter_of(column: str) -> str | None:
    """``OS`` for ``AVAL (OS)`` (any pivoted column), else None."""
    if column.endswith(")") and " (" in column:
        return column[column.index(" (") + 2:-1]
    return None


def widen(frame: pd.DataFrame, rows: np.ndarray, name: str,
          labels: Mapping[str, str]) -> tuple[pd.DataFrame, np.ndarray,
                                               tuple[ExcludedRow, ...], dict[str, str],
                                               tuple[tuple[str, str], ...], Issue]:
    """One row per subject from the ADTTE ``frame`` (its rows numbered ``rows``) of file
    ``name``: the wide frame, its row numbers, the rows set aside, the labels of the new
    columns, the parameters (code, description) in order of appearance, and a note."""
    columns = {str(c).upper(): c for c in frame.columns}
    subject, code = columns["USUBJID"], columns["PARAMCD"]
    ids = cell_text(frame[subject])
    codes = cell_text(frame[code])
    reasons = pd.Series("", index=frame.index, dtype=object)
    rows_s = pd.Series(rows, index=frame.index)

    def set_aside(mask: pd.Series, why: pd.Series | str) -> None:
        fresh = mask & (reasons == "")
        reasons[fresh] = why[fresh] if isinstance(why, pd.Series) else why

    set_aside(ids.isna(), f"no subject identifier ({subject})")
    set_aside(codes.isna(), f"no parameter code ({code})")
    aval = pd.to_numeric(frame[columns["AVAL"]], errors="coerce")
    aval_text = cell_text(frame[columns["AVAL"]])
    set_aside(aval_text.notna() & aval.isna(),
              "AVAL " + aval_text.fillna("").map(repr) + " is not a number")
    set_aside(aval < 0, "AVAL " + aval_text.fillna("") + " is below 0 (a time cannot be)")
    cnsr_text = cell_text(frame[columns["CNSR"]])
    cnsr = pd.to_numeric(cnsr_text, errors="coerce")
    whole = cnsr.notna() & (cnsr >= 0) & (cnsr == np.round(cnsr))
    set_aside(cnsr_text.notna() & ~whole,
              "CNSR " + cnsr_text.fillna("").map(repr)
              + " is not a whole number (0 = event, 1 or more = censored)")
    key = ids.fillna("") + "\x00" + codes.fillna("")
    usable = reasons == ""
    twice = usable & key.duplicated(keep=False) & ids.notna() & codes.notna()
    if twice.any():
        where = rows_s[twice].groupby(key[twice]).agg(lambda r: ", ".join(map(str, r)))
        set_aside(twice, "two rows for subject " + ids.fillna("") + " and parameter "
                  + codes.fillna("") + " (rows " + key.map(where).fillna("") + ")")
    dropped = tuple(ExcludedRow(int(r), "" if pd.isna(p) else str(p), why)
                    for r, p, why in zip(rows, ids, reasons, strict=True) if why)

    kept = reasons == ""
    parameters = tuple(dict.fromkeys(codes.dropna().tolist()))
    descriptions = {}
    if "PARAM" in columns:
        described = cell_text(frame[columns["PARAM"]])
        descriptions = {c: d for c, d in zip(codes, described, strict=True)
                        if isinstance(c, str) and isinstance(d, str)}
    data = frame[kept]
    by_subject = ids[kept]
    subject_level, per_parameter = [], []
    for column in frame.columns:
        upper = str(column).upper()
        if upper in PARAMETER_NAMES:
            continue
        if upper in PER_PARAMETER or _varies(data[column], by_subject):
            per_parameter.append(column)
        else:
            subject_level.append(column)
    order = pd.Index(pd.unique(ids.dropna()))  # every subject, in the file's order
    numbers = pd.Series(rows, index=frame.index)
    first = numbers[kept].groupby(ids[kept]).min().reindex(order).fillna(
        numbers.groupby(ids).min().reindex(order))  # its first usable row, if it has one
    wide = frame.loc[ids.notna()].groupby(ids.dropna(), sort=False)[subject_level].first()
    wide = wide.reindex(order)
    wide[subject] = order
    wide_labels = {c: labels[c] for c in subject_level if c in labels}
    for parameter in parameters:
        part = data[codes[kept] == parameter].set_index(by_subject[codes[kept] == parameter])
        for column in per_parameter:
            new = f"{str(column).upper()} ({parameter})"
            wide[new] = part[column].reindex(order).to_numpy()
            label = descriptions.get(parameter, parameter)
            wide_labels[new] = f"{labels.get(column, column)}, {label}"
    wide = wide.reset_index(drop=True)
    unit = columns.get("AVALU")
    if unit is not None and unit not in wide.columns:
        units = cell_text(data[unit]).dropna().unique()
        if len(units) == 1:  # one unit for every parameter: one column says it
            wide = wide.drop(columns=[c for c in wide.columns
                                      if str(c).startswith(f"{str(unit).upper()} (")])
            wide.insert(len(subject_level), unit, units[0])
    names = ", ".join(f"{p} ({descriptions[p]})" if p in descriptions else p
                      for p in parameters)
    note = Issue("adtte", f"{name}: a CDISC ADaM time-to-event dataset (ADTTE), one row per "
                          f"subject and parameter: {len(order)} subjects, parameters {names}. "
                          "Each parameter is an endpoint (AVAL the time, CNSR 0 = event, 1 or "
                          "more = censored).", "info")
    return (wide, first.to_numpy(dtype=np.int64), dropped, wide_labels,
            tuple((p, descriptions.get(p, p)) for p in parameters), note)


def _varies(column: pd.Series, subjects: pd.Series) -> bool:
    text = cell_text(column)
    return bool((text.groupby(subjects.to_numpy()).nunique(dropna=False) > 1).any())


def adtte_table(raw):  # noqa: ANN001, ANN201 - RawTable, imported late (no cycle)
    """``raw`` as one row per subject when it is an ADTTE, else ``raw`` itself."""
    if not is_adtte(raw.frame):
        return raw
    frame, rows, dropped, labels, parameters, note = widen(
        raw.frame, raw.row_numbers().to_numpy(), raw.name, raw.labels)
    return replace(raw, frame=frame, rows=rows, dropped=(*raw.dropped, *dropped),
                   labels=labels, parameters=parameters, issues=(*raw.issues, note))


def treatment_column(columns: list[str]) -> str | None:
    upper = {c.upper(): c for c in columns}
    return next((upper[c] for c in TREATMENT_COLUMNS if c in upper), None)


def stratification_columns(columns: list[str]) -> tuple[str, ...]:
    import re

    return tuple(c for c in columns if re.fullmatch(r"STRAT\d+[RV]?", c.upper()))


def population_flag(frame: pd.DataFrame) -> str | None:
    """The first population flag (ITTFL before FASFL, SAFFL...) that holds a "Y"."""
    upper = {str(c).upper(): c for c in frame.columns}
    for flag in POPULATION_FLAGS:
        if flag in upper and cell_text(frame[upper[flag]]).str.upper().eq("Y").any():
            return upper[flag]
    return None


def adtte_endpoint(code: str, description: str = "") -> Endpoint:
    """The endpoint of parameter ``code``: AVAL its time, CNSR = 0 its event."""
    del description
    return Endpoint(name=code, time=time_column(code),
                    events=(EventSource(censor_column(code), ("0",)),))


def adtte_guesses(raw, codes: tuple[str, ...],  # noqa: ANN001 - a RawTable
                  given: Mapping[str, object]) -> tuple[list[str], dict[str, object]]:
    """For ``analyze --param``: the spec fields of the ADTTE ``raw`` with endpoints
    ``codes`` (the first primary), the roles not ``given`` guessed, and one sentence per
    guess."""
    from resort_gui.domain.errors import InputError
    from resort_gui.domain.spec import Condition

    known = dict(raw.parameters)
    if not known:
        raise InputError("not_adtte",
                         f"{raw.name}: --param needs a CDISC ADaM time-to-event dataset "
                         "(ADTTE, with columns USUBJID, PARAMCD, AVAL and CNSR); this file "
                         "has no such columns. Give --time and --event instead.")
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InputError("param_not_found",
                         f"{raw.name}: no parameter {', '.join(map(repr, unknown))} in column "
                         f"PARAMCD; parameters found: {', '.join(known)}.")
    columns = [str(c) for c in raw.frame.columns]
    endpoints = [adtte_endpoint(c) for c in dict.fromkeys(codes)]
    guesses = [f"endpoint {e.name} ({known[e.name]}){' (primary)' if i == 0 else ''}: time "
               f"{e.time!r}, event {e.events[0].column!r} = 0 (CNSR is a censoring flag: 0 = "
               "event, 1 or more = censored)" for i, e in enumerate(endpoints)]
    changes: dict[str, object] = {"endpoint": endpoints[0],
                                  "secondary_endpoints": tuple(endpoints[1:])}
    subject = {c.upper(): c for c in columns}["USUBJID"]
    changes["patient_id"] = given.get("patient_id") or subject
    if not given.get("patient_id"):
        guesses.append(f"patient id {subject!r} (--patient-id to choose another)")
    group = given.get("group") or treatment_column(columns)
    changes["group"] = group
    if not given.get("group"):
        guesses.append(f"arms {group!r} (--group to choose another)" if group else
                       "no treatment column (TRT01P, TRT01A, TRTP, ARM): one group")
    strata = tuple(given.get("strata") or ()) or stratification_columns(columns)
    changes["strata"] = strata
    if not given.get("strata") and strata:
        guesses.append(f"strata {', '.join(map(repr, strata))} (--strata to choose others)")
    where = tuple(given.get("where") or ())
    flag = population_flag(raw.frame)
    if not where and flag:
        where = (Condition(flag, "Y"),)
        guesses.append(f"population {flag} = Y (--where to choose another, e.g. "
                       f"--where SAFFL=Y)")
    changes["where"] = where
    return guesses, changes
