"""The architecture, checked: the layers of ``pyproject.toml``'s import-linter contracts
(domain < io, stats < analysis < present < export < render < app < ui; Qt only in render and
ui), no import cycle between modules, nothing but ``__init__`` and ``__main__`` at the
package root, and ``analyze`` without figures never loading Qt."""

import subprocess
import sys
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "resort_gui"
QT_MODULES = ("PySide6", "pyqtgraph", "shiboken6")


def test_import_contracts_are_kept(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_no_import_cycle_between_modules() -> None:
    graph = grimp.build_graph("resort_gui")
    cycles = [strongly_connected for strongly_connected in _cycles(graph)]
    assert not cycles


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph.find_modules_directly_imported_by(module):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_the_package_root_holds_only_the_entry_points() -> None:
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py"]


def test_headless_analysis_does_not_load_qt(tmp_path: Path) -> None:
    code = ("import sys; from resort_gui.app import cli; "
            "cli.main(['analyze', '--demo', '--formats', 'none', '--out', sys.argv[1]]); "
            f"print([m for m in {QT_MODULES!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr
