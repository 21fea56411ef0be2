"""Form definitions and their immutable versions: loading, drafting, publishing, comparing.

A :class:`~portal.models.FormDefinition` row is a form (key, titles, audience); its content
lives in :class:`~portal.models.FormVersion` rows that never change once written. A new
schema always makes a new version (number + 1); publishing points the definition at one of
its versions, so exactly one version is published at a time and every submission keeps the
version it was made against.

Every schema that reaches the database has passed :func:`portal.formsengine.load_definition`
(only what the server can enforce) and :func:`portal.formsengine.check_mapping` (the intake
mapping names real model fields). Problems come back as :class:`DefinitionRejected`, each
message starting with the component (or block) at fault: ``"email: 'logic' blocks are not
supported"``.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session, defer

from portal import formsengine as fe
from portal import record_labels
from portal.labels import LOADED_FROM
from portal.models import Audience, FormDefinition, FormVersion, PlusUser
from portal.models.base import utcnow
from portal.services import audit
from portal.services.errors import DomainError, NotFound
from portal.services.intake.form_diff import diff

__all__ = [
    "DefinitionRejected",
    "create_form",
    "diff",
    "forms_for_audience",
    "known_fields",
    "load_forms",
    "mapping_names",
    "parse_json_text",
    "parsed",
    "previous_version",
    "problems_by_component",
    "publish",
    "published",
    "restore",
    "retire",
    "save_draft",
    "schema_digest",
    "with_plus_block",
]

Actor = PlusUser | int | None


class DefinitionRejected(DomainError):
    """A definition the server cannot enforce or file; ``problems`` name each component."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems) or ["_form: the definition was refused"]
        super().__init__("; ".join(self.problems))


# --------------------------------------------------------------------------------------------
# Helpers


def _actor_id(actor: Actor) -> int | None:
    if actor is None or isinstance(actor, int):
        return actor
    return actor.id


