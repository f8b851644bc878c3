"""Property: any small table written the way Excel and national settings write it (any
delimiter, decimal mark, encoding, title rows above) reads back to the same cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resort_gui.domain.errors import InputError
from resort_gui.io import read_table

DIALECTS = [(",", "."), (";", ","), (";", "."), ("\t", "."), ("\t", ","), ("|", ".")]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzàèéìòù_ ", min_size=1, max_size=12) \
    .map(str.strip).filter(lambda s: bool(s) and not s.startswith("column_"))
words = st.sampled_from(["sì", "no", "Müller", "O'Brien", "observation", "sorafenib", "ja"])


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 12))
    columns = draw(st.lists(names, min_size=2, max_size=5, unique_by=str.casefold))
    data = {"id": [f"P{i}" for i in range(n)]}
    for column in columns:
        if draw(st.booleans()):
            data[column] = draw(st.lists(st.floats(0, 1e4, allow_nan=False).map(
                lambda x: round(x, 3)), min_size=n, max_size=n))
        else:
            data[column] = draw(st.lists(words, min_size=n, max_size=n))
    return pd.DataFrame(data)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(frame=tables(), dialect=st.sampled_from(DIALECTS), encoding=st.sampled_from(ENCODINGS),
       titles=st.integers(0, 3))
def test_round_trip(tmp_path_factory, frame: pd.DataFrame, dialect: tuple[str, str],
                    encoding: str, titles: int) -> None:
    delimiter, decimal = dialect
    path = tmp_path_factory.mktemp("rt") / "t.csv"
    notes = ["RESORT export, part 1", f"Study{delimiter}RESORT", "exported 2019-03-01"]
    title = "".join(f"{notes[i]}{delimiter}\r\n\r\n" for i in range(titles))
    body = frame.to_csv(sep=delimiter, decimal=decimal, index=False, lineterminator="\r\n")
    path.write_bytes((title + body).encode(encoding))
    raw = read_table(path)
    assert list(raw.frame.columns) == list(frame.columns)
    assert raw.header_row == 2 * titles + 1
    first = 2 * titles + 2
    assert raw.row_numbers().tolist() == list(range(first, first + len(frame)))
    for column in frame.columns:
        got = raw.frame[column].tolist()
        if frame[column].dtype.kind == "f":
            assert [float(x) for x in got] == frame[column].tolist(), column
        else:
            assert got == frame[column].tolist(), column


def test_unbalanced_quotes_stop_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,months\n"P1,1\nP2,2\n')
    with pytest.raises(InputError) as error:
        read_table(path)
    assert error.value.code == "unreadable_file" and "quotation marks" in str(error.value)
