"""Document templates and their immutable versions: checking, saving, publishing, loading.

A template's content is JSON an administrator edits on a screen (or ships as a file in
``reports/templates/``)::

    {"title": {"lv": "...", "en": "..."},
     "intro": {"lv": "... {client.full_name} ...", "en": "..."},
     "fields": ["case.number", "client.full_name", "work.schedule"],
     "closing": {"lv": "...", "en": "..."},
     "signatures": {"lv": ["Probācijas klients"], "en": ["Probation client"]}}

``fields`` are shown in their order; ``{field}`` placeholders in the texts are filled from the
case. Every field named must be one the document type knows (``catalogue.fields_for``): a
template naming an unknown field is refused, with the problem keyed by the part at fault.
Like form versions, a saved content is never changed: a change makes version number + 1, and
publishing points the template at one version; a generated document keeps its version.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.models import DocumentTemplate, DocumentTemplateVersion, DocumentType
from portal.models.base import utcnow
from portal.services.errors import DomainError, NotFound
from portal.services.paperwork import catalogue

LANGUAGES = ("lv", "en")
TEXT_PARTS = ("title", "intro", "closing")
MAX_TEXT = 4000
MAX_TITLE = 150
MAX_FIELDS = 60
MAX_SIGNATURES = 6
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
#: the shipped default templates, one JSON file per document type
DEFAULT_DIR = Path(__file__).resolve().parents[3] / "reports" / "templates"


class TemplateRejected(DomainError):
    """Content that cannot be saved; ``problems`` maps each part ("title_lv", "fields" ...)
    to its messages, so a screen shows them beside the field at fault."""

    def __init__(self, problems: Mapping[str, list[Any]]) -> None:
        self.problems = {k: list(v) for k, v in problems.items()}
        text = "; ".join(f"{k}: {m}" for k, ms in self.problems.items() for m in ms)
        super().__init__(text or "template refused")


def _unknown(problems: dict[str, list[Any]], where: str, key: str, kind: str = "") -> None:
    if kind:
        msg = _l(
            "“%(field)s” is a table or long text and cannot stand inside a text; "
            "list it among the fields instead.",
            field=key,
        )
    else:
        msg = _l(
            "Unknown field “%(field)s”: this document has no such field. "
            "See the list of available fields.",
            field=key,
        )
    problems.setdefault(where, []).append(msg)


def check_content(doc_type: DocumentType, content: Any) -> dict[str, Any]:
    """Check a template's content for ``doc_type`` and return it normalised.

    :raises TemplateRejected: on a missing title, text too long, or an unknown field, in the
        field list or as a ``{placeholder}`` in a text.
    """
    problems: dict[str, list[Any]] = {}
    if not isinstance(content, dict):
        raise TemplateRejected({"_template": [_l("A template must be a JSON object.")]})
    known = catalogue.fields_for(doc_type)
    out: dict[str, Any] = {}
    for part in TEXT_PARTS:
        raw = content.get(part) or {}
        if not isinstance(raw, dict):
            raw = {}
        texts: dict[str, str] = {}
        for lang in LANGUAGES:
            value = raw.get(lang) or ""
            where = f"{part}_{lang}"
            if not isinstance(value, str):
                problems.setdefault(where, []).append(_l("Enter text."))
                continue
            value = value.replace("\r\n", "\n").strip()
            limit = MAX_TITLE if part == "title" else MAX_TEXT
            if part == "title" and not value:
                problems.setdefault(where, []).append(_l("Enter a title."))
            if len(value) > limit:
                problems.setdefault(where, []).append(
                    _l("At most %(n)s characters.", n=limit)
                )
            for name in PLACEHOLDER.findall(value):
                name = name.strip()
                field = known.get(name)
                if field is None:
                    _unknown(problems, where, name)
                elif field.kind != catalogue.VALUE:
                    _unknown(problems, where, name, field.kind)
            texts[lang] = value
        out[part] = texts
    fields = content.get("fields") or []
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        problems.setdefault("fields", []).append(_l("List the fields, one per line."))
        fields = []
    cleaned: list[str] = []
    for name in (f.strip() for f in fields):
        if not name:
            continue
        if name not in known:
            _unknown(problems, "fields", name)
        elif name in cleaned:
            problems.setdefault("fields", []).append(
                _l("“%(field)s” is listed twice.", field=name)
            )
        cleaned.append(name)
    if len(cleaned) > MAX_FIELDS:
        problems.setdefault("fields", []).append(_l("At most %(n)s fields.", n=MAX_FIELDS))
    out["fields"] = cleaned
    sigs = content.get("signatures") or {}
    out["signatures"] = {}
    for lang in LANGUAGES:
        labels = sigs.get(lang) if isinstance(sigs, dict) else None
        labels = labels or []
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            problems.setdefault(f"signatures_{lang}", []).append(_l("One signer per line."))
            labels = []
        labels = [x.strip() for x in labels if x.strip()]
        if len(labels) > MAX_SIGNATURES or any(len(x) > MAX_TITLE for x in labels):
            problems.setdefault(f"signatures_{lang}", []).append(
                _l("At most %(n)s signers of %(m)s characters each.", n=MAX_SIGNATURES,
                   m=MAX_TITLE)
            )
        out["signatures"][lang] = labels
    if problems:
        raise TemplateRejected(problems)
    return out


def digest(content: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a content."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@event.listens_for(DocumentTemplateVersion, "before_update")
def _refuse_version_edit(_mapper: Any, _conn: Any, target: DocumentTemplateVersion) -> None:
    # Generated documents point at their version: its content must never change.
    from sqlalchemy import inspect

    state = inspect(target)
    for attr in ("content", "digest", "number", "template_id"):
        if state.attrs[attr].history.has_changes():
            raise RuntimeError("a document template version is immutable")


def template(session: Session, doc_type: DocumentType) -> DocumentTemplate | None:
    """The template row of a document type."""
    return session.scalar(select(DocumentTemplate).where(DocumentTemplate.doc_type == doc_type))


def latest(session: Session, tpl: DocumentTemplate) -> DocumentTemplateVersion | None:
    """The newest version of a template (published or not)."""
    return session.scalar(
        select(DocumentTemplateVersion)
        .where(DocumentTemplateVersion.template_id == tpl.id)
        .order_by(DocumentTemplateVersion.number.desc())
        .limit(1)
    )


def published(session: Session, doc_type: DocumentType) -> DocumentTemplateVersion | None:
    """The published version of a document type's template, if any."""
    tpl = template(session, doc_type)
    return tpl.published_version if tpl is not None else None


