"""Generate the built-in demo trial ``resort_demo.xlsx``: SYNTHETIC data shaped like RESORT.

RESORT (Procopio et al., Ann Oncol 2019) randomised patients with metastatic renal cell
carcinoma, free of disease after radical metastasectomy, to sorafenib or observation; the
primary endpoint was recurrence-free survival (RFS). None of the rows written here is a real
patient: every value comes from the seeded model below, tuned so that the demo's summary
numbers resemble the published ones (see README.md for the calibration achieved).

    python resources/demo/make_demo.py                  # rewrite resort_demo.xlsx, print report
    python resources/demo/make_demo.py --search 0 500   # development only: rank seeds 0..499

The file is deterministic: one fixed seed, a fixed workbook creation/modification time and
fixed timestamps inside the zip, so regenerating gives the same bytes with the same library
versions (and always the same cell values).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEED = 10701  # chosen with --search (see README.md); never changed at run time
OUTPUT = Path(__file__).resolve().with_name("resort_demo.xlsx")
FIXED_TIMESTAMP = dt.datetime(2020, 1, 1, 0, 0, 0)  # workbook created/modified, zip entries
DATE_FORMAT = "YYYY-MM-DD"
DAYS_PER_MONTH = 30.4375

N_SCREENED = 76
N_SORAFENIB = 33
N_OBSERVATION = 36
ACCRUAL_START = dt.date(2012, 3, 1)
ACCRUAL_END = dt.date(2017, 6, 30)
ACCRUAL_RAMP = 1.8  # density of randomisation dates grows like t**(ramp - 1): slow start
CUTOFF = dt.date(2019, 2, 28)  # data cut-off: nothing is known after this date

PATIENT_COLUMNS = (
    "patient_id", "arm", "date_nephrectomy", "date_metastasectomy", "date_randomisation",
    "recurrence", "date_recurrence_or_last_contact", "death", "date_death_or_last_contact",
    "interval_nephrectomy", "metastasis_site", "n_lesions", "age", "sex",
)
DATE_COLUMNS = (
    "date_nephrectomy", "date_metastasectomy", "date_randomisation",
    "date_recurrence_or_last_contact", "date_death_or_last_contact",
)
AE_COLUMNS = ("patient_id", "term", "grade")
SCREENING_COLUMNS = ("patient_id", "randomised", "reason_not_randomised")
SHEETS = ("patients", "adverse_events", "screening", "about")

SITES = ("lung", "lymph nodes", "other")
SITE_PROB = (0.55, 0.15, 0.30)
P_INTERVAL_SHORT = 0.30  # nephrectomy-to-metastasis interval <= 12 months
P_ONE_LESION = 0.70
P_MALE = 0.70

# Recurrence hazard (per month), piecewise constant on [0, 12), [12, 24), [24, 36), [36, inf).
BREAKS = (12.0, 24.0, 36.0)
HAZARD = {
    "observation": (0.0240, 0.0185, 0.0110, 0.0100),
    "sorafenib": (0.0330, 0.0290, 0.0200, 0.0150),
}
# Mildly prognostic strata (log hazard ratios, centred so the arm averages stay as above).
LOG_HR_SHORT_INTERVAL = math.log(1.5)
LOG_HR_SEVERAL_LESIONS = math.log(1.4)
DEATH_HAZARD_NO_RECURRENCE = 0.0008  # per month: deaths from other causes
MEDIAN_DEATH_AFTER_RECURRENCE = 96.0  # months, metastatic RCC under systemic therapy
DROPOUT_HAZARD = 0.0015  # per month: lost to follow-up
# Imaging visits (months after randomisation): recurrences are found at a visit; the last
# visit before the cut-off is the date of last contact.
VISIT_MONTHS = tuple([3.0 * k for k in range(1, 13)] + [36.0 + 6.0 * k for k in range(1, 15)])
VISIT_JITTER_DAYS = 7.0
# Before the cut-off a status sweep contacts every patient still followed: last contact is
# then 0..SWEEP_DAYS days before the cut-off (or the last visit, if later).
SWEEP_DAYS = 60

# CTCAE terms: (term, probability of the event, probabilities of worst grade 1, 2, 3, 4).
AE_MODEL = {
    "sorafenib": (
        ("Hand-foot skin reaction", 0.75, (0.30, 0.36, 0.32, 0.02)),
        ("Diarrhoea", 0.55, (0.50, 0.36, 0.12, 0.02)),
        ("Fatigue", 0.55, (0.50, 0.38, 0.12, 0.00)),
        ("Hypertension", 0.40, (0.30, 0.45, 0.25, 0.00)),
        ("Rash maculo-papular", 0.35, (0.55, 0.30, 0.15, 0.00)),
        ("Alopecia", 0.30, (0.75, 0.25, 0.00, 0.00)),
        ("Mucositis oral", 0.25, (0.60, 0.30, 0.10, 0.00)),
        ("Anorexia", 0.20, (0.60, 0.30, 0.10, 0.00)),
        ("Nausea", 0.15, (0.70, 0.25, 0.05, 0.00)),
        ("Weight loss", 0.15, (0.70, 0.30, 0.00, 0.00)),
        ("Alanine aminotransferase increased", 0.15, (0.60, 0.25, 0.15, 0.00)),
        ("Lipase increased", 0.10, (0.40, 0.30, 0.20, 0.10)),
        ("Platelet count decreased", 0.10, (0.70, 0.20, 0.10, 0.00)),
    ),
    "observation": (
        ("Fatigue", 0.15, (0.80, 0.20, 0.00, 0.00)),
        ("Pain", 0.12, (0.70, 0.25, 0.05, 0.00)),
        ("Hypertension", 0.10, (0.60, 0.40, 0.00, 0.00)),
        ("Cough", 0.08, (0.85, 0.15, 0.00, 0.00)),
        ("Diarrhoea", 0.06, (1.00, 0.00, 0.00, 0.00)),
        ("Dyspnoea", 0.05, (0.80, 0.20, 0.00, 0.00)),
        ("Nausea", 0.05, (1.00, 0.00, 0.00, 0.00)),
    ),
}
NOT_RANDOMISED_REASONS = (
    "ineligible: incomplete resection (R1)",
    "withdrew consent",
    "ineligible: more than 3 metastases",
    "ineligible: randomisation window (12 weeks) exceeded",
    "ineligible: ECOG performance status 2",
    "withdrew consent",
    "ineligible: abnormal liver function",
)


@dataclass
class Trial:
    """The generated tables as rows of plain Python values, in sheet column order."""

    patients: list[tuple] = field(default_factory=list)
    adverse_events: list[tuple] = field(default_factory=list)
    screening: list[tuple] = field(default_factory=list)


# --------------------------------------------------------------------------------- model
def _days(months: float) -> dt.timedelta:
    return dt.timedelta(days=int(round(months * DAYS_PER_MONTH)))


def _piecewise_exponential(rng: np.random.Generator, rates: tuple[float, ...],
                           multiplier: float) -> float:
    """Time (months) to an event with hazard ``rates[k] * multiplier`` on piece ``k``."""
    target = rng.exponential()  # cumulative hazard at the event
    start = 0.0
    for k, rate in enumerate(rates):
        end = BREAKS[k] if k < len(BREAKS) else math.inf
        piece = rate * multiplier * (end - start)
        if target < piece:
            return start + target / (rate * multiplier)
        target -= piece
        start = end
    raise AssertionError("unreachable: the last piece is infinite")


def _randomisation_dates(rng: np.random.Generator, n: int) -> list[dt.date]:
    span = (ACCRUAL_END - ACCRUAL_START).days
    fractions = np.sort(rng.uniform(size=n) ** (1.0 / ACCRUAL_RAMP))
    return [ACCRUAL_START + dt.timedelta(days=int(round(f * span))) for f in fractions]


def _covariates(rng: np.random.Generator) -> dict:
    short = bool(rng.uniform() < P_INTERVAL_SHORT)
    several = bool(rng.uniform() >= P_ONE_LESION)
    return {
        "short": short,
        "several": several,
        "site": SITES[int(rng.choice(len(SITES), p=SITE_PROB))],
        "age": int(np.clip(round(rng.normal(62.0, 9.0)), 34, 82)),
        "sex": "M" if rng.uniform() < P_MALE else "F",
        # months from nephrectomy to the metastasis (<= 12 or > 12 by the stratum)
        "interval": (float(rng.uniform(2.0, 12.0)) if short
                     else 12.5 + float(rng.lognormal(math.log(30.0), 0.8))),
    }


def _follow_up(rng: np.random.Generator, arm: str, cov: dict, randomised: dt.date) -> dict:
    """Recurrence, death and last contact of one patient, as observed at the cut-off."""
    log_hr = (LOG_HR_SHORT_INTERVAL * (cov["short"] - P_INTERVAL_SHORT)
              + LOG_HR_SEVERAL_LESIONS * (cov["several"] - (1.0 - P_ONE_LESION)))
    t_recurrence = _piecewise_exponential(rng, HAZARD[arm], math.exp(log_hr))
    t_death_other = float(rng.exponential(1.0 / DEATH_HAZARD_NO_RECURRENCE))
    t_after = float(rng.exponential(MEDIAN_DEATH_AFTER_RECURRENCE / math.log(2.0)))
    t_dropout = float(rng.exponential(1.0 / DROPOUT_HAZARD))
    jitter = np.clip(rng.normal(0.0, VISIT_JITTER_DAYS, size=len(VISIT_MONTHS)), -21, 21)
    sweep_lag = dt.timedelta(days=int(rng.integers(0, SWEEP_DAYS + 1)))
    visits = [randomised + _days(m) + dt.timedelta(days=int(round(j)))
              for m, j in zip(VISIT_MONTHS, jitter, strict=True)]

    t_death = min(t_death_other, t_recurrence + t_after)
    date_death = randomised + _days(t_death)
    date_dropout = randomised + _days(t_dropout)
    end = min(CUTOFF, date_dropout)  # last day anything can be known
    seen = [v for v in visits if v <= end and v < date_death]
    # still followed at the cut-off: the status sweep; lost to follow-up: the day they were
    # last heard of; a visit after the sweep date counts as the later contact
    last_contact = max(seen[-1] if seen else randomised,
                       end - sweep_lag if end == CUTOFF else end)
    found = [v for v in seen if v >= randomised + _days(t_recurrence)]
    died = date_death <= end
    rec_date = found[0] if found else None
    if died and rec_date is None:  # death without (detected) recurrence
        return {"recurrence": "no", "rec_date": date_death, "death": "yes",
                "death_date": date_death}
    return {
        "recurrence": "yes" if rec_date else "no",
        "rec_date": rec_date or last_contact,
        "death": "yes" if died else "no",
        "death_date": date_death if died else last_contact,
    }


def _adverse_events(rng: np.random.Generator, patient_id: str, arm: str) -> list[tuple]:
    rows = []
    for term, p_event, p_grade in AE_MODEL[arm]:
        happened = rng.uniform() < p_event
        grade = int(rng.choice(4, p=p_grade)) + 1
        if happened:
            rows.append((patient_id, term, grade))
    return rows


def simulate(seed: int = SEED) -> Trial:
    """The whole synthetic trial from one seed (every draw in a fixed order)."""
    rng = np.random.default_rng(seed)
    trial = Trial()
    randomised_dates = _randomisation_dates(rng, N_SCREENED)
    not_randomised = set(rng.choice(N_SCREENED, size=len(NOT_RANDOMISED_REASONS),
                                    replace=False).tolist())
    n_random = N_SCREENED - len(not_randomised)
    arms = ["sorafenib"] * N_SORAFENIB + ["observation"] * N_OBSERVATION
    assert n_random == len(arms)
    arms = [arms[i] for i in rng.permutation(n_random)]
    reasons = iter(NOT_RANDOMISED_REASONS)
    k = 0
    for i, randomised in enumerate(randomised_dates):
        patient_id = f"RES-{i + 1:03d}"
        if i in not_randomised:
            trial.screening.append((patient_id, "no", next(reasons)))
            continue
        trial.screening.append((patient_id, "yes", None))
        arm = arms[k]
        k += 1
        cov = _covariates(rng)
        metastasectomy = randomised - dt.timedelta(days=int(rng.integers(21, 84)))
        nephrectomy = metastasectomy - _days(cov["interval"] + float(rng.uniform(0.3, 1.5)))
        fu = _follow_up(rng, arm, cov, randomised)
        trial.patients.append((
            patient_id, arm, nephrectomy, metastasectomy, randomised,
            fu["recurrence"], fu["rec_date"], fu["death"], fu["death_date"],
            "<=12 months" if cov["short"] else ">12 months", cov["site"],
            "2-3" if cov["several"] else "1", cov["age"], cov["sex"],
        ))
        trial.adverse_events.extend(_adverse_events(rng, patient_id, arm))
    return trial


# ------------------------------------------------------------------------------ workbook
ABOUT_LINES = (
    "SYNTHETIC DATA - NOT REAL PATIENTS.",
    "This demo workbook imitates the design of the RESORT trial (Procopio et al., "
    "Ann Oncol 2019: sorafenib versus observation after radical metastasectomy for "
    "metastatic renal cell carcinoma; primary endpoint recurrence-free survival).",
    "Every value was generated by resources/demo/make_demo.py with numpy "
    f"default_rng(seed={SEED}); no row describes a real person or the trial's patients.",
    f"Data cut-off: {CUTOFF.isoformat()}. Dates are Excel dates; times are not stored, compute "
    "them from date_randomisation.",
    "RFS = randomisation to the earlier of recurrence and death (recurrence='yes' or "
    "death='yes'), censored at date_recurrence_or_last_contact otherwise.",
    "OS = randomisation to date_death_or_last_contact, event death='yes'.",
    "Sheets: patients (one row per randomised patient), adverse_events (worst CTCAE grade "
    "per patient and term), screening (all screened patients).",
)


def _write_sheet(ws, columns: tuple[str, ...], rows: list[tuple]) -> None:
    from openpyxl.styles import Font

    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    for j, name in enumerate(columns, start=1):
        letter = ws.cell(row=1, column=j).column_letter
        width = max([len(name)] + [len(str(r[j - 1])) for r in rows if r[j - 1] is not None])
        ws.column_dimensions[letter].width = min(max(10, width + 2), 45)
        if name in DATE_COLUMNS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "A2"


def build_workbook(path: str | Path, seed: int = SEED) -> Trial:
    """Write the demo workbook to ``path`` and return the generated tables."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    trial = simulate(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS[0]
    _write_sheet(ws, PATIENT_COLUMNS, trial.patients)
    _write_sheet(wb.create_sheet(SHEETS[1]), AE_COLUMNS, trial.adverse_events)
    _write_sheet(wb.create_sheet(SHEETS[2]), SCREENING_COLUMNS, trial.screening)
    about = wb.create_sheet(SHEETS[3])
    for line in ABOUT_LINES:
        about.append([line])
    about.column_dimensions["A"].width = 120
    about["A1"].font = Font(bold=True)
    wb.properties.creator = "resources/demo/make_demo.py"
    wb.properties.title = "RESORT-like demo trial (SYNTHETIC DATA)"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    _save_reproducibly(wb, Path(path))
    return trial


