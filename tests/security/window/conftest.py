"""The window's Qt fixtures (isolated settings, crash log and autosave folder; recorded
dialogs; a shown main window), shared with tests/ui."""

from tests.ui.conftest import dialogs, isolated, window  # noqa: F401
