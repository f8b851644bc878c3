"""The CONSORT-style flow diagram as a layout: boxes of text and arrows at positions in
millimetres, built from a ``ParticipantFlow``. Qt-free; the HTML report draws it as inline SVG
(``flow_svg``), the PDF report with QPainter (``resort_gui.render.report_pdf``).

Screened -> (not randomised, with reasons, in a box on the right) -> randomised -> one column
per arm: allocated -> excluded from the analysis (with reasons) -> analysed. CONSORT's words
(randomised, allocated) are used when the flow has a screening log, which only a trial has;
otherwise the groups may be anything (risk groups, sexes), and the boxes say "Patients in the
data" and the group's name.

Text widths are estimated from DejaVu Sans's advance widths, rounded up per class of
character (``text_width_mm``), and long lines wrap, so no text leaves its box.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from resort_gui.domain.trial_results import ParticipantFlow

MM_PER_PT = 25.4 / 72
# advance widths of DejaVu Sans in em, rounded up per class of characters (so the estimate
# is never short: text measured this way always fits its box); bold is about 10% wider
NARROW, WIDE = set("iljtfr.,:;'!|()[] "), set("mwMW")
NARROW_EM, WIDE_EM, UPPER_EM, OTHER_EM, BOLD_FACTOR = 0.42, 1.0, 0.8, 0.64, 1.12
LINE_EM = 1.35
PAD_MM = 2.0
GAP_MM = 7.0  # vertical space between boxes (the arrows)
COLUMN_GAP_MM = 6.0


@dataclass(frozen=True)
class Box:
    """A box at (x, y) (top left, mm) whose first ``title_lines`` lines are the title (bold)
    and the others details (e.g. reasons)."""

    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]
    title_lines: int = 1

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Arrow:
    """A line from (x1, y1) to (x2, y2) with its head at the end; ``head`` False for a plain
    line (the bar joining the arms)."""

    x1: float
    y1: float
    x2: float
    y2: float
    head: bool = True

    def head_points(self, size: float) -> tuple[tuple[float, float], ...]:
        """The arrowhead's triangle, ``size`` mm long, pointing along the line."""
        dx, dy = self.x2 - self.x1, self.y2 - self.y1
        length = (dx * dx + dy * dy) ** 0.5 or 1.0
        ux, uy = dx / length, dy / length
        bx, by = self.x2 - ux * size, self.y2 - uy * size
        half = size * 0.45
        return ((self.x2, self.y2), (bx - uy * half, by + ux * half),
                (bx + uy * half, by - ux * half))


@dataclass(frozen=True)
class FlowDiagram:
    width: float
    height: float
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    font_pt: float

    @property
    def line_mm(self) -> float:
        return self.font_pt * MM_PER_PT * LINE_EM

    def text(self) -> str:
        return "\n".join(line for box in self.boxes for line in box.lines)


def flow_diagram(flow: ParticipantFlow, width: float = 170.0, font_pt: float = 8.0,
                 names: dict[str, str] | None = None) -> FlowDiagram:
    """Lay out the flow of ``flow`` ``width`` mm wide; ``names`` renames arms for display."""
    names = names or {}
    layout = _Layout(width, font_pt)
    arms = list(dict.fromkeys(c.group for c in flow.counts if c.stage == "randomised"))
    main_width = min(width * 0.36, 60.0)
    main_x = (width - main_width) / 2
    y = 0.0
    above: Box | None = None
    if flow.screened is not None:
        above = layout.box(main_x, y, main_width, [_count("Screened", flow.screened)])
        not_randomised = flow.reasons("not_randomised")
        side_x = main_x + main_width / 2 + COLUMN_GAP_MM * 2
        side = layout.box(side_x, 0.0, width - side_x,
                          [_count("Not randomised", flow.total('not_randomised')),
                           *(_count(f"\u2022 {why}", n) for why, n in not_randomised)])
        side = layout.move(side, above.bottom + GAP_MM)
        layout.arrows.append(Arrow(above.centre_x, side.y + side.height / 2, side.x,
                                   side.y + side.height / 2))
        y = side.bottom + GAP_MM
    trial = flow.screened is not None
    randomised = layout.box(main_x, y, main_width, [_count(
        "Randomised" if trial else "Patients in the data", flow.total('randomised'))])
    if above is not None:
        layout.arrows.append(Arrow(above.centre_x, above.bottom, randomised.centre_x,
                                   randomised.y))
    column = (width - COLUMN_GAP_MM * (len(arms) - 1)) / max(len(arms), 1)
    xs = [i * (column + COLUMN_GAP_MM) for i in range(len(arms))]
    bar_y = randomised.bottom + GAP_MM / 2
    if arms:
        layout.arrows.append(Arrow(randomised.centre_x, randomised.bottom,
                                   randomised.centre_x, bar_y, head=False))
        layout.arrows.append(Arrow(xs[0] + column / 2, bar_y, xs[-1] + column / 2, bar_y,
                                   head=False))
    stages = [
        [[_count(f"Allocated to {names.get(a, a)}" if trial else names.get(a, a),
                 flow.total('randomised', a))] for a in arms],
        [[_count("Excluded from the analysis", flow.total('excluded', a)),
          *(_count(f"\u2022 {why}", n) for why, n in flow.reasons("excluded", a))]
         for a in arms],
        [[_count("Analysed", flow.total('analysed', a))] for a in arms],
    ]
    top = bar_y + GAP_MM / 2
    previous: list[Box] = []
    for lines in stages:
        row = layout.row(xs, top, column, lines)
        for i, box in enumerate(row):
            start = previous[i].bottom if previous else bar_y
            layout.arrows.append(Arrow(box.centre_x, start, box.centre_x, box.y))
        previous = row
        top = row[0].bottom + GAP_MM if row else top
    height = max((b.bottom for b in layout.boxes), default=0.0)
    return FlowDiagram(width, height, tuple(layout.boxes), tuple(layout.arrows), font_pt)


