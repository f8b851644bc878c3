"""Command line: ``resort-gui [FILE|--demo]`` opens the window, ``resort-gui analyze`` runs
the same analysis headless and writes the contract's files.

Exit codes: 0 success (warnings on stderr), 2 bad input or usage (one ``error:`` line per
problem), 1 internal fault (traceback written to a log file, never to the terminal).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from resort_gui.app.crash_log import write_crash_log
from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import (
    ADJUSTMENTS,
    CONF_TYPES,
    PAIRWISE,
    TIES,
    TIME_UNITS,
    TREND_SCORES,
    UNIT_GIVEN,
    AnalysisSpec,
    Endpoint,
    EventSource,
    SafetySource,
    ScreeningSource,
    replace,
    spec_from_dict,
)
from resort_gui.export.figure_options import parse_dpi, parse_formats, parse_size
from resort_gui.render.qt_libraries import require_window_libraries


def main(argv: list[str] | None = None,
         open_window: Callable[[list[str]], int] | None = None) -> int:
    """``analyze ...`` runs headless; anything else is handed to ``open_window`` (the entry
    point in ``resort_gui.__main__`` passes ``ui.app.run_window``, so this layer never
    imports the window). Every failure ends in an exit code, never a traceback."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["analyze"]:
            return analyze(argv[1:])
        if "-h" not in argv and "--help" not in argv:
            require_window_libraries()
        if open_window is None:
            raise InputError("usage", "this command line opens no window; run 'resort-gui'.")
        return open_window(argv)
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except PermissionError as exc:  # the data file in --out, or a folder we may not write
        print(f"error: {exc}. Choose another --out folder.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - the last line of defence: log, never a traceback
        log = write_crash_log(traceback.format_exc())
        print(f"internal error: something went wrong inside resort-gui. Details were written "
              f"to {log}; please send that file to the developers.", file=sys.stderr)
        return 1


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage problems as InputError (exit 2, one ``error:`` line)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError("usage", f"{message} (see 'resort-gui analyze --help')")


def analyze_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="resort-gui analyze",
                description="Run the survival analysis headless and write its tables.")
    p.add_argument("file", nargs="?",
                   help="data file: .xlsx .xls .ods .csv .tsv .txt .sav .dta .xpt .sas7bdat")
    p.add_argument("--demo", action="store_true", help="use the built-in synthetic demo trial")
    p.add_argument("--spec", help="re-run an analysis.json written by an earlier run")
    p.add_argument("--param", action="append", default=[], metavar="CODE",
                   help="CDISC ADaM ADTTE: the PARAMCD of an endpoint (repeatable; the first "
                        "is the primary endpoint, e.g. --param PFS --param OS), instead of "
                        "--time/--event; the other roles are guessed and printed")
    p.add_argument("--time", help="column of follow-up times")
    p.add_argument("--event", action="append", default=[], metavar="COL",
                   help="column of event status; with dates, repeat it with --stop for a "
                        "composite endpoint (the earliest event counts)")
    p.add_argument("--start", metavar="COL", help="column of start dates (randomisation), "
                                                  "instead of --time")
    p.add_argument("--stop", action="append", default=[], metavar="COL",
                   help="column of the date of the --event given just before it (with one "
                        "event: the date of the event or of last contact)")
    p.add_argument("--last-contact", metavar="COL",
                   help="column of the date of last contact (censoring when no event)")
    p.add_argument("--cutoff", metavar="YYYY-MM-DD",
                   help="data cut-off: what happened after it is censored at it")
    p.add_argument("--date-format", metavar="dd/mm/yyyy|mm/dd/yyyy",
                   help="how dates such as 03/04/2016 read, when no day is above 12")
    p.add_argument("--header-row", type=int, metavar="N",
                   help="row holding the column names (default: found under title rows)")
    p.add_argument("--where", action="append", default=[], metavar="COL=VALUE",
                   help="analyse the subgroup where COL=VALUE (or COL!=VALUE); repeatable, "
                        "all must hold")
    p.add_argument("--event-value", action="append", default=[], metavar="V",
                   help="value meaning the event happened (repeatable)")
    p.add_argument("--group", help="column of the arms/groups to compare")
    p.add_argument("--reference", help="reference group (default: first in natural order)")
    p.add_argument("--strata", action="append", default=[], metavar="COL",
                   help="stratification column (repeatable)")
    p.add_argument("--patient-id", help="column of patient identifiers")
    p.add_argument("--conf-type", choices=CONF_TYPES, default="log-log")
    p.add_argument("--conf-level", type=float, default=0.95)
    p.add_argument("--landmarks", default=None, help="times, e.g. 12,24,36")
    p.add_argument("--tau", type=float, help="RMST horizon (default: smallest group maximum)")
    p.add_argument("--ties", choices=TIES, default="efron")
    p.add_argument("--time-unit", choices=tuple(TIME_UNITS), default=None,
                   help="the unit of the --time column (default: what the column's name or "
                        "values say; an error when they do not tell)")
    p.add_argument("--group-order", metavar="A,B,C",
                   help="order of the groups in the figure, the tables, the trend test and "
                        "the pairwise table; the first is the reference unless --reference "
                        "names one")
    p.add_argument("--adjust", choices=ADJUSTMENTS, default="holm",
                   help="multiple-comparison adjustment of the pairwise p-values")
    p.add_argument("--pairwise", choices=PAIRWISE, default="all",
                   help="compare every pair of groups, or each group with the reference")
    p.add_argument("--fh", default="1,1", metavar="P,Q",
                   help="Fleming-Harrington exponents of the extra weighted test")
    p.add_argument("--trend-scores", choices=TREND_SCORES, default="order",
                   help="trend scores 1..k in the group order, or the group values as numbers")
    _trial_arguments(p)
    p.add_argument("--sheet", help="worksheet name (default: the sheet with the table)")
    p.add_argument("--formats", default="png,svg,pdf",
                   help="figure formats among png,tiff,svg,pdf, or 'none'")
    p.add_argument("--dpi", default="300", help="resolution of png and tiff: 300, 600 or 1200")
    p.add_argument("--size", default="175mm",
                   help="figure size: 85mm, 120mm, 175mm (journal columns), slide (16:9), "
                        "or WxH in mm such as 100x80mm")
    p.add_argument("--report", action="store_true",
                   help="also write report.pdf and report.html (methods, results, figure)")
    p.add_argument("--decimal", choices=tuple(DECIMAL_MARKS), default="point",
                   help="the decimal mark of the figure and the report: point (0.95) or "
                        "comma (0,95); the CSV files always use a point (default: point)")
    p.add_argument("--out", default="resort-results", help="output folder")
    return p


