"""Before the window starts on Linux/X11, a missing library of Qt's xcb plugin is named with
its Debian package in one plain sentence (issue 21.3), instead of Qt's "could not load the
Qt platform plugin "xcb"" and an abort. The library lookup is monkeypatched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from resort_gui.app import cli
from resort_gui.domain.errors import InputError
from resort_gui.render import qt_libraries
from resort_gui.render.qt_libraries import (
    XCB_LIBRARIES,
    headless_platform_needed,
    platform_is_xcb,
    require_window_libraries,
)

X11 = {"DISPLAY": ":0"}
LACKING = {"libxcb-cursor.so.0", "libxcb-icccm.so.4"}


def lacking(*sonames: str) -> Callable[[str], bool]:
    return lambda soname: soname not in sonames


@pytest.mark.parametrize(("environ", "platform", "xcb"), [
    (X11, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb;wayland"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, "linux", False),
    ({}, "linux", False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"},
     "linux", False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"},
     "linux", True),
    (X11, "darwin", False),
    (X11, "win32", False),
])
def test_when_qt_would_start_on_x11(environ: dict[str, str], platform: str,
                                    xcb: bool) -> None:
    assert platform_is_xcb(environ, platform) is xcb


def test_missing_libraries_are_named_with_their_packages(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qt_libraries.sys, "platform", "linux")
    with pytest.raises(InputError) as error:
        require_window_libraries(X11, lacking(*LACKING))
    (message,) = error.value.problems
    assert message == (
        "The resort-gui window cannot open because this system lacks libraries that Qt needs "
        "(libxcb-cursor.so.0, libxcb-icccm.so.4): on Debian or Ubuntu install them with "
        "'sudo apt install libxcb-cursor0 libxcb-icccm4' (on other systems, the packages "
        "holding those files) and start resort-gui again; 'resort-gui analyze' works "
        "without them.")


def test_a_missing_qt_gui_library_does_not_promise_analyze(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qt_libraries.sys, "platform", "linux")
    with pytest.raises(InputError) as error:
        require_window_libraries(X11, lacking("libEGL.so.1"))
    assert "'sudo apt install libegl1'" in str(error.value)
    assert "analyze" not in str(error.value)


def test_nothing_is_said_when_every_library_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qt_libraries.sys, "platform", "linux")
    require_window_libraries(X11, lacking())
    require_window_libraries({"QT_QPA_PLATFORM": "offscreen"}, lacking(*XCB_LIBRARIES))


def test_the_lookup_finds_a_library_this_process_has_and_not_a_made_up_one() -> None:
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("sonames are Linux's")
    assert qt_libraries.loadable("libc.so.6")
    assert not qt_libraries.loadable("libresort-gui-no-such-library.so.9")


def test_the_window_command_stops_before_qt_with_one_error_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(qt_libraries.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(qt_libraries, "loadable", lacking("libxkbcommon-x11.so.0"))
    assert cli.main(["--demo"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("error: The resort-gui window cannot open because")
    assert "libxkbcommon-x11.so.0" in err[0] and "libxkbcommon-x11-0" in err[0]


def test_drawing_files_falls_back_to_offscreen_without_the_x11_libraries(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qt_libraries.sys, "platform", "linux")
    assert headless_platform_needed(X11, lacking("libxcb-keysyms.so.1"))
    assert not headless_platform_needed(X11, lacking())
    assert not headless_platform_needed({**X11, "QT_QPA_PLATFORM": "xcb"},
                                        lacking(*XCB_LIBRARIES))


def test_the_readme_names_every_package_the_window_checks() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    from resort_gui.render.qt_libraries import QT_GUI_LIBRARIES, XCB_LIBRARIES

    missing = {p for p in {*XCB_LIBRARIES.values(), *QT_GUI_LIBRARIES.values()}
               if p not in readme}
    assert not missing
