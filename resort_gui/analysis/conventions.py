"""The conventions table: one result computed under each convention that makes programs
disagree, with the program whose default each convention is.

When a clinician's number differs from a colleague's SAS, SPSS, Prism or Stata output, the
reason is nearly always one of these choices: the transform behind the confidence interval
of S(t), how the Cox model handles tied event times, which hazard ratio is reported, whether
the number at risk is counted just before a time or just after it, and which weighted
log-rank test ran under which name. ``conventions_table`` shows the analysis's own data under
each choice, so a user can find the colleague's number and say why it differs.

Qt-free plain data, computed by ``run_analysis`` into ``AnalysisResult.conventions``; the
window shows it (``ui/conventions_panel.py``), ``analyze`` writes it as ``conventions.csv``.
Numbers are formatted for people only in ``resort_gui.domain.format``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from resort_gui.domain.results import AnalysisResult, KaplanMeier
from resort_gui.stats.km import survival_at, survival_quantiles, with_conf_type

SOFTWARE = ("R", "SAS", "SPSS", "Prism", "Stata")

TOPIC_CI = "Confidence interval of S(t)"
TOPIC_HR = "Hazard ratio"
TOPIC_AT_RISK = "Number at risk"
TOPIC_TEST = "Test"


@dataclass(frozen=True)
class Convention:
    """One way of computing a quantity: ``default_in`` lists the programs (of ``SOFTWARE``)
    that use it unless told otherwise; ``how`` says how each program names or asks for it."""

    name: str
    default_in: tuple[str, ...]
    how: str


@dataclass(frozen=True)
class ConventionRow:
    """A result under one convention. ``estimate`` is a survival probability, a time, a
    hazard ratio, a count or a chi-square, as ``quantity`` says; NaN where not estimable.
    ``used`` marks the convention of this analysis's main results."""

    topic: str
    convention: str
    quantity: str
    estimate: float
    ci_lower: float
    ci_upper: float
    p_value: float
    default_in: tuple[str, ...]
    how: str
    used: bool


CI_CONVENTIONS = {
    "log": Convention("log", ("R",),
                      'R survfit() default (conf.type = "log"); SAS CONFTYPE=LOG.'),
    "log-log": Convention("log-log", ("SAS", "Prism", "Stata"),
                          "SAS PROC LIFETEST default (CONFTYPE=LOGLOG); Prism's "
                          '"asymmetrical" interval; Stata sts list; R conf.type = "log-log".'),
    "plain": Convention("plain", ("SPSS",),
                        "SPSS Kaplan-Meier prints only the standard error: S \u00b1 1.96 SE "
                        "is this interval; Prism's \"symmetrical\" interval; SAS "
                        'CONFTYPE=LINEAR; R conf.type = "plain".'),
}

HR_CONVENTIONS = {
    "cox_efron": Convention("Cox, Efron ties", ("R",),
                            "R coxph() default; SAS PROC PHREG TIES=EFRON; Stata stcox, efron."),
    "cox_breslow": Convention("Cox, Breslow ties", ("SAS", "SPSS", "Stata"),
                              "SAS PROC PHREG default; SPSS COXREG; Stata stcox default; "
                              'R coxph(ties = "breslow").'),
    "cox_exact": Convention("Cox, exact ties (discrete)", (),
                            'R coxph(ties = "exact"); SAS PHREG TIES=DISCRETE; Stata stcox, '
                            "exactp. SAS TIES=EXACT and Stata exactm are the continuous-time "
                            "exact likelihood, a different number."),
    "logrank_oe": Convention("log-rank (O/E ratio)", ("Prism",),
                             "Prism reports it beside the Mantel-Haenszel ratio: "
                             "(O/E in the group) / (O/E in the reference), "
                             "CI from sqrt(1/E + 1/E_ref)."),
    "mantel_haenszel": Convention("Mantel-Haenszel", ("Prism",),
                                  "Prism reports it beside the log-rank ratio: exp((O - E) / V) "
                                  "from the log-rank table, CI exp(\u00b1 z / sqrt(V))."),
}

