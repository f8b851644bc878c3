"""Table 1: continuous columns as median (IQR) and mean (SD), categorical as n (%), missing
counted; compared with numpy/R definitions on small hand-made data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resort_gui.analysis.baseline import ALL_PATIENTS, MISSING, baseline_display, baseline_table

FRAME = pd.DataFrame({
    "age": [50.0, 60.0, np.nan, 70.0, 41.0, 63.0],
    "sex": ["M", "F", "M", None, "F", "F"],
    "lesions": ["1", "2-3", "1", "1", "10", "2-3"],
})
GROUP = np.array([0, 0, 0, 1, 1, 1])
LABELS = ("observation", "sorafenib")


@pytest.fixture
def table():
    return baseline_table(FRAME, ["age", "sex", "lesions"], GROUP, LABELS)


def rows(table, variable, group):
    return [r for r in table.rows if r.variable == variable and r.group == group]


def test_continuous_summary_follows_r(table) -> None:
    (obs,) = rows(table, "age", "observation")
    assert (obs.n, obs.missing) == (2, 1)
    assert obs.median == 55.0 and obs.q1 == 52.5 and obs.q3 == 57.5  # quantile type 7
    assert obs.mean == 55.0 and obs.sd == pytest.approx(np.std([50, 60], ddof=1))
    (everyone,) = rows(table, "age", ALL_PATIENTS)
    known = FRAME["age"].dropna().to_numpy()
    assert everyone.n == 5
    assert everyone.q1 == pytest.approx(np.percentile(known, 25))
    assert everyone.sd == pytest.approx(known.std(ddof=1))


def test_categorical_levels_in_natural_order_with_missing_and_percentages_of_the_arm(
        table) -> None:
    sex = rows(table, "sex", "sorafenib")
    assert [(r.level, r.n) for r in sex] == [("F", 2), ("M", 0), (MISSING, 1)]
    assert sum(r.percent for r in sex) == pytest.approx(100.0)
    lesions = rows(table, "lesions", ALL_PATIENTS)
    assert [r.level for r in lesions] == ["1", "10", "2-3"]  # numbers first: 1, 10; text after
    assert table.groups == (*LABELS, ALL_PATIENTS) and table.group_sizes == (3, 3, 6)


def test_one_group_has_no_all_patients_column() -> None:
    table = baseline_table(FRAME, ["age"], np.zeros(6, dtype=int), ("everyone",))
    assert table.groups == ("everyone",)


def test_display_has_journal_lines(table) -> None:
    shown = baseline_display(table)
    assert list(shown.columns) == ["Characteristic", "observation (n = 3)",
                                   "sorafenib (n = 3)", "All patients (n = 6)"]
    lines = shown.set_index("Characteristic")
    assert lines.loc["age, median (IQR)", "observation (n = 3)"] == "55.0 (52.5\u201357.5)"
    assert lines.loc["age, mean (SD)", "sorafenib (n = 3)"].startswith("58.0 (")
    assert lines.loc["    missing", "observation (n = 3)"] == "1"
    assert lines.loc["    F", "sorafenib (n = 3)"] == "2 (66.7%)"
    assert lines.loc["sex, n (%)", "sorafenib (n = 3)"] == ""


def test_to_frame_is_one_row_per_variable_level_and_group(table) -> None:
    frame = table.to_frame()
    assert len(frame) == 3 + 3 * 3 + 3 * 3
    assert list(frame.columns[:5]) == ["variable", "kind", "level", "group", "n"]
