"""The crash log: where an internal fault's traceback goes, for the command line and the
window alike (a windowed frozen app has no terminal)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from resort_gui import __version__


def log_dir() -> Path:
    """The per-user cache folder: %LOCALAPPDATA%, $XDG_CACHE_HOME or ~/.cache, + resort-gui."""
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") \
        or Path.home() / ".cache"
    return Path(base) / "resort-gui"


def write_crash_log(text: str) -> Path:
    """Append ``text`` with the time and version to the log file; return its path."""
    path = log_dir() / "resort-gui.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"--- {datetime.now().isoformat()} resort-gui {__version__}\n{text}\n")
    return path