def _save_reproducibly(wb, path: Path) -> None:
    """``wb.save`` stamps the current time into docProps/core.xml and every zip entry;
    rewrite both with FIXED_TIMESTAMP so the same data give the same bytes."""
    from openpyxl.xml.functions import tostring

    buffer = io.BytesIO()
    wb.save(buffer)
    wb.properties.modified = FIXED_TIMESTAMP
    core = tostring(wb.properties.to_tree())
    stamp = FIXED_TIMESTAMP.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = core if info.filename == "docProps/core.xml" else src.read(info)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, data)
    path.write_bytes(out.getvalue())


# --------------------------------------------------------------- calibration (own small KM)
def rfs(trial: Trial) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(arm is sorafenib, RFS months, event) per patient, by the definition in the README."""
    col = {name: i for i, name in enumerate(PATIENT_COLUMNS)}
    sor, time, event = [], [], []
    for row in trial.patients:
        start = row[col["date_randomisation"]]
        rec = row[col["recurrence"]] == "yes"
        death = row[col["death"]] == "yes"
        dates = [row[col["date_recurrence_or_last_contact"]]]
        if death:
            dates.append(row[col["date_death_or_last_contact"]])
        end = min(dates) if rec or death else dates[0]
        sor.append(row[col["arm"]] == "sorafenib")
        time.append((end - start).days / DAYS_PER_MONTH)
        event.append(rec or death)
    return np.array(sor), np.array(time), np.array(event)


def km(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier survival just after each distinct event time."""
    times = np.unique(time[event])
    surv, s = [], 1.0
    for t in times:
        s *= 1.0 - np.sum((time == t) & event) / np.sum(time >= t)
        surv.append(s)
    return times, np.array(surv)


