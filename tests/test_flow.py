"""The CONSORT flow: screened, not randomised by reason, randomised, excluded and analysed
per arm, from the demo workbook and from hand-made tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from resort_gui.analysis.flow import NO_ARM, NO_REASON, participant_flow
from resort_gui.analysis.run import run_analysis
from resort_gui.domain.cohort import Cohort, ExcludedRow
from resort_gui.domain.spec import Exclusion, replace
from resort_gui.io import RawTable, build_cohort, read_table
from resort_gui.io.demo import demo_path, demo_spec
from resort_gui.io.sheets import read_trial_sheets


def cohort(groups: list[int], excluded: tuple[ExcludedRow, ...]) -> Cohort:
    n = len(groups)
    return Cohort(time=np.ones(n), event=np.zeros(n, bool), group=np.array(groups),
                  group_labels=("A", "B"), strata=None, strata_labels=(),
                  row=np.arange(2, 2 + n), patient=tuple(str(i) for i in range(n)),
                  reason=("",) * n, excluded=excluded, time_unit="months", source="x",
                  sha256="")


def patients(arms: list[str | None]) -> RawTable:
    """A patients' sheet of ``arms`` from spreadsheet row 2 on."""
    return RawTable(frame=pd.DataFrame({"arm": arms}), path=Path("trial.xlsx"),
                    sheet="patients", sheets=("patients", "screening"), first_data_row=2,
                    sha256="")


def test_counts_per_arm_with_reasons() -> None:
    arms = patients(["A", "B", "A", "B", None, "A"])
    excluded = (ExcludedRow(5, "p3", "missing time"), ExcludedRow(6, "p4", "missing group"),
                ExcludedRow(7, "p5", "missing time"))
    screening = pd.DataFrame({"patient_id": ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
                                             None],
                              "randomised": ["yes"] * 6 + ["no", "No", "no"],
                              "reason_not_randomised": [None] * 6 + ["declined", None, "x"]})
    flow, issues = participant_flow(cohort([0, 1, 0], excluded), arms, "arm", screening)
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
    arms = patients(["A", "B"])
    screening = pd.DataFrame({"patient_id": ["a", "b", "c"], "randomised": ["yes", "?", "no"],
                              "reason_not_randomised": [None, None, "x"]})
    _, issues = participant_flow(cohort([0, 1], ()), arms, "arm", screening)
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


def test_an_excluded_row_set_aside_while_reading_has_no_arm() -> None:
    for rows in ([2, 3, 4], [4, 2, 3]):  # row numbers in order, and not
        sheet = RawTable(frame=pd.DataFrame({"arm": ["A", "B", "B"]}), path=Path("t.csv"),
                         sheet=None, sheets=(), first_data_row=2, sha256="",
                         rows=np.array(rows))
        excluded = (ExcludedRow(rows[1], "p", "missing time"), ExcludedRow(9, "", "a footer"))
        flow, _ = participant_flow(cohort([0, 1], excluded), sheet, "arm")
        assert dict(flow.reasons("excluded", "B")) == {"missing time": 1}
        assert dict(flow.reasons("excluded", NO_ARM)) == {"a footer": 1}
        assert [(c.group, c.n) for c in flow.counts if c.stage == "randomised"] == [
            ("A", 1), ("B", 2)]


def test_consort_words_only_with_a_screening_log() -> None:
    """Without a screening log the groups need not be randomised arms (risk groups, sexes):
    the diagram says "Patients in the data" and the group's name, not "Randomised" and
    "Allocated to"; with one it is CONSORT's."""
    from resort_gui.present.flow_diagram import flow_diagram

    arms = patients(["A", "B", "A"])
    log = pd.DataFrame({"patient_id": ["s1", "s2", "s3"], "randomised": ["yes"] * 3,
                        "reason_not_randomised": [None] * 3})
    trial, _ = participant_flow(cohort([0, 1, 0], ()), arms, "arm", log)
    other, _ = participant_flow(cohort([0, 1, 0], ()), arms, "arm")
    trial_text, other_text = (flow_diagram(f).text().replace("\u00a0", " ")
                              for f in (trial, other))
    assert "Randomised (n = 3)" in trial_text and "Allocated to A (n = 2)" in trial_text
    assert "Randomised" not in other_text and "Allocated" not in other_text
    assert "Patients in the data (n = 3)" in other_text and "A (n = 2)" in other_text
