"""The Latvian catalogue is complete: every string of the source has a reviewed translation.

Strings are extracted from the source tree at test time (Babel's API, same keywords and
``babel.cfg`` as ``make extract-messages``), so a string added without a Latvian translation
fails here. Only the .po files are read; nothing depends on compiled .mo files.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from portal.i18n_catalog import ROOT, extract_source

TRANSLATIONS = ROOT / "translations"
HOW_TO = "run `make extract-messages`, translate in translations/lv/LC_MESSAGES/messages.po"
# Named (%(name)s) and positional (%s, %d) placeholders; "51%" or "100 %" are not placeholders.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[sdif]")


def _catalog(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=locale)


def _template() -> Catalog:
    with open(TRANSLATIONS / "messages.pot", "rb") as fh:
        return read_po(fh)


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _translated(message: Message | None) -> bool:
    if message is None:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(s and s.strip() for s in strings)


def _report(title: str, lines: Iterable[str]) -> str:
    lines = sorted(set(lines))
    return f"{len(lines)} {title} ({HOW_TO}):\n" + "\n".join(f"  {line}" for line in lines)


@pytest.fixture(scope="module")
def lv() -> Catalog:
    return _catalog("lv")


@pytest.fixture(scope="module")
def source_messages() -> list[tuple[str | tuple[str, str], str | None, str]]:
    return [(msgid, context, path) for msgid, context, path, _ in extract_source()]


def test_extraction_sees_python_and_templates(source_messages) -> None:
    # Guards the test below: an extraction that silently found nothing would pass it.
    found = {(_key(m), Path(path).suffix) for m, _, path in source_messages}
    assert ("Worklist", ".html") in found
    assert ("Worklist", ".py") in found
    assert len(source_messages) > 100


def test_every_source_string_has_a_latvian_translation(source_messages, lv) -> None:
    missing = [
        f"{_key(msgid)!r}  ({path})"
        for msgid, context, path in source_messages
        if not _translated(lv.get(msgid, context=context))
    ]
    assert not missing, _report("strings without a Latvian translation", missing)


def test_every_template_string_is_translated(lv) -> None:
    """Covers the Flask-AppBuilder and WTForms strings listed in the template as well."""
    missing = [
        f"{_key(m.id)!r}  ({', '.join(path for path, _ in m.locations)})"
        for m in _template()
        if m.id and not _translated(lv.get(m.id, context=m.context))
    ]
    assert not missing, _report("template strings without a Latvian translation", missing)


@pytest.mark.parametrize("locale", ["lv", "en"])
def test_no_fuzzy_entries(locale) -> None:
    fuzzy = [repr(_key(m.id)) for m in _catalog(locale) if m.id and m.fuzzy]
    assert not fuzzy, _report(f"fuzzy entries in {locale} (review, then drop the flag)", fuzzy)


def test_latvian_keeps_every_placeholder(lv) -> None:
    wrong = []
    for m in lv:
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, (list, tuple)) else (m.id,)
        strings = m.string if isinstance(m.string, (list, tuple)) else (m.string,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for s in strings:
            if s and sorted(PLACEHOLDER.findall(s)) != expected:
                wrong.append(f"{ids[0]!r} -> {s!r}")
    assert not wrong, _report("translations whose placeholders differ", wrong)


def test_babel_checks_pass(lv) -> None:
    # The same checks `pybabel compile` makes (it fails the build on any of them).
    errors = [f"{_key(m.id)!r}: {'; '.join(map(str, errs))}" for m, errs in lv.check()]
    assert not errors, _report("catalogue errors", errors)


def test_latvian_catalogue_header(lv) -> None:
    assert str(lv.locale) == "lv"
    assert lv.num_plurals == 3  # Latvian: 1/21/31..., 0/10-20..., the rest


@pytest.mark.parametrize("locale", ["lv", "en"])
def test_catalogue_compiles(locale) -> None:
    out = io.BytesIO()
    write_mo(out, _catalog(locale))
    assert out.getvalue()


def test_english_catalogue_lists_the_same_strings(lv) -> None:
    # English is the source language (msgstr may stay empty), but its catalogue must be
    # updated with the Latvian one, or English screens would miss an override one day.
    en = _catalog("en")
    assert {(_key(m.id), m.context) for m in en if m.id} == {
        (_key(m.id), m.context) for m in lv if m.id
    }