def km_at(time: np.ndarray, event: np.ndarray, t: float) -> float:
    times, surv = km(time, event)
    before = surv[times <= t]
    return float(before[-1]) if len(before) else 1.0


def km_median(time: np.ndarray, event: np.ndarray) -> float:
    """R's rule: first time S <= 0.5; midway to the next event time if S == 0.5 exactly."""
    times, surv = km(time, event)
    below = np.flatnonzero(surv <= 0.5 + 1e-12)
    if not len(below):
        return math.nan
    i = below[0]
    if abs(surv[i] - 0.5) < 1e-12 and i + 1 < len(times):
        return float((times[i] + times[i + 1]) / 2)
    return float(times[i])


def logrank_p(time: np.ndarray, event: np.ndarray, group: np.ndarray) -> float:
    from scipy.stats import chi2

    o_minus_e = var = 0.0
    for t in np.unique(time[event]):
        at_risk = time >= t
        n, n1 = at_risk.sum(), (at_risk & group).sum()
        d, d1 = ((time == t) & event).sum(), ((time == t) & event & group).sum()
        o_minus_e += d1 - d * n1 / n
        if n > 1:
            var += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
    return float(chi2.sf(o_minus_e**2 / var, 1))


def calibration(trial: Trial) -> dict[str, float]:
    sor, time, event = rfs(trial)
    obs = ~sor
    deaths = sum(row[PATIENT_COLUMNS.index("death")] == "yes" for row in trial.patients)
    return {
        "median_obs": km_median(time[obs], event[obs]),
        "median_sor": km_median(time[sor], event[sor]),
        "obs_12": km_at(time[obs], event[obs], 12.0),
        "obs_24": km_at(time[obs], event[obs], 24.0),
        "obs_36": km_at(time[obs], event[obs], 36.0),
        "sor_12": km_at(time[sor], event[sor], 12.0),
        "sor_24": km_at(time[sor], event[sor], 24.0),
        "followup": km_median(time, ~event),
        "logrank_p": logrank_p(time, event, sor),
        "events_obs": int(event[obs].sum()),
        "events_sor": int(event[sor].sum()),
        "deaths": int(deaths),
    }


