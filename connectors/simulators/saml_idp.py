"""A local SAML 2.0 identity provider standing in for the national unified login (Latvija.lv).

It is a real IdP: it reads the portal's AuthnRequest (HTTP-Redirect binding), lets the user
choose a test person on a small page, and posts a Response whose assertion it signs with
RSA-SHA256 (XML-DSig by xmlsec, exclusive c14n) to the portal's assertion consumer service
(HTTP-POST binding). ``/metadata`` publishes its entity id, SSO address and signing
certificate, as the real one does. The key and certificate are generated at start (nothing
secret is in the repository) and live only in memory.

Latvian persons carry their personal code, eIDAS persons a foreign identifier, each with
given name and surname, under the attribute names in :data:`ATTRIBUTES`.

:func:`build_response` is also how the tests make assertions that must be refused: unsigned,
signed by another key, changed after signing, for another audience or recipient, expired.

Run it alone with ``python -m connectors.simulators.saml_idp --port 8081 --persons FILE``
(``make run`` does, with the demo's persons; see ``flask plus demo-national-login``).
Independent of the portal: it imports nothing from ``portal``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import html
import json
import secrets
import threading
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

__all__ = [
    "ATTRIBUTES",
    "IdentityProvider",
    "Person",
    "SimulatorServer",
    "build_response",
    "certificate_body",
    "generate_keypair",
    "load_persons",
    "start",
]

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
BINDING_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
BINDING_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
ATTRNAME_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"

#: attribute names: national (claims of the unified login) and eIDAS natural person
ATTRIBUTES: dict[str, str] = {
    "personal_code": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/privatepersonalidentifier",
    "given_name": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    "surname": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    "foreign_id": "http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier",
    "foreign_given_name": "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName",
    "foreign_surname": "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName",
}


@dataclass(frozen=True)
class Person:
    """A test person; exactly one of ``personal_code`` and ``foreign_id`` is set."""

    label: str
    given_name: str
    surname: str
    personal_code: str | None = None
    foreign_id: str | None = None

    @property
    def subject(self) -> str:
        """The identifier the assertion carries."""
        return self.personal_code or self.foreign_id or ""

    def attributes(self) -> dict[str, str]:
        """The SAML attributes (name -> value) of this person."""
        if self.personal_code:
            return {
                ATTRIBUTES["personal_code"]: self.personal_code,
                ATTRIBUTES["given_name"]: self.given_name,
                ATTRIBUTES["surname"]: self.surname,
            }
        return {
            ATTRIBUTES["foreign_id"]: self.foreign_id or "",
            ATTRIBUTES["foreign_given_name"]: self.given_name,
            ATTRIBUTES["foreign_surname"]: self.surname,
        }


def load_persons(path: str | Path) -> list[Person]:
    """Persons from a JSON list of objects with the fields of :class:`Person`."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Person(**row) for row in rows]


