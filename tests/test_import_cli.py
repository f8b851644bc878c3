"""The import options of ``resort-gui analyze``: dates, composite endpoints, cut-off, header
row, subgroups; usage mistakes stop with exit 2 and one ``error:`` line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from resort_gui.app.cli import main

TRIAL = """RESORT-like export (synthetic);;;;;;;
;;;;;;;
paziente;braccio;data randomizzazione;recidiva;data recidiva;decesso;data decesso;ultimo contatto
P01;osservazione;03/02/2015;Sì;14/09/2015;No;;20/01/2017
P02;sorafenib;17/02/2015;No;;No;;30/06/2018
P03;osservazione;02/03/2015;No;;Sì;25/12/2016;25/12/2016
P04;sorafenib;21/04/2015;Sì;02/02/2017;Sì;15/03/2018;15/03/2018
P05;osservazione;13/05/2015;No;;No;;
P06;sorafenib;30/06/2015;Sì;31/06/2016;No;;01/07/2017
P07;osservazione;15/07/2015;No;;No;;28/02/2019
Fine dei dati;;;;;;;
"""
RFS = ["--start", "data randomizzazione", "--event", "recidiva", "--stop", "data recidiva",
       "--event", "decesso", "--stop", "data decesso", "--last-contact", "ultimo contatto",
       "--group", "braccio", "--patient-id", "paziente", "--formats", "none"]


@pytest.fixture
def trial(tmp_path: Path) -> Path:
    path = tmp_path / "trial.csv"
    path.write_bytes(TRIAL.encode("cp1252"))
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["analyze", *map(str, args)])
    return code, capsys.readouterr().err.strip().splitlines()


def test_composite_rfs_from_dates(trial: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, err = run(capsys, trial, *RFS, "--time-unit", "days", "--out", out)
    assert code == 0, err
    derived = pd.read_csv(out / "derived.csv", keep_default_na=False)
    assert derived["patient"].tolist() == ["P01", "P02", "P03", "P04", "P07"]
    assert derived["row"].tolist() == [4, 5, 6, 7, 10]
    assert derived["reason"].tolist() == [
        "recidiva on 2015-09-14", "censored at last contact 2018-06-30",
        "decesso on 2016-12-25", "recidiva on 2017-02-02", "censored at last contact 2019-02-28"]
    assert derived["time"].tolist() == [223, 1229, 664, 653, 1324]
    excluded = pd.read_csv(out / "excluded_rows.csv", keep_default_na=False)
    assert excluded.values.tolist() == [
        [8, "P05", "missing date of last contact (ultimo contatto)"],
        [9, "P06", "date '31/06/2016' in data recidiva is not a date"],
        [11, "", "not a patient row ('Fine dei dati')"]]
    assert "note: trial.csv: the column names are on row 3; the rows above were skipped." in err


def test_cutoff_and_months(trial: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, _ = run(capsys, trial, *RFS, "--cutoff", "2016-12-31", "--out", out)
    assert code == 0
    derived = pd.read_csv(out / "derived.csv")
    assert derived["reason"].tolist()[1:] == ["censored at cut-off 2016-12-31",
                                              "decesso on 2016-12-25",
                                              "censored at cut-off 2016-12-31",
                                              "censored at cut-off 2016-12-31"]
    assert derived["time"].iloc[1] == pytest.approx((pd.Timestamp("2016-12-31")
                                                     - pd.Timestamp("2015-02-17")).days / 30.4375)


def test_spec_file_records_the_import_choices(trial: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run(capsys, trial, *RFS, "--cutoff", "2017-06-30", "--header-row", "3",
               "--where", "braccio!=sorafenib", "--date-format", "dd/mm/yyyy",
               "--out", first)[0] == 0
    spec = json.loads((first / "analysis.json").read_text())["spec"]
    assert spec["cutoff"] == "2017-06-30" and spec["header_row"] == 3
    assert spec["date_format"] == "dmy"
    assert spec["where"] == [{"column": "braccio", "value": "sorafenib", "equal": False}]
    assert run(capsys, "--spec", first / "analysis.json", "--formats", "none",
               "--out", second)[0] == 0
    for name in ("derived.csv", "excluded_rows.csv", "km_table.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_where_selects_a_subgroup(trial: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, err = run(capsys, trial, *RFS, "--where", "braccio=Sorafenib", "--out", out)
    assert code == 0
    assert pd.read_csv(out / "derived.csv")["patient"].tolist() == ["P02", "P04"]
    assert any("Subgroup braccio = Sorafenib: 3 of 7 rows" in line for line in err)


def test_header_row_override(trial: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, trial, *RFS, "--header-row", "4", "--out", tmp_path)
    assert code == 2 and len(err) == 1
    assert "no columns 'paziente', 'data randomizzazione'" in err[0]


def test_ambiguous_dates_ask_for_date_format(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,start,event,stop\na,01/02/2015,1,03/04/2015\nb,02/03/2015,0,04/05/2016\n")
    args = ["--start", "start", "--event", "event", "--stop", "stop", "--formats", "none",
            "--out", tmp_path / "o"]
    code, err = run(capsys, path, *args)
    assert code == 2 and len(err) == 1 and "--date-format" in err[0] and "'start'" in err[0]
    assert run(capsys, path, *args, "--date-format", "mm/dd/yyyy", "--time-unit", "days")[0] == 0
    assert pd.read_csv(tmp_path / "o" / "derived.csv")["time"].tolist() == [61, 427]


@pytest.mark.parametrize(("args", "fragment"), [
    (["--start", "s", "--event", "e"], "one --stop date column for each --event"),
    (["--time", "t", "--event", "e", "--stop", "s"], "--time takes one --event"),
    (["--time", "t", "--start", "s", "--event", "e"], "--time COL --event COL"),
    (["--event", "e"], "--time COL --event COL"),
    (["--start", "s", "--event", "a", "--stop", "x", "--event", "b", "--stop", "y"],
     "needs the date of last contact"),
    (["--start", "s", "--event", "e", "--stop", "x", "--cutoff", "31/12/2016"],
     "YYYY-MM-DD"),
    (["--time", "t", "--event", "e", "--cutoff", "2016-12-31"], "needs dates"),
    (["--time", "t", "--event", "e", "--where", "arm"], "COLUMN=VALUE"),
    (["--time", "t", "--event", "e", "--date-format", "yyyy/dd/mm"], "dd/mm/yyyy"),
    (["--time", "t", "--event", "e", "--header-row", "0"], "row number"),
])
def test_usage_mistakes(trial: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                        args: list[str], fragment: str) -> None:
    code, err = run(capsys, trial, *args, "--formats", "none", "--out", tmp_path)
    assert code == 2
    assert len(err) >= 1 and all(line.startswith("error: ") for line in err)
    assert any(fragment in line for line in err), err


def test_demo_still_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "--demo", "--formats", "none", "--out", tmp_path)
    assert code == 0, err
    derived = pd.read_csv(tmp_path / "derived.csv")
    assert derived["reason"].str.match(r"^(recurrence|death) on |^censored at ").all()


def test_spec_round_trip_with_import_fields() -> None:
    from resort_gui.domain.spec import AnalysisSpec, Condition, Endpoint, EventSource

    spec = AnalysisSpec(source="t.xlsx", sheet="data", header_row=3, date_format="dmy",
                        cutoff="2019-02-28", where=(Condition("arm", "A", equal=False),),
                        endpoint=Endpoint(start="rand", last_contact="lc",
                                          events=(EventSource("rec", ("sì",), "d1"),
                                                  EventSource("death", (), "d2"))))
    assert AnalysisSpec.from_json(spec.to_json()) == spec
    assert spec.validate() == []
    old = json.loads(spec.to_json())
    for key in ("header_row", "date_format", "cutoff", "where"):
        del old[key]  # an analysis file written before these existed still loads
    assert AnalysisSpec.from_json(json.dumps(old)).where == ()
