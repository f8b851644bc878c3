"""The file formats: what a file really is (by its bytes, not its name), and reading it.

Text tables are decoded (UTF-8, UTF-8 or UTF-16 with BOM, else Windows-1252/Latin-1) and
their delimiter and decimal mark sniffed; workbooks (xlsx/xlsm/xlsb/xls/ods) are read cell
by cell with python-calamine; SPSS, Stata and SAS files with pyreadstat. Every file is opened
read-only. Problems with the whole file raise ``InputError`` with a stable code.
"""

from __future__ import annotations

import csv
import re
import warnings
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from resort_gui.domain.errors import InputError
from resort_gui.io import size_guard, zip_guard

TEXT, WORKBOOK, STATS, SAS = "text", "workbook", "stats", "sas"
SUFFIX_FAMILY = {
    **dict.fromkeys((".csv", ".tsv", ".txt", ".tab"), TEXT),
    **dict.fromkeys((".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"), WORKBOOK),
    **dict.fromkeys((".sav", ".zsav", ".dta"), STATS),
    **dict.fromkeys((".xpt", ".sas7bdat"), SAS),
}
FAMILY_NAMES = {TEXT: "a text (CSV) table", WORKBOOK: "a spreadsheet workbook",
                STATS: "an SPSS or Stata data file", SAS: "a SAS data file"}
RENAME_HINT = {TEXT: ".csv", WORKBOOK: ".xlsx", STATS: ".sav or .dta",
               SAS: ".xpt (transport) or .sas7bdat"}
DELIMITERS = ("\t", ";", "|", ",")  # preferred in this order when equally consistent
SNIFF_LINES = 200
SNIFF_CHARS = 1 << 21  # the start of a text file the dialect is sniffed from
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_THE_FILE = (KeyboardInterrupt, SystemExit, GeneratorExit)  # never a reader's verdict
# The csv module refuses a field over 131,072 characters (csv.Error, an internal fault for
# a file with one long cell). The sniffed text is at most SNIFF_CHARS characters, so no field
# of it can pass this; pandas, which reads the whole file, has no such limit.
csv.field_size_limit(max(csv.field_size_limit(), SNIFF_CHARS))


@dataclass(frozen=True)
class TextDialect:
    encoding: str
    delimiter: str
    decimal: str
    skip_lines: int  # a leading "sep=;" line that Excel hides

    def describe(self) -> str:
        names = {"\t": "tab", ";": "semicolon", "|": "bar", ",": "comma"}
        mark = "decimal comma" if self.decimal == "," else "decimal point"
        return f"{names[self.delimiter]}-separated, {mark}, {self.encoding}"


def file_family(path: Path) -> str:
    """TEXT, WORKBOOK, STATS or SAS from the file's bytes; refuses empty, damaged, encrypted and
    misnamed files with a message that says what the file is and what to do."""
    suffix = path.suffix.lower()
    family = SUFFIX_FAMILY.get(suffix)
    if family is None:
        raise InputError("unsupported_format",
                         f"{path.name}: cannot read files of type '{suffix or 'none'}'. Save "
                         "the table as .xlsx, .ods, .csv, .sav, .dta, .xpt or .sas7bdat.")
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head:
        raise InputError("empty_file", f"{path.name}: the file is empty (0 bytes).")
    if not head.strip(b"\x00"):
        raise InputError("unreadable_file",
                         f"{path.name}: the file holds only NUL bytes (it was never completely "
                         "written, e.g. after a crash). Export the table again.")
    stat = path.stat()
    actual = _family_of_content(path, head, suffix, stat.st_size, stat.st_mtime_ns)
    if actual != family:
        raise InputError("wrong_extension",
                         f"{path.name}: the name says {FAMILY_NAMES[family]} but the file is "
                         f"{FAMILY_NAMES[actual]}. Rename it to end in "
                         f"{RENAME_HINT[actual]} and open it again.")
    return family


