"""On a laptop screen the results side gets the width its tables need, so that no column is
cut off; once the user moves the splitter it stays where it was put."""

from __future__ import annotations

from tests.ui.conftest import wait_for_result


def _results_fit(window) -> bool:
    scroll = window.results_panel.scroll
    return scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()


def test_at_1280_pixels_the_results_tables_fit(qtbot, window) -> None:
    window.resize(1280, 720)
    window.open_demo()
    wait_for_result(qtbot, window)
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: window.results_panel.isVisible())
    qtbot.waitUntil(lambda: _results_fit(window))
    plot, side = window.survival_splitter.sizes()
    assert side <= (plot + side) / 2  # the figure keeps at least half


def test_the_splitter_stays_where_the_user_put_it(qtbot, window) -> None:
    window.open_demo()
    wait_for_result(qtbot, window)
    window.tabs.setCurrentIndex(2)
    splitter = window.survival_splitter
    total = sum(splitter.sizes())
    splitter.setSizes([total - 480, 480])  # the side's minimum is about 460
    splitter.splitterMoved.emit(total - 480, 1)  # what dragging the handle emits
    window.resize(1280, 720)  # where the fit would widen the results side to ~560
    qtbot.waitUntil(lambda: sum(splitter.sizes()) < total - 50)
    assert splitter.sizes()[1] <= 480


def _conventions_fit(window) -> bool:
    table = window.conventions.table
    return table.horizontalHeader().length() <= table.viewport().width()


def test_at_1024_by_700_nothing_on_the_results_side_is_cut_off(qtbot, window) -> None:
    """The sentence's buttons wrap and a table's first column wraps rather than push the
    panel wider than the side the window can give it (issue 20.8)."""
    window.resize(1024, 700)
    window.open_demo()
    wait_for_result(qtbot, window)
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: window.results_panel.isVisible())
    qtbot.waitUntil(lambda: _results_fit(window))
    buttons = (window.results_panel.decimal_comma, window.results_panel.copy_sentence)
    viewport = window.results_panel.scroll.viewport()
    for widget in buttons:
        right = widget.mapTo(viewport, widget.rect().topRight()).x()
        assert right <= viewport.width()


def test_other_programs_needs_no_sideways_scroll(qtbot, window) -> None:
    window.open_demo()
    wait_for_result(qtbot, window)
    window.tabs.setCurrentIndex(2)
    window.side_tabs.setCurrentWidget(window.conventions)
    for size in ((1400, 900), (1024, 700)):
        window.resize(*size)
        qtbot.waitUntil(lambda: _conventions_fit(window))
    table = window.conventions.table
    assert not table.horizontalScrollBar().isVisible()
