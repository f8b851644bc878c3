"""The array types of every result, and ``to_frame`` for result dataclasses."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class Frameable:
    """Mixin: ``to_frame`` over the array fields (scalars are broadcast)."""

    def to_frame(self) -> Any:
        import pandas as pd

        data = {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]
        return pd.DataFrame({k: v for k, v in data.items() if isinstance(v, np.ndarray)})