@lru_cache(maxsize=16)
def _family_of_content(path: Path, head: bytes, suffix: str, size: int, mtime_ns: int) -> str:
    """The family the bytes show, after the guards (zip, size) have passed the file. Kept
    per file version (``size``, ``mtime_ns``): opening a workbook asks up to three times (its
    sheets, a preview, the table), and a guard walks every cell record of an xls or xlsb;
    a refusal is not kept, so a mended file is checked afresh."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        _check_workbook_zip(path)
        return WORKBOOK
    if head.startswith(_OLE_MAGIC):
        data = path.read_bytes()
        if _ENCRYPTED_PACKAGE in data:
            raise _password_protected(path)
        size_guard.check_legacy_workbook(path, data)
        return WORKBOOK
    if head.startswith((b"$FL2", b"$FL3", b"<stata_dta>")) or (
            suffix == ".dta" and len(head) > 1 and 0x66 <= head[0] <= 0x73 and head[1] in (1, 2)):
        return STATS
    if is_sas_file(head):
        return SAS
    if head.startswith(b"%PDF"):
        raise _not_a_table(path, "a PDF document")
    if not _looks_like_text(head):
        raise _binary(path)
    return TEXT


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    sample = head.decode("latin-1")
    return b"\x00" not in head and len(_CONTROL.findall(sample)) <= 0.01 * len(sample)


def _check_workbook_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            manifest = archive.read("META-INF/manifest.xml") \
                if "META-INF/manifest.xml" in names else b""
            too_large = zip_guard.check_workbook_archive(archive) \
                or size_guard.check_binary_sheets(archive)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError,
            NotImplementedError):  # ValueError: a name that is not UTF-8; NotImplemented:
        # an unknown zip version or compression method
        raise InputError("damaged_file",
                         f"{path.name}: the file is damaged or incomplete (it was cut short, "
                         "e.g. by an interrupted copy or download). Copy or export it "
                         "again.") from None
    if b"encryption-data" in manifest:
        raise _password_protected(path)
    if too_large is not None:
        raise InputError("workbook_too_large",
                         f"{path.name}: the workbook was not opened because "
                         f"{too_large.reason}. Copy the table into a new workbook (or save "
                         "it as .csv) and open that.")
    if not ({"xl/workbook.xml", "xl/workbook.bin", "content.xml"} & names):
        what = "a Word document" if "word/document.xml" in names else \
            "a PowerPoint file" if "ppt/presentation.xml" in names else "a zip archive"
        raise _not_a_table(path, what)


def _password_protected(path: Path) -> InputError:
    return InputError("password_protected",
                      f"{path.name}: the workbook is password-protected (encrypted). Open it, "
                      "remove the password (File > Info > Protect Workbook) and save a copy.")


def _not_a_table(path: Path, what: str) -> InputError:
    return InputError("unreadable_file",
                      f"{path.name}: this is {what}, not a table. Export the table from the "
                      "program that holds it as .xlsx or .csv.")


# --- text ----------------------------------------------------------------------------------

def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """The start of the text of ``data`` (the bytes of ``path``; ``SNIFF_CHARS`` characters
    at least, all the dialect and the header are found from) and the encoding of all of it:
    BOM first, then UTF-8, then Windows-1252, then Latin-1 (which decodes anything). A
    plain ASCII file (most large ones) is UTF-8 without decoding more than its start."""
    head = memoryview(data)[:4 * SNIFF_CHARS]  # a character takes at most 4 bytes
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = str(head, "utf-8-sig", errors="replace"), "UTF-8 (BOM)"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = str(head, "utf-16", errors="replace"), "UTF-16"
    elif b"\x00" in data:
        raise _binary(path)
    elif data.isascii():
        text, encoding = str(head[:SNIFF_CHARS], "ascii"), "UTF-8"
    else:
        text, encoding = _decode_8bit(data)
        text = text[:SNIFF_CHARS]
    if len(_CONTROL.findall(text, 0, 100_000)) > 0.01 * min(len(text), 100_000):
        raise _binary(path)
    return text, encoding


def _decode_8bit(data: bytes) -> tuple[str, str]:
    for codec, name in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "Latin-1"


def _binary(path: Path) -> InputError:
    return InputError("unreadable_file",
                      f"{path.name}: the content is not a table this program can read (it is "
                      "binary data of an unknown kind). Check that this is the right file, "
                      "and export the table as .xlsx or .csv.")


def sniff_dialect(text: str, encoding: str) -> tuple[TextDialect, list[str]]:
    """Delimiter (the one that splits the sample lines most consistently), decimal mark
    (comma only when the delimiter is not a comma and numbers use it) and the sample lines."""
    lines = text[:SNIFF_CHARS // 2].splitlines()[:SNIFF_LINES]
    skip = 1 if lines and re.fullmatch(r"sep=.\s*", lines[0]) else 0
    lines = lines[skip:]
    if skip:
        delimiter = text[4]
    else:
        delimiter = max(DELIMITERS, key=lambda d: (_consistency(lines, d), -DELIMITERS.index(d)))
    return TextDialect(encoding, delimiter, _decimal_mark(text, delimiter), skip), lines


def _consistency(lines: list[str], delimiter: str) -> int:
    """How many sample lines split into the most common number (> 1) of fields."""
    counts = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if any(row))
    return max((n for width, n in counts.items() if width > 1), default=0)


def _decimal_mark(text: str, delimiter: str) -> str:
    if delimiter == ",":
        return "."
    sep, sample = re.escape(delimiter), text[:SNIFF_CHARS]
    comma = re.findall(rf"(?:^|{sep})\s*-?\d+,\d+\s*(?={sep}|$)", sample, flags=re.MULTILINE)
    point = re.findall(rf"(?:^|{sep})\s*-?\d+\.\d+\s*(?={sep}|$)", sample, flags=re.MULTILINE)
    return "," if len(comma) > len(point) else "."


def split_lines(lines: list[str], delimiter: str) -> list[list[str]]:
    return [row for row in csv.reader(lines, delimiter=delimiter)]


def line_first_bytes(data: bytes, skip_lines: int) -> np.ndarray | None:
    """The first byte of each line of ``data`` after the first ``skip_lines`` (a line
    break for an empty line), read straight off the bytes; None unless every such line is
    one record as pandas reads it: no quotation mark, lines ending in "\\n" or "\\r\\n".
    For an ASCII-compatible encoding (not UTF-16)."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    step = 1 << 22  # the comparison's array stays small
    breaks = np.concatenate([np.flatnonzero(buffer[at:at + step] == 10) + at
                             for at in range(0, len(buffer), step)] or [np.array([], int)])
    if len(breaks) < skip_lines:
        return None
    start = int(breaks[skip_lines - 1]) + 1 if skip_lines else 0
    breaks = breaks[skip_lines:]
    if data.find(b'"', start) >= 0 or data.find(b"\r", start) >= 0 and data.count(
            b"\r", start) != np.count_nonzero(buffer[np.maximum(breaks - 1, 0)] == 13):
        return None
    starts = np.concatenate(([start], breaks + 1))
    return buffer[starts[:-1] if starts[-1] == len(data) else starts]


