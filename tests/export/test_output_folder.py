"""``analyze --out``: reused, it replaces only the files it writes, leaves no temporary file,
and never writes over the data file."""

from __future__ import annotations

from pathlib import Path

from resort_gui.app.cli import main


def _trial(path: Path) -> Path:
    path.write_text("months,event,arm\n" + "".join(f"{3 + i},{i % 2},{'AB'[i % 2]}\n"
                                                    for i in range(20)), encoding="utf-8")
    return path


def _analyze(data: Path, out: Path) -> int:
    return main(["analyze", str(data), "--time", "months", "--event", "event", "--group", "arm",
                 "--event-value", "1", "--formats", "pdf", "--out", str(out)])


def test_reusing_out_replaces_only_its_own_files(tmp_path: Path) -> None:
    data, out = _trial(tmp_path / "trial.csv"), tmp_path / "out"
    assert _analyze(data, out) == 0
    mine = out / "notes.txt"
    mine.write_text("my notes", encoding="utf-8")
    (out / "summary.csv").write_text("stale", encoding="utf-8")
    assert _analyze(data, out) == 0
    assert mine.read_text(encoding="utf-8") == "my notes"
    assert (out / "summary.csv").read_text(encoding="utf-8").startswith("group,")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary left


def test_the_data_file_in_out_is_never_written(tmp_path: Path, capsys) -> None:
    data = _trial(tmp_path / "summary.csv")
    before = data.read_bytes()
    assert _analyze(data, tmp_path) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "summary.csv" in errors[0] and "--out" in errors[0]
    assert data.read_bytes() == before
