"""Where bundled files live, installed or frozen (PyInstaller's ``sys._MEIPASS``)."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(relative: str) -> Path:
    """Absolute path of a file under the top-level ``resources/`` folder."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    root = Path(frozen_root) if frozen_root else Path(__file__).resolve().parents[2]
    return root / "resources" / relative
