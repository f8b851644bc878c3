"""The CONSORT flow: screened, not randomised by reason, randomised, excluded and analysed
per arm, from the demo workbook and from hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resort_gui.analysis import run_analysis
from resort_gui.demo import demo_path, demo_spec
from resort_gui.domain.cohort import Cohort, ExcludedRow
from resort_gui.domain.spec import Exclusion, replace
from resort_gui.flow import NO_ARM, NO_REASON, participant_flow
from resort_gui.io import build_cohort, read_table
from resort_gui.io.sheets import read_trial_sheets


def cohort(groups: list[int], excluded: tuple[ExcludedRow, ...]) -> Cohort:
    n = len(groups)
    return Cohort(time=np.ones(n), event=np.zeros(n, bool), group=np.array(groups),
                  group_labels=("A", "B"), strata=None, strata_labels=(),
                  row=np.arange(2, 2 + n), patient=tuple(str(i) for i in range(n)),
                  reason=("",) * n, excluded=excluded, time_unit="months", source="x",
                  sha256="")


def test_counts_per_arm_with_reasons() -> None:
    arms = pd.Series(["A", "B", "A", "B", None, "A"], index=range(2, 8))
    excluded = (ExcludedRow(5, "p3", "missing time"), ExcludedRow(6, "p4", "missing group"),
                ExcludedRow(7, "p5", "missing time"))
    screening = pd.DataFrame({"patient_id": ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
                                             None],
                              "randomised": ["yes"] * 6 + ["no", "No", "no"],
                              "reason_not_randomised": [None] * 6 + ["declined", None, "x"]})
    flow, issues = participant_flow(cohort([0, 1, 0], excluded), arms, screening)
    assert flow.screened == 8 and flow.total("screened") == 8
    assert dict(flow.reasons("not_randomised")) == {"declined": 1, NO_REASON: 1}
    assert [(c.group, c.n) for c in flow.counts if c.stage == "randomised"] == [
        ("A", 3), ("B", 2), (NO_ARM, 1)]
    assert dict(flow.reasons("excluded", "B")) == {"missing time": 1}
    assert dict(flow.reasons("excluded", "A")) == {"missing time": 1}
    assert dict(flow.reasons("excluded", NO_ARM)) == {"missing group": 1}
    assert flow.total("analysed", "A") == 2 and flow.total("analysed", "B") == 1
    assert not issues  # 6 randomised in the log, 6 rows in the patients' sheet


def test_a_log_that_disagrees_with_the_patients_sheet_is_noted() -> None:
    arms = pd.Series(["A", "B"], index=[2, 3])
    screening = pd.DataFrame({"patient_id": ["a", "b", "c"], "randomised": ["yes", "?", "no"],
                              "reason_not_randomised": [None, None, "x"]})
    _, issues = participant_flow(cohort([0, 1], ()), arms, screening)
    codes = {i.code for i in issues}
    assert codes == {"screening_unclear", "screening_mismatch"}


def test_demo_flow_adds_up() -> None:
    spec = replace(demo_spec(), exclusions=(Exclusion(3, "consent withdrawn for data use"),))
    raw = read_table(demo_path(), sheet="patients")
    built, issues = build_cohort(raw, spec)
    result = run_analysis(built, spec, issues, sheets=read_trial_sheets(raw, spec))
    flow = result.flow
    assert flow.screened == 76
    assert flow.total("screened") - flow.total("not_randomised") == flow.total("randomised")
    for arm in flow.groups:
        assert (flow.total("randomised", arm) - flow.total("excluded", arm)
                == flow.total("analysed", arm))
    assert flow.total("excluded") == 1
    assert flow.reasons("excluded", "sorafenib")[0][0].startswith("excluded by hand")
