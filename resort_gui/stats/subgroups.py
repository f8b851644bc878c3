"""Treatment effect within subgroups, and whether it differs between them (interaction).

For each chosen column (e.g. a stratification factor) and each of its levels, the hazard
ratio of every group against the reference is estimated by a Cox model on that level's
patients only. Whether the effect differs across the levels is the **likelihood-ratio test
of the group x column interaction**: with the patients whose column value is known,

    LR = 2 [loglik(group + column + group:column) - loglik(group + column)]

on (k - 1)(L - 1) degrees of freedom (fewer when a term cannot be estimated), the R
equivalent being ``anova(coxph(Surv(t, e) ~ g + c), coxph(Surv(t, e) ~ g * c))``. The
likelihood-ratio test is used rather than the Wald test because it stays valid when a
subgroup has so few events that an interaction coefficient grows without bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from resort_gui.domain.arrays import IntArray
from resort_gui.domain.trial_results import SubgroupAnalysis, SubgroupEffect
from resort_gui.stats.cox import cox_ph, group_design
from resort_gui.stats.distributions import chi2_upper_tail

INTERACTION_TEST = "likelihood-ratio test of the group x subgroup interaction (Cox model)"
ALL_PATIENTS = "All patients"


@dataclass(frozen=True)
class Factor:
    """A column split into levels: ``codes`` index ``levels`` (-1 = missing)."""

    name: str
    codes: IntArray
    levels: tuple[str, ...]


def subgroup_analysis(time: ArrayLike, event: ArrayLike, group: ArrayLike,
                      group_labels: Sequence[str], factors: Sequence[Factor], *,
                      ties: str = "efron", conf_level: float = 0.95) -> SubgroupAnalysis:
    """Hazard ratios overall and per level of each factor, with the interaction p.

    Equivalent R, per factor ``c`` and level ``l``::

        coxph(Surv(time, event) ~ factor(g), subset = c == l, ties = ties)
        anova(coxph(Surv(time, event) ~ g + c), coxph(Surv(time, event) ~ g * c))

    Parameters
    ----------
    time, event : arrays, shape (n,)
    group : array of int, shape (n,)
        Group codes, 0 = reference.
    group_labels : sequence of str
        Label of each group code.
    factors : sequence of Factor
        The subgroup columns.
    ties : {"efron", "breslow"}

    Returns
    -------
    SubgroupAnalysis
        The overall effect(s) first (column ``All patients``), then per factor and level,
        one row per non-reference group. A level where a hazard ratio cannot be estimated
        (no patient or no event in a group) has NaN and a note; the interaction p is NaN
        when the factor has a single level with patients.
    """
    time_a = np.asarray(time, dtype=np.float64).ravel()
    event_a = np.asarray(event, dtype=bool).ravel()
    group_a = np.asarray(group, dtype=np.int64).ravel()
    labels = tuple(group_labels)
    everyone = np.ones(time_a.size, dtype=bool)
    effects = list(_level_effects(time_a, event_a, group_a, labels, everyone,
                                  (ties, conf_level), ALL_PATIENTS, "", np.nan))
    for factor in factors:
        p = interaction_p_value(time_a, event_a, group_a, len(labels), factor, ties=ties)
        for code, level in enumerate(factor.levels):
            effects += _level_effects(time_a, event_a, group_a, labels, factor.codes == code,
                                      (ties, conf_level), factor.name, level, p)
    return SubgroupAnalysis(effects=tuple(effects), interaction_test=INTERACTION_TEST)


def interaction_p_value(time: np.ndarray, event: np.ndarray, group: np.ndarray, k: int,
                        factor: Factor, *, ties: str = "efron") -> float:
    """p of the likelihood-ratio test of the group x factor interaction (module docstring)."""
    known = factor.codes >= 0
    levels = len(factor.levels)
    if k < 2 or levels < 2 or np.unique(factor.codes[known]).size < 2:
        return float("nan")
    g = group_design(group[known], k)
    c = group_design(factor.codes[known], levels)
    interaction = (g[:, :, None] * c[:, None, :]).reshape(g.shape[0], -1)
    main = cox_ph(time[known], event[known], np.column_stack([g, c]), ties=ties)
    full = cox_ph(time[known], event[known], np.column_stack([g, c, interaction]), ties=ties)
    df = full.df - main.df
    if df < 1 or not np.isfinite(full.loglik[1]):
        return float("nan")
    statistic = 2.0 * (full.loglik[1] - main.loglik[1])
    return float(chi2_upper_tail(max(statistic, 0.0), df))


def _level_effects(time: np.ndarray, event: np.ndarray, group: np.ndarray,
                   labels: tuple[str, ...], mask: np.ndarray, model_options: tuple[str, float],
                   column: str, level: str, p_interaction: float) -> list[SubgroupEffect]:
    n, events = int(mask.sum()), int(event[mask].sum())
    ties, conf_level = model_options
    model = cox_ph(time[mask], event[mask], group_design(group[mask], len(labels)), ties=ties,
                   conf_level=conf_level)
    return [SubgroupEffect(column=column, level=level, group=labels[j + 1],
                           reference=labels[0], n=n, events=events, hr=float(model.hr[j]),
                           ci_lower=float(model.ci_lower[j]), ci_upper=float(model.ci_upper[j]),
                           p_interaction=p_interaction, note=model.note)
            for j in range(len(labels) - 1)]

