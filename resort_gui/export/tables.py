"""The tables of the ``analyze`` contract, as DataFrames, and writing them as CSV.

Full precision (Python's shortest round-trip repr), empty cell where a value is not
estimable or not reached, UTF-8, comma, ``.`` decimal, header row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from resort_gui.domain.results import AnalysisResult, GroupResult
from resort_gui.export.safe_write import may_start_a_formula, neutralise_cell, write_atomically
from resort_gui.export.trial_tables import SECONDARY_STEMS, endpoint_slug, trial_tables


def result_tables(result: AnalysisResult) -> dict[str, pd.DataFrame]:
    """Every table of the contract, by file stem."""
    curves = _curves(result)
    return {
        "km_table": _per_group(curves, lambda g: g.km.to_frame()),
        "summary": _summary(result, curves),
        "quantiles": _per_group(curves, lambda g: g.quantiles.to_frame().drop(columns="reached")),
        "landmarks": _per_group(curves, lambda g: g.landmarks.to_frame()),
        "tests": pd.DataFrame({
            "test": [t.name for t in result.tests],
            "chisq": [t.chisq for t in result.tests],
            "df": [t.df for t in result.tests],
            "p_value": [t.p_value for t in result.tests],
        }),
        "hazard_ratios": pd.DataFrame(
            [vars(h) for h in result.hazard_ratios],
            columns=["group", "reference", "hr", "ci_lower", "ci_upper", "p_value", "model"]),
        "pairwise": pd.DataFrame(
            [vars(p) for p in result.pairwise],
            columns=["group1", "group2", "test", "chisq", "p_value", "p_adjusted", "method"]),
        "milestones": _milestones(result),
        "rmst_difference": pd.DataFrame(
            [vars(r) for r in result.rmst_differences],
            columns=["tau", "group", "reference", "difference", "ci_lower", "ci_upper",
                     "p_value"]),
        "conventions": pd.DataFrame(
            [{**vars(r), "default_in": " / ".join(r.default_in)} for r in result.conventions],
            columns=["topic", "convention", "quantity", "estimate", "ci_lower", "ci_upper",
                     "p_value", "default_in", "used", "how"]),
        "followup": pd.DataFrame({"median_followup": [result.followup.median],
                                  "ci_lower": [result.followup.ci_lower],
                                  "ci_upper": [result.followup.ci_upper]}),
        "at_risk": _per_group(curves, lambda g: g.at_risk.to_frame()),
        "excluded_rows": pd.DataFrame(
            [vars(e) for e in result.cohort.excluded], columns=["row", "patient", "reason"]),
        "derived": pd.DataFrame({
            "row": result.cohort.row, "patient": list(result.cohort.patient_ids()),
            "time": result.cohort.time, "event": result.cohort.event.astype(int),
            "reason": list(result.cohort.reason)}),
        **trial_tables(result),
        **{name: frame for secondary in result.secondary
           for name, frame in secondary_tables(secondary).items()},
    }


def secondary_tables(result: AnalysisResult) -> dict[str, pd.DataFrame]:
    """The main tables of a secondary endpoint's analysis, as ``<slug>_<stem>``."""
    slug = endpoint_slug(result.spec.endpoint.name)
    return {f"{slug}_{stem}": frame for stem, frame in result_tables(result).items()
            if stem in SECONDARY_STEMS}


def _milestones(result: AnalysisResult) -> pd.DataFrame:
    """Survival differences against the reference at each landmark, group by group."""
    columns = ["time", "group", "reference", "difference", "ci_lower", "ci_upper", "p_value"]
    frames = [m.to_frame().assign(group=m.group, reference=m.reference)[columns]
              for m in result.milestones]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _curves(result: AnalysisResult) -> tuple[GroupResult, ...]:
    """The groups, then all patients pooled when there is more than one group."""
    return result.groups if len(result.groups) == 1 else (*result.groups, result.overall)


def _per_group(curves: tuple[GroupResult, ...], frame_of) -> pd.DataFrame:
    frames = [frame_of(g).assign(group=g.label) for g in curves]
    frame = pd.concat(frames, ignore_index=True)
    return frame[["group", *[c for c in frame.columns if c != "group"]]]


def _summary(result: AnalysisResult, curves: tuple[GroupResult, ...]) -> pd.DataFrame:
    rows = []
    for g in curves:
        median, lower, upper, _ = g.median
        rows.append({"group": g.label, "n": g.n, "events": g.events, "censored": g.censored,
                     "median": median, "median_ci_lower": lower, "median_ci_upper": upper,
                     "rmst": g.rmst.rmst, "rmst_se": g.rmst.se, "tau": g.rmst.tau})
    return pd.DataFrame(rows)


def write_csv(frame: pd.DataFrame, path: Path, protect: tuple[Path, ...] = ()) -> None:
    """Write ``frame`` as the contract's CSV: formula-safe text, empty cells for NaN."""
    safe = frame.copy()
    for column in safe.columns:
        text = safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column])
        if text and may_start_a_formula(safe[column].tolist()):
            safe[column] = safe[column].map(neutralise_cell)
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    safe = safe.replace([np.inf, -np.inf], np.nan)
    write_atomically(path, lambda handle: safe.to_csv(handle, index=False, lineterminator="\n"),
                     protect=protect)