def save_version(
    session: Session,
    doc_type: DocumentType,
    content: Any,
    *,
    actor_id: int | None,
    note: str | None = None,
    publish_now: bool = False,
) -> DocumentTemplateVersion:
    """Check ``content`` and store it as the template's next version (the latest one when it
    is unchanged); publish it when asked. The caller commits.

    :raises TemplateRejected: when the content names an unknown field or lacks a title.
    """
    clean = check_content(doc_type, content)
    tpl = template(session, doc_type)
    if tpl is None:
        tpl = DocumentTemplate(doc_type=doc_type)
        session.add(tpl)
        session.flush()
    sha = digest(clean)
    last = latest(session, tpl)
    if last is not None and last.digest == sha:
        version = last
    else:
        number = session.scalar(
            select(func.max(DocumentTemplateVersion.number)).where(
                DocumentTemplateVersion.template_id == tpl.id
            )
        )
        version = DocumentTemplateVersion(
            template=tpl, number=(number or 0) + 1, content=clean, digest=sha,
            created_by_id=actor_id, note=(note or "")[:300] or None,
        )
        session.add(version)
        session.flush()
    if publish_now:
        _publish(tpl, version)
    return version


def _publish(tpl: DocumentTemplate, version: DocumentTemplateVersion) -> None:
    if tpl.published_version_id != version.id:
        tpl.published_version = version
        if version.published_at is None:
            version.published_at = utcnow()


def publish(session: Session, doc_type: DocumentType, number: int) -> DocumentTemplateVersion:
    """Make version ``number`` the one documents are generated from. The caller commits.

    :raises NotFound: when the template or version does not exist.
    """
    tpl = template(session, doc_type)
    version = None
    if tpl is not None:
        version = session.scalar(
            select(DocumentTemplateVersion).where(
                DocumentTemplateVersion.template_id == tpl.id,
                DocumentTemplateVersion.number == number,
            )
        )
    if tpl is None or version is None:
        raise NotFound("document template version")
    _publish(tpl, version)
    return version


def read_defaults(directory: str | Path = DEFAULT_DIR) -> dict[DocumentType, dict[str, Any]]:
    """The template files of a folder (``<type>.json``), by document type.

    :raises TemplateRejected: on a file that is not JSON or names no known type.
    """
    out: dict[DocumentType, dict[str, Any]] = {}
    for path in sorted(Path(directory).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            doc_type = DocumentType(data.pop("type", path.stem))
        except (ValueError, AttributeError) as exc:
            raise TemplateRejected({path.name: [str(exc)]}) from None
        out[doc_type] = data
    return out


def load_defaults(
    session: Session, directory: str | Path = DEFAULT_DIR, *, force: bool = False
) -> list[str]:
    """Load the shipped templates: a type without a template gets one, published.

    A template an administrator has published is left alone unless ``force`` (then a changed
    file becomes a new published version). Returns the types that changed; the caller commits.

    :raises TemplateRejected: when a file is refused (nothing of it is stored); ``problems``
        are keyed "<file>: <part>".
    """
    changed: list[str] = []
    for doc_type, content in read_defaults(directory).items():
        tpl = template(session, doc_type)
        if tpl is not None and tpl.published_version_id is not None and not force:
            continue
        before = tpl.published_version_id if tpl is not None else None
        try:
            version = save_version(
                session, doc_type, content, actor_id=None, note=None,
                publish_now=True,
            )
        except TemplateRejected as exc:
            raise TemplateRejected(
                {f"{doc_type.value}.json: {k}": v for k, v in exc.problems.items()}
            ) from None
        if version.id != before:
            changed.append(doc_type.value)
    return changed


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace ``{field}`` placeholders with the case's values ("—" for an empty one)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip()) or "—", text)
