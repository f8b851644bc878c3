"""The only package that imports Qt (PySide6) or pyqtgraph."""

import sys

if sys.version_info < (3, 12):
    # PySide6 6.12 on Python 3.11 drops one reference to None on every call of a void Qt
    # method (QPainter.setPen, drawLine, save, ...): drawing one figure costs about 1,500,
    # and once None's count reaches zero Python aborts ("none_dealloc"), mid-session or at
    # exit. Python 3.12 made None immortal; here its count is raised out of reach instead.
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
