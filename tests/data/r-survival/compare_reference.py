"""Compare a folder remade by ``make_reference.R`` with the committed reference files.

    python3 tests/data/r-survival/compare_reference.py OUTDIR [COMMITTED]

Every committed csv must be in OUTDIR with the same header and rows; text cells (and NA or
empty) must be equal, numbers equal to relative 1e-9. Prints one line per file (IDENTICAL,
EQUAL with the largest relative difference, DIFFERENT or MISSING) and exits 1 if any file
does not reproduce. Standard library only; the test suite does not run it (it needs R's
output).
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

RTOL = 1e-9
HERE = Path(__file__).resolve().parent


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def compare(committed: Path, remade: Path) -> tuple[str, str]:
    """(status, detail) of one file."""
    if not remade.is_file():
        return "MISSING", "not written"
    if committed.read_bytes() == remade.read_bytes():
        return "IDENTICAL", ""
    old, new = _rows(committed), _rows(remade)
    if old[0] != new[0]:
        return "DIFFERENT", f"header {old[0]} vs {new[0]}"
    if len(old) != len(new):
        return "DIFFERENT", f"{len(old) - 1} rows vs {len(new) - 1}"
    worst, where, cells = 0.0, "", 0
    for i, (a_row, b_row) in enumerate(zip(old[1:], new[1:], strict=True), 1):
        if len(a_row) != len(b_row):
            return "DIFFERENT", f"row {i}: {len(a_row)} vs {len(b_row)} cells"
        for column, a, b in zip(old[0], a_row, b_row, strict=True):
            if a == b:
                continue
            x, y = _number(a), _number(b)
            if x is None or y is None or math.isnan(x) or math.isnan(y):
                return "DIFFERENT", f"row {i} {column}: {a!r} vs {b!r}"
            cells += 1
            rel = abs(x - y) / max(abs(x), abs(y))
            if rel > worst:
                worst, where = rel, f"row {i} {column}: {a} vs {b}"
    status = "DIFFERENT" if worst > RTOL else "EQUAL"
    return status, f"{cells} cells differ, max relative {worst:.2g} ({where})"


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__)
        return 2
    remade = Path(argv[0])
    committed = Path(argv[1]) if len(argv) > 1 else HERE
    failed = 0
    for path in sorted(committed.glob("*.csv")):
        status, detail = compare(path, remade / path.name)
        failed += status in ("DIFFERENT", "MISSING")
        print(f"{status:9s} {path.name} {detail}".rstrip())
    names = {p.name for p in committed.glob("*.csv")}
    extra = sorted(p.name for p in remade.glob("*.csv") if p.name not in names)
    for name in extra:
        print(f"EXTRA     {name} (not committed)")
    failed += len(extra)
    print(f"{failed} file(s) do not reproduce")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
