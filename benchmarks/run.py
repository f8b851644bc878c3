"""Benchmark resort-gui against lifelines, R's survival package and the sorting floor.

    python benchmarks/run.py                   # everything, n = 10,000 / 100,000 / 1,000,000
    python benchmarks/run.py --quick           # n = 10,000 / 100,000, fewer repeats
    python benchmarks/run.py --only engine,import

Prints one table (also written to ``benchmarks/results/latest.md``): every measure with its
median wall-clock time over repeats, the noise (slowest minus fastest over the median), the
reference it is compared with, the ratio, the target and whether it is met. Synthetic data
comes from ``synthetic.py`` (seeded) and is cached in ``benchmarks/data/``. lifelines runs
in this process; R (``Rscript`` with ``survival``) and the process-level comparisons run as
subprocesses. Timings are wall clock: on a shared machine rerun when it is quiet.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import engine_tasks  # noqa: E402
import numpy as np  # noqa: E402
import synthetic  # noqa: E402
from timing import Timing, measure  # noqa: E402

DATA = HERE / "data"
RESULTS = HERE / "results"
SECTIONS = ("process", "stages", "engine", "floor", "import", "window")
ANALYZE_N = 200_000


@dataclass(frozen=True)
class Row:
    """One line of the table: ``ours`` against ``reference`` (``ratio`` = ours / reference),
    with the ``target`` ratio (or seconds, when ``reference`` is empty) and whether it is met.
    """

    section: str
    measure: str
    n: int
    ours: Timing | None
    reference: str = ""
    theirs: Timing | None = None
    target: float | None = None
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.theirs is None or self.theirs.median <= 0:
            return None
        return self.ours.median / self.theirs.median

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ours is None:
            return None
        value = self.ratio if self.reference else self.ours.median
        return None if value is None else value <= self.target


# --------------------------------------------------------------------------- helpers


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def rscript() -> str | None:
    """``Rscript`` when it and the survival package are installed."""
    found = shutil.which("Rscript")
    if found is None:
        return None
    check = subprocess.run([found, "-e", "library(survival)"], capture_output=True)
    return found if check.returncode == 0 else None


def lifelines_available() -> bool:
    try:
        import lifelines  # noqa: F401
    except ImportError:
        return False
    return True


def ticks_for(n: int) -> np.ndarray:
    from resort_gui.analysis.risk_table import risk_table_times

    frame = synthetic.make_trial(n)
    return risk_table_times(float(frame["time_days"].max()), "days")


def csv_list(values: object) -> str:
    return ",".join(f"{float(v):g}" for v in values)  # type: ignore[attr-defined]


def time_processes(commands: dict[str, list[str]], repeats: int,
                   env: dict[str, str] | None = None) -> dict[str, Timing]:
    """Wall-clock time of each command, run in turn (A, B, C, A, B, C, ...) so that they
    share the machine's load; one untimed warm-up round fills the file cache."""
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(repeats + 1):
        for name, command in commands.items():
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env)
            elapsed = time.perf_counter() - start
            if done.returncode != 0:
                raise RuntimeError(f"{name} failed ({done.returncode}):\n{done.stderr[-2000:]}")
            if round_:
                seconds[name].append(elapsed)
    return {name: Timing.of(values) for name, values in seconds.items()}


# --------------------------------------------------------------------------- sections


