"""SAS files: transport (.xpt, v5 and v8) and SAS7BDAT read like any other table, with their
variable labels and date formats; refused with a plain message when misnamed, damaged or
too large; and the same trial gives the same numbers as a CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from resort_gui.app.cli import main
from resort_gui.domain.errors import InputError
from resort_gui.io import read_table, size_guard
from resort_gui.io.roles import guess_roles
from tests.adam_trial import LABELS, one_parameter
from tests.sas_files import write_sas7bdat, write_xpt


def _sas_files(frame: pd.DataFrame, folder: Path) -> dict[str, Path]:
    return {"xpt8": write_xpt(frame, folder / "adtte.xpt", LABELS),
            "xpt5": write_xpt(frame, folder / "adtte5.xpt", LABELS, version=5),
            "sas7bdat": write_sas7bdat(frame, folder / "adtte.sas7bdat", LABELS)}


@pytest.mark.parametrize("kind", ["xpt8", "xpt5", "sas7bdat"])
def test_reads_the_table_with_its_labels(tmp_path: Path, kind: str) -> None:
    frame = one_parameter().drop(columns=["PARAMCD", "PARAM"])
    raw = read_table(_sas_files(frame, tmp_path)[kind])
    assert list(raw.frame.columns) == list(frame.columns)
    assert raw.frame["USUBJID"].tolist() == frame["USUBJID"].tolist()
    assert raw.frame["AVAL"].tolist() == frame["AVAL"].tolist()
    assert raw.row_numbers().tolist() == list(range(1, len(frame) + 1))
    if kind != "xpt5":  # pyreadstat writes no labels into a v5 transport file
        assert raw.labels["AVAL"] == "Analysis Value"
    guess = guess_roles(raw.frame, raw.labels)
    assert (guess.patient_id, guess.group) == ("USUBJID", "TRT01P")
    assert guess.events[0].column == "CNSR" and guess.events[0].values == ("0",)


def test_dates_and_missing_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"USUBJID": ["A", "B"], "RANDDT": [dt.date(2020, 1, 3), None],
                          "ARM": ["x", ""]})
    for path in (write_xpt(frame, tmp_path / "d.xpt"),
                 write_sas7bdat(frame.assign(RANDDT=[1.0, None]), tmp_path / "d.sas7bdat")):
        raw = read_table(path)
        assert raw.frame["ARM"].isna().tolist() == [False, True]
    raw = read_table(tmp_path / "d.xpt")
    assert raw.frame["RANDDT"].tolist()[0] == pd.Timestamp("2020-01-03")


def test_misnamed_damaged_and_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _sas_files(one_parameter().drop(columns=["PARAMCD", "PARAM"]), tmp_path)
    as_csv = tmp_path / "adtte.csv"
    as_csv.write_bytes(files["xpt8"].read_bytes())
    with pytest.raises(InputError, match=r"adtte.csv: the name says a text \(CSV\) table but "
                                         r"the file is a SAS data file. Rename it to end in "
                                         r"\.xpt"):
        read_table(as_csv)
    cut = tmp_path / "cut.sas7bdat"
    cut.write_bytes(files["sas7bdat"].read_bytes()[:1500])
    with pytest.raises(InputError, match="cut.sas7bdat: the file cannot be read") as error:
        read_table(cut)
    assert error.value.code == "damaged_file"
    monkeypatch.setattr(size_guard, "MAX_CELLS", 100)
    for kind in ("xpt8", "sas7bdat"):
        with pytest.raises(InputError, match="observations of 9 variables") as error:
            read_table(files[kind])
        assert error.value.code == "file_too_large"


def _outputs(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.glob("*.csv"))
            if p.name not in ("derived.csv", "excluded_rows.csv")}


def test_same_numbers_as_the_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = one_parameter().drop(columns=["PARAMCD", "PARAM"])
    csv = tmp_path / "adtte.csv"
    frame.to_csv(csv, index=False)
    options = ["--time", "AVAL", "--event", "CNSR", "--group", "TRT01P", "--patient-id",
               "USUBJID", "--strata", "STRAT1R", "--formats", "none"]
    results = {}
    for kind, path in {"csv": csv, **_sas_files(frame, tmp_path)}.items():
        out = tmp_path / f"out-{kind}"
        assert main(["analyze", str(path), *options, "--out", str(out)]) == 0, \
            capsys.readouterr().err
        results[kind] = _outputs(out)
        derived = pd.read_csv(out / "derived.csv")
        assert derived["time"].tolist() == frame["AVAL"].tolist()
        results[kind]["derived"] = derived.drop(columns="row").to_csv()  # rows count from 1
    assert {"km_table.csv", "hazard_ratios.csv", "tests.csv"} <= set(results["csv"])
    for kind in ("xpt8", "xpt5", "sas7bdat"):
        assert results[kind] == results["csv"], kind
