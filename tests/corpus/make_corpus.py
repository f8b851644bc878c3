"""Generate the import corpus: R's reference datasets re-exported the way trial data really
arrives, and a set of broken files.

    python -m tests.corpus.make_corpus OUTDIR

Good files (per dataset of ``tests/data/r-survival``): an xlsx with a notes sheet,
a title row and a footer; a ``;``/decimal-comma Windows-1252 CSV with Italian accented
headers and Sì/No events; Excel's "Unicode text" (UTF-16, tab); an ODS with a title row;
SPSS .sav and Stata .dta with value labels on the group; and dates in place of durations
(Excel date cells, dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy and ISO text; a composite endpoint
with a cut-off). Each case carries the ``analyze`` options that must reproduce R's numbers.
Everything is deterministic (fixed seed, fixed dates).
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from tests.reference import DATASETS, Dataset, load

FIRST_START = dt.date(2008, 1, 1)
ITALIAN = {"time": "tempo (giorni)", "event": "evento sì/no", "group": "gruppo è",
           "strata": "strato à"}
DATE_TEXT = {"aml": "%d.%m.%Y", "lung": "%d/%m/%Y", "ovarian": "%d-%m-%Y", "veteran": "%Y-%m-%d"}


@dataclass(frozen=True)
class GoodFile:
    """A file that must analyse to R's numbers with ``args`` (roles and options)."""

    dataset: str
    variant: str
    path: Path
    args: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.dataset}-{self.variant}"


@dataclass(frozen=True)
class BrokenFile:
    """A file that must stop with exit 2 and one ``error:`` line; ``code`` is the error's."""

    path: Path
    code: str


# --- good files ----------------------------------------------------------------------------

def make_good(folder: Path) -> list[GoodFile]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name in DATASETS:
        data = load(name)
        for variant, writer in VARIANTS.items():
            files.append(writer(data, folder / f"{name}__{variant}"))
            assert files[-1].variant == variant
    return files


TIME_UNITS = {"aml": "weeks", "lung": "days", "ovarian": "days", "veteran": "days"}  # R's docs


def _roles(data: Dataset, names: dict[str, str] | None = None,
           event_value: str | None = "") -> list[str]:
    """``analyze`` options for the dataset's roles; ``names`` renames its columns;
    ``event_value`` None: the file's coding needs no --event-value."""
    name = (names or {}).get
    args = ["--time", name(data.time_col, data.time_col),
            "--event", name(data.event_col, data.event_col),
            "--group", name(data.group_col, data.group_col), "--reference", data.groups[0],
            "--time-unit", TIME_UNITS[data.name]]
    if event_value is not None:
        args += ["--event-value", data.event_code]
    if data.strata_col:
        args += ["--strata", name(data.strata_col, data.strata_col)]
    return args


def _xlsx_with_notes(data: Dataset, stem: Path) -> GoodFile:
    """Notes sheet first; the table under a title and a blank row; a footer; a blank row in
    the middle of the data."""
    path = stem.with_suffix(".xlsx")
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append([f"Dataset {data.name} from R's survival package, re-exported for testing."])
    notes.append(["Times in days."])
    sheet = workbook.create_sheet("Data")
    sheet.append([f"Trial export: {data.name}"])
    sheet.append([])
    sheet.append(list(data.frame.columns))
    for i, row in enumerate(data.frame.itertuples(index=False)):
        if i == len(data.frame) // 2:
            sheet.append([])
        sheet.append([None if pd.isna(v) else v for v in row])
    sheet.append(["End of data"])
    workbook.save(path)
    return GoodFile(data.name, "xlsx_notes", path, tuple(_roles(data)))


def _italian_csv(data: Dataset, stem: Path) -> GoodFile:
    """Semicolons, decimal commas, Windows-1252, accented headers, Sì/No events."""
    path = stem.with_suffix(".csv")
    frame = data.frame.copy()
    frame[data.event_col] = np.where(data.event, "Sì", "No")
    names = {data.time_col: ITALIAN["time"], data.event_col: ITALIAN["event"],
             data.group_col: ITALIAN["group"]}
    if data.strata_col:
        names[data.strata_col] = ITALIAN["strata"]
    frame = frame.rename(columns=names)
    text = frame.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    path.write_bytes(text.encode("cp1252"))
    return GoodFile(data.name, "csv_italian", path, tuple(_roles(data, names, event_value=None)))


def _unicode_text(data: Dataset, stem: Path) -> GoodFile:
    """Excel's "Unicode text": UTF-16 with BOM, tab-separated, CRLF."""
    path = stem.with_suffix(".txt")
    text = data.frame.to_csv(sep="\t", index=False, lineterminator="\r\n")
    path.write_bytes(text.encode("utf-16"))
    return GoodFile(data.name, "utf16_txt", path, tuple(_roles(data)))


