"""The window's figure keeps its plots while the figure's shape stays the same and draws only
the content again; what it shows must be exactly what a figure built afresh shows."""

from __future__ import annotations

from dataclasses import replace

import pytest
import shiboken6

from resort_gui.app.pipeline import analyze_file
from resort_gui.io.demo import demo_spec
from resort_gui.present.figure import FigureStyle, build_figure
from resort_gui.render.km_plot import KMFigureWidget

SIZE = (900, 700)


@pytest.fixture(scope="module")
def models():
    spec = demo_spec()
    by_arm = analyze_file(spec).result
    by_risk = analyze_file(replace(spec, group=spec.strata[0], reference=None)).result
    return {
        "arm": build_figure(by_arm),
        "risk": build_figure(by_risk),
        "percent": build_figure(by_arm, FigureStyle(percent=True, x_max=48.0)),
        "renamed": build_figure(by_arm, FigureStyle(
            group_names={g.label: f"{g.label}, a long arm name" for g in by_arm.groups},
            x_label="Months since randomisation")),
        "titled": build_figure(by_arm, FigureStyle(title="Recurrence-free survival")),
    }


def _picture(widget: KMFigureWidget, qtbot):
    """What the window shows: the view filled again (as ``PlotPanel`` does), laid out."""
    widget.setRange(widget.range, padding=0, disableAutoPixel=False)
    qtbot.wait(20)
    return widget.grab().toImage()


def _fresh(model, qtbot) -> object:
    widget = KMFigureWidget(on_screen=True)
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    widget.show_figure(model)
    image = _picture(widget, qtbot)
    widget.close()
    shiboken6.delete(widget)
    return image


@pytest.mark.parametrize("before", ["risk", "percent", "renamed", "titled"])
def test_a_redrawn_figure_is_the_figure_built_afresh(models, before: str, qtbot) -> None:
    widget = KMFigureWidget(on_screen=True)
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    widget.show_figure(models["arm"])
    plot = widget.km_plot
    widget.show_figure(models[before])
    assert _picture(widget, qtbot) == _fresh(models[before], qtbot)
    widget.show_figure(models["arm"])
    kept = widget.km_plot is plot
    assert kept == (before != "titled")  # a title changes the shape: built again
    assert _picture(widget, qtbot) == _fresh(models["arm"], qtbot)
    widget.close()