class _Layout:
    """Boxes sized to their wrapped text."""

    def __init__(self, width: float, font_pt: float) -> None:
        self.width = width
        self.font_pt = font_pt
        self.line = font_pt * MM_PER_PT * LINE_EM
        self.boxes: list[Box] = []
        self.arrows: list[Arrow] = []

    def wrap(self, lines: list[str], width: float) -> tuple[tuple[str, ...], int]:
        """The box's lines, each broken so that it fits ``width`` less the padding, and how
        many of them the (bold) first line became."""
        room = width - 2 * PAD_MM
        title = self.wrap_line(lines[0], room, bold=True)
        rest = [part for line in lines[1:] for part in self.wrap_line(line, room, bold=False)]
        return (*title, *rest), len(title)

    def wrap_line(self, text: str, room: float, bold: bool) -> list[str]:
        """Broken at spaces, inside a word only when the word alone is too wide; the
        follow-on lines of a bullet indented."""
        indent = "   " if text.startswith("\u2022") else ""
        lines: list[str] = []
        current = ""
        for word in text.split(" "):
            candidate = f"{current} {word}" if current else word
            if self.fits(candidate, room, bold):
                current = candidate
                continue
            if current:
                lines.append(current)
            current = (indent if lines else "") + word
            while not self.fits(current, room, bold) and len(current) > len(indent) + 1:
                cut = max([i for i in range(1, len(current)) if
                           self.fits(current[:i], room, bold)] + [len(indent) + 1])
                lines.append(current[:cut])
                current = indent + current[cut:]
        lines.append(current)
        return lines

    def fits(self, text: str, room: float, bold: bool) -> bool:
        return text_width_mm(text, self.font_pt, bold) <= room

    def height(self, lines: tuple[str, ...]) -> float:
        return len(lines) * self.line + 2 * PAD_MM

    def box(self, x: float, y: float, width: float, lines: list[str]) -> Box:
        wrapped, title_lines = self.wrap(lines, width)
        box = Box(x, y, width, self.height(wrapped), wrapped, title_lines)
        self.boxes.append(box)
        return box

    def move(self, box: Box, y: float) -> Box:
        moved = replace(box, y=y)
        self.boxes[self.boxes.index(box)] = moved
        return moved

    def row(self, xs: list[float], y: float, width: float,
            lines: list[list[str]]) -> list[Box]:
        """Boxes side by side, all as tall as the tallest."""
        wrapped = [self.wrap(text, width) for text in lines]
        height = max((self.height(w) for w, _ in wrapped), default=0.0)
        row = [Box(x, y, width, height, w, title) for x, (w, title) in
               zip(xs, wrapped, strict=True)]
        self.boxes += row
        return row


def flow_svg(diagram: FlowDiagram) -> str:
    """The diagram as an inline SVG element (sized in mm; every text escaped)."""
    e = _escape
    line = diagram.line_mm
    size = diagram.font_pt * MM_PER_PT
    margin = 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
             f'aria-label="Flow of participants" width="{diagram.width + 2 * margin:.1f}mm" '
             f'height="{diagram.height + 2 * margin:.1f}mm" viewBox="{-margin} {-margin} '
             f'{diagram.width + 2 * margin:.2f} {diagram.height + 2 * margin:.2f}" '
             f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="{size:.2f}">']
    for box in diagram.boxes:
        parts.append(f'<rect x="{box.x:.2f}" y="{box.y:.2f}" width="{box.width:.2f}" '
                     f'height="{box.height:.2f}" fill="#fff" stroke="#000" '
                     'stroke-width="0.3"/>')
        for i, text in enumerate(box.lines):
            weight = ' font-weight="bold"' if i < box.title_lines else ""
            baseline = box.y + PAD_MM + i * line + line * 0.75
            parts.append(f'<text x="{box.x + PAD_MM:.2f}" y="{baseline:.2f}"{weight} '
                         f'xml:space="preserve">{e(text)}</text>')
    for arrow in diagram.arrows:
        parts.append(f'<line x1="{arrow.x1:.2f}" y1="{arrow.y1:.2f}" x2="{arrow.x2:.2f}" '
                     f'y2="{arrow.y2:.2f}" stroke="#000" stroke-width="0.3"/>')
        if arrow.head:
            points = " ".join(f"{x:.2f},{y:.2f}" for x, y in arrow.head_points(1.6))
            parts.append(f'<polygon points="{points}" fill="#000"/>')
    parts.append("</svg>")
    return "".join(parts)


def text_width_mm(text: str, font_pt: float, bold: bool = False) -> float:
    """An upper bound of the width of ``text`` set in DejaVu Sans at ``font_pt``."""
    em = sum(NARROW_EM if c in NARROW else WIDE_EM if c in WIDE else
             UPPER_EM if c.isupper() else OTHER_EM for c in text)
    return em * font_pt * MM_PER_PT * (BOLD_FACTOR if bold else 1.0)


def _count(text: str, n: int) -> str:
    """"text (n = 7)", never broken inside the count."""
    return f"{text} (n\u00a0=\u00a0{n})"


def _escape(text: str) -> str:
    return html.escape(text, quote=True)
