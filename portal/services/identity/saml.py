"""The portal's side of the national unified login: SAML 2.0 Web Browser SSO (python3-saml).

Flask-AppBuilder's ``AUTH_SAML`` would replace the login of the whole application, but
officers keep their password login (``AUTH_DB``): FAB has one ``AUTH_TYPE`` per app. So the
portal runs the exchange itself with python3-saml (``OneLogin_Saml2_Auth``), reading the same
settings FAB would (``SAML_CONFIG``, ``SAML_PROVIDERS`` with ``idp`` and
``attribute_mapping``; see ``config.py``), and builds them per request through FAB's own
``get_saml_settings``.

What is checked, and where:

* by python3-saml (``strict``): the assertion's XML signature against the IdP's certificate
  (unsigned, differently signed or altered assertions fail), the audience (our entity id),
  the recipient and destination (our ACS URL), validity times (with its 5 minutes of clock
  drift), the issuer, the SAML schema;
* here: the response answers a request we made (``InResponseTo`` equals the request id kept
  in the signed, time-limited RelayState; unsolicited responses are refused), and no response
  or assertion ID is accepted twice (:class:`~portal.models.SamlUsedMessage` keeps them until
  they expire).

The RelayState, not the session, carries the request: the IdP posts back cross-site, and the
session cookie (SameSite=Lax) does not come with such a POST.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from lxml import etree
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import IdentityScheme, SamlUsedMessage
from portal.models.base import utcnow
from portal.security import headers
from portal.services.casework import personal_code
from portal.services.errors import DomainError

__all__ = [
    "LoginRefused",
    "NationalIdentity",
    "Pending",
    "ServiceUnavailable",
    "consume_response",
    "is_configured",
    "login_redirect",
    "sp_metadata",
]

log = logging.getLogger(__name__)
_RELAY_SALT = "plus.saml.relay"
_CLOCK_DRIFT = dt.timedelta(minutes=5)  # python3-saml's ALLOWED_CLOCK_DRIFT


class LoginRefused(DomainError):
    """The IdP's answer is not accepted (bad, replayed, late or not ours); ``reason`` says why."""

    def __init__(self, message: object, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class ServiceUnavailable(DomainError):
    """The national login is not configured, or the IdP's metadata cannot be read."""


@dataclass(frozen=True)
class NationalIdentity:
    """The person an accepted assertion names."""

    scheme: str
    subject: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class Pending:
    """What the RelayState carries from the login start to the response."""

    request_id: str
    next_url: str
    invitation_id: int | None


def _provider() -> dict[str, Any]:
    providers = current_app.config.get("SAML_PROVIDERS") or []
    if not providers:
        raise ServiceUnavailable(_l("The national login is not available."))
    return dict(providers[0])


def is_configured() -> bool:
    """Whether the portal offers the national login (an IdP metadata URL or IdP settings)."""
    cfg = current_app.config
    providers = cfg.get("SAML_PROVIDERS") or []
    return bool(cfg.get("SAML_IDP_METADATA_URL")) or bool(providers and providers[0].get("idp"))


def offer_national_login() -> bool:
    """Whether a page offers the national login; if it does, its form may lead to the IdP.

    Never fetches the IdP's metadata (the password login page must not wait for the IdP): the
    SSO address comes from the settings or the cached metadata, else the metadata's own origin.
    """
    if not is_configured():
        return False
    providers = current_app.config.get("SAML_PROVIDERS") or []
    idp = dict(providers[0].get("idp") or {}) if providers else {}
    url = current_app.config.get("SAML_IDP_METADATA_URL", "")
    cached = current_app.extensions.get("plus_saml_metadata", {}).get(url)
    if not idp and cached is not None:
        idp = dict(cached[1])
    sso = (idp.get("singleSignOnService") or {}).get("url") or url
    parts = urlsplit(sso)
    if parts.scheme in ("http", "https") and parts.netloc:
        headers.allow_form_action(f"{parts.scheme}://{parts.netloc}")
    return True


def _idp_settings() -> dict[str, Any]:
    provider = _provider()
    if provider.get("idp"):
        return dict(provider["idp"])
    url = current_app.config.get("SAML_IDP_METADATA_URL", "")
    if not url:
        raise ServiceUnavailable(_l("The national login is not available."))
    cache = current_app.extensions.setdefault("plus_saml_metadata", {})
    max_age = current_app.config.get("SAML_METADATA_CACHE_SECONDS", 3600)
    cached = cache.get(url)
    if cached is not None and time.monotonic() - cached[0] < max_age:
        return dict(cached[1])
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse_remote(
            url, timeout=10, entity_id=current_app.config.get("SAML_IDP_ENTITY_ID") or None)
    except Exception as exc:  # network, HTTP or XML errors alike: the login is unavailable
        log.warning("national login: IdP metadata could not be read: %s", type(exc).__name__)
        raise ServiceUnavailable(_l("The national login is not available.")) from exc
    idp = parsed.get("idp") or {}
    if not idp.get("singleSignOnService") or not (idp.get("x509cert") or idp.get("x509certMulti")):
        raise ServiceUnavailable(_l("The national login is not available."))
    cache[url] = (time.monotonic(), idp)
    return dict(idp)


def _read(path: str) -> str:
    return Path(path).read_text(encoding="ascii") if path else ""


def settings(with_idp: bool = True) -> dict[str, Any]:
    """python3-saml settings for this request: FAB's ``get_saml_settings`` plus our SP and IdP.

    :param with_idp: False for the SP's own metadata, which must not wait for the IdP.
    :raises ServiceUnavailable: when no IdP is configured or its metadata cannot be read.
    """
    from portal.extensions import security_manager

    cfg = current_app.config
    if not is_configured():
        raise ServiceUnavailable(_l("The national login is not available."))
    result = security_manager.get_saml_settings(_provider()["name"])
    result["idp"] = _idp_settings() if with_idp else {}
    sp = dict(result.get("sp") or {})
    sp["entityId"] = cfg.get("SAML_SP_ENTITY_ID") or url_for(
        "portal.saml_metadata", _external=True)
    sp["assertionConsumerService"] = {
        "url": url_for("portal.saml_acs", _external=True),
        "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
    }
    sp["x509cert"] = _read(cfg.get("SAML_SP_CERT_FILE", ""))
    sp["privateKey"] = _read(cfg.get("SAML_SP_KEY_FILE", ""))
    result["sp"] = sp
    security = dict(result.get("security") or {})
    security["authnRequestsSigned"] = bool(sp["privateKey"])
    result["security"] = security
    return result


def _request_data() -> dict[str, Any]:
    """The current Flask request in python3-saml's shape (as FAB's ``_prepare_saml_request``)."""
    return {
        "https": "on" if request.scheme == "https" else "off",
        "http_host": request.host,
        "server_port": request.environ.get("SERVER_PORT", "443"),
        "script_name": request.path,
        "get_data": request.args.copy(),
        "post_data": request.form.copy(),
        "query_string": request.query_string.decode("utf-8", "replace"),
    }


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RELAY_SALT)


