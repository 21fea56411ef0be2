"""Languages for form definitions: error messages and translated definitions for the renderer.

Definitions carry Form.io's own translation block, ``{"i18n": {"en": {"Latvian text":
"English text"}}}``: a source text (label, description, option label, custom message) is its
own key, as ``@formio/js`` looks texts up. The same tables may override message keys such as
``required``. Messages are resolved the way ``@formio/js`` does:

1. ``validate.customMessage`` if the component has one, replacing every message;
2. else ``errors[<key>]`` of the component if present;
3. else the key itself;

then the result is looked up in the form's table for the locale, then in the built-in table
below, and ``{{field}}`` (the error label, itself translated), ``{{length}}``, ``{{min}}``,
``{{max}}`` and ``{{pattern}}`` are filled in. :func:`renderer_i18n` gives the browser the same
tables so both sides word errors alike.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from portal.formsengine.schema import Field, FormDefinition, sanitize_html

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "MESSAGES",
    "error_message",
    "normalize_locale",
    "renderer_i18n",
    "translate",
]

DEFAULT_LOCALE = "lv"
LOCALES = ("lv", "en")

# Keys are Form.io's where Form.io has one (required, minLength, invalid_email, ...); the rest
# (minRows, maxFiles, invalid_type, unknownField, ...) are ours, for checks the renderer makes
# structurally or not at all.
MESSAGES: Mapping[str, Mapping[str, str]] = {
    "lv": {
        "required": "{{field}} ir obligāts lauks.",
        "minLength": "{{field}}: jāievada vismaz {{length}} rakstzīmes.",
        "maxLength": "{{field}}: drīkst ievadīt ne vairāk kā {{length}} rakstzīmes.",
        "pattern": "{{field}}: vērtība neatbilst noteiktajam formātam.",
        "min": "{{field}}: vērtība nedrīkst būt mazāka par {{min}}.",
        "max": "{{field}}: vērtība nedrīkst būt lielāka par {{max}}.",
        "number": "{{field}}: jāievada skaitlis.",
        "integer": "{{field}}: jāievada vesels skaitlis.",
        "decimalLimit": "{{field}}: atļauti ne vairāk kā {{decimalLimit}} cipari aiz komata.",
        "invalid_email": "{{field}}: jāievada derīga e-pasta adrese.",
        "invalid_phone": "{{field}}: jāievada derīgs tālruņa numurs.",
        "mask": "{{field}}: vērtība neatbilst formātam {{mask}}.",
        "invalidOption": "{{field}}: izvēlēta nederīga vērtība.",
        "invalidDay": "{{field}}: nederīgs datums.",
        "invalidDate": "{{field}}: nederīgs datums.",
        "minDate": "{{field}}: datums nedrīkst būt agrāks par {{minDate}}.",
        "maxDate": "{{field}}: datums nedrīkst būt vēlāks par {{maxDate}}.",
        "requiredDayEmpty": "{{field}} ir obligāts lauks.",
        "requiredDayField": "{{field}}: jānorāda diena.",
        "requiredMonthField": "{{field}}: jānorāda mēnesis.",
        "requiredYearField": "{{field}}: jānorāda gads.",
        "nonarray": "{{field}}: vērtība nedrīkst būt saraksts.",
        "array": "{{field}}: vērtībai jābūt sarakstam.",
        "invalid_type": "{{field}}: nederīga vērtība.",
        "minRows": "{{field}}: jāaizpilda vismaz {{length}} rindas.",
        "maxRows": "{{field}}: drīkst aizpildīt ne vairāk kā {{length}} rindas.",
        "maxFiles": "{{field}}: drīkst pievienot ne vairāk kā {{count}} datnes.",
        "wrongFileType": "{{field}}: datnes {{name}} veids nav atļauts (atļauts: {{pattern}}).",
        "fileTooBig": "{{field}}: datne {{name}} ir pārāk liela (ne vairāk kā {{size}}).",
        "fileTooSmall": "{{field}}: datne {{name}} ir pārāk maza (vismaz {{size}}).",
        "minWords": "{{field}}: jāievada vismaz {{length}} vārdi.",
        "maxWords": "{{field}}: drīkst ievadīt ne vairāk kā {{length}} vārdus.",
        "minSelectedCount": "{{field}}: jāizvēlas vismaz {{minCount}}.",
        "maxSelectedCount": "{{field}}: drīkst izvēlēties ne vairāk kā {{maxCount}}.",
        "maxTags": "{{field}}: drīkst norādīt ne vairāk kā {{count}} birkas.",
        "jsonLogic": "{{field}}: vērtība neatbilst nosacījumam.",
        "unique": "{{field}}: šāda vērtība jau ir iesniegta, tai jābūt unikālai.",
        "unsavedRows": "{{field}}: saglabājiet visas rindas, pirms iesniedzat.",
        "unknownField": "Veidlapā nav lauka {{key}}.",
        "invalidSubmission": "Iesniegtie dati nav derīgi.",
    },
    "en": {
        "required": "{{field}} is required.",
        "minLength": "{{field}} must have at least {{length}} characters.",
        "maxLength": "{{field}} must have no more than {{length}} characters.",
        "pattern": "{{field}} is not in the expected format.",
        "min": "{{field}} cannot be less than {{min}}.",
        "max": "{{field}} cannot be greater than {{max}}.",
        "number": "{{field}} is not a valid number.",
        "integer": "{{field}} must be a whole number.",
        "decimalLimit": "{{field}} may have at most {{decimalLimit}} decimal places.",
        "invalid_email": "{{field}} must be a valid email.",
        "invalid_phone": "{{field}} must be a valid phone number.",
        "mask": "{{field}} does not match the mask {{mask}}.",
        "invalidOption": "{{field}} is an invalid value.",
        "invalidDay": "{{field}} is not a valid day.",
        "invalidDate": "{{field}} is not a valid date.",
        "minDate": "{{field}} should not contain date before {{minDate}}.",
        "maxDate": "{{field}} should not contain date after {{maxDate}}.",
        "requiredDayEmpty": "{{field}} is required.",
        "requiredDayField": "{{field}}: the day is required.",
        "requiredMonthField": "{{field}}: the month is required.",
        "requiredYearField": "{{field}}: the year is required.",
        "nonarray": "{{field}} must not be an array.",
        "array": "{{field}} must be an array.",
        "invalid_type": "{{field}} has an invalid value.",
        "minRows": "{{field}} must have at least {{length}} rows.",
        "maxRows": "{{field}} must have no more than {{length}} rows.",
        "maxFiles": "{{field}} may have no more than {{count}} files.",
        "wrongFileType": "{{field}}: file {{name}} is the wrong type; it must be {{pattern}}.",
        "fileTooBig": "{{field}}: file {{name}} is too big; it must be at most {{size}}.",
        "fileTooSmall": "{{field}}: file {{name}} is too small; it must be at least {{size}}.",
        "minWords": "{{field}} must have at least {{length}} words.",
        "maxWords": "{{field}} must have no more than {{length}} words.",
        "minSelectedCount": "{{field}}: you must select at least {{minCount}} items.",
        "maxSelectedCount": "{{field}}: you may only select up to {{maxCount}} items.",
        "maxTags": "{{field}} may have no more than {{count}} tags.",
        "jsonLogic": "{{field}} does not meet its condition.",
        "unique": "{{field}} must be unique.",
        "unsavedRows": "{{field}}: please save all rows before proceeding.",
        "unknownField": "The form has no field {{key}}.",
        "invalidSubmission": "The submitted data is not valid.",
    },
}

# Texts of the renderer itself, so a Latvian page has no English buttons.
_RENDERER_TEXTS: Mapping[str, Mapping[str, str]] = {
    "lv": {
        "submit": "Iesniegt",
        "Submit": "Iesniegt",
        "cancel": "Atcelt",
        "next": "Tālāk",
        "previous": "Atpakaļ",
        "Add Another": "Pievienot vēl",
        "error": "Lūdzu, izlabojiet kļūdas pirms iesniegšanas.",
        "submitError": "Lūdzu, pārbaudiet veidlapu un izlabojiet kļūdas.",
        "complete": "Iesniegts",
        "day": "Diena",
        "month": "Mēnesis",
        "year": "Gads",
        "january": "janvāris",
        "february": "februāris",
        "march": "marts",
        "april": "aprīlis",
        "may": "maijs",
        "june": "jūnijs",
        "july": "jūlijs",
        "august": "augusts",
        "september": "septembris",
        "october": "oktobris",
        "november": "novembris",
        "december": "decembris",
        "invalid_day": "{{field}}: nederīgs datums.",
        "invalid_date": "{{field}}: nederīgs datums.",
        "Browse": "Izvēlēties",
        "Drop files to attach,": "Velciet datnes šeit,",
        "or": "vai",
        "browse": "izvēlieties",
    },
    "en": {},
}

_PLACEHOLDER_RE = re.compile(r"\{\{\s*-?\s*([A-Za-z_][\w.]*)\s*\}\}")
_TRANSLATED_PROPS = (
    "label",
    "title",
    "legend",
    "description",
    "placeholder",
    "tooltip",
    "prefix",
    "suffix",
    "errorLabel",
    "addAnother",
    "html",
    "content",
)


def normalize_locale(locale: str | None) -> str:
    """``"en-GB"`` -> ``"en"``; anything we do not speak falls back to Latvian."""
    if not locale:
        return DEFAULT_LOCALE
    lang = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return lang if lang in LOCALES else DEFAULT_LOCALE


def interpolate(template: str, params: Mapping[str, Any]) -> str:
    """Fill ``{{name}}`` placeholders the way Form.io's interpolation does (unknown -> "")."""
    return _PLACEHOLDER_RE.sub(lambda m: str(params.get(m.group(1), "")), template)


