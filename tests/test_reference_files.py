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