def process_rows(args: argparse.Namespace) -> list[Row]:
    """``resort-gui analyze`` on a 200,000-patient CSV, start-up included, against a lifelines
    script and an R script doing the same work (``lifelines_analyze.py``, ``r/analyze.R``)."""
    n = ANALYZE_N
    source = synthetic.cached_file(n, "csv", DATA)
    landmarks = csv_list(engine_tasks.LANDMARK_DAYS)
    ticks = csv_list(ticks_for(n))
    out = Path(tempfile.mkdtemp(prefix="resort-bench-"))
    ours = [sys.executable, "-m", "resort_gui", "analyze", str(source), "--time", "time_days",
            "--event", "event", "--group", "arm", "--reference", "observation", "--strata",
            "risk", "--time-unit", "days", "--landmarks", landmarks, "--patient-id",
            "patient_id", "--formats", "none", "--out", str(out / "ours")]
    commands = {"resort-gui analyze": ours}
    if lifelines_available() and "lifelines" not in args.skip:
        commands["lifelines script"] = [sys.executable, str(HERE / "lifelines_analyze.py"),
                                        str(source), str(out / "lifelines"), landmarks, ticks]
    r = None if "r" in args.skip else rscript()
    if r:
        commands["R script"] = [r, str(HERE / "r" / "analyze.R"), str(source), str(out / "r"),
                                landmarks, ticks]
    log(f"process: {', '.join(commands)} on n = {n:,}")
    timings = time_processes(commands, args.process_repeats)
    shutil.rmtree(out, ignore_errors=True)
    mine = timings["resort-gui analyze"]
    rows = [Row("process", "analyze, 200k CSV, group + strata, no figures", n, mine)]
    if "lifelines script" in timings:
        rows.append(Row("process", "analyze vs lifelines script", n, mine, "lifelines script",
                        timings["lifelines script"], 0.5, "x"))
    if "R script" in timings:
        rows.append(Row("process", "analyze vs R script", n, mine, "R script",
                        timings["R script"], 1.0, "x"))
    return rows


