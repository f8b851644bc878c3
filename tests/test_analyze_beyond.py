"""``resort-gui analyze`` writes the tables of issue 9, agreeing with R to 1e-6: adjusted Cox
(``cox_multivariable.csv``), proportional-hazards test (``ph_test.csv``), competing risks
(``cumulative_incidence.csv``, Gray's rows in ``tests.csv``), subgroups (``subgroups.csv``);
and for the demo trial Table 1, adverse events and the CONSORT flow."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resort_gui.app.cli import main
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from tests.reference import REFERENCE_DIR, csv
from tests.reference_extra import EXTRA_DIR, close, extra_csv


def analyze(out: Path, *args: str) -> Path:
    assert main(["analyze", *args, "--formats", "none", "--out", str(out)]) == 0
    return out


def read(out: Path, stem: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{stem}.csv", keep_default_na=False, na_values=[""])


def test_lung_multi_cox_and_ph_test_match_the_shared_reference(tmp_path: Path) -> None:
    out = analyze(tmp_path, str(REFERENCE_DIR / "lung_multi__data.csv"), "--time", "time",
                  "--event", "event", "--covariate", "age", "--covariate", "sex",
                  "--covariate", "ph.ecog", "--time-unit", "days")
    cox, want = read(out, "cox_multivariable"), csv("lung_multi", "cox")
    assert list(cox.columns) == ["term", "hr", "ci_lower", "ci_upper", "p_value", "n", "events"]
    assert list(cox["term"]) == list(want["term"])
    for column, r_column in (("hr", "hr"), ("ci_lower", "ci_lower"), ("ci_upper", "ci_upper"),
                             ("p_value", "wald_p"), ("n", "n"), ("events", "events")):
        close(cox[column], want[r_column])
    ph, want = read(out, "ph_test"), csv("lung_multi", "zph")
    assert list(ph.columns) == ["term", "chisq", "df", "p_value"]
    assert list(ph["term"]) == list(want["term"])
    close(ph[["chisq", "df", "p_value"]], want[["chisq", "df", "p"]])


@pytest.mark.parametrize(("case", "data", "options"), [
    ("lung_text", "lung2__data.csv", ["--covariate", "age", "--covariate", "sex",
                                      "--covariate", "ecog", "--covariate", "wt"]),
    ("veteran_group", "veteran2__data.csv", ["--group", "trt", "--covariate", "celltype",
                                             "--covariate", "karno"]),
])
def test_text_covariates_are_categories_against_their_first_level(
        tmp_path: Path, case: str, data: str, options: list[str]) -> None:
    out = analyze(tmp_path, str(EXTRA_DIR / data), "--time", "time", "--event", "status",
                  "--time-unit", "days", *options)
    cox, want = read(out, "cox_multivariable"), extra_csv("cox_multi").query("case == @case")
    assert len(cox) == len(want)
    close(cox[["hr", "ci_lower", "ci_upper", "p_value", "n", "events"]],
          want[["hr", "ci_lower", "ci_upper", "p_value", "n", "events"]])
    ph, want = read(out, "ph_test"), extra_csv("zph").query("case == @case")
    close(ph[["chisq", "df", "p_value"]], want[["chisq", "df", "p_value"]])
    if case == "lung_text":
        assert list(cox["term"][:4]) == ["age", "sex: male vs female", "ecog: ECOG 1 vs ECOG 0",
                                         "ecog: ECOG 2 vs ECOG 0"]


@pytest.fixture(scope="module")
def competing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return analyze(tmp_path_factory.mktemp("pbc"), str(REFERENCE_DIR / "pbc_cr__data.csv"),
                   "--time", "time", "--event", "status", "--cause-value", "1",
                   "--competing-value", "2", "--group", "trt", "--time-unit", "days",
                   "--landmarks", "1000,2000,3000,4000")


def test_cumulative_incidence_at_landmarks_matches_cmprsk(competing: Path) -> None:
    cif = read(competing, "cumulative_incidence")
    assert list(cif.columns) == ["group", "cause", "time", "cif", "variance", "ci_lower",
                                 "ci_upper"]
    want = csv("pbc_cr", "cif")
    want[["group", "cause"]] = want["group_cause"].str.split(" ", expand=True).astype(int)
    merged = want.merge(cif, on=["group", "cause", "time"], suffixes=("_r", ""))
    assert len(merged) == len(want) == 16
    close(merged["cif"], merged["cif_r"])
    close(merged["variance"], merged["var"])


def test_cif_milestones_csv_matches_r_with_confidence_limits(competing: Path) -> None:
    """cif_milestones.csv: the incidence at each landmark with its SE and log(-log) 95%
    limits, as make_cif_ci.R computes them from cmprsk's timepoints()."""
    got = read(competing, "cif_milestones")
    assert list(got.columns) == ["time", "group", "cause", "cif", "std_err", "ci_lower",
                                 "ci_upper", "conf_level"]
    want = extra_csv("cif_ci").query("case == 'pbc_trt'").copy()
    want[["group", "cause"]] = want["group_cause"].str.split(" ", expand=True).astype(int)
    merged = want.merge(got, on=["group", "cause", "time"], suffixes=("_r", ""))
    assert len(merged) == len(want) == 16
    close(merged["cif"], merged["cif_r"])
    close(merged["std_err"] ** 2, merged["var"])
    close(merged[["ci_lower", "ci_upper"]], merged[["ci_lower_r", "ci_upper_r"]])
    assert (merged["conf_level"] == 0.95).all()


