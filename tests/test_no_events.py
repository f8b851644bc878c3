"""An early data cut or a subgroup without events is real: a 0/1 event column that holds only
0 is analysed as R reads it (everyone censored) with a plain warning, never refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resort_gui.cli import main


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
