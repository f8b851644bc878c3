"""The frozen program is the same program: the executable built by ``packaging/build.py``
writes what the installed package writes, for the demo and for every kind of input file.

Skipped unless ``RESORT_FROZEN_APP`` names the built executable (``.ci/run`` sets it):

    python packaging/build.py
    RESORT_FROZEN_APP=dist/resort-gui/resort-gui .venv/bin/python -m pytest tests/test_frozen.py

The installed package runs in this process (``resort_gui.app.cli.main``), the frozen one as a
subprocess with the same arguments, each into its own folder; the folders must hold the same
files, compared by ``SAME_OUTPUT`` according to their suffix. A new export format is covered
by adding it to ``EXPORT_OPTIONS`` and, for a new suffix, a comparison to ``SAME_OUTPUT``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest

from resort_gui.app.cli import main as installed_main
from tests.corpus.make_corpus import VARIANTS
from tests.reference import load

FROZEN_APP = os.environ.get("RESORT_FROZEN_APP", "")
pytestmark = pytest.mark.skipif(
    not FROZEN_APP, reason="RESORT_FROZEN_APP is not set (build with packaging/build.py)")

# Every export the program has: figures in each format, the workbook (always) and the report.
FIGURE_FORMATS = ("png", "tiff", "svg", "pdf")
EXPORT_OPTIONS = ("--formats", ",".join(FIGURE_FORMATS), "--report")
CORPUS_DATASET = "aml"  # the smallest R dataset: every reader on it, through both programs


def run_frozen(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([FROZEN_APP, *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def crash_log(stderr: str) -> str:
    """The end of the log an internal error points to, so CI shows the frozen traceback."""
    found = re.search(r"written to (.+?\.log)", stderr)
    if not found or not Path(found.group(1)).exists():
        return ""
    return "\n" + "\n".join(Path(found.group(1)).read_text(encoding="utf-8").splitlines()[-25:])


def analyze_both(args: list[str], out: Path) -> tuple[Path, Path]:
    """``analyze ARGS`` through the frozen and the installed program; their output folders."""
    frozen, installed = out / "frozen", out / "installed"
    done = run_frozen("analyze", *args, "--out", str(frozen))
    assert done.returncode == 0, done.stderr + crash_log(done.stderr)
    assert "Traceback" not in done.stderr
    assert installed_main(["analyze", *args, "--out", str(installed)]) == 0
    return frozen, installed


def assert_same_outputs(frozen: Path, installed: Path) -> None:
    names = sorted(p.name for p in installed.iterdir())
    assert sorted(p.name for p in frozen.iterdir()) == names
    for name in names:
        suffix = Path(name).suffix
        assert suffix in SAME_OUTPUT, f"no comparison for {suffix} files: add one to SAME_OUTPUT"
        SAME_OUTPUT[suffix](frozen / name, installed / name)


# --- comparisons, by suffix ----------------------------------------------------------------

def same_table(frozen: Path, installed: Path) -> None:
    """Same columns, rows and text; numbers equal to 1e-12 (the same code on the same
    libraries, so in practice identical)."""
    pd.testing.assert_frame_equal(pd.read_csv(frozen), pd.read_csv(installed),
                                  check_exact=False, rtol=1e-12, atol=0)


def same_analysis_file(frozen: Path, installed: Path) -> None:
    """The same spec, version and input SHA-256; only where the input lives differs."""
    ours, theirs = (json.loads(p.read_text(encoding="utf-8")) for p in (frozen, installed))
    assert {**ours, "input_file": None} == {**theirs, "input_file": None}


def same_raster(frozen: Path, installed: Path) -> None:
    """Readable, with the same pixel size and resolution (the same layout)."""
    from PySide6.QtGui import QImage

    ours, theirs = QImage(str(frozen)), QImage(str(installed))
    assert not ours.isNull(), frozen
    assert (ours.size(), ours.dotsPerMeterX()) == (theirs.size(), theirs.dotsPerMeterX())


def same_svg(frozen: Path, installed: Path) -> None:
    ours, theirs = (ElementTree.parse(p).getroot() for p in (frozen, installed))
    assert ours.tag.endswith("svg")
    assert (ours.get("width"), ours.get("height"), len(list(ours.iter()))) == \
        (theirs.get("width"), theirs.get("height"), len(list(theirs.iter())))


def same_pdf(frozen: Path, installed: Path) -> None:
    """A complete PDF with as many pages."""
    def pages(path: Path) -> int:
        data = path.read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], path
        return len(re.findall(rb"/Type\s*/Page\b", data))

    assert pages(frozen) == pages(installed) > 0


def same_workbook(frozen: Path, installed: Path) -> None:
    """The same sheets, each of the same size."""
    import openpyxl

    def shape(path: Path) -> list[tuple[str, int, int]]:
        assert zipfile.is_zipfile(path), path
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            return [(s.title, s.max_row, s.max_column) for s in book.worksheets]
        finally:
            book.close()

    assert shape(frozen) == shape(installed)


def same_html(frozen: Path, installed: Path) -> None:
    """A whole page with the same headings (the numbers are in the tables compared above)."""
    def headings(path: Path) -> list[str]:
        text = path.read_text(encoding="utf-8")
        assert "<html" in text and "</html>" in text, path
        return re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", text, flags=re.S)

    assert headings(frozen) == headings(installed)


SAME_OUTPUT: dict[str, Callable[[Path, Path], None]] = {
    ".csv": same_table, ".json": same_analysis_file, ".png": same_raster,
    ".tiff": same_raster, ".svg": same_svg, ".pdf": same_pdf, ".xlsx": same_workbook,
    ".html": same_html,
}


# --- tests ---------------------------------------------------------------------------------

def test_demo_analysis_writes_the_same_files(tmp_path: Path, qapp) -> None:
    frozen, installed = analyze_both(["--demo", *EXPORT_OPTIONS], tmp_path)
    assert {f"km.{fmt}" for fmt in FIGURE_FORMATS} | {"report.pdf", "report.html"} \
        <= {p.name for p in frozen.iterdir()}
    assert_same_outputs(frozen, installed)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_reader_gives_the_same_tables(variant: str, tmp_path: Path) -> None:
    """xlsx, ods, csv, UTF-16 text, SPSS, Stata, dates: the readers and their codecs."""
    file = VARIANTS[variant](load(CORPUS_DATASET), tmp_path / f"{CORPUS_DATASET}__{variant}")
    frozen, installed = analyze_both([str(file.path), *file.args, "--formats", "none"],
                                     tmp_path)
    assert_same_outputs(frozen, installed)


def test_bad_input_stops_with_a_plain_message(tmp_path: Path) -> None:
    missing = tmp_path / "no such file.csv"
    done = run_frozen("analyze", str(missing), "--time", "t", "--event", "e",
                      "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.startswith("error:") and "no such file.csv" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(importlib.util.find_spec("resort_gui.ui.app") is None,
                    reason="the window (resort_gui/ui/app.py) does not exist yet")
def test_window_screenshot(tmp_path: Path, qapp) -> None:
    from PySide6.QtGui import QImage

    shot = tmp_path / "window.png"
    done = run_frozen("--demo", "--screenshot", str(shot))
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert image.width() >= 640 and image.height() >= 400
    colours = {image.pixel(x, y) for x in range(0, image.width(), 17)
               for y in range(0, image.height(), 17)}
    assert len(colours) > 8, "the window was not drawn"
