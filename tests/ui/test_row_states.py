"""Where each raw row ended up: included with its time, or excluded with its reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from resort_gui.analysis.run import run_analysis
from resort_gui.domain.cohort import ExcludedRow
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource, Exclusion
from resort_gui.io import RawTable, build_cohort
from resort_gui.ui.controller import row_states


def test_a_footer_set_aside_while_reading_leaves_the_last_row_alone() -> None:
    frame = pd.DataFrame({"months": [1.0, 2.0, 3.0, 4.0], "relapse": [1, 0, 1, 0],
                          "arm": ["A", "B", "A", "B"]})
    raw = RawTable(frame=frame, path=Path("t.csv"), sheet=None, sheets=(), first_data_row=2,
                   sha256="", rows=np.array([2, 3, 4, 6]),
                   dropped=(ExcludedRow(5, "", "a note, not a patient"),))
    spec = AnalysisSpec(endpoint=Endpoint(time="months", events=(EventSource("relapse"),)),
                        group="arm", exclusions=(Exclusion(3, "withdrew"),))
    cohort, issues = build_cohort(raw, spec)
    states = row_states(raw, run_analysis(cohort, spec, issues))
    assert states.included.tolist() == [True, False, True, True]
    assert states.reason[1] == "excluded by hand: withdrew"
    assert states.reason[3] == "censored"  # not the footer's reason
    np.testing.assert_array_equal(states.time, [1.0, np.nan, 3.0, 4.0])