TARGET = {"median_obs": 37.0, "median_sor": 21.0, "obs_12": 0.74, "obs_24": 0.59,
          "obs_36": 0.51, "followup": 38.0}


def distance(c: dict[str, float]) -> float:
    """How far a candidate lands from the published numbers (smaller is closer)."""
    if any(math.isnan(c[k]) for k in ("median_obs", "median_sor", "followup")):
        return math.inf
    d = (abs(c["median_obs"] - 37.0) / 2.0 + abs(c["median_sor"] - 21.0) / 2.0
         + abs(c["followup"] - 38.0) / 2.0
         + sum(abs(c[k] - TARGET[k]) / 0.02 for k in ("obs_12", "obs_24", "obs_36")))
    if not 0.15 <= c["logrank_p"] <= 0.5:
        d += 10.0
    if not 4 <= c["deaths"] <= 12:
        d += 10.0
    return d


def report(trial: Trial) -> str:
    c = calibration(trial)
    lines = [
        f"seed {SEED}: {len(trial.patients)} randomised "
        f"({sum(r[1] == 'sorafenib' for r in trial.patients)} sorafenib), "
        f"{len(trial.screening)} screened, {len(trial.adverse_events)} adverse-event rows",
        "own Kaplan-Meier (RFS, months = days / 30.4375):",
        f"  median RFS observation {c['median_obs']:.1f}, sorafenib {c['median_sor']:.1f}",
        f"  observation RFS at 12/24/36 months {c['obs_12']:.0%} / {c['obs_24']:.0%} / "
        f"{c['obs_36']:.0%}; sorafenib at 12/24 {c['sor_12']:.0%} / {c['sor_24']:.0%}",
        f"  RFS events observation {c['events_obs']}, sorafenib {c['events_sor']}; "
        f"deaths {c['deaths']}",
        f"  median follow-up (reverse KM) {c['followup']:.1f}; log-rank p {c['logrank_p']:.3f}",
    ]
    lines += _engine_report(trial)
    return "\n".join(lines)


