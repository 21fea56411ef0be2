"""Document storage: files kept under UPLOAD_FOLDER (outside the web root) with limits."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.services.errors import ValidationFailed

# Magic numbers of the binary types we accept, so a renamed executable is refused.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "odt": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
}


# Markup a browser would run if it ever took the file for a web page: a PDF (or image, or
# text) that starts right but carries HTML is refused, whatever its first bytes say.
_ACTIVE_CONTENT = re.compile(
    rb"<\s*(?:html|script|body|iframe|frame|svg|object|embed|form|meta\s+http-equiv|"
    rb"!doctype\s+html)\b|javascript:",
    re.IGNORECASE,
)
_SCAN_CHUNK = 256 * 1024
_SCAN_OVERLAP = 64


def carries_markup(stream: IO[bytes]) -> bool:
    """Whether the file holds HTML or script anywhere (the stream's position is kept)."""
    position = stream.tell()
    stream.seek(0)
    tail = b""
    try:
        for chunk in iter(lambda: stream.read(_SCAN_CHUNK), b""):
            if _ACTIVE_CONTENT.search(tail + chunk):
                return True
            tail = chunk[-_SCAN_OVERLAP:]
    finally:
        stream.seek(position)
    return False


def check_upload(filename: str, head: bytes, size: int,
                 stream: IO[bytes] | None = None) -> tuple[str, str]:
    """Check an upload's name, size and content; return (extension, content type).

    ``head`` is the file's first bytes (its magic number); with ``stream`` the whole content
    is also checked for markup (:func:`carries_markup`).

    :raises ValidationFailed: on a forbidden type, an empty or oversized file, or content
        that does not match the type.
    """
    allowed: dict[str, str] = current_app.config["ALLOWED_UPLOAD_TYPES"]
    limit: int = current_app.config["MAX_UPLOAD_BYTES"]
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if ext not in allowed:
        raise ValidationFailed(
            _l("Files of this type are not accepted. Allowed: %(types)s.",
               types=", ".join(sorted(allowed))),
            "file",
        )
    if size <= 0:
        raise ValidationFailed(_l("The file is empty."), "file")
    if size > limit:
        raise ValidationFailed(
            _l("The file is larger than %(mb)s MB.", mb=round(limit / 1024 / 1024, 1)), "file"
        )
    signatures = _SIGNATURES.get(ext)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise ValidationFailed(_l("The file's content does not match its type."), "file")
    if ext == "txt" and b"\x00" in head:
        raise ValidationFailed(_l("The file's content does not match its type."), "file")
    if stream is not None and carries_markup(stream):
        raise ValidationFailed(_l("The file's content does not match its type."), "file")
    return ext, allowed[ext]


def display_name(filename: str) -> str:
    """The name a document is shown and downloaded under: the upload's own file name without
    any folder part or control characters (PostgreSQL refuses NUL), at most 255 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-255:] or "file"


def store(stream: IO[bytes]) -> tuple[str, int, str]:
    """Write the stream to a new random key; return (storage key, size, sha256)."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(20)
    digest = hashlib.sha256()
    size = 0
    target = folder / key
    with open(target, "wb") as out:
        for chunk in iter(lambda: stream.read(64 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    os.chmod(target, 0o600)
    return key, size, digest.hexdigest()


def path_of(storage_key: str) -> Path:
    """Where a stored document's bytes are."""
    if not storage_key.isalnum():
        raise ValueError("bad storage key")
    return Path(current_app.config["UPLOAD_FOLDER"]) / storage_key


def remove(storage_key: str) -> None:
    """Delete stored bytes (used when the transaction that stored them fails)."""
    try:
        path_of(storage_key).unlink()
    except FileNotFoundError:
        pass
