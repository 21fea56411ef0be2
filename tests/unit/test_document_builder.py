"""The pure PDF builder: Latvian letters, numbers and dates come out as text; long names and
a 60-row table stay inside the page."""

from __future__ import annotations

import datetime as dt

from reports.documents import (
    DocumentSpec,
    FieldList,
    Heading,
    Signatures,
    TableBlock,
    Text,
    build_pdf,
)
from tests.pdfcheck import ink_in_margins, page_count, pages_as_images, squeezed, text_of

LETTERS = "ā č ē ģ ī ķ ļ ņ š ū ž Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž"
LONG_NAME = "Ģirts-Ķirilijs Žūžēlēns-Čaļķīņšūņprāmtēvš-Ozoliņš-" + "Āžkalniņš" * 12


def _schedule(rows: int) -> TableBlock:
    start = dt.date(2026, 1, 5)
    return TableBlock(
        ["Nr.", "Datums", "Sākums", "Stundas", "Paraksts"],
        [[str(i + 1), (start + dt.timedelta(days=i)).strftime("%d.%m.%Y"), "09:00", "4,5", ""]
         for i in range(rows)],
        [0.6, 1.3, 1, 1, 2],
    )


def _spec(name: str, rows: int = 3) -> DocumentSpec:
    return DocumentSpec(
        title="Darba grafiks",
        issuer=["Valsts probācijas dienests", "Rīgas pilsētas Ziemeļu struktūrvienība"],
        subtitle="Datums: 02.12.2026",
        blocks=[
            FieldList([("Vārds, uzvārds", name), ("Personas kods", "170590-12345"),
                       ("Piespriestās stundas", "120")]),
            Text(f"Burti: {LETTERS}. Zīmes <b>&amp; paliek tekstā."),
            Heading("Darba grafiks"),
            _schedule(rows),
            Signatures(["Probācijas klients", "Darba devēja pārstāvis"], "paraksts", "datums"),
        ],
        footer="Lieta PL-2026-000123",
        page_label="Lapa %(page)s no %(pages)s",
    )


def test_text_has_latvian_letters_numbers_and_dates() -> None:
    data = build_pdf(_spec("Jānis Bērziņš"))
    assert data.startswith(b"%PDF-")
    text = text_of(data)
    for word in ("Jānis Bērziņš", "Valsts probācijas dienests", "170590-12345", "120",
                 "05.01.2026", "07.01.2026", "4,5", "Lapa 1 no 1", "PL-2026-000123"):
        assert word in text, word
    assert squeezed(LETTERS) in squeezed(text)
    # Markup in data is text, never formatting.
    assert "<b>&amp; paliek" in text


def test_the_font_is_embedded() -> None:
    import io

    from pypdf import PdfReader

    data = build_pdf(_spec("Jānis Bērziņš"))
    assert b"/FontFile2" in data  # an embedded TrueType font program
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page["/Resources"]["/Font"]
        names = {str(fonts[k].get_object()["/BaseFont"]) for k in fonts}
        # The embedded DejaVu subsets (reportlab lists its Helvetica too, never drawn with).
        assert any(n.endswith("+DejaVuSans") for n in names), names


def test_long_name_and_60_row_schedule_stay_on_the_page() -> None:
    data = build_pdf(_spec(LONG_NAME, rows=60))
    assert page_count(data) >= 2
    text = text_of(data)
    assert squeezed(LONG_NAME) in squeezed(text)
    assert "60" in text and "05.03.2026" in text  # the last row (5 Jan + 59 days)
    assert "Lapa 2 no" in text
    for number, img in enumerate(pages_as_images(data), 1):
        assert ink_in_margins(img) == {"left": 0, "right": 0, "top": 0, "bottom": 0}, number


def test_the_margin_check_sees_ink_that_runs_off() -> None:
    """The raster check can fail: a table wider than the page leaves ink in the margin."""
    spec = _spec("Jānis Bērziņš")
    spec.blocks.append(TableBlock(["A"], [["x"]], widths=None))
    from reportlab.platypus import Table

    data = build_pdf(spec)
    assert all(sum(ink_in_margins(i).values()) == 0 for i in pages_as_images(data))
    # Build the same page with a table drawn 40 mm too wide, past the right margin.
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm)
    wide = Table([["x" * 10, "y" * 10]], colWidths=[(A4[0] - 40 * mm) / 2 + 20 * mm] * 2)
    wide.setStyle([("GRID", (0, 0), (-1, -1), 1, "black")])
    doc.build([wide])
    assert ink_in_margins(pages_as_images(out.getvalue())[0])["right"] > 0
