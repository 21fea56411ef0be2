"""The PDF of everything PLUS holds on one person (a data subject's access request).

A pure builder: labelled sections in, PDF bytes out. The text is embedded DejaVu Sans
(``reports.fonts``), so Latvian letters render whatever the host's fonts are.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.fonts import BOLD, register_fonts

Record = Sequence[tuple[str, str]]


def build_pdf(title: str, subtitle: str,
              sections: Sequence[tuple[str, Sequence[Record]]]) -> bytes:
    """A4 PDF: the title, then each section's heading and its records as label/value tables."""
    font = register_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=10.5)
    label = ParagraphStyle("label", parent=body, fontName=BOLD)
    h1 = ParagraphStyle("h1", fontName=BOLD, fontSize=15, leading=19, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=BOLD, fontSize=11.5, leading=14, spaceBefore=8,
                        spaceAfter=4)
    story: list = [Paragraph(escape(title), h1), Paragraph(escape(subtitle), body),
                   Spacer(1, 4 * mm)]
    width = A4[0] - 30 * mm
    for heading, records in sections:
        story.append(Paragraph(escape(heading), h2))
        for record in records:
            rows = [[Paragraph(escape(k), label), Paragraph(escape(v), body)]
                    for k, v in record]
            if not rows:
                continue
            table = Table(rows, colWidths=[width * 0.32, width * 0.68])
            table.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, -1), (-1, -1), 0.4, colors.grey),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
            ]))
            story.extend([table, Spacer(1, 2 * mm)])
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title=title,
                            author="VPD PLUS")
    doc.build(story)
    return out.getvalue()
