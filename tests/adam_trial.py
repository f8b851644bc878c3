"""One synthetic trial as CDISC ADaM datasets (ADTTE, ADSL, ADAE), for the tests that write
it in several formats and expect the same numbers from each."""

from __future__ import annotations

import numpy as np
import pandas as pd

SUBJECTS = 60
ARMS = ("Placebo", "Drug A")
LABELS = {"USUBJID": "Unique Subject Identifier", "PARAMCD": "Parameter Code",
          "PARAM": "Parameter", "AVAL": "Analysis Value", "AVALU": "Analysis Value Unit",
          "CNSR": "Censor", "EVNTDESC": "Event or Censoring Description",
          "TRT01P": "Planned Treatment for Period 01", "STRAT1R": "Stratification Factor 1",
          "ITTFL": "Intent-To-Treat Population Flag"}


def subjects() -> pd.DataFrame:
    rng = np.random.default_rng(18)
    ids = [f"TRIAL-{i:03d}" for i in range(1, SUBJECTS + 1)]
    return pd.DataFrame({
        "USUBJID": ids,
        "TRT01P": [ARMS[i % 2] for i in range(SUBJECTS)],
        "STRAT1R": rng.choice(["ECOG 0", "ECOG 1"], SUBJECTS),
        "AGE": rng.integers(35, 80, SUBJECTS).astype(float),
        "SEX": rng.choice(["F", "M"], SUBJECTS),
        "ITTFL": ["N" if i % 15 == 14 else "Y" for i in range(SUBJECTS)],
        "SAFFL": ["Y"] * SUBJECTS,
    })


def adtte() -> pd.DataFrame:
    """OS and PFS per subject, in days; PFS no longer than OS."""
    rng = np.random.default_rng(19)
    adsl = subjects()
    rows = []
    for i, subject in adsl.iterrows():
        scale = 500 if subject["TRT01P"] == ARMS[0] else 800
        os_time = float(np.ceil(rng.exponential(scale))) + 1
        os_cnsr = int(rng.random() < 0.35)
        pfs_time = float(np.ceil(os_time * rng.uniform(0.3, 1.0)))
        pfs_cnsr = int(os_cnsr and rng.random() < 0.6)
        for code, name, time, cnsr, event in (
                ("OS", "Overall Survival", os_time, os_cnsr, "DEATH"),
                ("PFS", "Progression-Free Survival", pfs_time, pfs_cnsr, "PROGRESSION")):
            rows.append({"STUDYID": "TRIAL", "USUBJID": subject["USUBJID"], "PARAMCD": code,
                         "PARAM": name, "AVAL": time, "AVALU": "DAYS", "CNSR": float(cnsr),
                         "EVNTDESC": "LAST KNOWN ALIVE" if cnsr else event,
                         "TRT01P": subject["TRT01P"], "STRAT1R": subject["STRAT1R"],
                         "ITTFL": subject["ITTFL"]})
        del i
    return pd.DataFrame(rows)


def adae() -> pd.DataFrame:
    rng = np.random.default_rng(20)
    adsl = subjects()
    terms = ["Nausea", "Fatigue", "Rash", "Diarrhoea"]
    rows = []
    for _, subject in adsl.iterrows():
        for term in rng.choice(terms, int(rng.integers(0, 3)), replace=False):
            rows.append({"USUBJID": subject["USUBJID"], "AETERM": term.upper(),
                         "AEDECOD": term, "AETOXGR": str(int(rng.integers(1, 5))),
                         "TRTEMFL": "Y" if rng.random() < 0.9 else "", "TRTA": subject["TRT01P"]})
    return pd.DataFrame(rows)


def one_parameter(code: str = "OS") -> pd.DataFrame:
    """The ADTTE rows of one parameter, as a plain one-row-per-patient table."""
    frame = adtte()
    return frame[frame["PARAMCD"] == code].reset_index(drop=True)
