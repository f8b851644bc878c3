"""Qt drawing of every figure and of the PDF report, on screen and to files (no windows:
those are ``ui``'s). The only layer besides ``ui`` that imports Qt."""
