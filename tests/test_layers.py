"""The one architectural rule that matters: nothing outside ``resort_gui.ui`` imports Qt, so
every number can be computed and exported headless (and ``analyze`` never pays for Qt)."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "resort_gui"
QT_MODULES = ("PySide6", "pyqtgraph", "shiboken6")


def test_no_qt_import_outside_ui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "ui" in path.relative_to(PACKAGE).parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in QT_MODULES]
    assert not offenders


def test_headless_analysis_does_not_load_qt(tmp_path: Path) -> None:
    code = ("import sys; from resort_gui import analysis, cli, pipeline; "
            "cli.main(['analyze', '--demo', '--formats', 'none', '--out', sys.argv[1]]); "
            f"print([m for m in {QT_MODULES!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr
