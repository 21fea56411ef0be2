"""Form.io's own texts for the @formio/js renderer: Form.io's English, proper Latvian.

* every Latvian translation keeps exactly the ``{{...}}`` placeholders of its msgid (Form.io
  fills them in; a lost ``{{field}}`` would drop the field's name from the message);
* the English texts (the msgids) are Form.io's defaults as in the vendored build, under keys
  the build really looks up, so a renderer upgrade that renames a key shows up here;
* the texts follow the request's locale and hold nothing the templates would take for markup.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import force_locale

from portal.i18n_catalog import ROOT
from portal.public.formio_i18n import FORMIO_TEXTS, formio_texts

BUNDLE = ROOT / "portal" / "static" / "vendor" / "formio" / "formio.full.min.js"
CONTEXT = "Form.io"
PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
# Keys of the default English dictionaries in the build (the renderer's, its Bootstrap 5
# templates', and @formio/core's validation messages for the few the renderer lacks).
DICTIONARY_ANCHORS = ("unsavedRowsError:", "dropFilesToAttach:", "t.EN_ERRORS={")
ENTRY = re.compile(r'([A-Za-z_$][\w$]*):"((?:[^"\\]|\\.)*)"')


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _object_at(source: str, anchor: str) -> str:
    """The object literal around ``anchor`` (first occurrence), strings skipped when matching."""
    at = source.index(anchor)
    start = source.rindex("{", 0, at) if not anchor.endswith("{") else at + len(anchor) - 1
    depth, i, quote = 0, start, ""
    while True:
        ch = source[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return source[start:i + 1]
        i += 1


@pytest.fixture(scope="module")
def bundle() -> str:
    return BUNDLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def formio_english(bundle: str) -> dict[str, str]:
    """Form.io's default English texts by key, the renderer's own winning over @formio/core's."""
    english: dict[str, str] = {}
    for anchor in reversed(DICTIONARY_ANCHORS):
        body = _object_at(bundle, anchor)
        english.update({k: v.replace('\\"', '"') for k, v in ENTRY.findall(body)})
    assert english["required"] == "{{field}} is required"  # the parse found the dictionaries
    return english


@pytest.fixture(scope="module")
def texts(app: Flask) -> dict[str, dict[str, str]]:
    with app.test_request_context():
        by_locale = {}
        for locale in ("lv", "en"):
            with force_locale(locale):
                by_locale[locale] = formio_texts()
    return by_locale


def test_every_latvian_translation_keeps_the_placeholders_of_its_msgid(texts) -> None:
    with open(ROOT / "translations" / "lv" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale="lv")
    entries = [m for m in catalog if m.id and m.context == CONTEXT]
    # Every msgid of the module is in the catalogue (English texts are the msgids).
    assert set(texts["en"].values()) <= {m.id for m in entries}
    wrong = [
        f"{m.id!r} -> {m.string!r}"
        for m in entries
        if not m.string or _placeholders(m.string) != _placeholders(m.id)
    ]
    assert not wrong, "Latvian Form.io texts with other placeholders than their msgid:\n" + \
        "\n".join(wrong)


def test_texts_follow_the_locale_and_keep_the_placeholders(texts) -> None:
    lv, en = texts["lv"], texts["en"]
    assert set(lv) == set(en) == set(FORMIO_TEXTS)
    assert lv["required"] == "{{field}} ir obligāts lauks."
    assert en["required"] == "{{field}} is required"
    for key in FORMIO_TEXTS:
        assert _placeholders(lv[key]) == _placeholders(en[key]), key
        if PLACEHOLDER.sub("", en[key]).strip():  # "{{ count }} {{ type }}" stays as it is
            assert lv[key] != en[key], f"{key!r} is not translated: {lv[key]!r}"


@pytest.mark.parametrize("locale", ["lv", "en"])
def test_texts_hold_no_markup_or_quotes(texts, locale) -> None:
    # Form.io's templates insert t() results into HTML and attribute values unescaped.
    bad = {k: v for k, v in texts[locale].items() if re.search(r"[\"<>&]", v)}
    assert not bad, bad


def test_english_is_formios_own_text_under_keys_it_looks_up(
    texts, formio_english, bundle
) -> None:
    en = texts["en"]
    wrong = []
    for key, text in en.items():
        if key in formio_english:
            expected = formio_english[key]
        else:
            # A template passing the English text itself as the key: t("numeric only").
            assert f't("{key}"' in bundle, f"@formio/js never looks up {key!r}"
            expected = key
        if text != expected:
            wrong.append(f"{key}: {text!r} != Form.io's {expected!r}")
    assert not wrong, "\n".join(wrong)