def _auth(saml_settings: dict[str, Any] | None = None) -> Any:
    from onelogin.saml2.auth import OneLogin_Saml2_Auth

    return OneLogin_Saml2_Auth(_request_data(), saml_settings or settings())


def login_redirect(next_url: str, invitation_id: int | None = None) -> str:
    """The IdP URL that starts a login (an AuthnRequest, HTTP-Redirect binding).

    As ``OneLogin_Saml2_Auth.login`` does, but the request is made first so that its id can
    go into the signed RelayState.

    :param next_url: where to go afterwards (a checked local path).
    :param invitation_id: an invitation to redeem with the person who logs in.
    :raises ServiceUnavailable: when the national login is not available.
    """
    auth = _auth()
    saml_settings = auth.get_settings()
    authn = auth.authn_request_class(saml_settings)
    relay = _serializer().dumps({"r": authn.get_id(), "n": next_url, "i": invitation_id})
    parameters = {"SAMLRequest": authn.get_request(), "RelayState": relay}
    security = saml_settings.get_security_data()
    if security.get("authnRequestsSigned", False):
        auth.add_request_signature(parameters, security["signatureAlgorithm"])
    return str(auth.redirect_to(auth.get_sso_url(), parameters))


def _pending(relay_state: str) -> Pending:
    max_age = int(current_app.config.get("SAML_REQUEST_MAX_AGE", 900))
    try:
        data = _serializer().loads(relay_state or "", max_age=max_age)
    except BadSignature as exc:  # also SignatureExpired
        raise LoginRefused(
            _l("The login took too long or was not started here. Please log in again."),
            "relay_state",
        ) from exc
    invitation = data.get("i")
    return Pending(str(data.get("r") or ""), str(data.get("n") or ""),
                   int(invitation) if invitation is not None else None)


