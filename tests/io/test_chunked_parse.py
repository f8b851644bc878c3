"""Large text files are parsed in chunks; a column whose chunks disagree on the type is
parsed again in one piece, so the result is the one-piece result and no warning escapes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from resort_gui.io import read_table

ROWS = 100_000  # several of pandas' chunks


def test_a_late_text_cell_gives_the_one_piece_column(tmp_path: Path) -> None:
    lines = ["id,months,status"] + [f"P{i},{i % 50}.5,{i % 2}" for i in range(ROWS)]
    lines.append("Pz,unknown,1")
    path = tmp_path / "late_text.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = read_table(path)
    expected = pd.read_csv(path, low_memory=False)
    pd.testing.assert_series_equal(raw.frame["months"], expected["months"],
                                   check_index=False)
    assert raw.frame["months"].iloc[-1] == "unknown"
    assert raw.frame["status"].dtype.kind == "i"


def test_a_clean_large_file_keeps_its_types(tmp_path: Path) -> None:
    lines = ["id;months;status"] + [f"P{i};{i % 50},25;{i % 2}" for i in range(ROWS)]
    path = tmp_path / "clean.csv"
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    raw = read_table(path)
    assert raw.frame["months"].dtype.kind == "f" and raw.frame["months"].iloc[1] == 1.25
    assert len(raw.frame) == ROWS
