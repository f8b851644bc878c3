"""Build the frozen resort-gui (and the minimal baseline it is measured against) into dist/.

    python packaging/build.py              # dist/resort-gui/ (one folder)
    python packaging/build.py --onefile    # dist/onefile/resort-gui[.exe] (one file, slower start)
    python packaging/build.py baseline     # dist/baseline/, the yardstick of measure.py

It freezes from its own venv, ``build/freeze-venv``, holding only the runtime dependencies
of pyproject.toml and its ``packaging`` extra: a developer's venv would leak test tools
(pytest, pygments) into the bundle through lazy imports. Works the same on Windows, macOS
and Linux.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
DIST = ROOT / "dist"
VENV = ROOT / "build" / "freeze-venv"
SPECS = {"app": PACKAGING / "resort-gui.spec", "baseline": PACKAGING / "baseline.spec"}
FOLDERS = {"app": "resort-gui", "baseline": "baseline"}
# Never in the freeze venv: each would be bundled through somebody's lazy import.
NOT_IN_VENV = ("setuptools", "pytest", "pygments", "hypothesis")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", metavar="app|baseline",
                        help="what to build (default: app)")
    parser.add_argument("--onefile", action="store_true", help="one executable, not a folder")
    parser.add_argument("--venv", type=Path, default=VENV, help=f"default: {VENV}")
    args = parser.parse_args(argv)
    unknown = set(args.targets) - set(SPECS)
    if unknown:
        parser.error(f"unknown target {', '.join(sorted(unknown))}; choose app or baseline")
    python = prepare_venv(args.venv)
    for target in dict.fromkeys(args.targets or ["app"]):
        folder = freeze(python, target, args.onefile)
        print(f"{target}: {folder} ({folder_size(folder) / 1e6:.1f} MB)", flush=True)
    return 0


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def requirements() -> list[str]:
    """pyproject's runtime dependencies plus its ``packaging`` extra (PyInstaller)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["packaging"]]


def prepare_venv(venv: Path) -> Path:
    """Create or update the freeze venv; returns its interpreter."""
    python = venv_python(venv)
    if not python.exists():
        run([sys.executable, "-m", "venv", str(venv)])
    run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         *requirements()])
    present = [name for name in NOT_IN_VENV if installed(python, name)]
    if present:
        run([str(python), "-m", "pip", "uninstall", "-q", "-y", *present])
    return python


def installed(python: Path, distribution: str) -> bool:
    code = f"import importlib.metadata as m; m.distribution({distribution!r})"
    return subprocess.run([str(python), "-c", code], capture_output=True).returncode == 0


def freeze(python: Path, target: str, onefile: bool) -> Path:
    """Run PyInstaller on the target's spec; returns the folder (or file) it made."""
    dist = DIST / "onefile" if onefile else DIST
    started = time.monotonic()
    run([str(python), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(ROOT / "build" / "pyinstaller" / target),
         str(SPECS[target]), *(["--", "--onefile"] if onefile else [])])
    print(f"{target}: built in {time.monotonic() - started:.0f} s", flush=True)
    if onefile:
        return executable(dist, target)
    folder = dist / FOLDERS[target]
    if target == "app" and sys.platform.startswith("linux"):
        for name in ("resort-gui.desktop", "icons/resort-gui.png"):
            shutil.copy2(PACKAGING / name, folder)
    return folder


def executable(dist: Path, target: str = "app") -> Path:
    """The command-line executable of a build in ``dist`` (``dist/FOLDER/NAME`` one-folder,
    ``dist/NAME`` one-file); on Windows the console twin where there is one (it has stdout)."""
    name = FOLDERS[target]
    folder = dist / name if (dist / name).is_dir() else dist
    suffix = ".exe" if sys.platform == "win32" else ""
    console_twin = folder / f"{name}-cli{suffix}"
    return console_twin if console_twin.exists() else folder / f"{name}{suffix}"


def folder_size(path: Path) -> int:
    """Bytes of every file under ``path`` (the apparent size, as a zip or installer holds)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def run(command: list[str]) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
