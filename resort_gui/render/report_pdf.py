"""The report (``resort_gui.export.report``) set as an A4 PDF with Qt's own PDF writer: text as
text in the embedded DejaVu Sans, the Kaplan-Meier figure as vectors, a footer on every page.

Built with ``QTextDocument`` (headings, paragraphs, tables) and a text object that plays the
figure's recording where the figure block stands; no external program, no network. Safe to
call in a worker thread (QPainter on QPdfWriter, QTextDocument), given a recording made in the
GUI thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextImageFormat,
    QTextLength,
    QTextTable,
    QTextTableFormat,
)

from resort_gui import __version__
from resort_gui.domain.results import AnalysisResult
from resort_gui.export.figure_options import FigureSize
from resort_gui.export.report import (
    DiagramBlock,
    FigureBlock,
    Heading,
    Paragraph,
    Report,
    Table,
    build_report,
    report_html,
)
from resort_gui.present.figure import FigureStyle, build_cif_figure, build_figure
from resort_gui.present.flow_diagram import FlowDiagram
from resort_gui.present.forest import build_forest
from resort_gui.present.summary import TextOptions
from resort_gui.render.figures import (
    LOGICAL_DPI,
    MM_PER_INCH,
    FileJob,
    RecordedFigure,
    encode_figure,
    figure_height,
    figure_model,
    record_figure,
    run_jobs,
)
from resort_gui.render.flow_painter import draw_flow
from resort_gui.render.forest_plot import forest_height_mm, record_forest
from resort_gui.render.qt_app import FONT_FAMILY

PAGE_MARGIN_MM = 18.0
TEXT_WIDTH_MM = 210.0 - 2 * PAGE_MARGIN_MM
REPORT_FIGURE_SIZE = FigureSize("report", "Report", TEXT_WIDTH_MM - 4, None, 8.0)
FIGURE_SLOT = "resort-gui:figure"
BODY_PT, TABLE_PT, NOTE_PT, FOOTER_PT = 9.5, 8.0, 8.0, 7.5
SHORT_PARAGRAPH_LINES = 4  # a paragraph this short is never split between pages
WIDEST_COLUMN_CHARS = 24  # a longer text wraps in its column rather than widen it
BOLD_WIDTH = 1.12  # a bold character's width over a regular one's, about
PADDING_CHARS = 2  # a cell's padding, in characters, when columns share the width


def report_jobs(result: AnalysisResult, stem: Path, *, created: datetime | None = None,
                options: TextOptions | None = None) -> list[FileJob]:
    """``stem.pdf`` and ``stem.html``: the figures are recorded here (GUI thread), the files
    are made by the jobs (any thread)."""
    report = build_report(result, created, options)
    figures = {key: record_report_figure(result, key, options)
               for key in report.figure_keys()}
    return [(stem.with_suffix(".pdf"), partial(report_pdf, report, figures)),
            (stem.with_suffix(".html"),
             lambda: report_html(report, {k: encode_figure(f, "svg", 0)
                                          for k, f in figures.items()}).encode("utf-8"))]


def record_report_figure(result: AnalysisResult, key: str,
                         options: TextOptions | None = None) -> RecordedFigure:
    """The figure a ``FigureBlock.key`` names, recorded at the report's width and 96 dpi:
    ``km``, ``km:<secondary endpoint>`` or ``forest:<group>``; group names and the decimal
    mark as the report's text writes them."""
    options = options or TextOptions()
    kind, _, name = key.partition(":")
    size = REPORT_FIGURE_SIZE
    if kind == "forest":
        forest = build_forest(result, name, font_size=size.font_pt)
        assert forest is not None
        return record_forest(forest, size.width_mm, forest_height_mm(forest, size),
                             LOGICAL_DPI)
    if name:
        result = next(r for r in result.secondary if r.spec.endpoint.name == name)
    style = FigureStyle(group_names=dict(options.names), decimal=options.decimal)
    model = figure_model(result, size, style,
                         build_cif_figure if kind == "cif" else build_figure)
    return record_figure(model, size.width_mm, figure_height(model, size), LOGICAL_DPI)


def write_report(result: AnalysisResult, stem: Path, *, created: datetime | None = None,
                 options: TextOptions | None = None,
                 protect: tuple[Path, ...] = ()) -> list[Path]:
    """Write ``stem.pdf`` and ``stem.html``; returns their paths."""
    return run_jobs(report_jobs(result, stem, created=created, options=options), protect)