def test_competing_values_are_not_said_to_be_censored(tmp_path: Path, capsys) -> None:
    """The warning 'values 0, 2 are all treated as censored' contradicted the note after it
    (the cumulative incidence counts 2 as a competing event): only the note is given."""
    analyze(tmp_path, str(REFERENCE_DIR / "pbc_cr__data.csv"), "--time", "time", "--event",
            "status", "--cause-value", "1", "--competing-value", "2", "--group", "trt",
            "--time-unit", "days")
    err = capsys.readouterr().err
    assert "treated as censored" not in err
    assert "note: Competing risks:" in err and "'2' counted as censored (cause-specific)" in err


def test_cumulative_incidence_at_every_event_time_matches_cmprsk(competing: Path) -> None:
    cif = read(competing, "cumulative_incidence")
    curves = extra_csv("cif_curves").query("case == 'pbc_trt'")
    for label, want in curves.groupby("group_cause"):
        group, cause = (int(v) for v in label.split())
        corners = want.iloc[1:-1].iloc[1::2]  # the value after each jump
        got = cif[(cif["group"] == group) & (cif["cause"] == cause)].set_index("time")
        assert got.loc[0.0, "cif"] == 0.0
        close(got.loc[corners["time"], "cif"], corners["cif"])
        close(got.loc[corners["time"], "variance"], corners["var"], atol=1e-18)


def test_gray_rows_in_tests_csv_match_cmprsk(competing: Path) -> None:
    tests = read(competing, "tests").set_index("test")
    for _, want in csv("pbc_cr", "gray").iterrows():
        got = tests.loc[f"gray_cause_{int(want['cause'])}"]
        close([got["chisq"], got["df"], got["p_value"]], [want["stat"], want["df"], want["p"]])


def test_competing_events_are_censored_in_the_cause_specific_km(competing: Path) -> None:
    data = pd.read_csv(REFERENCE_DIR / "pbc_cr__data.csv")
    summary = read(competing, "summary")
    assert summary["events"].iloc[-1] == int((data["status"] == 1).sum())


def test_the_event_of_interest_is_declared_once(tmp_path: Path, capsys) -> None:
    """--cause-value is the endpoint's one event value: a different --event-value (here 2,
    the competing value, counted as the event too) is refused, not analysed with a warning."""
    data = str(REFERENCE_DIR / "pbc_cr__data.csv")
    assert main(["analyze", data, "--time", "time", "--event", "status", "--event-value", "1",
                 "--event-value", "2", "--cause-value", "1", "--competing-value", "2",
                 "--group", "trt", "--time-unit", "days", "--out", str(tmp_path)]) == 2
    assert "give it once" in capsys.readouterr().err
    analyze(tmp_path, data, "--time", "time", "--event", "status", "--event-value", "1",
            "--competing-value", "2", "--group", "trt", "--time-unit", "days")
    spec = json.loads((tmp_path / "analysis.json").read_text())["spec"]
    assert "cause_value" not in spec and spec["endpoint"]["events"][0]["values"] == ["1"]
    assert len(read(tmp_path, "cif_milestones")) == 0  # no landmarks, the curves are there
    assert set(read(tmp_path, "cumulative_incidence")["cause"]) == {1, 2}


def test_an_old_analysis_file_with_cause_value_loads_cause_specific() -> None:
    """Before, the cause was stored twice (cause_value and the event values, which could
    also hold the competing value): the migration keeps cause_value as the one event value."""
    old = json.loads(AnalysisSpec(endpoint=Endpoint(
        time="time", events=(EventSource("status", ("1", "2")),)),
        competing_values=("2",)).to_json())
    old["cause_value"] = "1"
    spec = AnalysisSpec.from_json(json.dumps(old))
    assert spec.endpoint.events[0].values == ("1",)
    assert spec.cause_value == "1" and spec.competing_values == ("2",)
    assert spec.validate() == []


def test_subgroups_csv_matches_r(tmp_path: Path) -> None:
    out = analyze(tmp_path, str(EXTRA_DIR / "veteran2__data.csv"), "--time", "time",
                  "--event", "status", "--group", "trt", "--subgroup", "celltype",
                  "--subgroup", "prior", "--time-unit", "days")
    got = read(out, "subgroups")
    assert list(got.columns[:8]) == ["column", "level", "n", "events", "hr", "ci_lower",
                                     "ci_upper", "p_interaction"]
    assert got["column"].iloc[0] == "All patients"
    want = extra_csv("subgroups").query("case == 'veteran'")
    got = got.iloc[1:].reset_index(drop=True)
    assert list(got["level"].astype(str)) == list(want["level"])
    close(got[["n", "events", "hr", "ci_lower", "ci_upper", "p_interaction"]],
          want[["n", "events", "hr", "ci_lower", "ci_upper", "p_interaction"]])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return analyze(tmp_path_factory.mktemp("demo"), "--demo")


