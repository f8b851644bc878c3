"""The R reference values are part of the repository: every file their README names is here,
so no parity test can pass for want of its data."""

from __future__ import annotations

import re

from tests.reference import DATASETS, REFERENCE_DIR

PER_DATASET = ("data", "meta", "km", "quantiles", "landmarks", "rmst", "followup", "tests",
               "observed_expected", "cox", "weighted_tests", "hr_methods", "milestones")


def test_the_reference_folder_is_inside_the_repository() -> None:
    tests_dir = REFERENCE_DIR.parents[1]
    assert tests_dir.name == "tests" and (tests_dir / "reference.py").is_file()


def test_every_file_the_readme_names_is_present() -> None:
    readme = (REFERENCE_DIR / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+__[a-z_]+\.csv)`", readme))
    expected = {f"{name}__{what}.csv" for name in DATASETS for what in PER_DATASET} | named
    missing = sorted(f for f in expected if not (REFERENCE_DIR / f).is_file())
    assert not missing, f"missing R reference files: {missing}"


def test_make_reference_lists_every_file_it_writes() -> None:
    # make_reference.R remakes the folder (README); its FILES manifest, which the script
    # checks against what it wrote, must name exactly the committed csv files. No R needed.
    script = (REFERENCE_DIR / "make_reference.R").read_text(encoding="utf-8")
    manifest = re.search(r"^FILES <- c\((.*?)\)$", script, re.MULTILINE | re.DOTALL)
    assert manifest, "make_reference.R has no FILES <- c(...) manifest"
    listed = re.findall(r'"([^"]+)"', manifest.group(1))
    assert len(listed) == len(set(listed)), "FILES lists a file twice"
    committed = sorted(p.name for p in REFERENCE_DIR.glob("*.csv"))
    assert sorted(listed) == committed
    assert "setequal(written, FILES)" in script