def _ods(data: Dataset, stem: Path) -> GoodFile:
    path = stem.with_suffix(".ods")
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame({"title": [f"{data.name} (ODS export)"]}).to_excel(
            writer, sheet_name="dati", index=False, header=False)
        data.frame.to_excel(writer, sheet_name="dati", index=False, startrow=2)
    return GoodFile(data.name, "ods", path, tuple(_roles(data)))


def _coded(data: Dataset) -> tuple[pd.DataFrame, dict[str, dict[int, str]], dict[str, str]]:
    """Statistician-style file: safe names, the group as codes 1..k with value labels."""
    frame = data.frame.copy()
    frame.columns = [c.replace(".", "_") for c in frame.columns]
    group = data.group_col.replace(".", "_")
    frame[group] = (data.group + 1).astype(np.int64)
    labels = {group: {i + 1: g for i, g in enumerate(data.groups)}}
    variable_labels = {c: f"{c} (variable label)" for c in frame.columns}
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
    return frame, labels, variable_labels


def _sav(data: Dataset, stem: Path) -> GoodFile:
    import pyreadstat

    path = stem.with_suffix(".sav")
    frame, labels, variable_labels = _coded(data)
    pyreadstat.write_sav(frame, str(path), column_labels=variable_labels,
                         variable_value_labels=labels)
    return GoodFile(data.name, "sav", path, tuple(_safe_roles(data)))


def _dta(data: Dataset, stem: Path) -> GoodFile:
    import pyreadstat

    path = stem.with_suffix(".dta")
    frame, labels, variable_labels = _coded(data)
    pyreadstat.write_dta(frame, str(path), column_labels=variable_labels,
                         variable_value_labels=labels)
    return GoodFile(data.name, "dta", path, tuple(_safe_roles(data)))


def _safe_roles(data: Dataset) -> list[str]:
    return _roles(data, {c: c.replace(".", "_") for c in data.frame.columns})


def _start_dates(data: Dataset) -> pd.Series:
    """Deterministic randomisation dates over four years (days of month 1..28 all occur)."""
    offsets = (np.arange(len(data.frame)) * 37) % 1461
    return pd.Series(pd.to_datetime(FIRST_START) + pd.to_timedelta(offsets, unit="D"))


def _dated(data: Dataset) -> pd.DataFrame:
    frame = data.frame.drop(columns=[data.time_col]).copy()
    start = _start_dates(data)
    frame.insert(0, "id", [f"{data.name.upper()}-{i + 1:03d}" for i in range(len(frame))])
    frame.insert(1, "date_randomisation", start)
    frame.insert(2, "date_event_or_last_contact",
                 start + pd.to_timedelta(data.time, unit="D"))
    return frame


def _dates_args(data: Dataset) -> list[str]:
    roles = _roles(data)[2:]  # without --time: ["--event", event, "--group", ...]
    return ["--start", "date_randomisation", *roles[:2], "--stop",
            "date_event_or_last_contact", *roles[2:], "--patient-id", "id",
            "--time-unit", "days"]


def _dates_xlsx(data: Dataset, stem: Path) -> GoodFile:
    """Real Excel date cells with a title row."""
    path = stem.with_suffix(".xlsx")
    frame = _dated(data)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "patients"
    sheet.append(["Dates of randomisation and of event or last contact"])
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([v.date() if isinstance(v, pd.Timestamp) else None if pd.isna(v) else v
                      for v in row])
    for cell in (*sheet["B"][2:], *sheet["C"][2:]):
        cell.number_format = "DD/MM/YYYY"
    workbook.save(path)
    return GoodFile(data.name, "dates_xlsx", path, tuple(_dates_args(data)))


def _dates_csv(data: Dataset, stem: Path) -> GoodFile:
    """Dates as text in this dataset's national form (see DATE_TEXT)."""
    path = stem.with_suffix(".csv")
    frame = _dated(data)
    for column in ("date_randomisation", "date_event_or_last_contact"):
        frame[column] = frame[column].dt.strftime(DATE_TEXT[data.name])
    frame.to_csv(path, index=False)
    return GoodFile(data.name, "dates_csv", path, tuple(_dates_args(data)))


