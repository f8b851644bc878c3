"""Reading spreadsheets and turning them into a cohort. No Qt here."""

from resort_gui.io.cohort import build_cohort
from resort_gui.io.table import RawTable, read_table

__all__ = ["RawTable", "build_cohort", "read_table"]
