"""Generated case documents (apliecinājums, norīkojums, darba grafiks, kontroles akts,
paziņojums par izpildi, izvērtēšanas ziņojums, uzraudzības plāns).

``catalogue`` says which types fit which process and which case fields each may show;
``templates`` keeps the administrator-edited templates in immutable, published versions;
``generate`` gathers a case's data, lays it out with the pure builder in ``reports.documents``
and files the PDF on the case. Views and tasks call only these.
"""

from portal.services.paperwork.catalogue import TYPE_LABELS, fields_for, types_for_process
from portal.services.paperwork.generate import available_types, gather, generate, spec_for
from portal.services.paperwork.templates import (
    TemplateRejected,
    check_content,
    load_defaults,
    publish,
    published,
    save_version,
)

__all__ = [
    "TYPE_LABELS",
    "TemplateRejected",
    "available_types",
    "check_content",
    "fields_for",
    "gather",
    "generate",
    "load_defaults",
    "publish",
    "published",
    "save_version",
    "spec_for",
    "types_for_process",
]
