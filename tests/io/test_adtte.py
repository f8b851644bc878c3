"""CDISC ADaM ADTTE: recognised by its columns, one endpoint per PARAMCD (``--param``, the
first primary), CNSR read as 0 = event without being told, the unit from AVALU, the ITT
flag as the population; bad rows set aside with their row and reason; and the same trial as
.xpt, .sas7bdat, .csv, .xlsx or as a plain one-row-per-patient table gives the same
numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resort_gui.app.cli import main
from resort_gui.io import read_table
from tests.adam_trial import LABELS, adtte, one_parameter
from tests.sas_files import write_sas7bdat, write_xpt

NUMBERS = ("km_table.csv", "hazard_ratios.csv", "tests.csv", "quantiles.csv", "summary.csv",
           "os_km_table.csv", "os_hazard_ratios.csv", "os_tests.csv", "at_risk.csv")


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, list[str]]:
    code = main(["analyze", *map(str, args), "--formats", "none"])
    return code, capsys.readouterr().err.strip().splitlines()


def _numbers(out: Path) -> dict[str, str]:
    tables = {name: (out / name).read_text() for name in NUMBERS if (out / name).exists()}
    derived = pd.read_csv(out / "derived.csv")
    tables["derived"] = derived.drop(columns="row").to_csv()
    return tables


def _files(folder: Path) -> dict[str, Path]:
    frame = adtte()
    csv = folder / "adtte.csv"
    frame.to_csv(csv, index=False)
    xlsx = folder / "adtte.xlsx"
    frame.to_excel(xlsx, index=False)
    return {"csv": csv, "xlsx": xlsx, "xpt": write_xpt(frame, folder / "adtte.xpt", LABELS),
            "sas7bdat": write_sas7bdat(frame, folder / "adtte.sas7bdat", LABELS)}


def test_recognised_as_one_row_per_subject(tmp_path: Path) -> None:
    raw = read_table(_files(tmp_path)["xpt"])
    assert raw.parameters == (("OS", "Overall Survival"), ("PFS", "Progression-Free Survival"))
    assert len(raw.frame) == 60 and raw.frame["USUBJID"].is_unique
    assert {"AVAL (OS)", "CNSR (OS)", "AVAL (PFS)", "CNSR (PFS)", "AVALU", "TRT01P",
            "ITTFL"} <= set(raw.frame.columns)
    assert raw.row_numbers().tolist()[:3] == [1, 3, 5]  # each subject's first record
    assert raw.labels["AVAL (OS)"] == "Analysis Value, Overall Survival"
    assert [i.code for i in raw.issues] == ["adtte"]


def test_param_guesses_roles_and_prints_them(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, err = _run(capsys, _files(tmp_path)["xpt"], "--param", "PFS", "--param", "OS",
                     "--out", out)
    assert code == 0, err
    assert "guess: endpoint PFS (Progression-Free Survival) (primary): time 'AVAL (PFS)', " \
           "event 'CNSR (PFS)' = 0 (CNSR is a censoring flag: 0 = event, 1 or more = " \
           "censored)" in err
    assert "guess: arms 'TRT01P' (--group to choose another)" in err
    assert "guess: strata 'STRAT1R' (--strata to choose others)" in err
    assert any(line.startswith("guess: population ITTFL = Y") for line in err)
    spec = __import__("json").loads((out / "analysis.json").read_text())["spec"]
    assert spec["time_unit"] == "days" and spec["time_unit_reason"] == "column 'AVALU' says days"
    assert [e["name"] for e in spec["secondary_endpoints"]] == ["OS"]
    derived = pd.read_csv(out / "derived.csv")
    pfs = adtte().query("PARAMCD == 'PFS' and ITTFL == 'Y'")
    assert derived["patient"].tolist() == pfs["USUBJID"].tolist()
    assert derived["time"].tolist() == pfs["AVAL"].tolist()
    assert derived["event"].tolist() == (1 - pfs["CNSR"]).astype(int).tolist()
    assert set(derived["reason"]) == {"event (CNSR (PFS) = 0)", "censored (CNSR (PFS) = 1)"}
    assert (out / "os_km_table.csv").exists()


def test_same_numbers_in_every_format(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    results = {}
    for kind, path in _files(tmp_path).items():
        out = tmp_path / f"out-{kind}"
        code, err = _run(capsys, path, "--param", "PFS", "--param", "OS", "--out", out)
        assert code == 0, err
        results[kind] = _numbers(out)
    # the plain spreadsheet: one row per patient, the roles given by hand
    plain = adtte().query("ITTFL == 'Y'")
    wide = plain[plain.PARAMCD == "PFS"][["USUBJID", "TRT01P", "STRAT1R"]].reset_index(drop=True)
    for code in ("PFS", "OS"):
        part = plain[plain.PARAMCD == code].reset_index(drop=True)
        wide[f"{code.lower()}_days"], wide[f"{code.lower()}_event"] = part.AVAL, 1 - part.CNSR
    sheet = tmp_path / "plain.xlsx"
    wide.to_excel(sheet, index=False)
    out = tmp_path / "out-plain"
    code, err = _run(capsys, sheet, "--time", "pfs_days", "--event", "pfs_event",
                     "--group", "TRT01P", "--strata", "STRAT1R", "--patient-id", "USUBJID",
                     "--out", out)
    assert code == 0, err
    plain_numbers = _numbers(out)
    for kind in ("xlsx", "xpt", "sas7bdat"):
        assert results[kind] == results["csv"], kind
    for name in ("km_table.csv", "hazard_ratios.csv", "tests.csv", "quantiles.csv"):
        assert plain_numbers[name] == results["csv"][name], name


def test_bad_rows_are_set_aside_with_reasons(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    frame = adtte()
    frame.loc[2, "AVAL"] = -5  # TRIAL-002 OS, file row 4
    frame.loc[5, "CNSR"] = 0.5  # TRIAL-003 PFS, row 7
    frame = pd.concat([frame, frame.iloc[[8]]], ignore_index=True)  # TRIAL-005 OS again
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out"
    code, err = _run(capsys, path, "--param", "OS", "--where", "ITTFL=Y", "--out", out)
    assert code == 0, err
    excluded = pd.read_csv(out / "excluded_rows.csv")
    reasons = dict(zip(excluded["row"], excluded["reason"], strict=True))
    assert reasons[4] == "AVAL -5 is below 0 (a time cannot be)"
    assert reasons[7] == "CNSR '0.5' is not a whole number (0 = event, 1 or more = censored)"
    assert reasons[10] == reasons[122] == \
        "two rows for subject TRIAL-005 and parameter OS (rows 10, 122)"
    assert "TRIAL-005" not in pd.read_csv(out / "derived.csv")["patient"].tolist()


def test_param_mistakes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = _files(tmp_path)
    code, err = _run(capsys, files["csv"], "--param", "DFS")
    assert code == 2 and err == ["error: adtte.csv: no parameter 'DFS' in column PARAMCD; "
                                 "parameters found: OS, PFS."]
    plain = tmp_path / "plain.csv"
    one_parameter().drop(columns=["PARAMCD"]).to_csv(plain, index=False)
    code, err = _run(capsys, plain, "--param", "OS")
    assert code == 2 and "plain.csv: --param needs a CDISC ADaM time-to-event dataset" in err[0]
    code, err = _run(capsys, files["csv"], "--param", "OS", "--time", "AVAL")
    assert code == 2 and "--param chooses the endpoint" in err[0]