def test_demo_writes_table_1_adverse_events_and_flow(demo: Path) -> None:
    patients = pd.read_excel(Path(__file__).parents[1] / "resources/demo/resort_demo.xlsx",
                             sheet_name=None, engine="calamine")
    baseline = read(demo, "baseline")
    assert set(baseline["variable"]) == {"age", "sex", "interval_nephrectomy",
                                         "metastasis_site", "n_lesions"}
    age = baseline.query("variable == 'age' and group == 'All patients'").iloc[0]
    assert age["median"] == np.median(patients["patients"]["age"])
    events = read(demo, "adverse_events")
    hfsr = events.query("term == 'Hand-foot skin reaction' and group == 'sorafenib'").iloc[0]
    assert hfsr["grade_3_plus"] == 12  # resources/demo/README.md
    flow = read(demo, "flow")
    assert flow.query("stage == 'screened'")["n"].sum() == 76
    assert flow.query("stage == 'not_randomised'")["n"].sum() == 7
    assert flow.query("stage == 'analysed'")["n"].sum() == 69
    assert (demo / "subgroups.csv").exists() and (demo / "ph_test.csv").exists()


def test_demo_spec_round_trips_through_analysis_json(demo: Path, tmp_path: Path) -> None:
    import json

    spec = AnalysisSpec.from_json(json.dumps(json.loads(
        (demo / "analysis.json").read_text())["spec"]))
    assert spec.safety is not None and spec.safety.sheet == "adverse_events"
    assert main(["analyze", "--spec", str(demo / "analysis.json"), "--formats", "none",
                 "--out", str(tmp_path)]) == 0
    for stem in ("baseline", "adverse_events", "flow", "subgroups"):
        assert (tmp_path / f"{stem}.csv").read_bytes() == (demo / f"{stem}.csv").read_bytes()


def test_bad_settings_are_plain_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = str(REFERENCE_DIR / "pbc_cr__data.csv")
    assert main(["analyze", data, "--time", "time", "--event", "status", "--cause-value", "1",
                 "--competing-value", "1", "--out", str(tmp_path)]) == 2
    assert "both the event of interest and a competing event" in capsys.readouterr().err
    assert main(["analyze", data, "--time", "time", "--event", "status", "--event-value", "1",
                 "--covariate", "age", "--out", str(tmp_path)]) == 2
    assert "there is no column 'age'" in capsys.readouterr().err
    assert main(["analyze", data, "--time", "time", "--event", "status", "--event-value", "1",
                 "--ae-sheet", "adverse_events", "--out", str(tmp_path)]) == 2
    assert "not a workbook" in capsys.readouterr().err


def test_forest_model_rows_follow_the_subgroup_table(demo: Path) -> None:
    from resort_gui.app.pipeline import analyze_file
    from resort_gui.io.demo import demo_spec
    from resort_gui.present.forest import build_forest

    result = analyze_file(demo_spec()).result
    model = build_forest(result)
    assert model is not None and model.comparison == "sorafenib vs observation"
    table = read(demo, "subgroups")
    estimates = [r for r in model.rows if not r.is_header]
    close([r.hr for r in estimates], table["hr"])
    close([r.ci_upper for r in estimates], table["ci_upper"])
    assert [r.n for r in estimates] == list(table["n"])
    headers = [r for r in model.rows if r.is_header]
    assert [r.label for r in headers] == ["interval_nephrectomy", "metastasis_site", "n_lesions"]
    assert headers[0].p_text == "0.147" and estimates[0].estimate_text == "1.40 (0.74\u20132.63)"
    assert model.x_min <= min(r.ci_lower for r in estimates) or any(
        r.clipped_low for r in estimates)
    assert 1.0 in model.x_ticks


def test_analyze_draws_the_forest_plot_in_every_format(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    from tests.export.pdf_text import pdf_text

    assert main(["analyze", str(EXTRA_DIR / "veteran2__data.csv"), "--time", "time", "--event",
                 "status", "--group", "trt", "--subgroup", "celltype", "--time-unit", "days",
                 "--formats", "png,svg,pdf", "--out", str(tmp_path)]) == 0
    image = QImage(str(tmp_path / "forest.png"))
    assert image.width() > 1500 and round(image.dotsPerMeterX() * 0.0254) == 300
    assert b"<svg" in (tmp_path / "forest.svg").read_bytes()[:400]
    text = pdf_text(tmp_path / "forest.pdf")
    assert "squamous" in text and "p interaction" in text and "0.042" in text


def test_demo_reports_os_as_a_secondary_endpoint(demo: Path) -> None:
    summary = read(demo, "os_summary").set_index("group")
    assert summary.loc["All patients", "events"] == 9  # deaths, resources/demo/README.md
    assert summary.loc["All patients", "n"] == 69
    tests = read(demo, "os_tests").set_index("test")
    assert 0 < tests.loc["logrank", "p_value"] < 1
    assert read(demo, "summary").set_index("group").loc["All patients", "events"] == 39  # RFS