def _trial_arguments(p: argparse.ArgumentParser) -> None:
    """Options of the analyses beyond Kaplan-Meier: adjusted Cox, competing risks,
    subgroups, Table 1, adverse events, CONSORT flow."""
    p.add_argument("--covariate", action="append", default=[], metavar="COL",
                   help="adjust the Cox model for COL (repeatable; numbers as numbers, text "
                        "as categories against the first): cox_multivariable.csv")
    p.add_argument("--cause-value", metavar="V",
                   help="competing risks: the event value of interest, i.e. the one "
                        "--event-value (the KM, log-rank and Cox become cause-specific): "
                        "cumulative_incidence.csv, cif_milestones.csv, cif.*, Gray's test")
    p.add_argument("--competing-value", action="append", default=[], metavar="W",
                   help="competing risks: an event value that competes (repeatable)")
    p.add_argument("--subgroup", action="append", default=[], metavar="COL",
                   help="hazard ratio per level of COL with the interaction p (repeatable): "
                        "subgroups.csv and the forest plot")
    p.add_argument("--subgroups", action="store_true",
                   help="subgroups by every --strata column (the stratification factors)")
    p.add_argument("--baseline", action="append", default=[], metavar="COL",
                   help="baseline characteristic for Table 1 (repeatable): baseline.csv")
    p.add_argument("--ae-sheet", metavar="NAME",
                   help="sheet of adverse events, one row per patient, term and grade: "
                        "adverse_events.csv (needs --patient-id)")
    p.add_argument("--ae-patient", default="patient_id", metavar="COL")
    p.add_argument("--ae-term", default="term", metavar="COL")
    p.add_argument("--ae-grade", default="grade", metavar="COL")
    p.add_argument("--screening-sheet", metavar="NAME",
                   help="sheet of the screening log (patient_id, randomised yes/no, "
                        "reason_not_randomised) for the CONSORT flow: flow.csv")