AT_RISK_CONVENTIONS = {
    "before": Convention("just before t (time \u2265 t)", ("R", "Stata"),
                         "R summary(survfit, times = t)$n.risk (survminer risk tables); Stata "
                         "sts graph, risktable (\"at risk at the beginning of each "
                         "interval\"). Patients with an event or censoring at t still count."),
    "after": Convention("just after t (time > t)", (),
                        "The count left once the events and censorings at t are subtracted, "
                        "e.g. read off the next row of a life table."),
}

TEST_CONVENTIONS = {
    "logrank": Convention("log-rank", ("R", "SAS", "Prism", "Stata"),
                          'R survdiff(rho = 0); SAS TEST=LOGRANK ("Log-Rank"); SPSS "Log Rank '
                          '(Mantel-Cox)"; Prism "Log-rank (Mantel-Cox) test"; Stata sts test.'),
    "gehan_breslow": Convention("Gehan-Breslow (weight n)", ("SAS", "Prism"),
                                'SAS "Wilcoxon" (TEST=WILCOXON, shown with the log-rank by '
                                'default); SPSS "Breslow (Generalized Wilcoxon)"; Prism '
                                '"Gehan-Breslow-Wilcoxon test"; Stata sts test, wilcoxon.'),
    "tarone_ware": Convention("Tarone-Ware (weight \u221an)", (),
                              'SAS TEST=TARONE; SPSS "Tarone-Ware"; Stata sts test, tware.'),
    "peto_peto": Convention("Peto-Peto (weight S\u0303(t))", (),
                            "SAS TEST=PETO; Stata sts test, peto (Peto-Peto-Prentice)."),
    "modified_peto": Convention("modified Peto-Peto (weight S\u0303(t) n/(n+1))", (),
                                "SAS TEST=MODPETO."),
    "fleming_harrington": Convention("Fleming-Harrington", (),
                                     "SAS TEST=FLEMING(p,q); Stata sts test, fh(p q); R "
                                     "survdiff(rho = p) when q = 0 (rho = 1: \"Peto & Peto "
                                     'modification of the Gehan-Wilcoxon test").'),
    "trend": Convention("log-rank test for trend", ("Prism",),
                        'Prism "Logrank test for trend" (3+ groups, in column order); SPSS '
                        '"Linear trend for factor levels"; SAS STRATA / TREND; Stata sts '
                        "test, trend."),
}


def conventions_table(result: AnalysisResult) -> tuple[ConventionRow, ...]:
    """Every row of the conventions table for ``result``: CI transforms and numbers at risk
    per group at :func:`comparison_time`, hazard ratios of each group against the reference,
    and the unstratified tests."""
    return (*_ci_rows(result), *_hazard_ratio_rows(result), *_at_risk_rows(result),
            *_test_rows(result))


def defaults_of(rows: tuple[ConventionRow, ...], software: str) -> tuple[ConventionRow, ...]:
    """The rows a program prints unless told otherwise: what a colleague's ``software``
    (one of ``SOFTWARE``) output shows for these data."""
    if software not in SOFTWARE:
        raise ValueError(f"software must be one of {', '.join(SOFTWARE)}, not {software!r}")
    return tuple(r for r in rows if software in r.default_in)


