"""Reading exported PDFs back: their text as a reader would copy it (ligatures unfolded,
whitespace collapsed), the fonts embedded in them and the pictures they contain."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def embedded_fonts(path: Path) -> set[str]:
    """Names of the fonts whose program is inside the file (FontFile, FontFile2/3)."""
    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(re.sub(r"^[A-Z]{6}\+", "", str(font["/BaseFont"]).lstrip("/")))
    return names


def raster_images(path: Path) -> list:
    """The pictures (image XObjects) on any page: a vector figure has none. (The report keeps
    the figure's place with a blank 1 x 1 pixel image, which is not counted.)"""
    images = []
    for page in PdfReader(path).pages:
        for xobject in page["/Resources"].get("/XObject", {}).values():
            image = xobject.get_object()
            if image.get("/Subtype") == "/Image" and image.get("/Width", 0) * \
                    image.get("/Height", 0) > 1:
                images.append(xobject)
    return images