def report_pdf(report: Report, figures: Mapping[str, RecordedFigure]) -> bytes:
    """The report as PDF bytes; ``figures`` (by ``FigureBlock.key``) are recorded at
    ``REPORT_FIGURE_SIZE`` and 96 dpi."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(round(LOGICAL_DPI))  # the figure's recording is at 96 dpi
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(*(PAGE_MARGIN_MM,) * 4),
                                     QPageLayout.Unit.Millimeter))
    writer.setCreator(f"resort-gui {__version__}")
    writer.setTitle(report.title)
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultFont(_font(BODY_PT))
    document.setDocumentMargin(0)
    blank = QImage(1, 1, QImage.Format.Format_ARGB32)  # keeps a figure's place
    blank.fill(Qt.GlobalColor.transparent)
    pictures, placed = _fill(document, report, figures)
    for name in pictures:
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), blank)
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    footer_height = _font_height(FOOTER_PT) * 2.5
    document.setPageSize(QSizeF(page.width(), page.height() - footer_height))
    _keep_together(document, placed)
    _paint_pages(document, writer, report, QSizeF(page.width(), page.height()), pictures)
    buffer.close()
    return bytes(data.data())


Picture = RecordedFigure | FlowDiagram


def _paint_pages(document: QTextDocument, writer: QPdfWriter, report: Report,
                 page: QSizeF, pictures: Mapping[str, Picture]) -> None:
    """Each page: its part of the document, the figures over their slots, the footer. (The
    figures are painted here rather than by a Python text-object handler, which Qt would call
    back from the worker thread.)"""
    slots = _slots(document, set(pictures))
    painter = QPainter(writer)
    try:
        body = document.pageSize().height()
        pages = document.pageCount()
        for index in range(pages):
            if index:
                writer.newPage()
            painter.save()
            painter.translate(0, -index * body)
            # Qt draws every line that touches the clip: a line starting on the next page's
            # first pixel row would be drawn here too, invisible but in the text a reader
            # copies or searches; half a pixel less leaves it to its own page
            document.drawContents(painter, QRectF(0, index * body, page.width(), body - 0.5))
            for name, slot in slots.items():
                if index * body <= slot.y() < (index + 1) * body:
                    painter.save()
                    painter.translate(slot)
                    _play(painter, pictures[name])
                    painter.restore()
            painter.restore()
            _footer(painter, page, f"{report.title} \u2014 page {index + 1} of {pages}")
    finally:
        painter.end()


def _play(painter: QPainter, picture: Picture) -> None:
    if isinstance(picture, FlowDiagram):
        draw_flow(painter, picture, LOGICAL_DPI / MM_PER_INCH)
    else:
        picture.picture.play(painter)


def _slots(document: QTextDocument, names: set[str]) -> dict[str, QPointF]:
    """Where each figure's blank picture was laid out, in document coordinates."""
    slots = {}
    block = document.begin()
    while block.isValid():
        fragment_iter = block.begin()
        while not fragment_iter.atEnd():
            fragment = fragment_iter.fragment()
            name = fragment.charFormat().toImageFormat().name() \
                if fragment.charFormat().isImageFormat() else ""
            if name in names:
                line = block.layout().lineForTextPosition(fragment.position() - block.position())
                top_left = document.documentLayout().blockBoundingRect(block).topLeft()
                slots[name] = top_left + QPointF(line.x(), line.y()) if line.isValid() \
                    else top_left
            fragment_iter += 1
        block = block.next()
    return slots


def _footer(painter: QPainter, page: QSizeF, text: str) -> None:
    painter.setFont(_font(FOOTER_PT))
    painter.setPen(QColor("#555555"))
    height = _font_height(FOOTER_PT) * 1.5
    painter.drawLine(QPointF(0, page.height() - height * 1.3),
                     QPointF(page.width(), page.height() - height * 1.3))
    painter.drawText(QRectF(0, page.height() - height, page.width(), height),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)


@dataclass(frozen=True)
class _Placed:
    """A block of the report as set in the document: a ``heading``, ``text``, ``figure`` (its
    slot), ``caption`` or ``table``; ``block`` its first text block, ``table`` the table and
    ``header_rows`` its caption and header rows."""

    kind: str
    block: QTextBlock
    table: QTextTable | None = None
    header_rows: int = 0


