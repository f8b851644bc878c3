"""What ``resort-gui analyze`` does, as a lifelines user would write it, run as a process.

Usage: python lifelines_analyze.py trial.csv out_dir landmarks ticks

Reads the CSV with pandas, checks the rows, fits and tests, and writes the CSVs of the
analyze contract that lifelines can fill: the curves with limits, quantiles, landmarks,
at-risk counts, RMST (no SE: lifelines has none), the log-rank family (lifelines' weights;
no stratified test), Cox with and without strata (Efron ties only: lifelines has no
Breslow ties), the PH test,
reverse-KM follow-up, survival differences at the landmarks, and the per-patient table.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test, proportional_hazard_test
from lifelines.utils import qth_survival_times, restricted_mean_survival_time

Z = 1.959963984540054
WEIGHTS = {"logrank": {}, "gehan_breslow": {"weightings": "wilcoxon"},
           "tarone_ware": {"weightings": "tarone-ware"}, "peto_peto": {"weightings": "peto"},
           "fleming_harrington_1_0": {"weightings": "fleming-harrington", "p": 1, "q": 0}}


def curve(time: np.ndarray, event: np.ndarray, label: str) -> KaplanMeierFitter:
    return KaplanMeierFitter().fit(time, event, label=label)


def km_rows(kmf: KaplanMeierFitter) -> pd.DataFrame:
    table = kmf.event_table.iloc[1:] if kmf.event_table.index[0] == 0 else kmf.event_table
    s = kmf.survival_function_.loc[table.index].iloc[:, 0].to_numpy()
    variance = kmf._cumulative_sq_.loc[table.index].to_numpy()
    ci = kmf.confidence_interval_.loc[table.index]
    return pd.DataFrame({"group": kmf._label, "time": table.index, "n_risk": table["at_risk"],
                         "n_event": table["observed"], "n_censor": table["censored"],
                         "survival": s, "std_err": s * np.sqrt(variance),
                         "ci_lower": ci.iloc[:, 0].to_numpy(),
                         "ci_upper": ci.iloc[:, 1].to_numpy()})


def quantile_rows(kmf: KaplanMeierFitter) -> pd.DataFrame:
    levels = [0.75, 0.5, 0.25]
    ci = kmf.confidence_interval_
    return pd.DataFrame({
        "group": kmf._label, "prob": [0.25, 0.5, 0.75],
        "time": np.ravel(qth_survival_times(levels, kmf.survival_function_)),
        "ci_lower": np.ravel(qth_survival_times(levels, ci.iloc[:, [0]])),
        "ci_upper": np.ravel(qth_survival_times(levels, ci.iloc[:, [1]]))})


def at_rows(kmf: KaplanMeierFitter, times: np.ndarray) -> pd.DataFrame:
    table = kmf.event_table
    index = table.index.to_numpy()
    before = np.searchsorted(index, times, side="right") - 1
    at_or_after = np.searchsorted(index, times, side="left")
    ci = kmf.confidence_interval_.to_numpy()
    s = kmf.survival_function_at_times(times).to_numpy()
    variance = kmf._cumulative_sq_.to_numpy()[np.maximum(before, 0)]
    return pd.DataFrame({
        "group": kmf._label, "time": times,
        "n_risk": np.r_[table["at_risk"].to_numpy(), 0][at_or_after],
        "survival": s, "std_err": s * np.sqrt(variance),
        "ci_lower": ci[np.maximum(before, 0), 0], "ci_upper": ci[np.maximum(before, 0), 1],
        "n_event_cum": np.cumsum(table["observed"].to_numpy())[np.maximum(before, 0)],
        "n_censor_cum": np.cumsum(table["censored"].to_numpy())[np.maximum(before, 0)]})


def main(source: str, out: Path, landmarks: np.ndarray, ticks: np.ndarray) -> None:
    out.mkdir(parents=True, exist_ok=True)
    d = pd.read_csv(source)
    d["row"] = np.arange(len(d)) + 2
    ok = (d["time_days"].notna() & (d["time_days"] >= 0) & d["event"].isin([0, 1])
          & d["arm"].notna())
    d[~ok][["row", "patient_id"]].assign(reason="unusable row").to_csv(
        out / "excluded_rows.csv", index=False)
    d = d[ok]
    time = d["time_days"].to_numpy(dtype=float)
    event = d["event"].to_numpy(dtype=int)
    arm = (d["arm"] == "sorafenib").to_numpy(dtype=int)
    pd.DataFrame({"row": d["row"], "patient": d["patient_id"], "time": time, "event": event,
                  "reason": np.where(event == 1, "event", "censored")}).to_csv(
        out / "derived.csv", index=False)

    curves = [curve(time[arm == 0], event[arm == 0], "observation"),
              curve(time[arm == 1], event[arm == 1], "sorafenib"),
              curve(time, event, "All patients")]
    tau = min(time[arm == 0].max(), time[arm == 1].max())
    pd.concat([km_rows(k) for k in curves]).to_csv(out / "km_table.csv", index=False)
    pd.concat([quantile_rows(k) for k in curves]).to_csv(out / "quantiles.csv", index=False)
    landmark = pd.concat([at_rows(k, landmarks) for k in curves])
    landmark.iloc[:, :7].to_csv(out / "landmarks.csv", index=False)
    pd.concat([at_rows(k, ticks) for k in curves])[
        ["group", "time", "n_risk", "n_event_cum", "n_censor_cum"]].to_csv(
        out / "at_risk.csv", index=False)
    pd.DataFrame({"group": [k._label for k in curves],
                  "n": [len(k.durations) for k in curves],
                  "events": [int(k.event_observed.sum()) for k in curves],
                  "median": [k.median_survival_time_ for k in curves],
                  "rmst": [restricted_mean_survival_time(k, t=tau) for k in curves],
                  "tau": tau}).to_csv(out / "summary.csv", index=False)

    tests = {name: multivariate_logrank_test(time, arm, event, **kw)
             for name, kw in WEIGHTS.items()}
    pd.DataFrame({"test": list(tests), "chisq": [t.test_statistic for t in tests.values()],
                  "df": 1, "p_value": [t.p_value for t in tests.values()]}).to_csv(
        out / "tests.csv", index=False)

    frame = pd.DataFrame({"time": time, "event": event, "arm": arm,
                          "risk": d["risk"].to_numpy()})
    models = {"cox": CoxPHFitter().fit(frame[["time", "event", "arm"]], "time", "event"),
              "cox_stratified": CoxPHFitter().fit(frame, "time", "event", strata=["risk"])}
    pd.DataFrame([{"group": "sorafenib", "reference": "observation",
                   "hr": m.summary.loc["arm", "exp(coef)"],
                   "ci_lower": m.summary.loc["arm", "exp(coef) lower 95%"],
                   "ci_upper": m.summary.loc["arm", "exp(coef) upper 95%"],
                   "p_value": m.summary.loc["arm", "p"], "model": name}
                  for name, m in models.items()]).to_csv(out / "hazard_ratios.csv", index=False)
    ph = proportional_hazard_test(models["cox"], frame[["time", "event", "arm"]],
                                  time_transform="km")
    ph.summary.to_csv(out / "ph_test.csv")

    reverse = curve(time, 1 - event, "follow-up")
    ci = reverse.confidence_interval_
    pd.DataFrame({"median_followup": [reverse.median_survival_time_],
                  "ci_lower": np.ravel(qth_survival_times(0.5, ci.iloc[:, [0]])),
                  "ci_upper": np.ravel(qth_survival_times(0.5, ci.iloc[:, [1]]))}).to_csv(
        out / "followup.csv", index=False)

    ref, trt = (landmark[landmark["group"] == g] for g in ("observation", "sorafenib"))
    diff = trt["survival"].to_numpy() - ref["survival"].to_numpy()
    se = np.hypot(trt["std_err"].to_numpy(), ref["std_err"].to_numpy())
    pd.DataFrame({"time": landmarks, "group": "sorafenib", "reference": "observation",
                  "difference": diff, "ci_lower": diff - Z * se,
                  "ci_upper": diff + Z * se}).to_csv(out / "milestones.csv", index=False)


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        main(sys.argv[1], Path(sys.argv[2]),
             np.array([float(t) for t in sys.argv[3].split(",")]),
             np.array([float(t) for t in sys.argv[4].split(",")]))
