"""Entry point for ``python main.py`` and the frozen executable: same as ``resort-gui``."""

import sys

from resort_gui.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
