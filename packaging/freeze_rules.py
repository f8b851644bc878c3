"""What the frozen builds leave out, shared by ``resort-gui.spec`` and ``baseline.spec`` so the
app and the minimal baseline are frozen the same way.

Every rule says why. A module listed here is *not bundled*: if the program imports it at run
time the frozen smoke test (``tests/test_frozen.py``) fails, which is how a wrong exclusion
shows up. Names only, no paths, so the rules hold on Windows, macOS and Linux.
"""

from __future__ import annotations

import importlib.util
import os
import pkgutil
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path, PurePath

Entry = tuple[str, str, str]  # an Analysis TOC entry: (destination, source, type)

# Qt modules the program imports: ours (QtCore/QtGui/QtWidgets/QtSvg) and pyqtgraph's
# (QtOpenGL/QtOpenGLWidgets/QtTest are imported by ``import pyqtgraph``). Every other PySide6
# module is excluded; a new one used by the window must be added here.
QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtOpenGL", "QtOpenGLWidgets",
                   "QtTest")

# Packages pulled in by accident through lazy or optional imports: test tools (pytest's
# assertion rewriting pulls pygments), setuptools' pkg_resources, other GUI toolkits, IPython,
# pandas' optional engines. And the standard library's network and database modules, which
# pandas and urllib import only inside functions or ``try`` blocks the program never reaches:
# ssl and _hashlib (OpenSSL; hashlib falls back to its built-in SHA-256), sqlite3, readline.
ACCIDENTAL_MODULES = (
    "pytest", "_pytest", "pytestqt", "hypothesis", "pluggy", "iniconfig", "pygments",
    "pkg_resources", "setuptools", "_distutils_hack", "distutils",
    "tkinter", "_tkinter", "matplotlib", "IPython", "jedi", "PyQt5", "PyQt6", "PySide2",
    "pyarrow", "fsspec", "numba", "sqlalchemy", "lxml", "bs4", "html5lib", "xlsxwriter",
    "odf", "pyxlsb", "xlrd", "tables", "h5py", "jinja2",
    "ssl", "_ssl", "_hashlib", "sqlite3", "_sqlite3", "readline",
)

# Qt plugins the program never loads, by file-name fragment: embedded-Linux and remote
# platforms (the desktop ones are xcb, wayland, windows, cocoa, and offscreen for headless
# runs), the GTK theme (it needs the whole GTK stack and cannot load without the system's),
# and image formats nothing reads or writes (PNG is built in; TIFF, SVG, ICO, ICNS are kept).
UNUSED_QT_PLUGINS = (
    "qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc", "qgtk3",
    "qgif", "qjpeg", "qtga", "qwbmp", "qwebp",
)

# Qt files not needed at run time, as path fragments of their destination in the bundle:
# translations of Qt's own dialogs (the program is in English), embedded-Linux device
# integrations, network plugins, and Windows' software OpenGL (nothing draws with OpenGL).
UNUSED_QT_FILES = (
    "/translations/",
    "/plugins/egldeviceintegrations/",
    "/plugins/networkinformation/",
    "/plugins/tls/",
    "/plugins/generic/",
    "/opengl32sw.dll",
)


def excluded_modules() -> list[str]:
    """Module names for ``Analysis(excludes=...)``."""
    return [*unused_qt_modules(), *ACCIDENTAL_MODULES]


def unused_qt_modules() -> list[str]:
    """Every ``PySide6.Qt*`` module not in ``QT_MODULES_USED`` (found without importing)."""
    spec = importlib.util.find_spec("PySide6")
    locations = list(spec.submodule_search_locations or []) if spec else []
    names = {m.name for m in pkgutil.iter_modules(locations) if m.name.startswith("Qt")}
    return sorted(f"PySide6.{name}" for name in names - set(QT_MODULES_USED))


def lean(binaries: Iterable[Entry], datas: Iterable[Entry]) -> tuple[list[Entry], list[Entry]]:
    """``a.binaries`` and ``a.datas`` without the unused Qt files and plugins, without the
    libraries only those needed (e.g. cairo and pango behind the GTK theme, QtNetwork behind
    VNC), and without the symbolic links to anything removed."""
    binaries = list(binaries)
    dropped = [e for e in binaries if _unused_qt_file(e[0]) or _unused_qt_plugin(e[0])]
    kept = [e for e in binaries if e not in dropped]
    orphans = _orphans(kept, dropped)
    binaries = [entry for entry in kept if _key(entry[0]) not in orphans]
    datas = [entry for entry in datas if not _unused_qt_file(entry[0])]
    present = {PurePath(dest).as_posix() for dest, _, _ in [*binaries, *datas]}
    datas = [(dest, src, kind) for dest, src, kind in datas
             if kind != "SYMLINK" or PurePath(src).as_posix() in present]
    return binaries, datas


def _unused_qt_file(dest: str) -> bool:
    posix = "/" + PurePath(dest).as_posix().lower()
    return any(fragment in posix for fragment in UNUSED_QT_FILES)


def _unused_qt_plugin(dest: str) -> bool:
    path = PurePath(dest)
    return "plugins" in path.parts and any(f in path.name.lower() for f in UNUSED_QT_PLUGINS)


def _key(name: str) -> str:
    """A library's identity across the ways binaries name it (paths, @rpath, case)."""
    return os.path.basename(name.replace("\\", "/")).lower()


def _orphans(kept: list[Entry], dropped: list[Entry]) -> set[str]:
    """Libraries reachable from the dropped plugins and from none of the kept binaries."""
    from PyInstaller.depend.bindepend import get_imports

    sources = {_key(dest): src for dest, src, _ in [*kept, *dropped]}
    imports: dict[str, set[str]] = {}

    def reach(start: Iterable[str]) -> set[str]:
        seen, todo = set(), list(start)
        while todo:
            key = todo.pop()
            if key in seen or key not in sources:
                continue
            seen.add(key)
            if key not in imports:
                imports[key] = {_key(name) for name, _ in get_imports(sources[key])}
            todo += imports[key]
        return seen

    dropped_keys = {_key(dest) for dest, _, _ in dropped}
    candidates = reach(dropped_keys) - dropped_keys
    roots = {_key(dest) for dest, _, _ in kept} - candidates
    return candidates - reach(roots)


def without_debug_info(entries: Iterable[Entry], workdir: str) -> list[Entry]:
    """``a.binaries`` with the Python library stripped of its debug information on Linux.

    A Python built from source (pyenv) carries about 17 MB of DWARF data in libpython.
    ``strip --strip-debug`` keeps every symbol, unlike PyInstaller's ``strip=True``, which
    strips every library and breaks numpy's."""
    strip = shutil.which("strip")
    if not sys.platform.startswith("linux") or strip is None:
        return list(entries)
    result = []
    for dest, src, kind in entries:
        if PurePath(dest).name.startswith("libpython"):
            stripped = Path(workdir) / PurePath(dest).name
            subprocess.run([strip, "--strip-debug", "-o", str(stripped), src], check=True)
            src = str(stripped)
        result.append((dest, src, kind))
    return result
