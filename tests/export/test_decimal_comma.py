"""``analyze --decimal comma`` writes the figure and the report as an Italian journal does
(0,95), while the CSV contract keeps its point."""

from __future__ import annotations

from pathlib import Path

from resort_gui.app.cli import main


def test_figure_and_report_take_the_comma_and_the_csv_keeps_the_point(tmp_path: Path) -> None:
    assert main(["analyze", "--demo", "--decimal", "comma", "--formats", "svg", "--report",
                 "--out", str(tmp_path)]) == 0
    svg = (tmp_path / "km.svg").read_text(encoding="utf-8")
    assert "p = 0,296" in svg and ">0,8<" in svg and "0.296" not in svg
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "36,5 months" in report and "36.5 months" not in report
    summary = (tmp_path / "summary.csv").read_text(encoding="utf-8")
    assert "observation,36,18,18,36.5" in summary  # one column per comma, a point inside
