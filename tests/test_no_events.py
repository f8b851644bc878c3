"""An early data cut or a subgroup without events is real: a 0/1 event column that holds only
0 is analysed as R reads it (everyone censored) with a plain warning, never refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resort_gui.app.cli import main


def early_cut(path: Path) -> Path:
    """Thirty randomised patients, no recurrence yet, two arms and a stratum."""
    frame = pd.DataFrame({
        "patient": [f"R{i:02d}" for i in range(1, 31)],
        "rfs_months": [round(0.5 + 0.37 * i, 2) for i in range(30)],
        "recurrence": [0] * 30,
        "arm": ["sorafenib" if i % 2 else "observation" for i in range(30)],
        "risk": ["low" if i % 3 else "high" for i in range(30)],
    })
    frame.to_csv(path, index=False)
    return path


def test_analyze_gives_a_result_and_warns(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = early_cut(tmp_path / "early_cut.csv")
    out = tmp_path / "out"
    code = main(["analyze", str(data), "--time", "rfs_months", "--event", "recurrence",
                 "--group", "arm", "--strata", "risk", "--formats", "png", "--out", str(out)])
    assert code == 0
    err = capsys.readouterr().err
    assert "check: No event in these data. Column 'recurrence' holds only '0': no patient " \
           "had the event" in err
    summary = pd.read_csv(out / "summary.csv").set_index("group")
    assert summary["events"].tolist() == [0, 0, 0]
    assert summary["median"].isna().all()
    km = pd.read_csv(out / "km_table.csv")
    assert (km["survival"] == 1.0).all()
    tests = pd.read_csv(out / "tests.csv").set_index("test")
    assert tests.loc[["logrank", "logrank_stratified"], "p_value"].isna().all()
    assert (out / "km.png").stat().st_size > 0


def test_nothing_reads_ne_where_nothing_could_be_estimated(tmp_path: Path) -> None:
    """Not "NE (95% CI NE-NE)" or "p NE": 'not estimable' and why, and the figure leaves
    the line out."""
    from resort_gui.app.pipeline import analyze_file
    from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
    from resort_gui.present.figure import annotation
    from resort_gui.present.summary import TextOptions, comparison_table, results_sentence

    data = early_cut(tmp_path / "early_cut.csv")
    result = analyze_file(AnalysisSpec(
        source=str(data), endpoint=Endpoint(time="rfs_months",
                                            events=(EventSource("recurrence"),)),
        group="arm", strata=("risk",), time_unit="months")).result
    table = comparison_table(result, TextOptions())
    shown = " ".join(" ".join(row) for row in table.rows) + table.note
    sentence = results_sentence(result, TextOptions())
    assert "NE" not in shown.split() and "NE" not in sentence and "NR\u2013NR" not in sentence
    assert "not estimable" in shown and "No events" in table.note
    assert "The hazard ratio could not be estimated: no events" in sentence
    assert annotation(result) == ""
