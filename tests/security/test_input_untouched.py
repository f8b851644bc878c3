"""The input is never touched: a full session (import, exclusion, exports, save, reopen)
over every file of the corpus, good and broken, leaves each input's SHA-256, size and
modification time as they were, and writes nothing beside it (the corpus folders hold the
same files afterwards); exports refuse to overwrite the input even when asked to."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import AnalysisSpec
from resort_gui.export.project import Project, save_project
from resort_gui.export.safe_write import write_atomically
from resort_gui.export.tables import write_csv
from resort_gui.io import read_table
from tests.corpus.make_corpus import GoodFile, make_broken, make_good
from tests.security.corpus_session import folder_state, full_session


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[GoodFile]]:
    folder = tmp_path_factory.mktemp("corpus")
    good = make_good(folder / "good")
    make_broken(folder / "broken")
    return folder, good


@pytest.fixture(scope="module")
def corpus(corpus_files: tuple[Path, list[GoodFile]]) -> Path:
    return corpus_files[0]


def test_full_session_over_the_corpus_leaves_it_as_it_was(
        corpus_files: tuple[Path, list[GoodFile]], tmp_path: Path) -> None:
    corpus, good = corpus_files
    before = folder_state(corpus)
    for case in good:
        full_session(case.path, case.args, tmp_path / case.id)
    for path in sorted((corpus / "broken").iterdir()):
        with pytest.raises(InputError):
            read_table(path)
    assert len(good) >= 36 and len(before) >= 36 + 20
    assert folder_state(corpus) == before


def test_exports_refuse_to_replace_the_input(corpus: Path) -> None:
    data = next((corpus / "good").glob("*.csv"))
    before = folder_state(corpus)
    with pytest.raises(PermissionError):
        write_csv(pd.DataFrame({"a": [1]}), data, protect=(data,))
    with pytest.raises(PermissionError):
        save_project(Project(AnalysisSpec(source=str(data))), data)
    with pytest.raises(PermissionError):
        write_atomically(data.parent / "." / data.name, lambda h: h.write("x"),
                         protect=(data,))
    assert folder_state(corpus) == before


def test_reading_opens_files_read_only(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every open of an input file while reading it asks for reading only."""
    import builtins
    import io

    modes: list[str] = []
    real_open = builtins.open

    def spy(file, mode="r", *args, **kwargs):  # noqa: ANN001, ANN202 - open's own signature
        if str(file).startswith(str(corpus)):
            modes.append(mode)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy)
    monkeypatch.setattr(Path, "write_bytes", _refuse)
    monkeypatch.setattr(Path, "write_text", _refuse)
    for path in sorted((corpus / "good").iterdir()):
        read_table(path)
    assert modes and set(modes) <= {"r", "rb"}, set(modes)


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError(f"write during reading: {args[0]}")
