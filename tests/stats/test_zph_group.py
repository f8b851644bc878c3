"""cox.zph for a 0/1 group design, where the risk sets are collapsed into (stratum, time,
group) cells, against R.

Reference (R 4.2.2, survival 3.5-3), with ``d <- veteran; d$prior <- ifelse(d$prior == 10,
"yes", "no")``::

    z <- cox.zph(coxph(Surv(time, status) ~ I(trt == 2) [+ strata(prior)], data = d,
                       ties = ties), transform = "km", terms = FALSE)
    z$table[1, c("chisq", "p")]
"""

from __future__ import annotations

import numpy as np
import pytest

from resort_gui.stats.cox import cox_ph, group_design
from resort_gui.stats.zph import cox_zph
from tests.reference import RTOL
from tests.reference_extra import extra_csv

R_ZPH = {  # (ties, stratified): (chisq, p)
    ("efron", False): (3.53697278233405, 0.0600149002726887),
    ("efron", True): (2.74378133799097, 0.0976334875797171),
    ("breslow", False): (3.51291177619151, 0.0608923476734381),
    ("breslow", True): (2.73876918710474, 0.0979401762700039),
}


@pytest.mark.parametrize(("ties", "stratified"), list(R_ZPH))
def test_group_design_matches_r(ties: str, stratified: bool) -> None:
    data = extra_csv("veteran2__data")
    X = group_design((data["trt"] == 2).to_numpy(dtype=np.int64), 2)
    strata = (data["prior"] == "yes").to_numpy(dtype=np.int64) if stratified else None
    model = cox_ph(data["time"], data["status"], X, strata=strata, ties=ties)
    test = cox_zph(data["time"], data["status"], X, model, strata=strata)
    chisq, p = R_ZPH[ties, stratified]
    np.testing.assert_allclose([test.chisq[0], test.p_value[0]], [chisq, p], rtol=RTOL)


@pytest.mark.parametrize("stratified", [False, True])
def test_rows_already_in_time_order_give_the_same_test(stratified: bool) -> None:
    """run_analysis passes rows sorted by time (they are not sorted again)."""
    data = extra_csv("veteran2__data")
    time, status = data["time"].to_numpy(dtype=float), data["status"].to_numpy()
    X = group_design((data["trt"] == 2).to_numpy(dtype=np.int64), 2)
    strata = (data["prior"] == "yes").to_numpy(dtype=np.int64) if stratified else None
    model = cox_ph(time, status, X, strata=strata)
    order = np.argsort(time, kind="stable")
    given = cox_zph(time, status, X, model, strata=strata)
    in_order = cox_zph(time[order], status[order], X[order], model,
                       strata=None if strata is None else strata[order])
    np.testing.assert_array_equal(in_order.chisq, given.chisq)
    np.testing.assert_array_equal(in_order.p_value, given.p_value)
