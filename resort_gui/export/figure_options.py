"""What a figure export can be asked for: formats, physical sizes and resolutions.

Qt-free, so that ``analyze`` can check its options before any drawing code is imported.
Sizes are the columns journals print at (single 85 mm, 1.5 column 120 mm, double 175 mm) and
a 16:9 slide; each carries the font size the text is set in at that size (journals ask for
6-8 pt at final size; a slide is read from the back of a room).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from resort_gui.domain.errors import InputError

FIGURE_FORMATS = ("png", "tiff", "svg", "pdf")
RASTER_FORMATS = ("png", "tiff")
_FORMAT_ALIASES = {"tif": "tiff"}
DPI_CHOICES = (300, 600, 1200)
MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
MAX_SIDE_MM = 500.0
MAX_RASTER_PIXELS = 120_000_000  # 1200 dpi on a 16:9 slide: 12000 x 6750 = 81 Mpx


@dataclass(frozen=True)
class FigureSize:
    """A figure's physical size; ``height_mm`` None means "as tall as the figure needs"
    (the plot at a fixed aspect plus its legend and risk table)."""

    name: str
    label: str
    width_mm: float
    height_mm: float | None
    font_pt: float


SIZE_PRESETS: dict[str, FigureSize] = {
    "85mm": FigureSize("85mm", "Single column (85 mm)", 85.0, None, 7.5),
    "120mm": FigureSize("120mm", "1.5 columns (120 mm)", 120.0, None, 7.5),
    "175mm": FigureSize("175mm", "Double column (175 mm)", 175.0, None, 7.5),
    "slide": FigureSize("slide", "Slide 16:9 (254 \u00d7 143 mm)", 254.0, 142.875, 15.0),
}
DEFAULT_SIZE = SIZE_PRESETS["175mm"]


def font_for_width(width_mm: float) -> float:
    """The text size (pt) for a custom width: the journals' 7.5 pt up to a double column,
    growing to the slide's 15 pt at 254 mm."""
    return float(np.interp(width_mm, [175.0, 254.0], [7.5, 15.0]))


def parse_size(text: str) -> FigureSize:
    """``85mm``, ``120mm``, ``175mm``, ``slide``, or a custom ``WxH`` in millimetres
    (``100x80``, ``100x80mm``, ``100mm``: height from the content)."""
    key = text.strip().lower().replace(" ", "")
    if key in SIZE_PRESETS:
        return SIZE_PRESETS[key]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(?:mm)?(?:[x\u00d7](\d+(?:\.\d+)?)(?:mm)?)?", key)
    if match is None:
        raise InputError("usage", f"--size takes {', '.join(SIZE_PRESETS)} or a width x height "
                                  f"in millimetres such as 100x80mm; got {text!r}.")
    width = float(match.group(1))
    height = float(match.group(2)) if match.group(2) else None
    for side in (width, height):
        if side is not None and not 20.0 <= side <= MAX_SIDE_MM:
            raise InputError("usage", f"--size: each side must be between 20 and "
                                      f"{MAX_SIDE_MM:g} mm; got {text!r}.")
    name = f"{width:g}x{height:g}mm" if height else f"{width:g}mm"
    return FigureSize(name, f"Custom ({name})", width, height, font_for_width(width))


def parse_dpi(text: str | int) -> int:
    try:
        dpi = int(text)
    except (TypeError, ValueError):
        dpi = 0
    if dpi not in DPI_CHOICES:
        raise InputError("usage", f"--dpi takes one of {', '.join(map(str, DPI_CHOICES))}; "
                                  f"got {text!r}.")
    return dpi


def parse_formats(text: str) -> tuple[str, ...]:
    """``png,tiff,svg,pdf`` (any subset, ``tif`` accepted) or ``none``."""
    if text.strip().lower() == "none":
        return ()
    names = (f.strip().lower() for f in text.split(",") if f.strip())
    formats = tuple(dict.fromkeys(_FORMAT_ALIASES.get(f, f) for f in names))
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown:
        raise InputError("usage", f"unknown figure format {', '.join(unknown)}; "
                                  f"choose from {', '.join(FIGURE_FORMATS)} or none.")
    return formats


def figure_height_mm(size: FigureSize, legend_rows: int, risk_lines: int) -> float:
    """The height of a figure of ``size``: its own when it has one, else the plot at
    0.62 x width plus one line per legend row and per risk-table line (titles included)."""
    if size.height_mm is not None:
        return size.height_mm
    line_mm = size.font_pt * 1.75 / PT_PER_MM
    return size.width_mm * 0.62 + (legend_rows + risk_lines) * line_mm


def raster_pixels(width_mm: float, height_mm: float, dpi: int) -> tuple[int, int]:
    return (round(width_mm / MM_PER_INCH * dpi), round(height_mm / MM_PER_INCH * dpi))


def check_raster_size(width_mm: float, height_mm: float, dpi: int) -> None:
    """Refuse a raster so large it would exhaust memory, with a way out."""
    w, h = raster_pixels(width_mm, height_mm, dpi)
    if w * h > MAX_RASTER_PIXELS:
        raise InputError("figure_too_large",
                         f"A {width_mm:g} x {height_mm:.0f} mm figure at {dpi} dpi would be "
                         f"{w} x {h} pixels, more than this program draws "
                         f"({MAX_RASTER_PIXELS // 1_000_000} million). Choose a lower dpi or "
                         "a vector format (SVG, PDF).")
