"""The footer search over a whole column at once finds exactly the rows a per-cell match
finds (the rows the import sets aside as "not a patient row" are checked one by one after),
and so does the search over the first byte of each line of a text file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resort_gui.io.layout import FOOTER, NA_WORD_STARTS, _footer_candidates, drop_empty
from resort_gui.io.readers import line_first_bytes

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


def test_the_na_words_pandas_reads_as_missing_start_as_listed() -> None:
    from pandas._libs.parsers import STR_NA_VALUES

    assert {word[0] for word in STR_NA_VALUES if word} <= set(NA_WORD_STARTS)


LINES = ["P1,1.5,x", "P2,2,y", "", "Total,3.5,", ",4,z", "NA,5,w", "  Mean,1,", "n = 2,,",
         "Ñandú,6,v", "sum,7,u", "x,8,t", "1.#IND,9,s", "End of data"]


@settings(derandomize=True, max_examples=200, deadline=None)
@given(lines=st.lists(st.sampled_from(LINES), min_size=1, max_size=40),
       newline=st.sampled_from(["\n", "\r\n"]), final=st.booleans(),
       quoted=st.booleans())
def test_line_bytes_find_what_the_column_search_finds(tmp_path_factory: pytest.TempPathFactory,
                                                      lines: list[str], newline: str,
                                                      final: bool, quoted: bool) -> None:
    """Read from the bytes of each line, the rows whose first cell may be a footer or
    missing are the ones the search over the parsed column finds; the lines are taken as
    rows only when pandas reads them so (no quotation marks)."""
    patients = [f"P{i},1,x" for i in range(32 * len(lines))]  # few candidates among many
    lines = [*patients[:len(patients) // 2], *lines, *patients[len(patients) // 2:]]
    if quoted:
        lines = [*lines, '"P9",1,"a"']
    data = (newline.join(["id,months,note", *lines]) + (newline if final else "")).encode()
    path = tmp_path_factory.mktemp("lines") / "t.csv"
    path.write_bytes(data)
    frame = pd.read_csv(path, header=None, names=["id", "months", "note"], skiprows=1,
                        skip_blank_lines=False, index_col=False, dtype={"id": "str"})
    line_bytes = line_first_bytes(data, 1)
    if quoted:
        assert line_bytes is None
        return
    assert line_bytes is not None and len(line_bytes) == len(frame)
    np.testing.assert_array_equal(_footer_candidates(frame, line_bytes),
                                  _footer_candidates(frame))