def generate_keypair(common_name: str = "PLUS IdP simulator") -> tuple[bytes, bytes]:
    """A new RSA key and a self-signed certificate for it, both PEM (for tests and demo only).

    :returns: ``(private_key_pem, certificate_pem)``.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def certificate_body(cert_pem: bytes) -> str:
    """The base64 body of a PEM certificate, as metadata and KeyInfo carry it."""
    lines = cert_pem.decode("ascii").strip().splitlines()
    return "".join(line for line in lines if not line.startswith("-----"))


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_id() -> str:
    return "_" + secrets.token_hex(20)


def _sign(element: etree._Element, key_pem: bytes, cert_pem: bytes) -> None:
    """Sign ``element`` (enveloped, by its ID), the signature right after its Issuer."""
    signature = xmlsec.template.create(
        element, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformRsaSha256,
        ns="ds",
    )
    element.insert(1, signature)  # the schema wants it after saml:Issuer
    ref = xmlsec.template.add_reference(
        signature, xmlsec.constants.TransformSha256, uri="#" + element.get("ID")
    )
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformExclC14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    ctx = xmlsec.SignatureContext()
    key = xmlsec.Key.from_memory(key_pem, xmlsec.constants.KeyDataFormatPem)
    key.load_cert_from_memory(cert_pem, xmlsec.constants.KeyDataFormatPem)
    ctx.key = key
    ctx.register_id(element, "ID")
    ctx.sign(signature)


def _sub(parent: etree._Element, ns: str, tag: str, text: str | None = None,
         **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def build_response(
    person: Person,
    *,
    issuer: str,
    key_pem: bytes,
    cert_pem: bytes,
    audience: str,
    acs_url: str,
    in_response_to: str | None,
    issued_at: dt.datetime | None = None,
    lifetime: dt.timedelta = dt.timedelta(minutes=5),
    sign: bool = True,
    tamper: dict[str, str] | None = None,
    recipient: str | None = None,
) -> str:
    """A base64 SAML Response for ``person`` with one assertion, signed unless ``sign=False``.

    :param audience: the SP entity id the assertion is restricted to.
    :param acs_url: where it is posted: the Response's Destination and the Recipient.
    :param issued_at: when it was issued (default now); it is valid for ``lifetime``.
    :param tamper: attribute values to change after signing (to prove the check).
    :param recipient: the assertion's Recipient when it should differ from ``acs_url``.
    """
    now = issued_at or dt.datetime.now(dt.UTC)
    until = now + lifetime
    nsmap = {"samlp": SAMLP, "saml": SAML}
    response = etree.Element(f"{{{SAMLP}}}Response", nsmap=nsmap)
    response.set("ID", _new_id())
    response.set("Version", "2.0")
    response.set("IssueInstant", _instant(now))
    response.set("Destination", acs_url)
    if in_response_to:
        response.set("InResponseTo", in_response_to)
    _sub(response, SAML, "Issuer", issuer)
    status = _sub(response, SAMLP, "Status")
    _sub(status, SAMLP, "StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:Success")

    assertion = _sub(response, SAML, "Assertion", ID=_new_id(), Version="2.0",
                     IssueInstant=_instant(now))
    _sub(assertion, SAML, "Issuer", issuer)
    subject = _sub(assertion, SAML, "Subject")
    # A pairwise pseudonym as NameID: the identifier itself travels only as an attribute.
    pseudonym = hashlib.sha256(f"{issuer}|{audience}|{person.subject}".encode()).hexdigest()[:40]
    _sub(subject, SAML, "NameID", pseudonym, Format=NAMEID_PERSISTENT,
         SPNameQualifier=audience)
    confirmation = _sub(subject, SAML, "SubjectConfirmation",
                        Method="urn:oasis:names:tc:SAML:2.0:cm:bearer")
    data = _sub(confirmation, SAML, "SubjectConfirmationData",
                NotOnOrAfter=_instant(until), Recipient=recipient or acs_url)
    if in_response_to:
        data.set("InResponseTo", in_response_to)
    conditions = _sub(assertion, SAML, "Conditions",
                      NotBefore=_instant(now - dt.timedelta(seconds=30)),
                      NotOnOrAfter=_instant(until))
    restriction = _sub(conditions, SAML, "AudienceRestriction")
    _sub(restriction, SAML, "Audience", audience)
    statement = _sub(assertion, SAML, "AuthnStatement", AuthnInstant=_instant(now),
                     SessionIndex=_new_id(), SessionNotOnOrAfter=_instant(until))
    context = _sub(statement, SAML, "AuthnContext")
    _sub(context, SAML, "AuthnContextClassRef",
         "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
    attributes = _sub(assertion, SAML, "AttributeStatement")
    for name, value in person.attributes().items():
        attribute = _sub(attributes, SAML, "Attribute", Name=name, NameFormat=ATTRNAME_URI)
        node = etree.SubElement(attribute, f"{{{SAML}}}AttributeValue", nsmap={"xs": XS,
                                                                             "xsi": XSI})
        node.set(f"{{{XSI}}}type", "xs:string")
        node.text = value
    if sign:
        _sign(assertion, key_pem, cert_pem)
    for name, value in (tamper or {}).items():
        for node in assertion.iter(f"{{{SAML}}}Attribute"):
            if node.get("Name") == name:
                node[0].text = value
    xml = etree.tostring(response, xml_declaration=True, encoding="UTF-8")
    return base64.b64encode(xml).decode("ascii")


@dataclass(frozen=True)
class AuthnRequest:
    """What the simulator needs from a portal's AuthnRequest."""

    id: str
    issuer: str
    acs_url: str


