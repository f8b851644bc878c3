"""The conventions panel shows ``AnalysisResult.conventions``, filtered by program."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal

from resort_gui.analysis.conventions import SOFTWARE, defaults_of
from resort_gui.ui.conventions_panel import ALL, HEADER, ConventionsPanel, row_cells
from tests.test_conventions import analysis_of


@dataclass
class _Options:
    decimal: str = "."


class FakeSession(QObject):
    """The two signals and two members of ``SessionController`` the panel uses."""

    result_changed = Signal()
    presentation_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.result = None
        self.options = _Options()

    def text_options(self) -> _Options:
        return self.options


@pytest.fixture(scope="module")
def veteran():
    return analysis_of("veteran")


@pytest.fixture
def panel(qtbot, veteran):
    session = FakeSession()
    widget = ConventionsPanel(session)
    qtbot.addWidget(widget)
    session.result = veteran
    session.result_changed.emit()
    return widget


def cells(panel: ConventionsPanel, row: int) -> list[str]:
    """The ``row``-th convention shown (heading rows skipped) in the order of ``HEADER``:
    its topic and quantity, which head its block, and its cells."""
    r = [i for i, shown in enumerate(panel.row_at) if shown is not None][row]
    convention, result, p, default_in = (panel.table.item(r, c).text()
                                         for c in range(panel.table.columnCount()))
    shown = panel.row_at[r]
    return [shown.topic, convention, shown.quantity, result, p, default_in]


def shown_rows(panel: ConventionsPanel) -> int:
    return sum(shown is not None for shown in panel.row_at)


def test_empty_until_a_result_arrives(qtbot) -> None:
    session = FakeSession()
    panel = ConventionsPanel(session)
    qtbot.addWidget(panel)
    assert panel.table.rowCount() == 0 and not panel.isEnabled()


def test_every_row_is_shown_with_its_numbers(panel, veteran) -> None:
    headings, previous = [], None
    for row in veteran.conventions:  # each topic, then each quantity it estimates
        if previous is None or previous.topic != row.topic:
            headings.append(row.topic)
        if previous is None or (previous.topic, previous.quantity) != (row.topic, row.quantity):
            headings.append(row.quantity)
        previous = row
    assert panel.table.rowCount() == len(veteran.conventions) + len(headings)
    assert [panel.table.item(r, 0).text() for r, shown in enumerate(panel.row_at)
            if shown is None] == headings
    first = cells(panel, 0)
    assert first[0] == "Confidence interval of S(t)" and first[1] == "log"
    assert first[3].startswith("77.0% (95% CI 64.3\u201392.4)")  # R: 0.7704 (0.6426, 0.9236)
    hr = next(i for i, r in enumerate(veteran.conventions) if r.convention == "Mantel-Haenszel")
    # the first group after the reference in R's level order: smallcell vs squamous,
    # R (veteran__hr_methods.csv): 2.3308 (1.4315, 3.7952)
    assert cells(panel, hr)[3].startswith("2.331 (95% CI 1.431\u20133.795)")
    assert cells(panel, hr)[5] == "Prism"


def test_choosing_a_program_shows_its_defaults_only(panel, veteran) -> None:
    for software in SOFTWARE:
        panel.software.setCurrentText(software)
        expected = defaults_of(veteran.conventions, software)
        assert shown_rows(panel) == len(expected) > 0
        assert all(software in cells(panel, r)[5] for r in range(shown_rows(panel)))
    panel.software.setCurrentText(ALL)
    assert shown_rows(panel) == len(veteran.conventions)


def test_used_conventions_are_ticked(panel, veteran) -> None:
    ticked = [r for r, shown in enumerate(panel.row_at)
              if shown is not None and panel.table.item(r, 0).text().startswith("\u2713")]
    assert len(ticked) == sum(r.used for r in veteran.conventions)
    assert all(panel.table.item(r, 0).font().bold() for r in ticked)


def test_decimal_comma_follows_the_presentation(panel) -> None:
    panel.session.options = _Options(",")
    panel.session.presentation_changed.emit()
    assert "77,0%" in cells(panel, 0)[3]


def test_selecting_a_row_explains_how_other_programs_name_it(panel, veteran) -> None:
    panel.table.setCurrentCell(4, 0)  # rows 0 and 1: the first topic and quantity
    assert veteran.conventions[2].how in panel.how.text()


def test_copy_gives_the_rows_shown_as_tab_separated_text(panel, veteran) -> None:
    panel.software.setCurrentText("SAS")
    lines = panel.shown_text().splitlines()
    assert lines[0].split("\t") == list(HEADER)
    sas = defaults_of(veteran.conventions, "SAS")
    assert lines[1:] == ["\t".join(row_cells(r)) for r in sas]


def test_screenshot(panel, tmp_path: Path) -> None:
    """Rendered offscreen for a look (written to RESORT_SCREENSHOTS when set)."""
    import os

    panel.resize(1100, 700)
    panel.show()
    image = panel.grab()
    folder = Path(os.environ.get("RESORT_SCREENSHOTS", tmp_path))
    assert image.save(str(folder / "conventions_panel.png"))
    assert image.width() == 1100
