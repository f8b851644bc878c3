"""Errors a user can cause, and the footnotes a clinician must see.

A bug is not a user error: only problems with the user's input or choices become
``InputError``; they carry a stable ``code`` and a message that names the file, column and
rows and says what to do. ``Issue`` is a non-fatal note attached to a result.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """A footnote a clinician must see (rows excluded, median not reached, test not possible)."""

    code: str
    message: str
    severity: str = "warning"  # "info" | "warning"


class InputError(Exception):
    """A problem with the user's file or choices that stops the analysis cleanly.

    ``problems`` holds one plain-language sentence per problem; ``code`` is stable for tests.
    """

    def __init__(self, code: str, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.code = code
        self.problems = tuple(problems)