def parse_authn_request(encoded: str) -> AuthnRequest:
    """Read a deflated, base64 AuthnRequest (HTTP-Redirect binding).

    :raises ValueError: when it is not one.
    """
    try:
        raw = zlib.decompress(base64.b64decode(encoded), -15)
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(raw, parser)
    except (ValueError, zlib.error, etree.XMLSyntaxError) as exc:
        raise ValueError("not a SAML AuthnRequest") from exc
    if root.tag != f"{{{SAMLP}}}AuthnRequest":
        raise ValueError("not a SAML AuthnRequest")
    issuer = root.findtext(f"{{{SAML}}}Issuer") or ""
    return AuthnRequest(root.get("ID", ""), issuer, root.get("AssertionConsumerServiceURL", ""))


@dataclass
class IdentityProvider:
    """The simulator's state: its entity id, key, certificate and test persons."""

    base_url: str
    persons: list[Person]
    key_pem: bytes = b""
    cert_pem: bytes = b""
    entity_id: str = ""
    lifetime: dt.timedelta = field(default=dt.timedelta(minutes=5))

    def __post_init__(self) -> None:
        if not self.key_pem:
            self.key_pem, self.cert_pem = generate_keypair()
        self.entity_id = self.entity_id or f"{self.base_url}/metadata"

    @property
    def metadata_url(self) -> str:
        """Where the portal reads this IdP's metadata."""
        return f"{self.base_url}/metadata"

    def metadata(self) -> bytes:
        """The IdP's SAML metadata: entity id, signing certificate, SSO address."""
        root = etree.Element(f"{{{MD}}}EntityDescriptor", nsmap={"md": MD, "ds": DS},
                             entityID=self.entity_id)
        idp = _sub(root, MD, "IDPSSODescriptor", WantAuthnRequestsSigned="false",
                   protocolSupportEnumeration=SAMLP)
        descriptor = _sub(idp, MD, "KeyDescriptor", use="signing")
        info = _sub(descriptor, DS, "KeyInfo")
        data = _sub(info, DS, "X509Data")
        _sub(data, DS, "X509Certificate", certificate_body(self.cert_pem))
        _sub(idp, MD, "NameIDFormat", NAMEID_PERSISTENT)
        _sub(idp, MD, "SingleSignOnService", Binding=BINDING_REDIRECT,
             Location=f"{self.base_url}/sso")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def respond(self, person: Person, request: AuthnRequest, **faults: Any) -> str:
        """A signed Response for ``person`` answering ``request`` (see :func:`build_response`)."""
        options: dict[str, Any] = {
            "issuer": self.entity_id, "key_pem": self.key_pem, "cert_pem": self.cert_pem,
            "audience": request.issuer, "acs_url": request.acs_url,
            "in_response_to": request.id, "lifetime": self.lifetime,
        }
        options.update(faults)
        return build_response(person, **options)


_PAGE = """<!doctype html>
<html lang="lv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}
.sim{{background:#fff3cd;padding:.5rem 1rem;border:1px solid #e0c060}}
button{{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem;text-align:left}}
</style></head><body>
<p class="sim">Vienotās pieteikšanās simulators izstrādei un testiem: īstas personas šeit netiek
autentificētas.</p>
{body}
</body></html>"""