def _composite_xlsx(data: Dataset, stem: Path) -> GoodFile:
    """RFS-like composite: events split between recurrence and death, each with its own date;
    a recurrence followed by a later death still counts at the recurrence; censored patients
    end at the last contact; a cut-off on the last date changes nothing."""
    path = stem.with_suffix(".xlsx")
    start = _start_dates(data)
    stop = start + pd.to_timedelta(data.time, unit="D")
    index = np.arange(len(data.frame))
    recurrence = data.event & (index % 2 == 0)
    death_first = data.event & (index % 2 == 1)
    death = death_first | recurrence
    death_date = stop.where(death_first, stop + pd.Timedelta(days=100)).where(death)
    frame = pd.DataFrame({
        "patient": [f"P{i + 1}" for i in index],
        "arm": data.frame[data.group_col].astype(str),
        "randomisation": start.dt.date,
        "recurrence": np.where(recurrence, "yes", "no"),
        "date of recurrence": stop.where(recurrence).dt.date,
        "death": np.where(death, "yes", "no"),
        "date of death": death_date.dt.date,
        "last contact": (stop + pd.to_timedelta(np.where(data.event, 200, 0), unit="D")).dt.date,
    })
    if data.strata_col:
        frame["stratum"] = data.frame[data.strata_col]
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="rfs", index=False)
    cutoff = stop.max().date().isoformat()
    args = ["--start", "randomisation", "--event", "recurrence", "--stop", "date of recurrence",
            "--event", "death", "--stop", "date of death", "--last-contact", "last contact",
            "--cutoff", cutoff, "--group", "arm", "--reference", data.groups[0],
            "--patient-id", "patient", "--time-unit", "days"]
    if data.strata_col:
        args += ["--strata", "stratum"]
    return GoodFile(data.name, "composite_xlsx", path, tuple(args))


VARIANTS: dict[str, Callable[[Dataset, Path], GoodFile]] = {
    "xlsx_notes": _xlsx_with_notes,
    "csv_italian": _italian_csv,
    "utf16_txt": _unicode_text,
    "ods": _ods,
    "sav": _sav,
    "dta": _dta,
    "dates_xlsx": _dates_xlsx,
    "dates_csv": _dates_csv,
    "composite_xlsx": _composite_xlsx,
}


# --- broken files --------------------------------------------------------------------------

def make_broken(folder: Path) -> list[BrokenFile]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240531)
    good = folder / "_good.xlsx"
    pd.DataFrame({"time": [1, 2], "status": [1, 0]}).to_excel(good, index=False)
    xlsx = good.read_bytes()
    good.unlink()
    ods = folder / "_good.ods"
    pd.DataFrame({"time": [1, 2], "status": [1, 0]}).to_excel(ods, index=False, engine="odf")
    ods_bytes = ods.read_bytes()
    ods.unlink()
    csv_text = b"time,status\n1,1\n2,0\n"
    files = {
        "empty.csv": (b"", "empty_file"),
        "empty.xlsx": (b"", "empty_file"),
        "blank_lines.csv": (b"\n\n \n\r\n", "empty_file"),
        "header_only.csv": (b"time,status,arm\n", "no_data_rows"),
        "header_only_title.csv": (b"My trial;;\n\ntime;status;arm\n;;\n", "no_data_rows"),
        "numbers_only.csv": (b"1,2,3\n4,5,6\n", "no_header"),
        "truncated.xlsx": (xlsx[: len(xlsx) // 2], "damaged_file"),
        "truncated.ods": (ods_bytes[: len(ods_bytes) // 2], "damaged_file"),
        "random.csv": (rng.bytes(4096), "unreadable_file"),
        "random.xlsx": (rng.bytes(4096), "unreadable_file"),
        "random.sav": (rng.bytes(4096), "unreadable_file"),
        "nul.csv": (bytes(4096), "unreadable_file"),
        "nul.xlsx": (bytes(4096), "unreadable_file"),
        "text_named.xlsx": (csv_text, "wrong_extension"),
        "workbook_named.csv": (xlsx, "wrong_extension"),
        "text_named.sav": (csv_text, "wrong_extension"),
        "fake.sav": (b"$FL2" + rng.bytes(2000), "damaged_file"),
        "fake.dta": (b"<stata_dta>" + rng.bytes(2000), "damaged_file"),
        "report.pdf": (b"%PDF-1.4\n%...\n", "unsupported_format"),
        "pdf_named.csv": (b"%PDF-1.4\n" + rng.bytes(500), "unreadable_file"),
    }
    broken = []
    for name, (content, code) in files.items():
        (folder / name).write_bytes(content)
        broken.append(BrokenFile(folder / name, code))
    broken.append(BrokenFile(_word_document(folder / "letter.xlsx"), "unreadable_file"))
    broken.append(BrokenFile(_encrypted(folder / "protected.xlsx", xlsx), "password_protected"))
    return broken


def _word_document(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path


def _encrypted(path: Path, xlsx: bytes) -> Path:
    """A real password-protected workbook (Agile encryption, as Excel writes it)."""
    import io

    from msoffcrypto.format.ooxml import OOXMLFile

    with path.open("wb") as out:
        OOXMLFile(io.BytesIO(xlsx)).encrypt("secret", out)
    return path


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("corpus")
    good, broken = make_good(out / "good"), make_broken(out / "broken")
    print(f"wrote {len(good)} good and {len(broken)} broken files under {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
