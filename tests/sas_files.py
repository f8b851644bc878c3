"""Test files in SAS formats built from one table: .xpt with pyreadstat's own writer, and
.sas7bdat with the ReadStat writer that pyreadstat's extension carries but does not expose
(pyreadstat has no ``write_sas7bdat``), called through ctypes. Numbers become SAS doubles,
anything else text; NaN and None become missing values."""

from __future__ import annotations

import ctypes
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

_STRING, _DOUBLE = 0, 5  # readstat_type_t
_WRITE = ctypes.CFUNCTYPE(ctypes.c_ssize_t, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p)


def _library() -> ctypes.CDLL:
    from pyreadstat import _readstat_writer

    lib = ctypes.CDLL(_readstat_writer.__file__)
    lib.readstat_writer_init.restype = ctypes.c_void_p
    lib.readstat_add_variable.restype = ctypes.c_void_p
    lib.readstat_add_variable.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                          ctypes.c_size_t]
    lib.readstat_variable_set_label.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.readstat_variable_set_format.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.readstat_set_data_writer.argtypes = [ctypes.c_void_p, _WRITE]
    lib.readstat_writer_set_file_label.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.readstat_begin_writing_sas7bdat.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                                    ctypes.c_long]
    for name in ("readstat_begin_row", "readstat_end_row", "readstat_end_writing",
                 "readstat_writer_free"):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
    lib.readstat_insert_double_value.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                                 ctypes.c_double]
    lib.readstat_insert_string_value.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                                 ctypes.c_char_p]
    lib.readstat_insert_missing_value.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    return lib


def write_sas7bdat(frame: pd.DataFrame, path: Path,
                   labels: Mapping[str, str] | None = None, file_label: str = "") -> Path:
    lib = _library()
    chunks: list[bytes] = []

    @_WRITE
    def write(data, length, _ctx):  # noqa: ANN001, ANN202
        chunks.append(ctypes.string_at(data, length))
        return length

    writer = lib.readstat_writer_init()
    try:
        lib.readstat_set_data_writer(writer, write)
        if file_label:
            lib.readstat_writer_set_file_label(writer, file_label.encode())
        numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns}
        variables = {}
        for column in frame.columns:
            width = 8 if numeric[column] else max(
                [1, *(len(str(v).encode()) for v in frame[column].dropna())])
            variable = lib.readstat_add_variable(writer, str(column).encode(),
                                                 _DOUBLE if numeric[column] else _STRING, width)
            if labels and column in labels:
                lib.readstat_variable_set_label(variable, labels[column].encode())
            variables[column] = variable
        _check(lib.readstat_begin_writing_sas7bdat(writer, None, len(frame)))
        for row in frame.itertuples(index=False):
            _check(lib.readstat_begin_row(writer))
            for column, value in zip(frame.columns, row, strict=True):
                variable = variables[column]
                if pd.isna(value):
                    _check(lib.readstat_insert_missing_value(writer, variable))
                elif numeric[column]:
                    _check(lib.readstat_insert_double_value(writer, variable, float(value)))
                else:
                    _check(lib.readstat_insert_string_value(writer, variable,
                                                            str(value).encode()))
            _check(lib.readstat_end_row(writer))
        _check(lib.readstat_end_writing(writer))
    finally:
        lib.readstat_writer_free(writer)
    path.write_bytes(b"".join(chunks))
    return path


def write_xpt(frame: pd.DataFrame, path: Path, labels: Mapping[str, str] | None = None,
              version: int = 8) -> Path:
    import pyreadstat

    names = list(frame.columns)
    pyreadstat.write_xport(frame, str(path), file_format_version=version,
                           column_labels=[(labels or {}).get(c) for c in names],
                           table_name="ADTTE")
    return path


def _check(error: int) -> None:
    if error:
        raise RuntimeError(f"ReadStat could not write the file (error {error})")
