"""Before Qt starts a window on Linux: the system libraries of its X11 ("xcb") platform plugin.

A bare Linux desktop often lacks some of them, and Qt then aborts with "could not load the Qt
platform plugin "xcb" in "" even though it was found", which names no library. This module
names the missing ones, and the Debian/Ubuntu packages that hold them, in one plain sentence
instead. It imports no Qt: it runs before Qt is loaded (and ``resort-gui analyze`` uses it to
fall back to offscreen drawing, which needs none of these libraries).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from resort_gui.domain.errors import InputError

# What PySide6's platforms/libqxcb.so and libQt6XcbQpa link to outside Qt itself (ldd on
# PySide6-Essentials 6.8-6.12), each with the Debian/Ubuntu package that holds it.
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
# What Qt's own GUI library needs on any platform: missing, importing PySide6 fails.
QT_GUI_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libxkbcommon.so.0": "libxkbcommon0",
}


def platform_is_xcb(environ: Mapping[str, str] | None = None,
                    platform: str | None = None) -> bool:
    """Whether Qt would start its X11 (xcb) platform: on Linux, with ``QT_QPA_PLATFORM``
    unset and an X display (outside a Wayland session, where Qt prefers Wayland), or with
    ``QT_QPA_PLATFORM`` naming xcb first."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen == "xcb"
    if not environ.get("DISPLAY"):
        return False
    wayland_session = environ.get("XDG_SESSION_TYPE") == "wayland"
    return not (wayland_session and environ.get("WAYLAND_DISPLAY"))


def loadable(soname: str) -> bool:
    """Whether the dynamic loader finds ``soname`` (in a frozen build also beside the
    program, where PyInstaller may have put it)."""
    bundled = getattr(sys, "_MEIPASS", None)
    candidates = [str(Path(bundled) / soname)] if bundled else []
    for candidate in [*candidates, soname]:
        try:
            ctypes.CDLL(candidate)
        except OSError:
            continue
        return True
    return False


def missing_libraries(libraries: Mapping[str, str],
                      is_loadable: Callable[[str], bool] | None = None) -> dict[str, str]:
    """The entries of ``libraries`` (soname -> package) whose library cannot be loaded."""
    is_loadable = is_loadable or loadable
    return {so: package for so, package in libraries.items() if not is_loadable(so)}


def missing_message(missing: Mapping[str, str], what: str) -> str:
    """One plain sentence: what cannot start, the files missing, the packages to install."""
    files = ", ".join(missing)
    packages = " ".join(dict.fromkeys(missing.values()))
    analyze_works = not set(missing) & set(QT_GUI_LIBRARIES)
    return (f"{what} because this system lacks libraries that Qt needs ({files}): on Debian "
            f"or Ubuntu install them with 'sudo apt install {packages}' (on other systems, "
            f"the packages holding those files) and start resort-gui again"
            + ("; 'resort-gui analyze' works without them." if analyze_works else "."))


def require_window_libraries(environ: Mapping[str, str] | None = None,
                             is_loadable: Callable[[str], bool] | None = None) -> None:
    """Stop with a plain ``error:`` line, before Qt is loaded, when the window would start
    on X11 and a library of Qt's X11 plugin (or of Qt itself) is missing."""
    if not platform_is_xcb(environ):
        return
    missing = missing_libraries({**QT_GUI_LIBRARIES, **XCB_LIBRARIES}, is_loadable)
    if missing:
        raise InputError("qt_libraries_missing",
                         missing_message(missing, "The resort-gui window cannot open"))


def headless_platform_needed(environ: Mapping[str, str] | None = None,
                             is_loadable: Callable[[str], bool] | None = None) -> bool:
    """Whether drawing without a window (figures and reports of ``analyze``) must use Qt's
    offscreen platform: X11 would be chosen by default, but its plugin's libraries are
    missing. An explicit ``QT_QPA_PLATFORM`` is left alone."""
    environ = os.environ if environ is None else environ
    if environ.get("QT_QPA_PLATFORM") or not platform_is_xcb(environ):
        return False
    return bool(missing_libraries(XCB_LIBRARIES, is_loadable))
