import sys

from resort_gui.cli import main

sys.exit(main())
