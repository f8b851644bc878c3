"""Our own files are written atomically, readable like any file the user saves, and never
over the input data."""

import os
import stat
from pathlib import Path

import pytest

from resort_gui.export.safe_write import may_start_a_formula, neutralise_cell, write_atomically


def test_written_file_has_the_usual_permissions(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    write_atomically(path, lambda h: h.write("a,b\n"))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert path.read_text() == "a,b\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("old")

    def fail(handle) -> None:
        handle.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(path, fail)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_the_input_file_is_never_replaced(tmp_path: Path) -> None:
    data = tmp_path / "trial.csv"
    data.write_text("time,event\n1,1\n")
    with pytest.raises(PermissionError):
        write_atomically(data, lambda h: h.write("x"), protect=(data,))
    assert data.read_text() == "time,event\n1,1\n"


@pytest.mark.parametrize("text", ["=HYPERLINK(\"x\")", "+1+1", "-cmd", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_quoted(text: str) -> None:
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-1.5", "+2", "observation", 3.0, None])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert neutralise_cell(value) == value



@pytest.mark.parametrize(("values", "may"), [
    (["a", "b"], False), (["a", 3, None, float("nan")], False), ([], False),
    (["a", "=1", "b"], True), ([1, "@x"], True), (["\tx"], True), (["\rx", "y"], True),
    (["-1.5"], True), (["x\n=y"], True)])  # the last two: True, though nothing changes
def test_one_search_finds_every_column_with_a_formula(values: list, may: bool) -> None:
    assert may_start_a_formula(values) is may
    if not may:
        assert [neutralise_cell(v) for v in values] == values
