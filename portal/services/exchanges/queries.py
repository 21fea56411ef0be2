"""Registry queries: an officer asks a state registry about a client, always for a purpose.

There is no query without a purpose (its legal basis): :func:`ask` refuses one, and logs who
asked, about whom, when and why (the access log, and the query's own row). The query is an
``ExchangeMessage`` of direction *query* in the outbox, delivered like any outbound message
(retries with backoff, failed status); its answer is stored on the row for the officer.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Client, Direction, ExchangeMessage
from portal.services import access, audit
from portal.services.errors import NotFound, ValidationFailed
from portal.services.exchanges import outbox

__all__ = ["PURPOSES", "REGISTRIES", "ask", "check_choice", "enqueue_query", "for_client"]

#: registry connector -> system code
REGISTRIES: dict[str, str] = {"viis": "VIIS", "vdeavk": "IIS VDEAVK", "vid": "VID", "rd": "RD"}
#: the purposes an officer may choose from (the legal basis of each is VPD's to word; the
#: codes are what the log keeps)
PURPOSES: dict[str, object] = {
    "evaluation_report": _l("Preparing an evaluation report"),
    "supervision": _l("Supervision of a probation client"),
    "forced_labour": _l("Choosing suitable forced labour or community work"),
    "risk_assessment": _l("Risk and needs assessment"),
}


def check_choice(registry: str, purpose: str) -> None:
    """Refuse a query without a (known) purpose or to an unknown registry.

    :raises ValidationFailed: naming the field at fault.
    """
    if purpose not in PURPOSES:
        raise ValidationFailed(_l("Choose the purpose of the query."), "purpose")
    if registry not in REGISTRIES:
        raise ValidationFailed(_l("Choose a registry."), "registry")


def enqueue_query(
    session: Session, *, registry: str, client: Client, purpose: str, user_id: int | None,
    unit_id: int | None, key: str, correlation_id: str | None = None,
) -> ExchangeMessage:
    """Put one query about ``client`` into the outbox and log who asked and why (the access
    log row; the message keeps the purpose). The caller has checked scope and choice, and
    commits."""
    message = outbox.enqueue(
        session, connector=registry, system=REGISTRIES[registry], kind="registry_query",
        direction=Direction.QUERY, key=key,
        payload={"personal_code": client.personal_code, "purpose": purpose},
        client_id=client.id, unit_id=unit_id, correlation_id=correlation_id,
    )
    message.processed_by_id = user_id  # who asked (the row's created_at says when)
    audit.record_access(session, user_id=user_id, action=f"registry.{registry}",
                        client_id=client.id)
    return message


def ask(
    session: Session, *, registry: str, client_id: int, purpose: str, actor: access.Actor
) -> ExchangeMessage:
    """Queue a query to ``registry`` about a client the actor may see; commits.

    :raises ValidationFailed: no (or an unknown) purpose, or an unknown registry.
    :raises NotFound: the client is not in the actor's scope.
    """
    check_choice(registry, purpose)
    client = session.scalars(
        select(Client).where(Client.id == client_id, access.condition(Client, actor))
    ).first()
    if client is None or not actor.does_casework:
        raise NotFound(_l("The client does not exist or is not in your unit."))
    message = enqueue_query(
        session, registry=registry, client=client, purpose=purpose, user_id=actor.user_id,
        unit_id=actor.unit_id,
        key=f"query:{registry}:{client.id}:{actor.user_id}:{outbox.utcnow().isoformat()}",
    )
    session.commit()
    return message


def for_client(
    session: Session, client_id: int, actor: access.Actor, *, limit: int = 20
) -> list[ExchangeMessage]:
    """The registry queries about a client, newest first (scoped like every exchange)."""
    return list(session.scalars(
        select(ExchangeMessage)
        .where(ExchangeMessage.client_id == client_id,
               ExchangeMessage.direction == Direction.QUERY,
               access.condition(ExchangeMessage, actor))
        .order_by(ExchangeMessage.id.desc()).limit(limit)
    ))
