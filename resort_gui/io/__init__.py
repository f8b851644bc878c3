"""Reading data files and turning them into a cohort. No Qt here.

``read_table`` reads any supported file into a ``RawTable``; ``sheet_names`` and ``preview``
serve the import panel; ``guess_roles`` proposes column roles; ``build_cohort`` applies the
confirmed roles.
"""

from resort_gui.io.cohort import build_cohort
from resort_gui.io.roles import EventGuess, RoleGuess, guess_roles
from resort_gui.io.table import SUFFIXES, RawTable, TablePreview, preview, read_table, sheet_names

__all__ = ["SUFFIXES", "EventGuess", "RawTable", "RoleGuess", "TablePreview", "build_cohort",
           "guess_roles", "preview", "read_table", "sheet_names"]
