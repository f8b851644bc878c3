"""The figure files: physical size and DPI read back, vectors with text as text and fonts
embedded, every size preset drawn, and the options the command line accepts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from resort_gui.domain.errors import InputError
from resort_gui.export.figure_options import (
    SIZE_PRESETS,
    check_raster_size,
    parse_dpi,
    parse_formats,
    parse_size,
    raster_pixels,
)
from tests.export.pdf_text import embedded_fonts, pdf_text, raster_images

SVG = "{http://www.w3.org/2000/svg}"
PT_PER_MM = 72 / 25.4


def test_png_and_tiff_carry_600_dpi_at_85_mm(demo_out: Path) -> None:
    sizes = set()
    for name in ("km.png", "km.tiff"):
        with Image.open(demo_out / name) as image:
            dpi = image.info["dpi"]
            assert dpi == pytest.approx((600, 600), abs=0.5), name
            assert image.width == round(85 / 25.4 * 600)
            sizes.add(image.size)
            if name == "km.tiff":
                assert image.info["compression"] == "tiff_lzw"
    assert len(sizes) == 1  # the same picture in both


def test_raster_shows_the_curves_in_their_colours(demo_out: Path) -> None:
    with Image.open(demo_out / "km.png") as image:
        colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (0x00, 0x72, 0xB2) in colours and (0xD5, 0x5E, 0x00) in colours


def svg_texts(path: Path) -> str:
    root = ET.parse(path).getroot()
    return "\n".join(t.text or "" for t in root.iter(f"{SVG}text"))


def test_svg_keeps_text_as_text_and_embeds_the_font(demo_out: Path) -> None:
    svg = demo_out / "km.svg"
    texts = svg_texts(svg)
    for word in ("observation", "sorafenib", "Number at risk", "Time (months)",
                 "RFS probability", "Log-rank p = "):
        assert word in texts, word
    root = ET.parse(svg).getroot()
    assert float(root.get("width").removesuffix("mm")) == pytest.approx(85, abs=0.5)
    style = "".join(s.text or "" for s in root.iter(f"{SVG}style"))
    assert style.count("@font-face") == 2  # regular and bold
    assert "data:font/woff;base64," in style


def test_pdf_is_vector_at_85_mm_with_embedded_fonts(demo_out: Path) -> None:
    reader = PdfReader(demo_out / "km.pdf")
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(85 * PT_PER_MM, abs=1)
    text = pdf_text(demo_out / "km.pdf")
    for word in ("observation", "sorafenib", "Number at risk", "36", "33"):
        assert word in text, word
    assert not raster_images(demo_out / "km.pdf"), "the figure must be vectors, not a picture"
    assert embedded_fonts(demo_out / "km.pdf") >= {"DejaVuSans"}
    # the risk table's invisible zero-length ticks were painted as grey 1 x 1 squares left of
    # each row's first count (pyqtgraph's default tick colour, 200/255 grey)
    content = page.get_contents().get_data().decode("latin-1")
    assert "0.784313738 0.784313738 0.784313738 scn" not in content


@pytest.mark.parametrize("preset", list(SIZE_PRESETS))
def test_every_preset_renders_at_its_size(preset: str, demo_result, tmp_path: Path) -> None:
    from resort_gui.render.figures import render_figure

    size = SIZE_PRESETS[preset]
    png, svg = render_figure(demo_result, tmp_path / "km", ("png", "svg"), size=size, dpi=300)
    with Image.open(png) as image:
        assert image.width == round(size.width_mm / 25.4 * 300)
        if size.height_mm is not None:
            assert image.height == round(size.height_mm / 25.4 * 300)
        else:  # the plot plus legend and risk table: taller than wide x 0.62
            assert 0.62 * image.width < image.height < 1.2 * image.width
    assert "Number at risk" in svg_texts(svg)


def test_figure_font_is_the_presets_at_final_size(demo_result) -> None:
    from resort_gui.render.figures import figure_model

    for size in SIZE_PRESETS.values():
        assert figure_model(demo_result, size).font_size == size.font_pt
        if size.name != "slide":
            assert 6 <= size.font_pt <= 8  # journals: 6-8 pt at final size


def test_sizes_formats_and_dpi_parse() -> None:
    assert parse_size("85mm") is SIZE_PRESETS["85mm"]
    assert parse_size(" Slide ") is SIZE_PRESETS["slide"]
    custom = parse_size("100x80mm")
    assert (custom.width_mm, custom.height_mm) == (100, 80)
    assert parse_size("140\u00d790").height_mm == 90
    assert parse_size("140mm").height_mm is None
    assert parse_formats("png, TIF,svg,pdf,png") == ("png", "tiff", "svg", "pdf")
    assert parse_formats("none") == ()
    assert parse_dpi("1200") == 1200


@pytest.mark.parametrize("bad", ["huge", "10x10mm", "900mm", "85 cm"])
def test_bad_sizes_are_usage_errors(bad: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_size(bad)
    assert caught.value.code == "usage" and "--size" in str(caught.value)


def test_bad_format_and_dpi_are_usage_errors() -> None:
    for call in (lambda: parse_formats("png,jpeg"), lambda: parse_dpi("72"),
                 lambda: parse_dpi("lots")):
        with pytest.raises(InputError):
            call()


def test_raster_size_is_bounded() -> None:
    assert raster_pixels(175, 140, 1200) == (8268, 6614)
    check_raster_size(254, 142.875, 1200)  # the largest preset is allowed
    with pytest.raises(InputError) as caught:
        check_raster_size(500, 500, 1200)
    assert caught.value.code == "figure_too_large"


def test_long_group_names_leave_the_plot_its_width(demo_result) -> None:
    """A 60-character arm name is cut short in the risk table (the legend keeps as much as
    fits) so that the plot keeps more than half of an 85 mm figure's width."""
    from resort_gui.present.figure import FigureStyle
    from resort_gui.render.figures import figure_model
    from resort_gui.render.km_plot import header_layout, left_axis_width

    names = {g.label: "Sorafenib 400 mg twice daily for one year after metastasectomy"
             for g in demo_result.groups}
    model = figure_model(demo_result, SIZE_PRESETS["85mm"], FigureStyle(group_names=names))
    px = model.font_size * 96 / 72
    content = 85 / 25.4 * 96 - px * 2.2
    axis = left_axis_width(model, px, content)
    assert axis <= content * 0.25 + px * 4 + 1 and content - axis > content * 0.55
    assert header_layout(model, content, px).entry_width <= content
