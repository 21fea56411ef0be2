"""The server-side Form.io engine: parse definitions, validate submissions, translate forms.

Definitions (``formdefs/*.json``) are what the official ``@formio/js`` builder writes, plus an
``i18n`` block and a ``plus`` block (see :mod:`portal.formsengine.schema`). The browser renders
them with ``@formio/js``; the server never trusts that and re-validates every submission here
with the same verdicts (:mod:`portal.formsengine.validation`).

Typical use::

    defn = load_definition(path.read_text())         # cached per version
    form_json = translate(defn, "en")                # for the renderer
    result = validate_submission(defn, submission["data"], "en", options={...})
    if result.ok:
        store(result.clean_data)
"""

from portal.formsengine.i18n import (
    MESSAGES,
    error_message,
    normalize_locale,
    renderer_i18n,
    translate,
)
from portal.formsengine.intake_check import check_mapping
from portal.formsengine.schema import (
    DefinitionError,
    Field,
    FormDefinition,
    Option,
    PlusMeta,
    fill_options,
    load_definition,
    sanitize_html,
)
from portal.formsengine.validation import (
    FORM_ERRORS,
    MissingOptionsError,
    ValidationResult,
    calculated_data,
    unique_values,
    validate_submission,
)

__all__ = [
    "FORM_ERRORS",
    "MESSAGES",
    "DefinitionError",
    "Field",
    "FormDefinition",
    "MissingOptionsError",
    "Option",
    "PlusMeta",
    "ValidationResult",
    "calculated_data",
    "check_mapping",
    "error_message",
    "fill_options",
    "load_definition",
    "normalize_locale",
    "renderer_i18n",
    "sanitize_html",
    "translate",
    "unique_values",
    "validate_submission",
]