def stage_rows(args: argparse.Namespace) -> list[Row]:
    """Where ``analyze`` spends its time on the same 200,000-patient file, stage by stage in
    this process (for information; the targets are on the whole process above)."""
    from resort_gui.analysis.run import run_analysis
    from resort_gui.export.report import analysis_description
    from resort_gui.export.tables import result_tables, write_csv
    from resort_gui.export.xlsx import write_workbook
    from resort_gui.io import build_cohort, read_table
    from resort_gui.io.sheets import read_trial_sheets

    n = ANALYZE_N
    source = synthetic.cached_file(n, "csv", DATA)
    spec = engine_tasks.benchmark_spec(str(source))
    out = Path(tempfile.mkdtemp(prefix="resort-stages-"))
    raw = read_table(source)
    cohort, issues = build_cohort(raw, spec)
    result = run_analysis(cohort, spec, issues, sheets=read_trial_sheets(raw, spec))
    tables = result_tables(result)

    def write_csvs() -> None:
        for stem, frame in tables.items():
            write_csv(frame, out / f"{stem}.csv")

    repeats = max(2, args.process_repeats // 2)
    stages = {
        "read the CSV (read_table)": lambda: read_table(source),
        # a copy of the table: its memo of converted columns starts empty, as in analyze
        "build the cohort": lambda: build_cohort(replace(raw), spec),
        "run the analysis": lambda: run_analysis(cohort, spec, issues),
        "write the contract's CSVs": write_csvs,
        "write results.xlsx (export.xlsx_writer)": lambda: write_workbook(
            out / "results.xlsx", tables, analysis_description(result)),
    }
    rows = []
    for name, work in stages.items():
        log(f"stage: {name}")
        rows.append(Row("analyze stages", name, n, measure(work, repeats, budget=args.budget)))
    rows.append(Row("analyze stages", f"of which derived.csv ({len(tables['derived']):,} rows)",
                    n, measure(lambda: write_csv(tables["derived"], out / "derived.csv"),
                               repeats)))
    start = time_processes({"start": [sys.executable, "-c", "pass"],
                            "imports": [sys.executable, "-c",
                                        "import resort_gui.app.cli, resort_gui.app.pipeline"]},
                           args.process_repeats)
    rows.append(Row("analyze stages", "start-up: python + imports for analyze", 0,
                    start["imports"], "python -c pass", start["start"]))
    shutil.rmtree(out, ignore_errors=True)
    return rows


def engine_rows(args: argparse.Namespace) -> list[Row]:
    """Each engine task against lifelines (same process) and R (``r/engine.R``)."""
    import lifelines_tasks

    from resort_gui.analysis.run import default_tau

    use_lifelines = lifelines_available() and "lifelines" not in args.skip
    r = None if "r" in args.skip else rscript()
    rows: list[Row] = []
    for n in args.sizes:
        log(f"engine: n = {n:,}")
        trial = synthetic.make_trial(n)
        cohort = engine_tasks.cohort_of(trial)
        ticks = ticks_for(n)
        data = lifelines_tasks.arrays_of(trial, engine_tasks.LANDMARK_DAYS, ticks,
                                         default_tau(cohort))
        r_times = r_engine(r, n, default_tau(cohort), ticks, args) if r else {}
        for name, task in engine_tasks.TASKS.items():
            ours = measure(lambda task=task, cohort=cohort: task(cohort), args.repeats)
            theirs = lifelines_tasks.TASKS[name]
            if use_lifelines and theirs is not None:
                reference = measure(lambda theirs=theirs, data=data: theirs(data), args.repeats,
                                    budget=args.budget)
                target = 0.5 if n == max(args.sizes) and n >= 1_000_000 else None
                rows.append(Row("engine", f"{name} vs lifelines", n, ours, "lifelines",
                                reference, target, "x"))
            elif use_lifelines:
                rows.append(Row("engine", f"{name} vs lifelines (not in lifelines)", n, ours))
            if name in r_times:
                target = 1.0 if name == "cox_stratified" and n == 100_000 else None
                rows.append(Row("engine", f"{name} vs R survival", n, ours, "R", r_times[name],
                                target, "x"))
    return rows


def r_engine(r: str, n: int, tau: float, ticks: np.ndarray,
             args: argparse.Namespace) -> dict[str, Timing]:
    source = synthetic.cached_file(n, "csv", DATA)
    done = subprocess.run([r, str(HERE / "r" / "engine.R"), str(source), f"{tau:g}",
                           csv_list(engine_tasks.LANDMARK_DAYS), csv_list(ticks),
                           str(args.repeats), str(args.budget)],
                          capture_output=True, text=True, check=True)
    timings = {}
    for line in done.stdout.strip().splitlines():
        name, median, low, high, runs = line.split(",")
        timings[name] = Timing(float(median), float(low), float(high), int(runs))
    return timings


def floor_rows(args: argparse.Namespace) -> list[Row]:
    """The engine's Kaplan-Meier per group plus log-rank against one argsort of the times."""
    rows = []
    for n in args.sizes:
        cohort = engine_tasks.cohort_of(synthetic.make_trial(n))
        floor = measure(lambda c=cohort: engine_tasks.sort_floor(c), max(args.repeats, 9))
        work = measure(lambda c=cohort: engine_tasks.km_and_logrank(c), max(args.repeats, 9))
        target = 5.0 if n >= 1_000_000 else None  # below, fixed call costs dwarf the sort
        rows.append(Row("floor", "KM per group + log-rank vs argsort(time)", n, work,
                        "numpy.argsort", floor, target, "x"))
    return rows


def import_rows(args: argparse.Namespace) -> list[Row]:
    """read_table on a CSV of 1,000,000 rows and an XLSX of 100,000 rows against pandas' own
    reader (calamine for XLSX) on the same file; and building the cohort, for information."""
    import pandas as pd

    from resort_gui.io import build_cohort, read_table

    rows = []
    csv_n = max(args.sizes)
    xlsx_n = min(100_000, csv_n)
    for suffix, n in (("csv", csv_n), ("xlsx", xlsx_n)):
        path = synthetic.cached_file(n, suffix, DATA)
        log(f"import: {path.name}")
        def theirs(path: Path = path, suffix: str = suffix) -> object:
            if suffix == "csv":
                return pd.read_csv(path)
            return pd.read_excel(path, engine="calamine")

        reference = measure(theirs, args.repeats, budget=args.budget)
        ours = measure(lambda path=path: read_table(path), args.repeats, budget=args.budget)
        rows.append(Row("import", f"read {suffix.upper()} vs pandas", n, ours,
                        "pandas.read_csv" if suffix == "csv" else "read_excel(calamine)",
                        reference, 1.3, "x"))
        if suffix == "csv":
            raw = read_table(path)
            cohort = measure(lambda raw=raw: build_cohort(replace(raw),  # empty column memo
                                                          engine_tasks.benchmark_spec()),
                             args.repeats, budget=args.budget)
            rows.append(Row("import", "build the cohort (roles, checks), first time", n, cohort,
                            "pandas.read_csv", reference, None, "x"))
    return rows


def window_rows(args: argparse.Namespace) -> list[Row]:
    """The window offscreen, in a subprocess (``window.py``)."""
    script = HERE / "window.py"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    sizes = [n for n in (10_000, 1_000_000) if n <= max(args.sizes)]
    done = subprocess.run([sys.executable, str(script), csv_list(sizes), str(args.repeats)],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        log(f"window: not measured ({done.stderr.strip().splitlines()[-1:]})")
        return [Row("window", "window not measured: " + (done.stdout.strip() or "failed"),
                    0, None)]
    rows = []
    for item in json.loads(done.stdout):
        ours = Timing(**item["timing"]) if item.get("timing") else None
        reference = Timing(**item["reference"]) if item.get("reference") else None
        rows.append(Row("window", item["measure"], item["n"], ours, item.get("against", ""),
                        reference, item.get("target"), item.get("unit", "s")))
    return rows


# --------------------------------------------------------------------------- table


def fmt_seconds(timing: Timing | None) -> str:
    if timing is None:
        return ""
    return f"{timing.median:.3f}" if timing.median < 100 else f"{timing.median:.0f}"


def table(rows: list[Row]) -> str:
    """Markdown table. Without a reference, ``ours`` is in the row's unit (seconds, or "x"
    for a memory multiple); with one, both are seconds and the ratio is compared."""
    header = ("| section | measure | n | resort-gui | noise (runs) | reference | reference time "
              "| ratio | target | met |")
    lines = [header, "|" + "---|" * 10]
    for row in rows:
        unit = "s" if row.reference else row.unit
        ours = "" if row.ours is None else f"{fmt_seconds(row.ours)} {unit}"
        noise = "" if row.ours is None else f"{row.ours.noise:.0%} ({row.ours.runs})"
        theirs = "" if row.theirs is None else (f"{fmt_seconds(row.theirs)} s "
                                                f"({row.theirs.noise:.0%})")
        ratio = "" if row.ratio is None else f"{row.ratio:.3f}"
        target = "" if row.target is None else \
            f"<= {row.target:g} {'x' if row.reference else unit}"
        met = {None: "", True: "yes", False: "**no**"}[row.met]
        n = f"{row.n:,}" if row.n else ""
        lines.append(f"| {row.section} | {row.measure} | {n} | {ours} | {noise} | "
                     f"{row.reference} | {theirs} | {ratio} | {target} | {met} |")
    return "\n".join(lines)


def machine() -> str:
    load = os.getloadavg()
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} (1/5/15 min), "
            f"Python {platform.python_version()}, numpy {np.__version__}")


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10000,100000,1000000")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--process-repeats", type=int, default=5)
    p.add_argument("--budget", type=float, default=30.0,
                   help="seconds after which a slow measure stops repeating (>= 3 runs)")
    p.add_argument("--only", default=",".join(SECTIONS))
    p.add_argument("--skip", default="", help="r, lifelines")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", default=str(RESULTS / "latest.md"))
    args = p.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if args.quick:
        args.sizes = [n for n in args.sizes if n <= 100_000]
        args.repeats, args.process_repeats = 3, 2
    args.only = [s for s in args.only.split(",") if s]
    args.skip = [s for s in args.skip.split(",") if s]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = datetime.now()
    sections: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
        "process": process_rows, "stages": stage_rows, "engine": engine_rows,
        "floor": floor_rows,
        "import": import_rows, "window": window_rows}
    before = machine()
    rows: list[Row] = []
    for name in args.only:
        rows += sections[name](args)
    text = table(rows)
    header = (f"Run {started:%Y-%m-%d %H:%M}, {datetime.now() - started} long. "
              f"Machine at start: {before}; at end: {machine()}.")
    print(header + "\n\n" + text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + "\n\n" + text + "\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(
        [{**asdict(r), "ratio": r.ratio, "met": r.met} for r in rows], indent=1),
        encoding="utf-8")
    missed = [r for r in rows if r.met is False]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