def _trial_options(args: argparse.Namespace, strata: tuple[str, ...]) -> dict[str, object]:
    """The spec fields of ``_trial_arguments`` that the command line sets."""
    options: dict[str, object] = {}
    subgroups = tuple(args.subgroup) or (strata if args.subgroups else ())
    for key, value in (("covariates", tuple(args.covariate)), ("subgroups", subgroups),
                       ("baseline_columns", tuple(args.baseline)),
                       ("competing_values", tuple(args.competing_value))):
        if value:
            options[key] = value
    if args.ae_sheet:
        options["safety"] = SafetySource(args.ae_sheet, args.ae_patient, args.ae_term,
                                         args.ae_grade)
    if args.screening_sheet:
        options["screening"] = ScreeningSource(args.screening_sheet)
    return options


DECIMAL_MARKS = {"point": ".", "comma": ","}


def analyze(argv: list[str]) -> int:
    from resort_gui.app.pipeline import analyze_file, write_outputs

    args = analyze_parser().parse_args(argv)
    spec, expected_sha256 = spec_from_args(args)
    problems = spec.validate()
    if problems:
        raise InputError("invalid_settings", *problems)
    formats = parse_formats(args.formats)
    size, dpi = parse_size(args.size), parse_dpi(args.dpi)
    run = analyze_file(spec, expected_sha256)
    print_notes(run.result)
    if run.sha256_changed:
        print(f"warning: {run.raw.name} changed since the analysis file was written "
              "(its SHA-256 differs).", file=sys.stderr)
    out = Path(args.out)
    written = write_outputs(run, out, formats, size=size, dpi=dpi, report=args.report,
                            decimal=DECIMAL_MARKS[args.decimal])
    print(f"wrote {len(written)} files to {out}")
    return 0


def print_notes(result: object) -> None:
    """The notes, then every point to check as the window and the report list them."""
    from resort_gui.analysis.guardrails import CHECKED_ISSUES
    from resort_gui.export.report import points_to_check
    from resort_gui.present.summary import TextOptions

    for issue in result.issues:  # type: ignore[attr-defined]
        if issue.code not in CHECKED_ISSUES:
            kind = "note" if issue.severity == "info" else "warning"
            print(f"{kind}: {issue.message}", file=sys.stderr)
    for point in points_to_check(result, TextOptions()):  # type: ignore[arg-type]
        print(f"check: {point}", file=sys.stderr)


def spec_from_args(args: argparse.Namespace) -> tuple[AnalysisSpec, str | None]:
    """The spec the command line describes (``--spec``, the demo's own, or the options) and
    the input SHA-256 it expects (from ``--spec``)."""
    if args.spec:
        return _spec_from_file(Path(args.spec))
    if args.demo == bool(args.file):
        raise InputError("usage", "give either a data FILE or --demo (see --help).")
    from resort_gui.io.demo import demo_spec

    if args.demo and args.time is None and not args.event and args.start is None:
        demo = demo_spec()
        return replace(demo, **_trial_options(args, demo.strata)), None
    if args.param:
        return _adtte_spec(args), None
    return AnalysisSpec(**_role_options(args), **_trial_options(args, tuple(args.strata))), None


def _adtte_spec(args: argparse.Namespace) -> AnalysisSpec:
    """The spec of ``--param CODE...``: the ADTTE's parameters as endpoints (the first
    primary), the other roles taken from the options or guessed as the window guesses
    them, each guess printed."""
    from resort_gui.io import read_table
    from resort_gui.io.adam import adtte_guesses

    if args.time or args.event or args.start or args.stop or args.last_contact or args.demo:
        raise InputError("usage", "--param chooses the endpoint of an ADaM ADTTE dataset: give "
                                  "it without --time, --event, --start, --stop, "
                                  "--last-contact and --demo.")
    raw = read_table(Path(args.file), sheet=args.sheet, header_row=args.header_row)
    guesses, changes = adtte_guesses(raw, tuple(args.param), given={
        "patient_id": args.patient_id, "group": args.group, "strata": tuple(args.strata),
        "where": tuple(_parse_condition(c) for c in args.where)})
    for guess in guesses:
        print(f"guess: {guess}", file=sys.stderr)
    options = _role_options(replace_args(args, time="AVAL", event=["CNSR"]))
    options.update(changes)
    options["sheet"] = raw.sheet
    return AnalysisSpec(**options, **_trial_options(args, options["strata"]))  # type: ignore[arg-type]


def replace_args(args: argparse.Namespace, **changes: object) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), **changes})