def lookup(defn: FormDefinition, text: str, locale: str) -> str:
    """``text`` in ``locale``: the form's table first, then ours, else the text itself."""
    table = defn.i18n.get(locale)
    if table is not None and text in table:
        return table[text]
    return MESSAGES.get(locale, {}).get(text, text)


def error_message(
    defn: FormDefinition,
    field: Field | None,
    key: str,
    params: Mapping[str, Any],
    locale: str,
) -> str:
    """The message for error ``key`` of ``field`` (None for form-level errors) in ``locale``."""
    if field is not None and field.custom_message:
        text = field.custom_message
    elif field is not None and key in field.error_overrides:
        text = field.error_overrides[key]
    else:
        text = key
    context = dict(params)
    if field is not None:
        # Labels come from the form's own table only, never from the message keys.
        label = field.error_label
        context["field"] = defn.i18n.get(locale, {}).get(label, label)
    return interpolate(lookup(defn, text, locale), context)


def renderer_i18n(defn: FormDefinition) -> dict[str, dict[str, str]]:
    """The ``options.i18n`` to give ``Formio.createForm``: our texts under the form's own."""
    langs = set(LOCALES) | set(defn.i18n)
    return {
        lang: {**_RENDERER_TEXTS.get(lang, {}), **MESSAGES.get(lang, {}), **defn.i18n.get(lang, {})}
        for lang in sorted(langs)
    }