def _fill(document: QTextDocument, report: Report, figures: Mapping[str, RecordedFigure],
          ) -> tuple[dict[str, Picture], list[_Placed]]:
    """Set the report's blocks; returns the pictures to paint by their slot's name, and the
    blocks as placed (for ``_keep_together``)."""
    cursor = QTextCursor(document)
    _text(cursor, report.title, _font(16, bold=True), first=True)
    _text(cursor, report.subtitle, _font(BODY_PT), colour="#444444")
    pictures: dict[str, Picture] = {}
    placed: list[_Placed] = []
    for block in report.blocks:
        if isinstance(block, Heading):
            placed.append(_Placed("heading", _text(cursor, block.text, _font(12, bold=True),
                                                   space_before=10)))
        elif isinstance(block, Paragraph):
            placed.append(_Placed("text", _text(cursor, block.text,
                                                _font(NOTE_PT if block.note else BODY_PT))))
        elif isinstance(block, Table):
            table, header_rows = _table(cursor, block)
            placed.append(_Placed("table", table.cellAt(0, 0).firstCursorPosition().block(),
                                  table, header_rows))
        elif isinstance(block, DiagramBlock):
            name = f"{FIGURE_SLOT}:flow:{len(pictures)}"
            pictures[name] = block.diagram
            px_per_mm = LOGICAL_DPI / MM_PER_INCH
            placed.append(_Placed("figure", _slot(
                cursor, name, (block.diagram.width + 1) * px_per_mm,
                (block.diagram.height + 1) * px_per_mm)))
            placed.append(_Placed("caption", _text(cursor, block.caption, _font(NOTE_PT))))
        elif isinstance(block, FigureBlock):
            figure = figures.get(block.key)
            if figure is not None:
                name = f"{FIGURE_SLOT}:{block.key}:{len(pictures)}"
                pictures[name] = figure
                placed.append(_Placed("figure", _slot(cursor, name, figure.width_px,
                                                      figure.height_px)))
            placed.append(_Placed("caption", _text(cursor, block.caption, _font(NOTE_PT))))
    return pictures, placed


def _keep_together(document: QTextDocument, placed: list[_Placed]) -> None:
    """Start a block on the next page where the page would otherwise part it from what
    belongs with it: a heading from the first line of what it heads, a figure from its
    caption, a table's header from its first row, or split a table that fits on one page or
    a paragraph of a few lines (a point to check left with its last line on a page of its
    own).
    Qt's text layout has no keep-with-next: each pass moves the first such block to a new
    page (the block kept with it, moved earlier, follows it there) and lays the document out
    again. A block is moved once at most, so this ends; a block too tall to share a page with
    the one it keeps is left where it is."""
    moved: set[int] = set()
    for _ in range(len(placed)):
        parted = _first_parted(document, placed, moved)
        if parted is None:
            return
        moved.add(parted)
        _break_before(placed[parted], True)
        if parted + 1 < len(placed) and parted + 1 in moved:
            _break_before(placed[parted + 1], False)


