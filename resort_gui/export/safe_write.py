"""Atomic, formula-safe writing of our own files. The input file is never written."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# a text that starts like a formula, in texts joined as "\n" + "\n".join(texts)
_FORMULA_START = re.compile(f"\n[{re.escape(''.join(FORMULA_PREFIXES))}]")


def neutralise_cell(value: Any) -> Any:
    """OWASP's rule against CSV/XLSX formula injection: text that starts with = + - @ tab or
    carriage return and is not a number gets a leading single quote."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def may_start_a_formula(values: Sequence[object]) -> bool:
    """False when no text among ``values`` starts like a formula, so that ``neutralise_cell``
    would change none of them: one search over a whole column instead of a call per cell
    (True may also mean a later line of a text with several lines starts like one)."""
    try:
        joined = "\n".join(values)  # type: ignore[arg-type]
    except TypeError:  # numbers or missing values among the texts
        joined = "\n".join(value for value in values if isinstance(value, str))
    return _FORMULA_START.search("\n" + joined) is not None


def write_atomically(path: Path, write: Callable[[IO[Any]], None], *, binary: bool = False,
                     protect: tuple[Path, ...] = ()) -> None:
    """Write through ``write(handle)`` to a temporary file beside ``path``, then rename it into
    place, so a crash never leaves a half-written file. Refuses to replace a ``protect``ed path
    (the input data)."""
    path = Path(path)
    refuse_protected(path, protect)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _default_file_mode())  # mkstemp's 0600 would hide exports from colleagues
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_protected(path: Path, protect: tuple[Path, ...]) -> None:
    """PermissionError when ``path`` is one of the ``protect``ed files (the input data)."""
    if any(_same_file(Path(path), p) for p in protect):
        raise PermissionError(f"refusing to overwrite the input file {path}")


def _default_file_mode() -> int:
    """0666 less the user's umask: the permissions an ordinary ``open(path, "w")`` gives."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == Path(b).resolve()
    except OSError:
        return False
