"""Size and start-up of the frozen resort-gui against the frozen minimal baseline.

    python packaging/build.py app baseline && python packaging/measure.py [--runs 7] [--check]

Size: the bytes of every file in the one-folder build (what a zip or an installer carries).
Start-up: wall time from launch to the window drawn and saved, ``resort-gui --demo
--screenshot FILE`` against ``baseline --screenshot FILE``, offscreen, after one warm-up run
of each, the two interleaved; medians over ``--runs``. Until the window exists
(``resort_gui/ui/app.py``), ``resort-gui analyze --demo --formats png`` stands in for it.
Targets (issue 6): size at most 1.3 times the baseline's, start-up at most 1.5 times;
``--check`` exits 1 when either is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import DIST, FOLDERS, ROOT, executable, folder_size

SIZE_TARGET = 1.3
STARTUP_TARGET = 1.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument("--dist", type=Path, default=DIST, help=f"default: {DIST}")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    missing = [t for t in FOLDERS if not executable(args.dist, t).exists()]
    if missing:
        print(f"not built: {', '.join(missing)}; run: python packaging/build.py app baseline")
        return 2
    size = {t: folder_size(args.dist / FOLDERS[t]) for t in FOLDERS}
    startup = start_up_medians(args.dist, args.runs)
    size_ratio = size["app"] / size["baseline"]
    startup_ratio = startup["app"] / startup["baseline"]
    print(f"size:     resort-gui {size['app'] / 1e6:.1f} MB, baseline "
          f"{size['baseline'] / 1e6:.1f} MB, ratio {size_ratio:.2f} "
          f"(target <= {SIZE_TARGET}) {verdict(size_ratio, SIZE_TARGET)}")
    print(f"start-up: resort-gui {startup['app']:.2f} s ({app_command_label()}), baseline "
          f"{startup['baseline']:.2f} s, ratio {startup_ratio:.2f} "
          f"(target <= {STARTUP_TARGET}) {verdict(startup_ratio, STARTUP_TARGET)}; "
          f"medians of {args.runs} runs", flush=True)
    met = size_ratio <= SIZE_TARGET and startup_ratio <= STARTUP_TARGET
    return 1 if args.check and not met else 0


def verdict(ratio: float, target: float) -> str:
    return "OK" if ratio <= target else "MISSED"


def window_exists() -> bool:
    return (ROOT / "resort_gui" / "ui" / "app.py").exists()


def app_command_label() -> str:
    return "--demo --screenshot" if window_exists() else "analyze --demo --formats png"


def commands(dist: Path, scratch: Path) -> dict[str, tuple[list[str], Path]]:
    """Each target's start-up command and the file it must have written."""
    app = str(executable(dist, "app"))
    if window_exists():
        app_run = ([app, "--demo", "--screenshot", str(scratch / "app.png")],
                   scratch / "app.png")
    else:
        app_run = ([app, "analyze", "--demo", "--formats", "png", "--out", str(scratch)],
                   scratch / "km.png")
    baseline = str(executable(dist, "baseline"))
    return {"app": app_run,
            "baseline": ([baseline, "--screenshot", str(scratch / "baseline.png")],
                         scratch / "baseline.png")}


def start_up_medians(dist: Path, runs: int) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    times: dict[str, list[float]] = {t: [] for t in FOLDERS}
    with tempfile.TemporaryDirectory() as scratch:
        todo = commands(dist, Path(scratch))
        for run in range(runs + 1):
            for target, (command, product) in todo.items():
                elapsed = time_run(command, product, env)
                if run > 0:  # the first run of each only warms the disk cache
                    times[target].append(elapsed)
    return {target: statistics.median(values) for target, values in times.items()}


def time_run(command: list[str], product: Path, env: dict[str, str]) -> float:
    product.unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or not product.exists():
        raise SystemExit(f"{' '.join(command)} failed (exit {done.returncode}, wrote "
                         f"{product.name}: {product.exists()}):\n{done.stderr[-2000:]}")
    return elapsed


if __name__ == "__main__":
    sys.exit(main())