def _first_parted(document: QTextDocument, placed: list[_Placed], moved: set[int],
                  ) -> int | None:
    """The index of the first block that ``_keep_together`` should move, not yet moved."""
    layout, height = document.documentLayout(), document.pageSize().height()

    def page(y: float) -> int:
        return int(y // height)

    def first_line(block: QTextBlock) -> tuple[float, float]:
        """Top and bottom of the block's first line, in document coordinates."""
        top = layout.blockBoundingRect(block).top()
        line = block.layout().lineAt(0)
        return (top + line.y(), top + line.y() + line.height()) if line.isValid() \
            else (top, top)

    def first_piece_end(item: _Placed) -> float:
        if item.table is not None and item.table.rows() > item.header_rows:
            return first_line(item.table.cellAt(item.header_rows, 0).firstCursorPosition()
                              .block())[1]
        return first_line(item.block)[1]

    for index, (item, following) in enumerate(zip(placed, [*placed[1:], None], strict=True)):
        if index in moved:
            continue
        start = page(first_line(item.block)[0])
        if item.table is not None:
            frame = layout.frameBoundingRect(item.table)
            split = frame.height() <= height and page(frame.top()) != page(frame.bottom() - 1)
            if split or page(first_piece_end(item) - 1) != start:
                return index
        if item.kind == "text" and item.block.layout().lineCount() <= SHORT_PARAGRAPH_LINES:
            box = layout.blockBoundingRect(item.block)
            if page(box.top()) != page(box.bottom() - 1):
                return index
        if following is not None and (item.kind == "heading" or (
                item.kind == "figure" and following.kind == "caption")) \
                and page(first_piece_end(following) - 1) != start:
            return index
    return None


def _break_before(item: _Placed, new_page: bool) -> None:
    """Start ``item`` on a new page, or no longer."""
    policy = QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore if new_page \
        else QTextFormat.PageBreakFlag.PageBreak_Auto
    if item.table is not None:
        table_format = item.table.format()
        table_format.setPageBreakPolicy(policy)
        item.table.setFormat(table_format)
        return
    block_format = QTextBlockFormat()
    block_format.setPageBreakPolicy(policy)
    QTextCursor(item.block).mergeBlockFormat(block_format)


def _slot(cursor: QTextCursor, name: str, width: float, height: float) -> QTextBlock:
    """A blank picture of the figure's size, in its own paragraph (returned)."""
    _new_block(cursor, space_before=6)
    slot = QTextImageFormat()
    slot.setName(name)
    slot.setWidth(width)
    slot.setHeight(height)
    cursor.insertImage(slot)
    return cursor.block()


def _new_block(cursor: QTextCursor, space_before: float = 3, first: bool = False) -> None:
    block_format = QTextBlockFormat()
    block_format.setTopMargin(space_before * LOGICAL_DPI / 72)
    block_format.setBottomMargin(2 * LOGICAL_DPI / 72)
    if first:
        cursor.setBlockFormat(block_format)
    else:
        cursor.insertBlock(block_format)


def _text(cursor: QTextCursor, text: str, font: QFont, *, space_before: float = 3,
          colour: str = "#000000", first: bool = False) -> QTextBlock:
    """``text`` in a paragraph of its own (returned)."""
    _new_block(cursor, space_before, first)
    char_format = QTextCharFormat()
    char_format.setFont(font)
    char_format.setForeground(QColor(colour))
    cursor.insertText(text, char_format)
    return cursor.block()


def _table(cursor: QTextCursor, table: Table) -> tuple[QTextTable, int]:
    """A table whose caption is its first row (merged), so that the two never part at a
    page break; caption and header repeat on the next page when the table breaks. Returns
    the table and its number of caption and header rows."""
    header = [table.header] if any(table.header) else []
    body = header + [tuple(r) for r in table.rows]
    columns = max((len(r) for r in body), default=1)
    caption = [(table.caption,)] if table.caption else []
    table_format = QTextTableFormat()
    table_format.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_None)
    table_format.setBorder(0)
    table_format.setCellPadding(2.5)
    table_format.setCellSpacing(0)
    table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    table_format.setColumnWidthConstraints(_column_widths(header, table.rows, columns))
    table_format.setHeaderRowCount(len(caption) + len(header))
    _new_block(cursor, space_before=4)
    text_table = cursor.insertTable(len(caption) + len(body), columns, table_format)
    if caption:
        text_table.mergeCells(0, 0, 1, columns)
        _cell(text_table, 0, 0, table.caption, _font(BODY_PT, bold=True))
    for r, row in enumerate(body, start=len(caption)):
        bold = bool(header) and r == len(caption)
        for c, value in enumerate(row):
            _cell(text_table, r, c, value, _font(TABLE_PT, bold=bold),
                  rule=bold or r == len(caption) + len(body) - 1)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    return text_table, len(caption) + len(header)


def _column_widths(header: list[tuple[str, ...]], rows: Sequence[Sequence[str]],
                   columns: int) -> list[QTextLength]:
    """Each column's share of the page, in proportion to the characters it needs: its
    longest line, header included (at most ``WIDEST_COLUMN_CHARS``), and at least its
    longest word, plus the cell's padding. Qt alone shares the width evenly once the text
    does not fit, and breaks "(n = 36)" and "aminotransferase" in two."""
    need = [1.0] * columns
    for i, row in enumerate([*header, *rows]):
        scale = BOLD_WIDTH if i < len(header) else 1.0  # the header is set in bold
        for c, value in enumerate(row):
            text = str(value)
            longest_word = max((len(w) for w in text.split()), default=0)
            longest_line = min(max(len(line) for line in text.split("\n")), WIDEST_COLUMN_CHARS)
            need[c] = max(need[c], scale * longest_word, scale * longest_line)
    total = sum(n + PADDING_CHARS for n in need)
    return [QTextLength(QTextLength.Type.PercentageLength, 100 * (n + PADDING_CHARS) / total)
            for n in need]


def _cell(table, row: int, column: int, text: str, font: QFont, rule: bool = False) -> None:
    cell = table.cellAt(row, column)
    if rule:  # a rule under the header and the last row, as journals set tables
        cell_format = cell.format().toTableCellFormat()
        cell_format.setBottomBorder(0.75)
        cell_format.setBottomBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
        cell_format.setBottomBorderBrush(QColor("#000000"))
        cell.setFormat(cell_format)
    char_format = QTextCharFormat()
    char_format.setFont(font)
    cell.firstCursorPosition().insertText(text, char_format)


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _font_height(points: float) -> float:
    return points * LOGICAL_DPI / 72 * 1.2

