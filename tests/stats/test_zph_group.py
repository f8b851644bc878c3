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
