"""The exact-ties Cox likelihood stays accurate for large tie sets (50, 300 and 400 deaths at
one time), where the elementary symmetric polynomials span hundreds of orders of magnitude.
R: ``coxph(Surv(t, e) ~ x, ties = "exact")``, see tests/reference_extra/make_reference.R."""

from __future__ import annotations

import pytest

from resort_gui.stats.cox import cox_ph
from tests.reference_extra import close, extra_csv

DATA = extra_csv("exact_ties__data")
EXPECTED = extra_csv("exact_ties").set_index("case")


@pytest.mark.parametrize("case", sorted(EXPECTED.index))
def test_exact_ties_match_r_for_large_tie_sets(case: str):
    data = DATA[DATA["case"] == case]
    model = cox_ph(data["t"], data["e"], data["x"], ties="exact")
    expected = EXPECTED.loc[case]
    assert model.converged and model.note == ""
    close(model.coef[0], expected["coef"])
    close(model.se[0], expected["se"])
    close(model.loglik, (expected["loglik0"], expected["loglik"]))
