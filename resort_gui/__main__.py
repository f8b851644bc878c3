"""The program's entry point (``resort-gui``, ``python -m resort_gui``): ``analyze ...`` runs
headless in ``app.cli``; anything else opens the window, and only then is Qt imported."""

import sys

from resort_gui.app.cli import main as command_line


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, open_window=_open_window)


def _open_window(argv: list[str]) -> int:
    from resort_gui.ui.app import run_window

    return run_window(argv)


if __name__ == "__main__":
    sys.exit(main())