def _role_options(args: argparse.Namespace) -> dict[str, object]:
    from resort_gui.io.demo import DEMO_SOURCE

    return dict(
        source=DEMO_SOURCE if args.demo else str(Path(args.file).resolve()),
        sheet=args.sheet or ("patients" if args.demo else None),
        patient_id=args.patient_id,
        endpoint=_endpoint_options(args), header_row=args.header_row,
        date_format=_parse_date_format(args.date_format), cutoff=args.cutoff,
        where=tuple(_parse_condition(c) for c in args.where),
        group=args.group, reference=args.reference, strata=tuple(args.strata),
        conf_type=args.conf_type, conf_level=args.conf_level,
        landmarks=_parse_landmarks(args.landmarks), tau=args.tau, ties=args.ties,
        time_unit=args.time_unit or "",
        time_unit_reason=UNIT_GIVEN if args.time_unit else "",
        group_order=_parse_names(args.group_order),
        adjust=args.adjust, pairwise=args.pairwise, fh=_parse_fh(args.fh),
        trend_scores=args.trend_scores,
    )


def _parse_names(text: str | None) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip()) if text else ()


def _parse_fh(text: str) -> tuple[float, float]:
    try:
        p, q = (float(x) for x in text.split(","))
    except ValueError:
        raise InputError("usage", f"--fh takes two numbers separated by a comma, e.g. 1,1 "
                                  f"(p, q); got {text!r}.") from None
    return p, q


def _endpoint_options(args: argparse.Namespace) -> Endpoint:
    """``--time`` + ``--event``, or ``--start`` + ``--event``/``--stop`` pairs."""
    values = tuple(args.event_value) or ((args.cause_value,) if args.cause_value else ())
    if args.cause_value is not None and values != (args.cause_value,):
        raise InputError("usage", f"--cause-value {args.cause_value} is the event of interest: "
                                  "it is the endpoint's one event value, so give it once "
                                  "(--cause-value or --event-value), and each competing value "
                                  "with --competing-value.")
    if not args.event or (args.time is None) == (args.start is None):
        raise InputError("usage", "give --time COL --event COL (durations), or --start COL "
                                  "--event COL --stop COL (dates), with a data file.")
    if args.time is not None:
        if len(args.event) > 1 or args.stop or args.last_contact:
            raise InputError("usage", "--time takes one --event; --stop and --last-contact go "
                                      "with --start.")
        return Endpoint(name="Survival", time=args.time, events=(EventSource(args.event[0],
                                                                             values),))
    if len(args.stop) != len(args.event):
        raise InputError("usage", f"give one --stop date column for each --event (got "
                                  f"{len(args.event)} --event and {len(args.stop)} --stop).")
    events = tuple(EventSource(e, values, d) for e, d in zip(args.event, args.stop, strict=True))
    return Endpoint(name="Survival", start=args.start, events=events,
                    last_contact=args.last_contact)


def _parse_date_format(text: str | None) -> str | None:
    from resort_gui.io.dates import normalise_date_order

    try:
        return None if text is None else normalise_date_order(text)
    except ValueError as exc:
        raise InputError("usage", f"--date-format: {exc}.") from None


def _parse_condition(text: str) -> object:
    from resort_gui.io.subgroups import parse_condition

    try:
        return parse_condition(text)
    except ValueError as exc:
        raise InputError("usage", f"--where: {exc}.") from None


def _parse_landmarks(text: str | None) -> tuple[float, ...]:
    if not text:
        return ()
    try:
        return tuple(float(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise InputError("usage", f"--landmarks takes numbers separated by commas, "
                                  f"e.g. 12,24,36; got {text!r}.") from None


def _beside(spec: AnalysisSpec, folder: Path) -> AnalysisSpec:
    """A relative data path is relative to the analysis file's folder, as in a project file,
    not to wherever the command runs."""
    from resort_gui.io.demo import DEMO_SOURCE

    if spec.source in ("", DEMO_SOURCE) or Path(spec.source).is_absolute():
        return spec
    return replace(spec, source=str((folder / spec.source).resolve()))


def _spec_from_file(path: Path) -> tuple[AnalysisSpec, str | None]:
    """The spec and the input's SHA-256 recorded in an ``analysis.json``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        spec = spec_from_dict(data["spec"])
        return _beside(spec, path.resolve().parent), data.get("input_sha256")
    except FileNotFoundError:
        raise InputError("file_not_found", f"{path}: no such file.") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError("invalid_spec_file",
                         f"{path}: not an analysis file written by resort-gui ({exc}).") \
            from None
