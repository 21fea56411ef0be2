"""Looking at generated PDFs the way a reader does: their text (pypdf) and their pages as
images (poppler's pdftoppm), to prove nothing runs off the page."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

#: render resolution of the raster checks (enough to see a glyph in the margin)
DPI = 60


def text_of(data: bytes) -> str:
    """Every page's extracted text, joined."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def squeezed(text: str) -> str:
    """Text without whitespace: a long word wrapped over lines still reads as one."""
    return "".join(text.split())


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def pages_as_images(data: bytes) -> list[Image.Image]:
    """Each page rendered in grey by pdftoppm (poppler-utils)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-gray", "-r", str(DPI), "-png", str(src), str(Path(tmp) / "p")],
            check=True, capture_output=True, timeout=60,
        )
        return [Image.open(p).copy() for p in sorted(Path(tmp).glob("p-*.png"))]


def ink_in_margins(img: Image.Image, *, side_mm: float = 14, top_mm: float = 14,
                   bottom_mm: float = 8) -> dict[str, int]:
    """How many dark pixels lie in each outer strip of the page (all 0 when nothing ran off).

    The strips are narrower than the documents' 20 mm margins; the bottom strip leaves room
    for the page footer, which sits 12 mm above the edge.
    """
    grey = img.convert("L")
    w, h = grey.size
    px = DPI / 25.4

    def dark(box: tuple[int, int, int, int]) -> int:
        return sum(1 for v in grey.crop(box).getdata() if v < 200)

    return {
        "left": dark((0, 0, int(side_mm * px), h)),
        "right": dark((w - int(side_mm * px), 0, w, h)),
        "top": dark((0, 0, w, int(top_mm * px))),
        "bottom": dark((0, h - int(bottom_mm * px), w, h)),
    }
