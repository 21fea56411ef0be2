"""Open data files: pure builders, a computed table (and its metadata) in, bytes out."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

__all__ = ["table_csv", "table_json", "metadata_json"]


def table_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with a header row, comma separated, CRLF line ends (RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def table_json(
    dataset: str, period: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
    *, uri: str, marker: str,
) -> bytes:
    """The table as JSON: one object per row, keyed by column name, with where it lives."""
    doc = {
        "dataset": dataset,
        "period": period,
        "uri": uri,
        "suppressed_marker": marker,
        "columns": list(columns),
        "rows": [dict(zip(columns, row, strict=True)) for row in rows],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def metadata_json(metadata: dict[str, Any]) -> bytes:
    """Metadata as UTF-8 JSON."""
    return json.dumps(metadata, ensure_ascii=False, indent=1).encode("utf-8")