def _engine_report(trial: Trial) -> list[str]:
    """The same numbers from the app's own engine, when it is importable."""
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        from resort_gui.stats.compare import survdiff  # type: ignore[import-not-found]
        from resort_gui.stats.km import (  # type: ignore[import-not-found]
            kaplan_meier,
            median_followup,
            survival_at,
            survival_quantiles,
        )
    except ImportError:
        return ["resort_gui.stats not available: engine cross-check skipped"]

    def f(x: float) -> str:
        return "NR" if math.isnan(x) else f"{x:.1f}"

    sor, time, event = rfs(trial)
    out = ["resort_gui.stats (the app's engine, log-log CI):"]
    for name, mask in (("observation", ~sor), ("sorafenib", sor)):
        fit = kaplan_meier(time[mask], event[mask])
        q = survival_quantiles(fit, (0.5,))
        at = survival_at(fit, (12.0, 24.0, 36.0))
        out.append(f"  {name}: median RFS {f(q.time[0])} (95% CI {f(q.ci_lower[0])}-"
                   f"{f(q.ci_upper[0])}); RFS at 12/24/36 months "
                   f"{' / '.join(f'{s:.0%}' for s in at.survival)}")
    fu = median_followup(time, event)
    test = survdiff(time, event, sor.astype(int))
    out.append(f"  median follow-up {f(fu.median)} (95% CI {f(fu.ci_lower)}-{f(fu.ci_upper)}); "
               f"log-rank chi-square {test.chisq:.2f}, p {test.p_value:.3f}")
    return out


def search(first: int, last: int, show: int = 15) -> None:
    """Development aid: rank seeds in [first, last) by ``distance`` (writes nothing)."""
    ranked = sorted((distance(calibration(simulate(s))), s) for s in range(first, last))
    for d, s in ranked[:show]:
        c = calibration(simulate(s))
        print(f"seed {s}: distance {d:.2f}  " + ", ".join(
            f"{k} {v:.3g}" for k, v in c.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search", nargs=2, type=int, metavar=("FIRST", "LAST"),
                        help="development only: rank seeds FIRST..LAST-1, write nothing")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if args.search:
        search(*args.search)
        return 0
    trial = build_workbook(args.output)
    print(f"wrote {args.output}")
    print(report(trial))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