def translate(defn: FormDefinition, locale: str) -> dict[str, Any]:
    """The definition with its texts in ``locale`` and HTML sanitised, ready for the renderer.

    The result is a fresh dict; its ``i18n`` is :func:`renderer_i18n` (for messages raised in
    the browser) and its ``plus`` keeps only ``key``, ``audience`` and the localised ``title``.
    """
    return json.loads(_translated_json(defn, normalize_locale(locale)))


@functools.lru_cache(maxsize=256)
def _translated_json(defn: FormDefinition, locale: str) -> str:
    schema = defn.as_dict()
    table = dict(defn.i18n.get(locale, {}))

    def tr(value: Any) -> Any:
        return table.get(value, value) if isinstance(value, str) else value

    def visit(components: Any) -> None:
        if not isinstance(components, list):
            return
        for comp in components:
            if not isinstance(comp, dict):
                continue
            for prop in _TRANSLATED_PROPS:
                if prop in comp:
                    comp[prop] = tr(comp[prop])
            for values in (comp.get("values"), (comp.get("data") or {}).get("values")):
                for option in values if isinstance(values, list) else []:
                    if isinstance(option, dict):
                        option["label"] = tr(option.get("label"))
            validate = comp.get("validate")
            if isinstance(validate, dict) and validate.get("customMessage"):
                validate["customMessage"] = tr(validate["customMessage"])
            if isinstance(comp.get("errors"), dict):
                comp["errors"] = {k: tr(v) for k, v in comp["errors"].items()}
            if comp.get("type") == "content" and isinstance(comp.get("html"), str):
                comp["html"] = sanitize_html(comp["html"])
            if comp.get("type") == "htmlelement" and isinstance(comp.get("content"), str):
                comp["content"] = sanitize_html(comp["content"])
            visit(comp.get("components"))
            for column in comp.get("columns") or []:
                if isinstance(column, dict):
                    visit(column.get("components"))

    visit(schema.get("components"))
    schema["title"] = defn.title(locale) or tr(schema.get("title"))
    schema["i18n"] = renderer_i18n(defn)
    if defn.plus is not None:
        schema["plus"] = {
            "key": defn.plus.key,
            "audience": defn.plus.audience,
            "title": defn.title(locale),
        }
    return json.dumps(schema, ensure_ascii=False)
