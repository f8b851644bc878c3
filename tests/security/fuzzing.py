"""Hypothesis settings for the fuzz tests: deterministic and small in CI; a longer run with
``RESORT_FUZZ_EXAMPLES=2000 pytest tests/security`` (see SECURITY.md)."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings

LONG_RUN = int(os.environ.get("RESORT_FUZZ_EXAMPLES", "0"))


def fuzz_settings(examples: int) -> Any:
    """``examples`` cases in CI (``RESORT_FUZZ_EXAMPLES`` if set), derandomised, no deadline
    per case (the machine is shared) but each test is bounded by its example count."""
    return settings(max_examples=LONG_RUN or examples, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])
