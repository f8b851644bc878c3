"""Every control a clinician can touch says in plain words what it does."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QTabBar,
    QToolButton,
)

from tests.ui.conftest import TIMEOUT_MS, wait_for_result


def untipped_controls(window, at_least: int = 5) -> list[str]:
    """Visible controls without a tooltip (and a check that enough controls were seen)."""
    missing, seen = [], 0
    kinds = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QListWidget)
    for widget in [w for kind in kinds for w in window.findChildren(kind)]:
        parent = widget.parentWidget()
        if not widget.isVisibleTo(window) or widget.objectName().startswith("qt_") \
                or isinstance(parent, QTabBar):
            continue  # hidden, or Qt's own (extension buttons, tab scroll arrows)
        if isinstance(widget, QLineEdit) and isinstance(parent, (QComboBox, QAbstractSpinBox)):
            continue  # the editor inside a combo or spin box
        seen += 1
        if isinstance(widget, QToolButton) and widget.defaultAction() is not None:
            if not widget.defaultAction().toolTip():
                missing.append(f"toolbar {widget.defaultAction().text()}")
            continue
        if not widget.toolTip():
            label = getattr(widget, "text", lambda: "")()
            missing.append(f"{type(widget).__name__} {label!r} in {type(parent).__name__}")
    assert seen >= at_least
    return missing


def test_every_control_has_a_tooltip(qtbot, window) -> None:
    assert untipped_controls(window) == []
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_demo()
    wait_for_result(qtbot, window)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        for side in range(window.side_tabs.count()):
            window.side_tabs.setCurrentIndex(side)
            assert untipped_controls(window, at_least=7) == [], (tab, side)
