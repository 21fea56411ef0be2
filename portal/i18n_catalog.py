"""Build-time side of translations: which strings PLUS must translate, and the POT that lists them.

One place decides the extraction keywords and sources, so ``make extract-messages`` (which runs
``python -m portal.i18n_catalog``) and the test that fails on untranslated strings agree.

The template holds two kinds of messages:

* every string of our source tree (``babel.cfg``: ``portal/**.py``, ``config.py``, templates);
* the strings Flask-AppBuilder and WTForms show but ship no Latvian for. Flask-Babel merges
  catalogues (FAB's directory first, ours after it), so a Latvian ``msgstr`` in *our* catalogue
  is what the login page, list screens and form errors show. Listing them in the template keeps
  ``pybabel update`` from marking their translations obsolete.

Nothing here runs in the web application; it needs only Babel and Jinja2.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

__all__ = [
    "KEYWORDS",
    "ROOT",
    "build_template",
    "compile_stale",
    "extract_source",
    "third_party_messages",
    "write_template",
]

ROOT = Path(__file__).resolve().parent.parent
# Babel's defaults (_, gettext, ngettext, ...) plus Flask-Babel's lazy forms and our `_l` alias.
KEYWORDS: dict[str, object] = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
# Translator comments: `# NOTE: ...` above a string reaches the catalogue.
COMMENT_TAGS = ("NOTE:",)
PROJECT = "PLUS"
# Strings of FAB's example apps and OpenID login that its German catalogue still carries; PLUS
# never shows them, so nobody should have to translate them.
_FAB_NOT_SHOWN = frozenset(
    {
        "Contacts Birth Chart",
        "Contacts Chart",
        "Emp. Number",
        "Employee Number",
        "List Contacts",
        "My form View",
        "Test Field One",
        "Tweet message",
        "Click on your OpenID provider below",
        "Enter your OpenID Username",
        "OpenID",
        "Or enter your OpenID here",
    }
)


Message = tuple[str | tuple[str, str], str | None, str, list[str]]
"""(msgid or (singular, plural), context, file it comes from, translator comments)."""


def extract_source(root: Path = ROOT) -> Iterator[Message]:
    """Every translatable string of our tree, as ``babel.cfg`` maps it.

    Locations are relative paths; a template that Jinja cannot parse raises (``silent = false``
    in ``babel.cfg``), so a broken template cannot hide its strings.
    """
    with open(root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    for filename, _lineno, message, comments, context in extract_from_dir(
        str(root),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        yield _msgid(message), context, filename, list(comments)


def _msgid(message: str | tuple[str, ...]) -> str | tuple[str, str]:
    # Babel yields a tuple for plural keywords (and may include None for skipped arguments).
    if isinstance(message, tuple):
        return (message[0], message[1])
    return message


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{name} is not installed")
    return Path(spec.origin).parent


def _fab_messages() -> Iterator[Message]:
    """FAB's strings: its source (templates and Python) and its German catalogue's msgid list."""
    fab = _package_dir("flask_appbuilder")
    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    seen: set[str | tuple[str, str]] = set()
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(fab),
        method_map,
        {"templates/**.html": {"silent": "true"}},
        keywords=KEYWORDS,
        directory_filter=lambda d: Path(d).name not in {"tests", "__pycache__"},
    ):
        msgid = _msgid(message)
        if msgid and msgid not in seen and _singular(msgid) not in _FAB_NOT_SHOWN:
            seen.add(msgid)
            yield msgid, context, f"flask_appbuilder/{filename}", []
    de = fab / "translations" / "de" / "LC_MESSAGES" / "messages.po"
    with open(de, "rb") as fh:
        for msg in read_po(fh):
            msgid = _msgid(msg.id)
            if msgid and msgid not in seen and _singular(msgid) not in _FAB_NOT_SHOWN:
                seen.add(msgid)
                yield msgid, msg.context, "flask_appbuilder/translations", []


def _wtforms_messages() -> Iterator[Message]:
    """WTForms' validator and field messages (it has no Latvian catalogue)."""
    pot = _package_dir("wtforms") / "locale" / "wtforms.pot"
    with open(pot, "rb") as fh:
        for msg in read_po(fh):
            if msg.id:
                yield _msgid(msg.id), msg.context, "wtforms/locale/wtforms.pot", []


def _singular(msgid: str | tuple[str, str]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def third_party_messages() -> Iterator[Message]:
    """Strings that Flask-AppBuilder and WTForms show to our users."""
    yield from _fab_messages()
    yield from _wtforms_messages()


def _add(catalog: Catalog, messages: Iterable[Message]) -> None:
    for msgid, context, path, comments in messages:
        # No line numbers: they change with every edit and would make every extraction a
        # catalogue-wide diff (and a merge conflict between parallel branches).
        catalog.add(msgid, locations=[(path, None)], context=context, auto_comments=comments)


def build_template(root: Path = ROOT) -> Catalog:
    """The POT: our strings first, then the third-party ones."""
    catalog = Catalog(project=PROJECT, version="1.0", charset="utf-8", msgid_bugs_address=PROJECT,
                      copyright_holder="Valsts probācijas dienests")
    _add(catalog, extract_source(root))
    _add(catalog, third_party_messages())
    return catalog


def write_template(path: Path, root: Path = ROOT) -> Catalog:
    """Write the POT to ``path`` (sorted by source, without line numbers) and return it."""
    catalog = build_template(root)
    with open(path, "wb") as out:
        write_po(out, catalog, width=100, include_lineno=False, omit_header=False)
    return catalog


def compile_stale(directory: Path = ROOT / "translations") -> list[Path]:
    """Compile each ``messages.po`` whose ``.mo`` is missing or older; return those compiled.

    ``make translations`` compiles everything; this lets a bare ``pytest`` (or ``flask run``
    after editing a catalogue) see the current translations too. Each file is written aside
    and renamed, so a test run in parallel never reads half a catalogue.
    """
    compiled = []
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with open(po, "rb") as fh:
            catalog = read_po(fh)
        tmp = mo.with_name(f".{mo.name}.{os.getpid()}")
        with open(tmp, "wb") as out:
            write_mo(out, catalog, use_fuzzy=True)
        os.replace(tmp, mo)
        compiled.append(mo)
    return compiled


def main(argv: list[str] | None = None) -> None:
    """``python -m portal.i18n_catalog [OUTPUT]``: write the template (translations/messages.pot)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("output", nargs="?", default=str(ROOT / "translations" / "messages.pot"))
    args = parser.parse_args(argv)
    catalog = write_template(Path(args.output))
    print(f"{args.output}: {len(catalog)} messages")


if __name__ == "__main__":
    main()
