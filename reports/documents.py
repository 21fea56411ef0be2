"""The case documents as PDF: a pure builder, a :class:`DocumentSpec` in, PDF bytes out.

Nothing here knows the database, Flask or a template: the service that gathers a case's data
(``portal.services.paperwork``) has already chosen the language, the texts and the fields in
their order, and formatted every value as text. This module only lays them out on A4 with
reportlab's platypus, in the embedded DejaVu Sans (``reports.fonts``), so every Latvian letter
renders. Every text is treated as plain text (escaped), so a name like ``<b>&`` stays a name.

Layout rules that keep everything on the page: values sit in table cells of fixed width whose
paragraphs wrap (and split words longer than the cell), and long tables continue on the next
page with their header row repeated.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from reports.fonts import BOLD, register_fonts

__all__ = [
    "DocumentSpec",
    "FieldList",
    "Heading",
    "Signatures",
    "TableBlock",
    "Text",
    "build_pdf",
    "MARGIN",
]

#: page margin on every side; tests check the raster is blank inside it
MARGIN = 20 * mm


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text; line breaks in it are kept."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A section heading."""

    text: str


@dataclass(frozen=True)
class FieldList:
    """Label and value pairs, one row each (the case data the template chose, in order)."""

    rows: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class TableBlock:
    """A table with a header row (repeated on every page it runs onto).

    ``widths`` are relative column widths (any positive numbers); equal when omitted.
    """

    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None
    empty_text: str = "—"


@dataclass(frozen=True)
class Signatures:
    """Signature lines, one per signer, each with a date line."""

    labels: Sequence[str]
    signature_label: str = ""
    date_label: str = ""


Block = Text | Heading | FieldList | TableBlock | Signatures


@dataclass
class DocumentSpec:
    """Everything a document shows, already in its language and formatted as text."""

    title: str
    blocks: list[Block]
    #: issuer lines at the top (service, territorial unit)
    issuer: Sequence[str] = ()
    #: a line under the title, e.g. place and date
    subtitle: str = ""
    #: left part of every page footer, e.g. the case number
    footer: str = ""
    #: "Lapa %(page)s no %(pages)s" in the document's language
    page_label: str = "%(page)s / %(pages)s"
    language: str = "lv"
    author: str = ""
    keywords: Sequence[str] = field(default_factory=tuple)


def _styles() -> dict[str, ParagraphStyle]:
    regular = register_fonts()
    base = ParagraphStyle(
        "plus", fontName=regular, fontSize=10, leading=13, splitLongWords=1, spaceAfter=4
    )
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, spaceAfter=0),
        "cellhead": ParagraphStyle(
            "cellhead", parent=base, fontName=BOLD, fontSize=9, leading=11.5, spaceAfter=0
        ),
        "label": ParagraphStyle(
            "label", parent=base, fontName=BOLD, fontSize=9.5, leading=12, spaceAfter=0
        ),
        "value": ParagraphStyle("value", parent=base, fontSize=9.5, leading=12, spaceAfter=0),
        "title": ParagraphStyle(
            "title", parent=base, fontName=BOLD, fontSize=15, leading=19, alignment=TA_CENTER,
            spaceBefore=6, spaceAfter=4,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, alignment=TA_CENTER, spaceAfter=10
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8,
            spaceAfter=4,
        ),
        "issuer": ParagraphStyle(
            "issuer", parent=base, fontName=BOLD, fontSize=10, alignment=TA_CENTER, spaceAfter=0
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # Plain text only: markup characters in data are escaped, line breaks kept.
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


_GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.Color(0.55, 0.55, 0.55)),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def _flowables(block: Block, width: float, st: dict[str, ParagraphStyle]) -> list[Any]:
    if isinstance(block, Text):
        return [_p(block.text, st["body"])]
    if isinstance(block, Heading):
        return [_p(block.text, st["heading"])]
    if isinstance(block, FieldList):
        if not block.rows:
            return []
        data = [[_p(label, st["label"]), _p(value, st["value"])] for label, value in block.rows]
        table = Table(data, colWidths=[width * 0.36, width * 0.64], hAlign="LEFT")
        table.setStyle(
            [*_GRID, ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.94, 0.94, 0.94))]
        )
        return [table, Spacer(1, 6)]
    if isinstance(block, TableBlock):
        ncols = len(block.headers)
        rel = list(block.widths or [1.0] * ncols)
        total = sum(rel) or 1.0
        col_widths = [width * w / total for w in rel]
        head = [_p(h, st["cellhead"]) for h in block.headers]
        cell = st["cell"]

        def fit(text: str, width: float) -> Any:
            # A short one-line value is drawn as a plain string (a paragraph costs ten times
            # as much to lay out); anything that might not fit gets a wrapping paragraph.
            if "\n" not in text and stringWidth(text, cell.fontName, cell.fontSize) <= width - 9:
                return text
            return _p(text, cell)

        body = [[fit(str(c), w) for c, w in zip(row, col_widths, strict=False)]
                for row in block.rows]
        if not body:
            body = [[_p(block.empty_text, cell)] + [""] * (ncols - 1)]
        table = LongTable([head, *body], colWidths=col_widths, repeatRows=1, hAlign="LEFT")
        table.setStyle([
            *_GRID,
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
            ("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
        ])
        return [table, Spacer(1, 6)]
    if isinstance(block, Signatures):
        # Per signer: the name and two lines to sign and date on, captioned beneath.
        out: list[Any] = [Spacer(1, 8)]
        for label in block.labels:
            row = Table(
                [
                    [_p(label, st["label"]), "", "", ""],
                    ["", _p(block.signature_label, st["small"]), "",
                     _p(block.date_label, st["small"])],
                ],
                colWidths=[width * 0.38, width * 0.36, width * 0.04, width * 0.22],
                rowHeights=[13 * mm, None],
                hAlign="LEFT",
            )
            row.setStyle([
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
                ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 1), (-1, 1), 1),
            ])
            out.append(KeepTogether([row]))
        return out
    raise TypeError(f"unknown block {type(block).__name__}")


def _numbered_canvas(spec: DocumentSpec, font: str) -> type[Canvas]:
    """A canvas that writes "page N of M" in the footer once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Otherwise every PDF would also name Helvetica, unused and without our letters.
            kwargs.setdefault("initialFontName", font)
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            page_w, _ = A4
            self.setFont(font, 8)
            self.setFillColor(colors.Color(0.3, 0.3, 0.3))
            y = MARGIN - 8 * mm
            self.line(MARGIN, y + 10, page_w - MARGIN, y + 10)
            if spec.footer:
                self.drawString(MARGIN, y, spec.footer[:90])
            label = spec.page_label % {"page": self._pageNumber, "pages": total}
            self.drawRightString(page_w - MARGIN, y, label)

    return NumberedCanvas


def build_pdf(spec: DocumentSpec) -> bytes:
    """Lay the document out on A4 pages and return the PDF bytes."""
    st = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=spec.title,
        author=spec.author,
        subject=spec.footer,
        keywords=list(spec.keywords),
        lang=spec.language,
        creator="PLUS",
    )
    story: list[Any] = [_p(line, st["issuer"]) for line in spec.issuer]
    if spec.issuer:
        story.append(Spacer(1, 6))
    story.append(_p(spec.title, st["title"]))
    if spec.subtitle:
        story.append(_p(spec.subtitle, st["subtitle"]))
    for block in spec.blocks:
        story.extend(_flowables(block, doc.width, st))
    doc.build(story, canvasmaker=_numbered_canvas(spec, register_fonts()))
    return out.getvalue()
