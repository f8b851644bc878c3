"""The footer search over a whole column at once finds exactly the rows a per-cell match
finds (the rows the import sets aside as "not a patient row" are checked one by one after)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from resort_gui.io.layout import FOOTER, _footer_candidates, drop_empty

CELLS = ["P0001", "Total", " totale", "TOTALI 12", "End of data", "end of the list.",
         "Fine dei dati", "Ende der Daten", "Fin des données", "fin de los datos", "Gesamtzahl",
         "Summe", "Somma", "sum", "Totaux", "Average", "Mean age", "media", "n = 3", "N=4",
         "Totalitarian", "summer", "meant", "Ñandú", "Σύνολο", "日本", "  ", "", "x\ty",
         "12", "3.5", np.nan, None, 7, 2.5]


def per_cell(first: list[object]) -> np.ndarray:
    """The rule cell by cell: footer-like text, or an empty cell."""
    hits = [(isinstance(v, str) and FOOTER.match(v) is not None) or pd.isna(v) for v in first]
    return np.flatnonzero(hits)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(cells=st.lists(st.sampled_from(CELLS), min_size=1, max_size=60),
       broken=st.booleans())
def test_column_search_equals_the_cell_by_cell_rule(cells: list[object], broken: bool) -> None:
    if broken:  # a cell with a line break takes the cell-by-cell path
        cells = [*cells, "two\nlines"]
    frame = pd.DataFrame({"id": pd.Series(cells, dtype=object), "x": range(len(cells))})
    np.testing.assert_array_equal(_footer_candidates(frame), per_cell(cells))


def test_every_footer_word_is_found_among_many_patients() -> None:
    words = [c for c in CELLS if isinstance(c, str) and FOOTER.match(c)]
    ids = [f"P{i:06d}" for i in range(20_000)]
    where = np.linspace(0, 19_999, len(words)).astype(int)
    for position, word in zip(where, words, strict=True):
        ids[position] = word
    frame = pd.DataFrame({"id": ids, "months": 1.0})
    np.testing.assert_array_equal(_footer_candidates(frame), np.sort(where))


def test_only_rows_with_no_cell_at_all_are_dropped() -> None:
    frame = pd.DataFrame({"id": ["P1", None, None, "P4"], "months": [1.0, 2.0, None, None]})
    kept, rows = drop_empty(frame, np.arange(2, 6), {})
    assert rows.tolist() == [2, 3, 5]
    assert kept["months"].tolist()[:2] == [1.0, 2.0] and kept["id"].iloc[2] == "P4"
