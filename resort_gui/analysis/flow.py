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

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from resort_gui.domain.cohort import Cohort
from resort_gui.domain.errors import Issue
from resort_gui.domain.trial_results import FlowCount, ParticipantFlow
from resort_gui.io.cells import NO_WORDS, YES_WORDS, cell_text
from resort_gui.io.columns import column_codes, row_positions
from resort_gui.io.table import RawTable

NO_REASON = "reason not given"
NO_ARM = "(no arm)"


def participant_flow(cohort: Cohort, patients: RawTable, arm: str,
                     screening: pd.DataFrame | None = None, *, patient: str = "patient_id",
                     randomised: str = "randomised", reason: str = "reason_not_randomised",
                     sheet: str = "screening") -> tuple[ParticipantFlow, list[Issue]]:
    """CONSORT counts of ``cohort``, built from the patients' sheet ``patients`` whose column
    ``arm`` holds the arms; ``screening`` is the screening log (optional) with the named
    columns."""
    issues: list[Issue] = []
    labels = tuple(cohort.group_labels)
    arms = column_codes(patients, arm)
    counts: list[FlowCount] = []
    screened = None
    if screening is not None:
        screened, before = _screening_counts(screening, patient, randomised, reason, sheet,
                                             int(arms.codes.size), issues)
        counts += before
    names = np.append(arms.texts, NO_ARM).astype(object)  # code -1: no arm
    found = np.bincount(arms.codes + 1, minlength=names.size)
    counts += _per_arm("randomised", np.roll(names, 1), found, labels)
    excluded_rows = np.array([e.row for e in cohort.excluded], dtype=np.int64)
    at = row_positions(patients, excluded_rows)
    arm_codes = np.where(at >= 0, arms.codes[np.maximum(at, 0)], -1)
    by_arm_and_reason = Counter(zip(names[arm_codes].tolist(),
                                    [e.reason for e in cohort.excluded], strict=True))
    counts += [FlowCount("excluded", str(a), str(why), n)
               for (a, why), n in by_arm_and_reason.items()]
    analysed = np.bincount(cohort.group, minlength=len(labels))
    counts += _per_arm("analysed", np.array(labels, dtype=object), analysed, labels)
    return ParticipantFlow(counts=tuple(counts), groups=labels, screened=screened), issues


def _per_arm(stage: str, arms: np.ndarray, n: np.ndarray,
             labels: Sequence[str]) -> list[FlowCount]:
    """The count ``n`` of each arm, the groups in their order then the other arms sorted."""
    found: Counter[str] = Counter()
    for name, count in zip(arms.tolist(), n.tolist(), strict=True):
        if count:
            found[name] += count
    order = [*labels, *sorted(a for a in found if a not in labels)]
    return [FlowCount(stage, str(name), "", int(found.get(name, 0))) for name in order]


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