def _remember_once(session: Session, ids: list[str], until: dt.datetime) -> bool:
    """Store message ids as used; False if any was used already (a replay)."""
    now = utcnow()
    session.execute(delete(SamlUsedMessage).where(SamlUsedMessage.expires_at < now))
    try:
        with session.begin_nested():
            for message_id in ids:
                session.add(SamlUsedMessage(message_id=message_id[:256], expires_at=until))
            session.flush()
    except IntegrityError:
        return False
    return True


def _identity(values: dict[str, str]) -> NationalIdentity:
    first = (values.get("first_name") or "").strip()[:64]
    last = (values.get("last_name") or "").strip()[:64]
    if values.get("personal_code"):
        try:
            code = personal_code.normalise(values["personal_code"])
        except personal_code.InvalidPersonalCode as exc:
            raise LoginRefused(_l("The national login did not give a usable personal code."),
                               "personal_code") from exc
        return NationalIdentity(IdentityScheme.LV, code, first, last)
    foreign = (values.get("foreign_id") or "").strip()
    if foreign and len(foreign) <= 256 and foreign.isprintable():
        return NationalIdentity(IdentityScheme.EIDAS, foreign, first, last)
    raise LoginRefused(_l("The national login did not give a usable personal code."),
                       "personal_code")


def consume_response(session: Session) -> tuple[NationalIdentity, Pending]:
    """Check the IdP's POSTed response and return the person it names and the pending login.

    The used response and assertion IDs are added to ``session`` (the caller commits).

    :raises LoginRefused: when the response is not accepted (the reason is logged, without
        personal data).
    :raises ServiceUnavailable: when the national login is not available.
    """
    from flask_appbuilder.security.saml.utils import map_saml_attributes
    from onelogin.saml2.errors import OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError

    refused = LoginRefused(_l("The national login could not confirm who you are. "
                              "Please log in again."), "invalid")
    pending = _pending(request.form.get("RelayState", ""))
    auth = _auth()
    try:
        auth.process_response(request_id=pending.request_id)
    except (OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError, ValueError,
            etree.LxmlError) as exc:
        # Missing, not base64, not XML, a DTD: whatever the bytes are, the answer is no.
        log.warning("national login refused: %s", type(exc).__name__)
        raise refused from exc
    if auth.get_errors() or not auth.is_authenticated():
        # python3-saml's reasons name audiences, URLs and times, never the person.
        log.warning("national login refused: %s", auth.get_last_error_reason())
        raise refused
    if auth.get_last_response_in_response_to() != pending.request_id:
        log.warning("national login refused: response does not answer our request")
        raise refused
    expires = auth.get_last_assertion_not_on_or_after()
    until = (
        dt.datetime.fromtimestamp(expires, dt.UTC) if expires
        else utcnow() + dt.timedelta(seconds=int(current_app.config["SAML_REQUEST_MAX_AGE"]))
    ) + _CLOCK_DRIFT
    ids = [f"response:{auth.get_last_message_id()}", f"assertion:{auth.get_last_assertion_id()}"]
    if not _remember_once(session, ids, until):
        log.warning("national login refused: replayed response")
        raise LoginRefused(_l("This login was already used. Please log in again."), "replay")
    provider = _provider()
    values = map_saml_attributes(auth.get_attributes(), dict(provider.get("attribute_mapping")
                                                             or {}))
    return _identity(dict(values)), pending


def sp_metadata() -> str:
    """The portal's SAML SP metadata XML (entity id, ACS, certificate if any), to register.

    :raises ServiceUnavailable: when the national login is not available.
    """
    from onelogin.saml2.settings import OneLogin_Saml2_Settings

    metadata = OneLogin_Saml2_Settings(settings(with_idp=False),
                                       sp_validation_only=True).get_sp_metadata()
    return metadata.decode("utf-8") if isinstance(metadata, bytes) else str(metadata)
