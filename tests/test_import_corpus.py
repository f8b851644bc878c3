"""The import corpus (``tests/corpus/make_corpus.py``): every re-exported R dataset analyses
to R's numbers (1e-6), every broken file stops with exit 2 and one plain ``error:`` line,
and no input file is ever modified."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from resort_gui.app.cli import main
from tests.corpus.make_corpus import VARIANTS, BrokenFile, GoodFile, make_broken, make_good
from tests.reference import DATASETS, csv, load
from tests.test_analyze_parity import close, ours


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus")


@pytest.fixture(scope="session")
def good_files(corpus: Path) -> dict[str, GoodFile]:
    return {f.id: f for f in make_good(corpus / "good")}


@pytest.fixture(scope="session")
def broken_files(corpus: Path) -> list[BrokenFile]:
    return make_broken(corpus / "broken")


@pytest.fixture(scope="session")
def hashes_before(good_files: dict[str, GoodFile], broken_files: list[BrokenFile]
                  ) -> dict[Path, tuple[str, int]]:
    paths = [f.path for f in good_files.values()] + [b.path for b in broken_files]
    return {p: _fingerprint(p) for p in paths}


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture(scope="session")
def analysed(good_files: dict[str, GoodFile], hashes_before: dict[Path, tuple[str, int]],
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run ``analyze`` on every good file once (log CI: the other transforms are covered by
    test_analyze_parity; what is tested here is the reading)."""
    outputs = {}
    for key, file in good_files.items():
        out = tmp_path_factory.mktemp(key)
        assert main(["analyze", str(file.path), *file.args, "--conf-type", "log",
                     "--formats", "none", "--out", str(out)]) == 0, key
        outputs[key] = out
    return outputs


CASES = [f"{name}-{variant}" for name in DATASETS for variant in VARIANTS]


@pytest.mark.parametrize("case", CASES)
def test_file_reproduces_r(analysed: dict[str, Path], case: str) -> None:
    name = case.split("-")[0]
    out = analysed[case]
    expected = csv(name, "km").query("conf_type == 'log'")
    actual = ours(out, "km_table")
    assert set(actual["group"]) == set(expected["group"])
    for group, want in expected.groupby("group", sort=False):
        got = actual[actual["group"] == group]
        for column in ("time", "n_risk", "n_event", "n_censor", "survival", "std_err",
                       "ci_lower", "ci_upper"):
            close(got[column], want[column])
    summary = csv(name, "rmst").merge(ours(out, "summary"), on="group", suffixes=("_r", ""))
    assert len(summary) == len(csv(name, "rmst"))
    close(summary["n"], summary["n_r"])
    close(summary["events"], summary["events_r"])
    tests = ours(out, "tests").set_index("test")
    r_tests = csv(name, "tests").set_index("test")
    close(tests.loc["logrank", ["chisq", "p_value"]], r_tests.loc["survdiff_rho0", ["chisq", "p"]])
    if "survdiff_stratified" in r_tests.index:
        close(tests.loc["logrank_stratified", ["chisq", "p_value"]],
              r_tests.loc["survdiff_stratified", ["chisq", "p"]])
    cox = csv(name, "cox").query("ties == 'efron' and not stratified")
    hrs = ours(out, "hazard_ratios").query("model == 'cox'").set_index("group")
    close(hrs.loc[cox["term"], "hr"], cox["hr"])
    close(ours(out, "followup").iloc[0], csv(name, "followup").iloc[0])


@pytest.mark.parametrize("name", DATASETS)
def test_times_derived_from_dates_are_the_durations(analysed: dict[str, Path],
                                                    name: str) -> None:
    """derived.csv: one line per patient, the spreadsheet's row (title row + header = 3 for
    the first patient), the time R was given, and how it came about."""
    data = load(name)
    derived = pd.read_csv(analysed[f"{name}-dates_xlsx"] / "derived.csv")
    assert derived["row"].tolist() == list(range(3, 3 + len(data.frame)))
    close(derived["time"], data.time)
    assert derived["event"].astype(bool).tolist() == data.event.tolist()
    censored = derived.loc[~data.event, "reason"]
    assert censored.str.startswith("censored at last contact ").all()


@pytest.mark.parametrize("name", DATASETS)
def test_composite_reasons_name_the_first_event(analysed: dict[str, Path], name: str) -> None:
    derived = pd.read_csv(analysed[f"{name}-composite_xlsx"] / "derived.csv")
    events = derived[derived["event"] == 1]
    assert events["reason"].str.match(r"^(recurrence|death) on \d{4}-\d{2}-\d{2}$").all()
    assert set(events["reason"].str.split().str[0]) == {"recurrence", "death"}


def test_footer_and_blank_rows_keep_spreadsheet_row_numbers(analysed: dict[str, Path]) -> None:
    """xlsx_notes: title on row 1, header on row 3, a blank row in the middle, a footer."""
    n = len(load("aml").frame)
    excluded = pd.read_csv(analysed["aml-xlsx_notes"] / "excluded_rows.csv")
    assert excluded["row"].tolist() == [3 + n + 2]  # header row 3, n patients, 1 blank
    assert excluded["reason"].iloc[0] == "not a patient row ('End of data')"


def test_broken_files_stop_with_one_error_line(broken_files: list[BrokenFile],
                                               hashes_before: dict[Path, tuple[str, int]],
                                               tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    for broken in broken_files:
        code = main(["analyze", str(broken.path), "--time", "time", "--event", "status",
                     "--formats", "none", "--out", str(tmp_path / broken.path.name)])
        lines = capsys.readouterr().err.strip().splitlines()
        assert code == 2, broken.path.name
        assert len(lines) == 1 and lines[0].startswith("error: "), (broken.path.name, lines)
        assert broken.path.name in lines[0]
        assert "Traceback" not in lines[0]


@pytest.mark.parametrize("broken_name", ["empty.csv", "header_only.csv", "numbers_only.csv",
                                         "truncated.xlsx", "random.csv", "nul.csv",
                                         "text_named.xlsx", "workbook_named.csv",
                                         "protected.xlsx", "letter.xlsx", "fake.sav",
                                         "report.pdf"])
def test_broken_file_error_codes(broken_files: list[BrokenFile], broken_name: str) -> None:
    from resort_gui.domain.errors import InputError
    from resort_gui.io import read_table

    broken = next(b for b in broken_files if b.path.name == broken_name)
    with pytest.raises(InputError) as error:
        read_table(broken.path)
    assert error.value.code == broken.code


def test_missing_column_lists_the_columns(good_files: dict[str, GoodFile],
                                          capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    file = good_files["lung-csv_italian"]
    assert main(["analyze", str(file.path), "--time", "tempo", "--event", "evento sì/no",
                 "--formats", "none", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "no column 'tempo'" in err and "'tempo (giorni)'" in err


def test_no_input_file_was_modified(analysed: dict[str, Path], broken_files: list[BrokenFile],
                                    hashes_before: dict[Path, tuple[str, int]],
                                    tmp_path: Path) -> None:
    """Runs after every analysis of this module (it depends on ``analysed``) and analyses
    the broken files once more, then compares SHA-256 and modification times."""
    for broken in broken_files:
        main(["analyze", str(broken.path), "--time", "time", "--event", "status",
              "--formats", "none", "--out", str(tmp_path)])
    assert {p: _fingerprint(p) for p in hashes_before} == hashes_before
