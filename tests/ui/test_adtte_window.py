"""The window opens an ADaM ADTTE transport file with its parameters as endpoints, the
arms, the censoring flag read as 0 = event and the ITT population proposed, and shows the
numbers ``analyze --param`` writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from resort_gui.app.cli import main
from tests.adam_trial import LABELS, adtte
from tests.sas_files import write_xpt
from tests.ui.conftest import TIMEOUT_MS, wait_for_result


def test_adtte_opens_recognised(qtbot, window, dialogs, tmp_path: Path) -> None:
    path = write_xpt(adtte(), tmp_path / "adtte.xpt", LABELS)
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(path)
    result = wait_for_result(qtbot, window)
    panel = window.import_panel
    assert [panel.endpoint.itemText(i) for i in range(panel.endpoint.count())] == ["OS", "PFS"]
    assert panel.time.currentData() == "AVAL (OS)" and panel.unit.currentData() == "days"
    assert panel.group.currentData() == "TRT01P"
    spec = result.spec
    assert spec.endpoint.events[0].column == "CNSR (OS)"
    assert spec.endpoint.events[0].values == ("0",)
    assert [(c.column, c.value) for c in spec.where] == [("ITTFL", "Y")]
    assert spec.strata == ("STRAT1R",)
    out = tmp_path / "out"
    assert main(["analyze", str(path), "--param", "OS", "--formats", "none",
                 "--out", str(out)]) == 0
    derived = pd.read_csv(out / "derived.csv")
    assert list(result.cohort.patient) == derived["patient"].tolist()
    assert list(result.cohort.time) == derived["time"].tolist()
    assert list(result.cohort.event.astype(int)) == derived["event"].tolist()
    assert not [k for k in dialogs.kinds() if k in ("warning", "critical", "exec")]