def read_text_body(data: bytes, dialect: TextDialect, skip_lines: int, names: list[str],
                   path: Path) -> pd.DataFrame:
    """The records after the first ``skip_lines`` lines of ``path`` (whose bytes ``data``
    is), one row per record (blank lines kept as empty rows, so positions stay the
    spreadsheet's). A row longer than the header widens the table (extra columns named
    ``\x00<i>`` for the caller to name)."""
    try:
        return _parse_csv(path, dialect, skip_lines, names)
    except pd.errors.ParserError:
        # the longest line, counted without regard to quotes: an overestimate at worst,
        # whose extra columns stay empty and are dropped
        text = data.decode(_CODECS[dialect.encoding], errors="replace")
        width = max(line.count(dialect.delimiter) + 1 for line in text.splitlines())
        names = [*names, *(f"\x00{i}" for i in range(len(names), width))]
    try:
        return _parse_csv(path, dialect, skip_lines, names)
    except pd.errors.ParserError:
        raise InputError("unreadable_file",
                         f"{path.name}: the rows cannot be split into cells (unbalanced "
                         "quotation marks?). Open it in a spreadsheet program and save it "
                         "as .xlsx.") from None


_CODECS = {"UTF-8 (BOM)": "utf-8-sig", "UTF-16": "utf-16", "UTF-8": "utf-8",
           "Windows-1252": "cp1252", "Latin-1": "latin-1"}  # decode_text's encodings


def _parse_csv(path: Path, dialect: TextDialect, skip_lines: int,
               names: list[str]) -> pd.DataFrame:
    """The table parsed from the file in the encoding ``decode_text`` found (pandas'
    C parser reads bytes: a copy of the decoded text into a StringIO costs more than the
    decoding), in chunks (pandas' ``low_memory``: 0.45 s instead of 0.9 s for a million
    rows); when the chunks disagree on a column's type (pandas then warns), parsed again
    in one piece, which gives the types the whole column has."""
    options: dict[str, Any] = dict(sep=dialect.delimiter, decimal=dialect.decimal, header=None,
                                   names=names, skiprows=skip_lines, skip_blank_lines=False,
                                   index_col=False, encoding=_CODECS[dialect.encoding],
                                   encoding_errors="replace")
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.DtypeWarning)
        try:
            return pd.read_csv(path, low_memory=True, **options)
        except pd.errors.DtypeWarning:
            pass
    return pd.read_csv(path, low_memory=False, **options)


# --- workbooks -----------------------------------------------------------------------------

def open_workbook(path: Path) -> Any:
    """The workbook, its shared strings and styles read (open it once: that costs 20 ms
    per 100,000 distinct texts)."""
    from python_calamine import CalamineWorkbook

    handle = path.open("rb")
    try:
        return CalamineWorkbook.from_filelike(handle)
    except _NOT_THE_FILE:
        raise
    except BaseException:  # calamine's own errors for damaged or encrypted contents, and
        # its panics (pyo3's PanicException is a BaseException) on damaged records
        raise InputError("damaged_file",
                         f"{path.name}: the workbook cannot be opened (it is damaged or "
                         "password-protected). Open it in Excel or LibreOffice and save a "
                         "copy as .xlsx.") from None
    finally:
        handle.close()


