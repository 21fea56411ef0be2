"""Finding raw values in rendered Latvian screens: enum codes, Python literals, English msgids.

Used by ``test_lv_raw_values.py``: a crawler walks every screen a role can reach from its menu
and the pages those link to, and each page's visible text is checked here.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "translations" / "lv" / "LC_MESSAGES" / "messages.po"

#: attributes whose value a user reads (other attribute values are machine data)
READABLE_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label"})
#: elements whose content is not text on the screen
HIDDEN_ELEMENTS = frozenset({"script", "style", "template", "noscript"})
#: Python literals that mean a value was printed instead of formatted
LITERALS = re.compile(r"(?<![\w])(None|True|False|__None)(?![\w])|\[\]|\[['\"]|[{}]")
#: a document template's placeholder ({client.full_name}): meant to be shown as written
PLACEHOLDER = re.compile(r"\{[a-z_]+(\.[a-z_]+)*\}")


#: elements whose text is shown as written on purpose (a form's key, a setting's name)
LITERAL_ELEMENTS = frozenset({"code", "kbd", "samp"})
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                           "meta", "source", "track", "wbr"})


class Chunk(str):
    """A piece of visible text; ``english`` when it stands in an element marked lang="en" or
    in a field's typed value (the English version of a text is meant to be English)."""

    english: bool = False


class _VisibleText(HTMLParser):
    """Collects text nodes and readable attribute values, skipping scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[Chunk] = []
        self._hidden = 0
        self._literal = 0
        self._english: list[str] = []  # open elements that made the text English

    def _add(self, text: str) -> None:
        chunk = Chunk(text)
        chunk.english = bool(self._english)
        self.chunks.append(chunk)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
            return
        if tag in LITERAL_ELEMENTS:
            self._literal += 1
        values = dict(attrs)
        if tag not in VOID_ELEMENTS and ((values.get("lang") or "").startswith("en")
                                         or tag == "textarea"):
            self._english.append(tag)
        for name, value in attrs:
            if name in READABLE_ATTRIBUTES and value and value.strip():
                self._add(value.strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HIDDEN_ELEMENTS:
            for name, value in attrs:
                if name in READABLE_ATTRIBUTES and value and value.strip():
                    self._add(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1
        elif tag in LITERAL_ELEMENTS and self._literal:
            self._literal -= 1
        elif self._english and self._english[-1] == tag:
            self._english.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._literal and data.strip():
            self._add(" ".join(data.split()))


def visible_text(html: str) -> list[Chunk]:
    """The pieces of text a reader sees on the page (text nodes, titles, placeholders)."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.chunks


def csv_cells(body: str) -> list[str]:
    """Every cell of a CSV export (the header row too)."""
    return [cell.strip() for row in csv.reader(io.StringIO(body)) for cell in row if cell.strip()]


def enum_codes() -> tuple[frozenset[str], frozenset[str]]:
    """Values of every LabelledEnum: (codes with an underscore, plain-word codes).

    A code with an underscore never belongs in Latvian text; a plain word ("client", "active")
    counts only when it fills a whole cell or line, since it can be part of a login or an address.
    """
    from portal.models.base import LabelledEnum

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    values = {m.value for cls in subclasses(LabelledEnum) if issubclass(cls, enum.Enum)
              for m in cls if isinstance(m.value, str)}
    return (frozenset(v for v in values if "_" in v),
            frozenset(v for v in values if "_" not in v and len(v) > 2))


def english_msgids() -> frozenset[str]:
    """Msgids whose Latvian differs: seeing one on a Latvian page means it was left untranslated.

    Only msgids of two words or more without placeholders: a single English word ("Status")
    may be a proper name or a code, and placeholders make the text differ anyway.
    """
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh, locale="lv")
    found: set[str] = set()
    for message in catalogue:
        if not message.id or message.pluralizable or not isinstance(message.id, str):
            continue
        text = message.id.strip()
        if (message.string and message.string != message.id and "%" not in text
                and "{" not in text and len(text.split()) >= 2 and re.search("[a-z]", text)):
            found.add(text)
    return frozenset(found)


@dataclass
class Checker:
    """Finds raw values in a page's visible text."""

    underscored: frozenset[str]
    plain: frozenset[str]
    english: frozenset[str]
    _codes: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        alternatives = "|".join(sorted((re.escape(c) for c in self.underscored), key=len, reverse=True))
        self._codes = re.compile(rf"(?<![\w.@/-])({alternatives})(?![\w.@/-])")

    #: names that are keys in code: FAB role names, model class names ("HoursLog")
    names: frozenset[str] = frozenset()

    @classmethod
    def build(cls) -> Checker:
        from portal.models import Model
        from portal.services.access import Role

        underscored, plain = enum_codes()
        names = {*Role.ALL, "Public"} | {m.class_.__name__ for m in Model.registry.mappers}
        return cls(underscored, plain, english_msgids(), frozenset(names))

    def problems(self, chunks: Iterable[str], allowed: frozenset[str] = frozenset()) -> list[str]:
        """One line per leak: what kind and the text it was found in.

        ``allowed``: whole texts that are data, not codes (the logins of the demo users).
        """
        found: list[str] = []
        for chunk in chunks:
            if chunk in allowed:
                continue
            code = self._codes.search(chunk)
            if code:
                found.append(f"enum code {code.group(1)!r} in {chunk[:120]!r}")
            if chunk in self.plain:
                found.append(f"enum code {chunk!r}")
            if chunk in self.names and not getattr(chunk, "english", False):
                found.append(f"name from the code {chunk!r}")
            literal = LITERALS.search(PLACEHOLDER.sub("", chunk))
            if literal:
                found.append(f"Python literal {literal.group(0)!r} in {chunk[:120]!r}")
            if chunk in self.english and not getattr(chunk, "english", False):
                found.append(f"English msgid {chunk!r}")
        return found


#: links a crawler must not follow: they log out, switch language, change or delete data,
#: or serve files and machine formats (checked separately where they are human-facing)
SKIPPED_LINK = re.compile(
    r"/logout|/lang/|/delete|/action|/download|/attachment|/api/|/swagger|/static/|\.pdf$|\.json$"
    r"|/export|/builder|/saml|/forms/[^/]+/js|/opendatapublishview|/progress$"
)


#: parameters that only sort or page a list: the same template with other rows
SORTING = re.compile(r"(^|&)(_oc_|_od_|page_|psize_)")


def page_pattern(url: str) -> str:
    """The screen a URL shows, without record ids and parameter values: two URLs of the same
    pattern show the same template, so the crawler visits only a few of each."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+", "/N", parts.path.rstrip("/") or "/")
    keys = sorted({re.sub(r"\d+", "N", k) for k, _ in parse_qsl(parts.query, keep_blank_values=True)
                   if k not in ("next", "case_id", "client_id")})
    return path + ("?" + "&".join(keys) if keys else "")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def local_links(html: str) -> list[str]:
    """Same-site links of a page (absolute paths with their query), minus the skipped ones."""
    parser = _Links()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        link = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIPPED_LINK.search(parts.path) and not SORTING.search(parts.query):
            links.append(link)
    return links
