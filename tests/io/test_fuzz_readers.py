"""Hostile files end in a result or a plain error, never an internal fault (issue 15.4).

Each reader gets a small valid trial file, then seeded mutations of it: cut short at a random
byte, bytes overwritten, random bytes inserted, a range zeroed, a huge field (over the csv
module's 131,072-character limit) with stray quotes, a piece of the file repeated elsewhere.
Every mutant goes through ``read_table`` (InputError or a table) and the first ones through
``resort-gui analyze`` in-process (exit 0 or 2, never 1). Deterministic: the seeds are fixed.

Measured when written (2026-12-05): 10,500 mutants through ``read_table`` (1,500 per format)
and 2,800 through ``analyze`` (400 per format) found one class of fault, the csv module's
field limit in the delimiter sniffer. Run with warnings as errors (as pytest runs), a time of
1e300 overflowed the RMST variance and the Mantel-Haenszel HR: such times are now excluded
(over 1e6 in any unit) and an HR beyond a double is "not estimable". This test runs a
fraction of those rounds, in about ten seconds.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from resort_gui.app.cli import main
from resort_gui.domain.errors import InputError
from resort_gui.io import read_table
from tests.sas_files import write_sas7bdat

READ_ROUNDS = 150  # mutants per format through read_table
ANALYZE_ROUNDS = 25  # of them, through analyze as well
HUGE_FIELD = 300_000  # characters: over the csv module's default limit of 131,072
ANALYZE = ["--time", "time", "--event", "status", "--event-value", "1", "--group", "arm",
           "--time-unit", "months", "--formats", ""]


def trial() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 60
    return pd.DataFrame({"id": [f"P{i}" for i in range(n)],
                         "time": rng.exponential(20, n).round(2),
                         "status": rng.integers(0, 2, n), "arm": rng.choice(["A", "B"], n),
                         "age": rng.integers(30, 80, n)})


WRITERS: dict[str, Callable[[pd.DataFrame, Path], object]] = {
    "csv": lambda t, p: t.to_csv(p, index=False),
    "tsv": lambda t, p: t.to_csv(p, index=False, sep="\t"),
    "xlsx": lambda t, p: t.to_excel(p, index=False),
    "ods": lambda t, p: t.to_excel(p, index=False, engine="odf"),
    "sav": lambda t, p: pyreadstat.write_sav(t, str(p)),
    "dta": lambda t, p: pyreadstat.write_dta(t, str(p)),
    "xpt": lambda t, p: pyreadstat.write_xport(t, str(p)),
    "sas7bdat": lambda t, p: write_sas7bdat(t, p),
}


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    i = rng.randrange(len(b))
    kind = rng.randrange(6)
    if kind == 0:  # cut short
        return bytes(b[:i])
    if kind == 1:  # bytes overwritten
        for _ in range(rng.randrange(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == 2:  # random bytes inserted
        return bytes(b[:i]) + rng.randbytes(rng.randrange(1, 64)) + bytes(b[i:])
    if kind == 3:  # a range zeroed
        j = min(len(b), i + rng.randrange(1, 4096))
        b[i:j] = bytes(j - i)
        return bytes(b)
    if kind == 4:  # a huge field, with stray quotes
        return bytes(b[:i]) + b'"' * rng.randrange(3) + b"y" * HUGE_FIELD + bytes(b[i:])
    j = rng.randrange(len(b))  # a piece repeated elsewhere
    return bytes(b[:i]) + bytes(b[j:j + rng.randrange(1, 2000)]) + bytes(b[i:])


def analyze(path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["analyze", str(path), *ANALYZE, "--out", str(out)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_mutated_files_give_a_result_or_a_plain_error(fmt: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]):
    seed_path = tmp_path / f"seed.{fmt}"
    WRITERS[fmt](trial(), seed_path)
    seed = seed_path.read_bytes()
    assert analyze(seed_path, tmp_path / "out", capsys)[0] == 0  # the seed itself is good
    rng = random.Random(f"fuzz {fmt}")
    outcomes = {"table": 0, "plain error": 0}
    for round_ in range(READ_ROUNDS):
        path = tmp_path / f"mutant_{round_}.{fmt}"
        path.write_bytes(mutate(seed, rng))
        try:
            read_table(path)
            outcomes["table"] += 1
        except InputError as exc:
            outcomes["plain error"] += 1
            assert exc.problems and all(p.strip() for p in exc.problems)
        if round_ < ANALYZE_ROUNDS:
            code, err = analyze(path, tmp_path / "out", capsys)
            assert code in (0, 2), f"round {round_}: exit {code}\n{err}"
            assert code == 0 or (err.startswith("error:") and path.name in err), err
        path.unlink()
    assert sum(outcomes.values()) == READ_ROUNDS


@pytest.mark.parametrize("name, text", [
    ("one_huge_field.csv", "id,time,status,arm\nP1," + "9" * HUGE_FIELD + ",1,A\n"),
    ("huge_quoted_field.csv", 'id,time,status,arm\nP1,3,1,"' + "A" * HUGE_FIELD + '"\n'),
    ("unbalanced_quote.csv", 'id,time,status,arm\nP1,3,1,"A\nP2,4,0,B\n' * 50),
    ("nul_bytes.csv", "id,time,status,arm\nP1,3\x00,1,A\nP2,4,0,\x00B\n"),
    ("many_columns.csv", ",".join(f"c{i}" for i in range(20_000)) + "\n"
     + ",".join("1" for _ in range(20_000)) + "\n"),
    ("astronomical_time.csv", "id,time,status,arm\nP1,1e300,1,A\nP2,4,0,B\nP3,5,1,A\n"
     "P4,6,1,B\nP5,7,0,A\nP6,2,1,B\n"),
    ("mixed_line_ends.csv", "id,time,status,arm\rP1,3,1,A\r\nP2,4,0,B\nP3,5,1,A\r"),
])
def test_hostile_text_files_end_in_exit_0_or_2(name: str, text: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    code, err = analyze(path, tmp_path / "out", capsys)
    assert code in (0, 2), err
    assert code == 0 or (err.startswith("error:") and name in err), err


def test_utf16_and_a_zip_that_is_no_workbook(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    utf16 = tmp_path / "utf16.csv"
    trial().to_csv(utf16, index=False, encoding="utf-16")
    assert analyze(utf16, tmp_path / "out", capsys)[0] == 0
    fake = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not a workbook")
    code, err = analyze(fake, tmp_path / "out", capsys)
    assert code == 2 and err.startswith("error:") and "fake.xlsx" in err


def test_a_time_longer_than_any_trial_is_excluded_with_its_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "times.csv"
    path.write_text("id,time,status,arm\nP1,1e15,1,A\nP2,4,0,B\nP3,5,1,A\nP4,6,1,B\n"
                    "P5,7,0,A\nP6,2,1,B\n", encoding="utf-8")
    assert analyze(path, tmp_path / "out", capsys)[0] == 0
    excluded = pd.read_csv(tmp_path / "out" / "excluded_rows.csv")
    assert len(excluded) == 1 and "longer than any trial" in excluded["reason"].iloc[0]