def _page(title: str, body: str) -> bytes:
    return _PAGE.format(title=html.escape(title), body=body).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: SimulatorServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the query strings carry SAML messages; keep them out of the console

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
              ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        parts = urlsplit(self.path)
        idp = self.server.idp
        if parts.path == "/metadata":
            self._send(200, idp.metadata(), "application/samlmetadata+xml")
            return
        if parts.path != "/sso":
            self._send(404, _page("Nav atrasts", "<h1>Nav atrasts</h1>"))
            return
        query = parse_qs(parts.query)
        encoded = query.get("SAMLRequest", [""])[0]
        try:
            parse_authn_request(encoded)
        except ValueError:
            self._send(400, _page("Kļūda", "<h1>Nederīgs autentifikācijas pieprasījums</h1>"))
            return
        relay = query.get("RelayState", [""])[0]
        buttons = "".join(
            f'<button type="submit" name="person" value="{i}">'
            f"{html.escape(p.given_name)} {html.escape(p.surname)} — {html.escape(p.label)}"
            f"</button>"
            for i, p in enumerate(idp.persons)
        )
        body = (
            "<h1>Latvija.lv — vienotā pieteikšanās (simulators)</h1>"
            "<p>Izvēlieties personu, kā kuru pieteikties.</p>"
            '<form method="post" action="/sso/login">'
            f'<input type="hidden" name="SAMLRequest" value="{html.escape(encoded)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay)}">'
            f"{buttons}</form>"
        )
        self._send(200, _page("Pieteikšanās", body))

    def do_POST(self) -> None:  # noqa: N802
        if urlsplit(self.path).path != "/sso/login":
            self._send(404, _page("Nav atrasts", "<h1>Nav atrasts</h1>"))
            return
        length = min(int(self.headers.get("Content-Length") or 0), 200_000)
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        idp = self.server.idp
        try:
            request = parse_authn_request(form.get("SAMLRequest", [""])[0])
            person = idp.persons[int(form.get("person", ["-1"])[0])]
        except (ValueError, IndexError):
            self._send(400, _page("Kļūda", "<h1>Nederīgs pieprasījums</h1>"))
            return
        target = urlsplit(request.acs_url)
        if target.scheme not in ("http", "https") or target.hostname not in (
            "127.0.0.1", "localhost"
        ):
            # A simulator answers only local portals.
            self._send(400, _page("Kļūda", "<h1>Atbildes adrese nav vietēja</h1>"))
            return
        saml_response = idp.respond(person, request)
        relay = form.get("RelayState", [""])[0]
        body = (
            "<h1>Pārsūta uz pakalpojumu…</h1>"
            f'<form method="post" action="{html.escape(request.acs_url)}" id="saml">'
            f'<input type="hidden" name="SAMLResponse" value="{saml_response}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay)}">'
            '<button type="submit">Turpināt</button></form>'
            "<script>document.getElementById('saml').submit()</script>"
        )
        self._send(200, _page("Pārsūta", body))


class SimulatorServer(ThreadingHTTPServer):
    """The simulator's HTTP server; ``idp`` holds its state."""

    daemon_threads = True

    def __init__(self, host: str, port: int, persons: list[Person]) -> None:
        super().__init__((host, port), _Handler)
        self.idp = IdentityProvider(f"http://{host}:{self.server_port}", persons)
        self._thread: threading.Thread | None = None

    def start(self) -> SimulatorServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="saml-idp", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)


def start(persons: list[Person], port: int = 0) -> SimulatorServer:
    """Start a simulator on 127.0.0.1 (``port`` 0: a free one) in a background thread."""
    return SimulatorServer("127.0.0.1", port, persons).start()


DEFAULT_PERSONS = [
    Person("persona bez probācijas lietas", "Jānis", "Paraugs", personal_code="329900-00013"),
    Person("ES pilsonis (eIDAS)", "Hans", "Muster", foreign_id="DE/LV/0123456789"),
]


def main(argv: list[str] | None = None) -> None:
    """Command line: serve the simulator until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--persons", help="JSON file of test persons")
    args = parser.parse_args(argv)
    persons = load_persons(args.persons) if args.persons else DEFAULT_PERSONS
    server = SimulatorServer("127.0.0.1", args.port, persons)
    print(f"SAML IdP simulator at {server.idp.base_url} (metadata: {server.idp.metadata_url})",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