def workbook_sheets(path: Path) -> tuple[str, ...]:
    return tuple(open_workbook(path).sheet_names)


def workbook_grid(workbook: Any, path: Path, sheet: str,
                  nrows: int | None = None) -> list[list[Any]]:
    """The cells of ``sheet`` of ``workbook`` (opened from ``path``) from A1 (row i of the
    list is spreadsheet row i + 1; the first ``nrows`` rows only if given), empty cells as
    ""; dates as ``datetime.date``/``datetime``."""
    try:
        return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=nrows)
    except _NOT_THE_FILE:
        raise
    except BaseException:  # calamine: a sheet whose XML or records are damaged (its errors,
        # and its panics)
        raise InputError("damaged_file",
                         f"{path.name}, sheet {sheet!r}: the sheet cannot be read (the file is "
                         "damaged). Open it in Excel or LibreOffice and save a copy.") from None


# --- SPSS and Stata ------------------------------------------------------------------------

def read_stats_file(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The data (value labels applied: a fully labelled column becomes a categorical in code
    order, a partly labelled one shows the labels where they exist) and the variable labels."""
    import pyreadstat

    size_guard.check_stats_file(path)
    reader = pyreadstat.read_dta if path.suffix.lower() == ".dta" else pyreadstat.read_sav
    try:
        frame, meta = reader(str(path), apply_value_formats=False, user_missing=False,
                             dates_as_pandas_datetime=True)
    except Exception:  # pyreadstat.ReadstatError and friends: a damaged file
        raise InputError("damaged_file",
                         f"{path.name}: the file cannot be read (it is damaged or not an "
                         "SPSS/Stata data file). Save it again from SPSS or Stata.") from None
    for column, labels in meta.variable_value_labels.items():
        if column in frame.columns and labels:
            frame[column] = _apply_value_labels(frame[column], labels)
    variable_labels = {c: str(v) for c, v in meta.column_names_to_labels.items() if v}
    return frame, variable_labels


def _apply_value_labels(column: pd.Series, labels: dict[Any, str]) -> pd.Series:
    present = column.dropna()
    if present.isin(list(labels)).all():
        order = [labels[k] for k in sorted(labels, key=lambda k: (str(type(k)), k))]
        return pd.Series(pd.Categorical(column.map(labels), categories=list(dict.fromkeys(order))),
                         index=column.index)
    return column.astype(object).map(lambda v: labels.get(v, v))



# --- SAS -----------------------------------------------------------------------------------

_XPORT_MAGIC = (b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!",  # transport v5
                b"HEADER RECORD*******LIBV8   HEADER RECORD!!!!!!!")  # v8/v9
_SAS7BDAT_MAGIC = (b"\x00" * 12 + b"\xc2\xea\x81\x60\xb3\x14\x11\xcf\xbd\x92\x08\x00"
                   b"\x09\xc7\x31\x8c\x18\x1f\x10\x11")


def is_sas_file(head: bytes) -> bool:
    """A SAS transport file (XPORT v5 or v8) or a SAS7BDAT dataset, by its first bytes."""
    return head.startswith(_XPORT_MAGIC) or head.startswith(_SAS7BDAT_MAGIC)


def read_sas_file(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The data of a SAS transport (.xpt) or SAS7BDAT file and its variable labels; a SAS
    format (DATE9., DATETIME20.) makes the column dates. SAS keeps no value labels in the
    dataset (they live in a format catalog), so codes stay codes; a missing text is empty
    in SAS and read as missing here."""
    import pyreadstat

    size_guard.check_sas_file(path)
    xport = path.suffix.lower() == ".xpt"
    reader = pyreadstat.read_xport if xport else pyreadstat.read_sas7bdat
    try:
        frame, meta = reader(str(path), dates_as_pandas_datetime=True)
    except Exception:  # pyreadstat.ReadstatError and friends: a damaged file
        kind = "SAS transport (XPORT)" if xport else "SAS7BDAT"
        raise InputError("damaged_file",
                         f"{path.name}: the file cannot be read (it is damaged or not a {kind} "
                         "file). Export the dataset again from SAS.") from None
    for column in frame.columns:
        if not (pd.api.types.is_numeric_dtype(frame[column])
                or pd.api.types.is_datetime64_any_dtype(frame[column])):
            blank = frame[column].map(lambda v: isinstance(v, str) and not v.strip())
            frame[column] = frame[column].mask(blank.astype(bool))
    variable_labels = {c: str(v) for c, v in meta.column_names_to_labels.items() if v}
    return frame, variable_labels