def comparison_time(result: AnalysisResult) -> float:
    """The time at which S(t) and the number at risk are shown: the first landmark, or else
    the middle tick of the time axis before any curve has fallen to 0 (where every interval
    is empty: veteran's adeno curve ends at 186 days, its S(600) compares nothing)."""
    if result.spec.landmarks:
        return float(min(result.spec.landmarks))
    positive = result.ticks[result.ticks > 0]
    alive = min((_last_time_above_zero(g.km) for g in result.groups), default=np.inf)
    usable = positive[positive < alive]
    ticks = usable if usable.size else positive
    return float(ticks[ticks.size // 2]) if ticks.size else 0.0


def _last_time_above_zero(km: KaplanMeier) -> float:
    """The time at which the curve reaches 0, or its last time."""
    zero = np.flatnonzero(km.survival <= 0)
    return float(km.time[zero[0]]) if zero.size else float(km.time[-1]) if km.time.size \
        else 0.0


def _ci_rows(result: AnalysisResult) -> list[ConventionRow]:
    t = comparison_time(result)
    spec = result.spec
    rows = []
    for group in result.groups:
        curves = {c: with_conf_type(group.km, c) for c in CI_CONVENTIONS}
        for conf_type, km in curves.items():  # the three transforms of S(t) side by side
            at = survival_at(km, [t])
            rows.append(_row(TOPIC_CI, CI_CONVENTIONS[conf_type], f"S({t:g}) in {group.label}",
                             float(at.survival[0]), float(at.ci_lower[0]),
                             float(at.ci_upper[0]), np.nan, conf_type == spec.conf_type))
        for conf_type, km in curves.items():  # then those of the median
            median = survival_quantiles(km, (0.5,))
            rows.append(_row(TOPIC_CI, CI_CONVENTIONS[conf_type],
                             f"median survival in {group.label}", float(median.time[0]),
                             float(median.ci_lower[0]), float(median.ci_upper[0]), np.nan,
                             conf_type == spec.conf_type))
    return rows


def _hazard_ratio_rows(result: AnalysisResult) -> list[ConventionRow]:
    """Each method on each group and the reference, those two groups' patients only (as a
    program comparing two columns computes it). With more than two groups the main results
    quote one Cox model of all the groups, a different number: no row is then "used"."""
    pairs = len(result.groups) > 2
    chosen = f"cox_{result.spec.ties}" if not pairs else None
    rows = []
    for group in result.groups[1:]:
        for model, convention in HR_CONVENTIONS.items():
            hr = next((h for h in result.hazard_ratios
                       if h.model == model and h.group == group.label), None)
            if hr is not None:
                quantity = f"{hr.group} vs {hr.reference}" + (
                    ", these two groups only" if pairs else "")
                rows.append(_row(TOPIC_HR, convention, quantity, hr.hr, hr.ci_lower,
                                 hr.ci_upper, hr.p_value, model == chosen))
    return rows


def _at_risk_rows(result: AnalysisResult) -> list[ConventionRow]:
    t = comparison_time(result)
    rows = []
    for group in result.groups:
        km = group.km  # patients leaving at each time: events plus censored
        leaving = km.n_event + km.n_censor
        counts = {"before": float(leaving[km.time >= t].sum()),
                  "after": float(leaving[km.time > t].sum())}
        rows += [_row(TOPIC_AT_RISK, convention, f"at risk at {t:g} in {group.label}",
                      counts[key], np.nan, np.nan, np.nan, key == "before")
                 for key, convention in AT_RISK_CONVENTIONS.items()]
    return rows


def _test_rows(result: AnalysisResult) -> list[ConventionRow]:
    rows = []
    for test in result.tests:
        if test.name.endswith("_stratified"):
            continue
        key = "fleming_harrington" if test.name.startswith("fleming_harrington") else test.name
        if key not in TEST_CONVENTIONS:  # not a test between the groups' survival curves
            continue
        base = TEST_CONVENTIONS[key]
        convention = base if key != "fleming_harrington" else Convention(
            f"{base.name} ({_exponents(test.name)})", base.default_in, base.how)
        rows.append(_row(TOPIC_TEST, convention, f"chi-square on {test.df} df ({test.name})",
                         test.chisq, np.nan, np.nan, test.p_value, test.name == "logrank"))
    return rows


def _exponents(name: str) -> str:
    """``fleming_harrington_1_0`` -> ``p = 1, q = 0``."""
    p, q = name.removeprefix("fleming_harrington_").split("_")
    return f"p = {p}, q = {q}"


def _row(topic: str, convention: Convention, quantity: str, estimate: float, lower: float,
         upper: float, p_value: float, used: bool) -> ConventionRow:
    return ConventionRow(topic=topic, convention=convention.name, quantity=quantity,
                         estimate=float(estimate), ci_lower=float(lower),
                         ci_upper=float(upper), p_value=float(p_value),
                         default_in=convention.default_in, how=convention.how, used=used)