def schema_digest(schema: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``schema`` (the engine's digest of the same data)."""
    return fe.load_definition(dict(schema)).digest


def known_fields() -> dict[str, set[str]]:
    """Model name -> its mapped column attributes, what an intake mapping may name."""
    from portal.models import Model

    return {
        mapper.class_.__name__: {attr.key for attr in mapper.column_attrs}
        for mapper in Model.registry.mappers
    }


#: records a portal form never creates or changes: the submission itself and its files
_NOT_MAPPABLE = frozenset({"Submission", "SubmissionAttachment"})
#: columns the system fills (on every record; a stored file's place and hash)
_SYSTEM_COLUMNS = frozenset({"id", "created_at", "updated_at", "storage_key", "sha256"})


def _sort_key(text: str) -> str:
    # Latvian letters with marks next to their base letter ("Ā" with "A", not after "Z").
    return unicodedata.normalize("NFD", text.casefold())


def mapping_names() -> list[dict[str, Any]]:
    """The record types and fields the builder's data mapping offers, named for the reader.

    ``[{"name": "HoursLog", "label": "Nostrādātās stundas", "fields": [{"name":
    "assignment_id", "label": "Darba uzdevums"}, ...]}, ...]`` in the current locale, sorted
    by label: record types users know by a name (not system tables), their columns without
    the ones the system fills. The stored mapping keeps the code names.
    """
    result = []
    for model, columns in known_fields().items():
        if model in _NOT_MAPPABLE or not record_labels.has_record_type_label(model):
            continue
        fields = [
            {"name": c, "label": record_labels.field_label(model, c)}
            for c in columns if c not in _SYSTEM_COLUMNS
        ]
        fields.sort(key=lambda f: (_sort_key(f["label"]), f["name"]))
        result.append(
            {"name": model, "label": record_labels.record_type_label(model), "fields": fields}
        )
    result.sort(key=lambda m: (_sort_key(m["label"]), m["name"]))
    return result


def problems_by_component(problems: Iterable[str]) -> dict[str, list[str]]:
    """Group ``"<component>: <message>"`` problems by component (``_form`` for the rest)."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        where, sep, message = problem.partition(": ")
        if not sep:
            where, message = "_form", problem
        grouped.setdefault(where, []).append(message)
    return grouped


def parse_json_text(text: str | bytes) -> dict[str, Any]:
    """Parse an uploaded definition; broken JSON raises :class:`DefinitionRejected`."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DefinitionRejected(["_form: the file is not UTF-8 text"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionRejected(
            [f"_form: broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    if not isinstance(data, dict):
        raise DefinitionRejected(["_form: a definition must be a JSON object"])
    return data


def with_plus_block(schema: Mapping[str, Any], definition: FormDefinition) -> dict[str, Any]:
    """``schema`` with a ``plus`` block: kept when present, else built from the definition.

    A schema straight from the builder (or exported from another Form.io tool) has no
    ``plus`` block; the form's key, audience and titles are known here, and the intake
    mapping is taken over from the published (or latest) version so that re-importing a
    builder export does not silently drop it.
    """
    result = dict(schema)
    if isinstance(result.get("plus"), dict):
        return result
    previous = definition.published_version or (
        definition.versions[-1] if definition.versions else None
    )
    intake: list[Any] = []
    if previous is not None and isinstance(previous.schema.get("plus"), dict):
        intake = list(previous.schema["plus"].get("intake") or [])
    result["plus"] = {
        "key": definition.key,
        "audience": definition.audience.value,
        "title": {"lv": definition.title_lv, "en": definition.title_en},
        "intake": intake,
    }
    if "i18n" not in result and previous is not None and "i18n" in previous.schema:
        result["i18n"] = previous.schema["i18n"]
    return result


def _check(schema: Any, key: str | None = None) -> fe.FormDefinition:
    """Parse and check a schema completely; raise :class:`DefinitionRejected` on any problem."""
    if not isinstance(schema, dict):
        raise DefinitionRejected(["_form: a definition must be a JSON object"])
    plus = schema.get("plus")
    if not isinstance(plus, dict):
        raise DefinitionRejected(
            ["plus: the definition needs a 'plus' block with key, audience and title"]
        )
    try:
        defn = fe.load_definition(schema)
    except fe.DefinitionError as exc:
        raise DefinitionRejected(exc.problems) from None
    problems = []
    if key is not None and defn.key != key:
        problems.append(f"plus: 'key' must be {key!r}, not {defn.key!r}")
    problems.extend(fe.check_mapping(defn, known_fields()))
    if problems:
        raise DefinitionRejected(problems)
    return defn


def _definition(session: Session, key: str) -> FormDefinition | None:
    return session.scalar(select(FormDefinition).where(FormDefinition.key == key))


def _latest(session: Session, definition: FormDefinition) -> FormVersion | None:
    return session.scalar(
        select(FormVersion)
        .where(FormVersion.definition_id == definition.id)
        .order_by(FormVersion.number.desc())
        .limit(1)
    )


def _new_version(
    session: Session,
    definition: FormDefinition,
    schema: dict[str, Any],
    digest: str,
    actor: Actor,
    note: str | None,
) -> FormVersion:
    last = session.scalar(
        select(func.max(FormVersion.number)).where(FormVersion.definition_id == definition.id)
    )
    version = FormVersion(
        definition=definition,
        number=(last or 0) + 1,
        # A deep copy: the caller's dict must not alias the stored, immutable schema.
        schema=json.loads(json.dumps(schema)),
        digest=digest,
        created_by_id=_actor_id(actor),
        note=note[:300] if note else None,
    )
    session.add(version)
    session.flush()
    return version


def _sync_meta(definition: FormDefinition, defn: fe.FormDefinition) -> None:
    """Titles and audience of the row follow the published version's ``plus`` block."""
    if defn.plus is None:
        return
    definition.title_lv = defn.plus.title.get("lv") or definition.title_lv
    definition.title_en = defn.plus.title.get("en") or definition.title_en
    definition.audience = Audience(defn.plus.audience)


# --------------------------------------------------------------------------------------------
# Immutability: a stored version's content never changes (submissions rely on it).

_FROZEN = ("schema", "digest", "number", "definition_id")


@event.listens_for(FormVersion, "before_update")
def _refuse_version_edit(_mapper: Any, _conn: Any, target: FormVersion) -> None:
    state = inspect(target)
    for name in _FROZEN:
        if state.attrs[name].history.has_changes():
            raise DomainError(f"form versions are immutable ({name} of {target.id})")


# --------------------------------------------------------------------------------------------
# Reading


_parsed_cache: dict[tuple[int, str], fe.FormDefinition] = {}
_parsed_lock = threading.Lock()
_PARSED_MAX = 256


def parsed(version: FormVersion) -> fe.FormDefinition:
    """The engine's parsed definition of ``version`` (cached by version id and digest)."""
    cache_key = (version.id, version.digest)
    hit = _parsed_cache.get(cache_key)
    if hit is not None:
        return hit
    defn = fe.load_definition(version.schema)
    with _parsed_lock:
        if len(_parsed_cache) >= _PARSED_MAX:
            _parsed_cache.clear()  # versions are few; a rare full reset is simplest
        _parsed_cache[cache_key] = defn
    return defn


def published(session: Session, key: str) -> tuple[FormDefinition, FormVersion] | None:
    """The form and its published version; None when missing, retired or unpublished."""
    # One round trip for both rows; the schema (the large part) is loaded only when
    # ``parsed`` misses its cache, which for a published version is once per process.
    row = session.execute(
        select(FormDefinition, FormVersion)
        .join(FormVersion, FormVersion.id == FormDefinition.published_version_id)
        .where(FormDefinition.key == key, FormDefinition.retired.is_(False))
        .options(defer(FormVersion.schema))
    ).first()
    if row is None:
        return None
    definition, version = row
    return definition, version


def forms_for_audience(session: Session, audience: Audience | str) -> list[FormDefinition]:
    """Published, not retired forms for ``audience`` (client, employer, volunteer)."""
    audience = Audience(audience)
    return list(
        session.scalars(
            select(FormDefinition)
            .where(
                FormDefinition.audience == audience,
                FormDefinition.retired.is_(False),
                FormDefinition.published_version_id.is_not(None),
            )
            .order_by(FormDefinition.title_lv, FormDefinition.key)
        )
    )


# --------------------------------------------------------------------------------------------
# Writing


def load_forms(session: Session, directory: str | Path) -> list[str]:
    """Create or update definitions from ``directory/*.json``; return the keys that changed.

    A file whose content was never loaded for its form becomes a new, published version;
    a file equal to any stored version of its form changes nothing (so edits a FormAdmin
    published in the builder are not overwritten on the next start). Every file is checked
    before anything is written: one broken file stores nothing.

    :raises DefinitionRejected: naming the file and the component at fault.
    """
    paths = sorted(Path(directory).glob("*.json"))
    checked: list[tuple[Path, dict[str, Any], fe.FormDefinition]] = []
    problems: list[str] = []
    for path in paths:
        try:
            schema = parse_json_text(path.read_bytes())
            defn = _check(schema, key=path.stem)
        except DefinitionRejected as exc:
            problems.extend(f"{path.name}: {p}" for p in exc.problems)
            continue
        checked.append((path, schema, defn))
    if problems:
        raise DefinitionRejected(problems)

    changed: list[str] = []
    with audit.acting_as(None, "load-forms"):
        for path, schema, defn in checked:
            assert defn.plus is not None  # _check requires it
            definition = _definition(session, defn.plus.key)
            if definition is None:
                definition = FormDefinition(
                    key=defn.plus.key,
                    title_lv=defn.plus.title["lv"],
                    title_en=defn.plus.title["en"],
                    audience=Audience(defn.plus.audience),
                )
                session.add(definition)
                session.flush()
            else:
                known = session.scalar(
                    select(FormVersion.id).where(
                        FormVersion.definition_id == definition.id,
                        FormVersion.digest == defn.digest,
                    )
                )
                if known is not None:
                    continue
            version = _new_version(
                session, definition, schema, defn.digest, None, f"{LOADED_FROM}{path.name}"
            )
            _publish(definition, version, defn)
            changed.append(definition.key)
        session.flush()
    return changed


def create_form(
    session: Session,
    key: str,
    title_lv: str,
    title_en: str,
    audience: Audience | str,
    actor: Actor,
) -> FormDefinition:
    """A new, empty form (no version yet; build it, save and publish).

    :raises DefinitionRejected: bad key or titles, or the key is taken.
    """
    key = (key or "").strip()
    title_lv, title_en = (title_lv or "").strip(), (title_en or "").strip()
    problems = []
    try:
        audience = Audience(audience)
    except ValueError:
        problems.append(f"plus: 'audience' must be one of {sorted(a.value for a in Audience)}")
    plus = {
        "key": key,
        "audience": str(getattr(audience, "value", audience)),
        "title": {"lv": title_lv, "en": title_en},
    }
    try:
        fe.load_definition({"display": "form", "components": [], "plus": plus})
    except fe.DefinitionError as exc:
        problems.extend(exc.problems)
    if len(key) > 60 or len(title_lv) > 200 or len(title_en) > 200:
        problems.append("plus: the key (60) or a title (200 characters) is too long")
    if not problems and _definition(session, key) is not None:
        problems.append(f"plus: a form with key {key!r} already exists")
    if problems:
        raise DefinitionRejected(sorted(set(problems)))
    with audit.acting_as(_actor_id(actor), "forms"):
        definition = FormDefinition(
            key=key, title_lv=title_lv, title_en=title_en, audience=Audience(audience)
        )
        session.add(definition)
        session.flush()
    return definition


def save_draft(
    session: Session, key: str, schema: dict[str, Any], actor: Actor, note: str | None = None
) -> FormVersion:
    """Store ``schema`` as a new (unpublished) version of form ``key``.

    The schema must carry a ``plus`` block for this key (see :func:`with_plus_block`). Saving
    the content of the latest version again returns that version instead of a copy.

    :raises DefinitionRejected: components, validation or logic the server cannot enforce,
        an intake mapping to unknown model fields, a missing or foreign ``plus`` block.
    :raises NotFound: no form with this key.
    """
    definition = _definition(session, key)
    if definition is None:
        raise NotFound(f"no form {key!r}")
    defn = _check(schema, key=key)
    latest = _latest(session, definition)
    if latest is not None and latest.digest == defn.digest:
        return latest
    with audit.acting_as(_actor_id(actor), "forms"):
        return _new_version(session, definition, schema, defn.digest, actor, note)


def _publish(definition: FormDefinition, version: FormVersion, defn: fe.FormDefinition) -> None:
    definition.published_version = version
    definition.published_version_id = version.id
    version.published_at = utcnow()
    _sync_meta(definition, defn)


def publish(session: Session, version_id: int, actor: Actor) -> FormVersion:
    """Make version ``version_id`` the one published version of its form.

    The version is checked again (the model may have changed since it was saved).

    :raises NotFound: no such version.
    :raises DefinitionRejected: it no longer passes the checks.
    """
    version = session.get(FormVersion, version_id)
    if version is None:
        raise NotFound(f"no form version {version_id}")
    definition = version.definition
    defn = _check(version.schema, key=definition.key)
    with audit.acting_as(_actor_id(actor), "forms"):
        _publish(definition, version, defn)
        session.flush()
    return version


def retire(session: Session, key: str, actor: Actor) -> FormDefinition:
    """Withdraw form ``key`` from the portal; its versions and submissions stay."""
    return _set_retired(session, key, actor, True)


def restore(session: Session, key: str, actor: Actor) -> FormDefinition:
    """Offer a retired form again (its published version, if any)."""
    return _set_retired(session, key, actor, False)


def _set_retired(session: Session, key: str, actor: Actor, retired: bool) -> FormDefinition:
    definition = _definition(session, key)
    if definition is None:
        raise NotFound(f"no form {key!r}")
    with audit.acting_as(_actor_id(actor), "forms"):
        definition.retired = retired
        session.flush()
    return definition


def previous_version(session: Session, version: FormVersion) -> FormVersion | None:
    """The version numbered just before ``version`` of the same form, if any."""
    return session.scalar(
        select(FormVersion)
        .where(
            FormVersion.definition_id == version.definition_id,
            FormVersion.number < version.number,
        )
        .order_by(FormVersion.number.desc())
        .limit(1)
    )
