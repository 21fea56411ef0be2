"""The TrueType fonts every PDF of PLUS embeds.

reportlab's built-in Helvetica has no glyphs for ā č ē ģ ī ķ ļ ņ š ū ž, so each document
embeds DejaVu Sans (Bitstream Vera licence, which allows embedding and redistribution; see
``fonts/LICENSE-DejaVu.txt``). The files ship inside the package, so nothing depends on the
fonts of the machine PLUS runs on.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "PlusSans"
BOLD = "PlusSans-Bold"
ITALIC = "PlusSans-Italic"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
}


def register_fonts() -> str:
    """Register the PLUS fonts with reportlab once per process and return the regular name.

    Safe to call before every build: registration happens only the first time.
    """
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR
