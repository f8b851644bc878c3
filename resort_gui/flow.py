"""The flow of participants (CONSORT): screened, randomised, excluded and analysed per arm.

* screened: the rows of the screening log (when there is one) with a patient id;
* not randomised: the screening rows whose "randomised" cell is no, by reason (an empty
  reason is "reason not given");
* randomised: the rows of the patients' sheet, per arm (a row without an arm has none);
* excluded: the rows left out of the analysis, per arm and reason (the reasons the cohort
  gives, e.g. a missing date, or an exclusion by hand);
* analysed: the patients in the analysis, per arm.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from resort_gui.domain.cohort import Cohort
from resort_gui.domain.errors import Issue
from resort_gui.domain.trial_results import FlowCount, ParticipantFlow
from resort_gui.io.cells import NO_WORDS, YES_WORDS, cell_text

NO_REASON = "reason not given"
NO_ARM = "(no arm)"


def participant_flow(cohort: Cohort, arms: pd.Series, screening: pd.DataFrame | None = None,
                     *, patient: str = "patient_id", randomised: str = "randomised",
                     reason: str = "reason_not_randomised", sheet: str = "screening",
                     ) -> tuple[ParticipantFlow, list[Issue]]:
    """CONSORT counts of ``cohort``. ``arms`` is the arm cell of every row of the patients'
    sheet, indexed by spreadsheet row number; ``screening`` the screening log (optional)
    with the named columns."""
    issues: list[Issue] = []
    labels = tuple(cohort.group_labels)
    arm_text = cell_text(arms)
    counts: list[FlowCount] = []
    screened = None
    if screening is not None:
        screened, before = _screening_counts(screening, patient, randomised, reason, sheet,
                                             int(arm_text.size), issues)
        counts += before
    counts += _per_arm("randomised", arm_text.fillna(NO_ARM), labels)
    excluded = pd.DataFrame([(e.row, e.reason) for e in cohort.excluded],
                            columns=["row", "reason"])
    excluded["arm"] = excluded["row"].map(arm_text).fillna(NO_ARM)
    for (arm, why), group in excluded.groupby(["arm", "reason"], sort=False):
        counts.append(FlowCount("excluded", str(arm), str(why), int(len(group))))
    analysed = pd.Series(np.asarray(labels, dtype=object)[cohort.group])
    counts += _per_arm("analysed", analysed, labels)
    return ParticipantFlow(counts=tuple(counts), groups=labels, screened=screened), issues


def _per_arm(stage: str, arms: pd.Series, labels: Sequence[str]) -> list[FlowCount]:
    found = arms.value_counts()
    order = [*labels, *sorted(a for a in found.index if a not in labels)]
    return [FlowCount(stage, str(arm), "", int(found.get(arm, 0))) for arm in order]


def _screening_counts(screening: pd.DataFrame, patient: str, randomised: str, reason: str,
                      sheet: str, n_randomised: int,
                      issues: list[Issue]) -> tuple[int, list[FlowCount]]:
    ids = cell_text(screening[patient])
    answer = cell_text(screening[randomised]).str.casefold()
    listed = ids.notna()
    screened = int(listed.sum())
    counts = [FlowCount("screened", "", "", screened)]
    not_randomised = listed & answer.isin(NO_WORDS)
    reasons = cell_text(screening[reason])[not_randomised].fillna(NO_REASON)
    for why, n in reasons.value_counts(sort=True).items():
        counts.append(FlowCount("not_randomised", "", str(why), int(n)))
    said_yes = int((listed & answer.isin(YES_WORDS)).sum())
    unclear = int((listed & ~answer.isin(YES_WORDS | NO_WORDS)).sum())
    if unclear:
        issues.append(Issue("screening_unclear",
                            f"Sheet {sheet!r}: {unclear} screened patient(s) have neither yes "
                            f"nor no in {randomised!r}; they are counted as screened only."))
    if said_yes != n_randomised:
        issues.append(Issue("screening_mismatch",
                            f"Sheet {sheet!r} lists {said_yes} randomised patients but the "
                            f"patients' sheet has {n_randomised} rows."))
    return screened, counts
