"""The tables of the analyses beyond Kaplan-Meier (issue 9), by file stem, for
``result_tables``: each appears only when its analysis was asked for and could be done."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resort_gui.domain.results import AnalysisResult, CoxModel

COX_COLUMNS = ["term", "hr", "ci_lower", "ci_upper", "p_value", "n", "events"]
CIF_COLUMNS = ["group", "cause", "time", "cif", "variance", "ci_lower", "ci_upper"]
CIF_MILESTONE_COLUMNS = ["time", "group", "cause", "cif", "std_err", "ci_lower", "ci_upper",
                         "conf_level"]


def trial_tables(result: AnalysisResult) -> dict[str, pd.DataFrame]:
    """``cox_multivariable``, ``ph_test``, ``cumulative_incidence``, ``subgroups``,
    ``baseline``, ``adverse_events`` and ``flow``, those that exist."""
    tables = {}
    if result.cox_adjusted is not None:
        tables["cox_multivariable"] = cox_table(result.cox_adjusted)
    if result.ph_test is not None:
        tables["ph_test"] = result.ph_test.to_frame()
    if result.competing is not None:
        tables["cumulative_incidence"] = cif_table(result)
        tables["cif_milestones"] = cif_milestones_table(result)
    for stem, part in (("subgroups", result.subgroups), ("baseline", result.baseline),
                       ("adverse_events", result.safety), ("flow", result.flow)):
        if part is not None:
            tables[stem] = part.to_frame()
    return tables


SECONDARY_STEMS = ("summary", "km_table", "quantiles", "landmarks", "tests", "hazard_ratios",
                   "followup", "at_risk", "excluded_rows", "cox_multivariable", "ph_test")


def endpoint_slug(name: str) -> str:
    """``OS`` -> ``os``: the prefix of a secondary endpoint's files."""
    slug = "".join(c if c.isalnum() else "_" for c in name.strip().lower()).strip("_")
    return slug or "endpoint"


def cox_table(model: CoxModel) -> pd.DataFrame:
    """One row per term: hazard ratio, 95% CI, Wald p, and the patients and events used."""
    return pd.DataFrame({"term": list(model.terms), "hr": model.hr,
                         "ci_lower": model.ci_lower, "ci_upper": model.ci_upper,
                         "p_value": model.wald_p, "n": model.n, "events": model.events},
                        columns=COX_COLUMNS)


def cif_table(result: AnalysisResult) -> pd.DataFrame:
    """Cumulative incidence per group and cause at time 0, each of the cause's event times
    and the landmarks."""
    assert result.competing is not None
    frames = [pd.DataFrame({"group": c.group, "cause": c.cause, "time": c.time, "cif": c.cif,
                            "variance": c.variance, "ci_lower": c.ci_lower,
                            "ci_upper": c.ci_upper}) for c in result.competing.curves]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=CIF_COLUMNS).astype({"time": np.float64})


def cif_milestones_table(result: AnalysisResult) -> pd.DataFrame:
    """Cumulative incidence at each landmark, per group and cause, with its standard error
    (the square root of cmprsk's variance) and log(-log) confidence limits; like
    ``milestones.csv``, time first."""
    assert result.competing is not None
    frames = [pd.DataFrame({"time": c.time[c.is_landmark], "group": c.group, "cause": c.cause,
                            "cif": c.cif[c.is_landmark],
                            "std_err": np.sqrt(c.variance[c.is_landmark]),
                            "ci_lower": c.ci_lower[c.is_landmark],
                            "ci_upper": c.ci_upper[c.is_landmark],
                            "conf_level": c.conf_level})
              for c in result.competing.curves if c.is_landmark.any()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=CIF_MILESTONE_COLUMNS)
