"""The Form.io builder's own texts in Latvian, for the FormAdmin builder page.

@formio/js words its builder (the palette, the settings dialogs of each component) in
English; ``Formio.builder(..., {language, i18n})`` looks each text up by its English wording
through ``t()``. Each msgid here is that English text exactly (msgctxt ``Form.io builder``),
limited to the palette and the settings the server enforces, the new ones first (logic,
editgrid, container, currency, tags, word and selection counts, unique). JSON Logic and
JavaScript editors carry a note that the server runs only JSON Logic.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import LazyString, lazy_pgettext

__all__ = ["BUILDER_KEYS", "BUILDER_TEXTS", "builder_texts"]



BUILDER_TEXTS: Mapping[str, LazyString] = {
    # --- palette -------------------------------------------------------------------------------
    "Text Field": lazy_pgettext("Form.io builder", "Text Field"),
    "Text Area": lazy_pgettext("Form.io builder", "Text Area"),
    "Number": lazy_pgettext("Form.io builder", "Number"),
    "Currency": lazy_pgettext("Form.io builder", "Currency"),
    "Email": lazy_pgettext("Form.io builder", "Email"),
    "Phone Number": lazy_pgettext("Form.io builder", "Phone Number"),
    "Select": lazy_pgettext("Form.io builder", "Select"),
    "Radio": lazy_pgettext("Form.io builder", "Radio"),
    "Select Boxes": lazy_pgettext("Form.io builder", "Select Boxes"),
    "Checkbox": lazy_pgettext("Form.io builder", "Checkbox"),
    "Day": lazy_pgettext("Form.io builder", "Day"),
    "Date / Time": lazy_pgettext("Form.io builder", "Date / Time"),
    "File": lazy_pgettext("Form.io builder", "File"),
    "Tags": lazy_pgettext("Form.io builder", "Tags"),
    "Panel": lazy_pgettext("Form.io builder", "Panel"),
    "Field Set": lazy_pgettext("Form.io builder", "Field Set"),
    "Columns": lazy_pgettext("Form.io builder", "Columns"),
    "Data Grid": lazy_pgettext("Form.io builder", "Data Grid"),
    "Edit Grid": lazy_pgettext("Form.io builder", "Edit Grid"),
    "Container": lazy_pgettext("Form.io builder", "Container"),
    "Content": lazy_pgettext("Form.io builder", "Content"),
    "Drag and Drop a form component": lazy_pgettext("Form.io builder", "Drag and Drop a form component"),
    # --- settings dialog -------------------------------------------------------------------------
    "Display": lazy_pgettext("Form.io builder", "Display"),
    "Data": lazy_pgettext("Form.io builder", "Data"),
    "Validation": lazy_pgettext("Form.io builder", "Validation"),
    "API": lazy_pgettext("Form.io builder", "API"),
    "Conditional": lazy_pgettext("Form.io builder", "Conditional"),
    "Save": lazy_pgettext("Form.io builder", "Save"),
    "Cancel": lazy_pgettext("Form.io builder", "Cancel"),
    "Remove": lazy_pgettext("Form.io builder", "Remove"),
    "Preview": lazy_pgettext("Form.io builder", "Preview"),
    "Help": lazy_pgettext("Form.io builder", "Help"),
    "Label": lazy_pgettext("Form.io builder", "Label"),
    "Placeholder": lazy_pgettext("Form.io builder", "Placeholder"),
    "Description": lazy_pgettext("Form.io builder", "Description"),
    "Tooltip": lazy_pgettext("Form.io builder", "Tooltip"),
    "Hidden": lazy_pgettext("Form.io builder", "Hidden"),
    "Default Value": lazy_pgettext("Form.io builder", "Default Value"),
    "Property Name": lazy_pgettext("Form.io builder", "Property Name"),
    "Multiple Values": lazy_pgettext("Form.io builder", "Multiple Values"),
    "Required": lazy_pgettext("Form.io builder", "Required"),
    "Unique": lazy_pgettext("Form.io builder", "Unique"),
    "Minimum Length": lazy_pgettext("Form.io builder", "Minimum Length"),
    "Maximum Length": lazy_pgettext("Form.io builder", "Maximum Length"),
    "Minimum Word Length": lazy_pgettext("Form.io builder", "Minimum Word Length"),
    "Maximum Word Length": lazy_pgettext("Form.io builder", "Maximum Word Length"),
    "Regular Expression Pattern": lazy_pgettext("Form.io builder", "Regular Expression Pattern"),
    "Minimum Value": lazy_pgettext("Form.io builder", "Minimum Value"),
    "Maximum Value": lazy_pgettext("Form.io builder", "Maximum Value"),
    "Decimal Places": lazy_pgettext("Form.io builder", "Decimal Places"),
    "Custom Error Message": lazy_pgettext("Form.io builder", "Custom Error Message"),
    "Minimum checked number": lazy_pgettext("Form.io builder", "Minimum checked number"),
    "Maximum checked number": lazy_pgettext("Form.io builder", "Maximum checked number"),
    "Minimum checked error message": lazy_pgettext("Form.io builder", "Minimum checked error message"),
    "Maximum checked error message": lazy_pgettext("Form.io builder", "Maximum checked error message"),
    "Max Tags": lazy_pgettext("Form.io builder", "Max Tags"),
    "Delimiter": lazy_pgettext("Form.io builder", "Delimiter"),
    "Storage Type": lazy_pgettext("Form.io builder", "Storage Type"),
    "Add Another Text": lazy_pgettext("Form.io builder", "Add Another Text"),
    "Clear Value When Hidden": lazy_pgettext("Form.io builder", "Clear Value When Hidden"),
    # --- the builder's frame: the palette's search, the component's buttons and dialog -------
    "Search field(s)": lazy_pgettext("Form.io builder", "Search field(s)"),
    "No Matches Found": lazy_pgettext("Form.io builder", "No Matches Found"),
    "Edit": lazy_pgettext("Form.io builder", "Edit"),
    "Close": lazy_pgettext("Form.io builder", "Close"),
    "Save button. Click to save the changes and get back to the form.": lazy_pgettext(
        "Form.io builder", "Save button. Click to save the changes and get back to the form."),
    "Cancel button. Click to cancel the changes and get back to the form.": lazy_pgettext(
        "Form.io builder",
        "Cancel button. Click to cancel the changes and get back to the form."),
    "Close button. Click to get back to the form": lazy_pgettext(
        "Form.io builder", "Close button. Click to get back to the form"),
    # NOTE: screen readers' names of a component's buttons in the builder (aria-label).
    "Remove button. Click to remove component from the form": lazy_pgettext(
        "Form.io builder", "Remove button. Click to remove component from the form"),
    "Copy button. Click to copy component": lazy_pgettext(
        "Form.io builder", "Copy button. Click to copy component"),
    "Paste below button. Click to paste component below the current component": lazy_pgettext(
        "Form.io builder", "Paste below button. Click to paste component below the current component"),
    "Move button": lazy_pgettext(
        "Form.io builder", "Move button"),
    "Edit button. Click to open component settings modal window": lazy_pgettext(
        "Form.io builder", "Edit button. Click to open component settings modal window"),
    # --- the settings dialog's display, data, validation and condition tabs ----------------------
    "Field Label": lazy_pgettext("Form.io builder", "Field Label"),
    "Label Position": lazy_pgettext("Form.io builder", "Label Position"),
    "Top": lazy_pgettext("Form.io builder", "Top"),
    "Bottom": lazy_pgettext("Form.io builder", "Bottom"),
    "Left (Left-aligned)": lazy_pgettext("Form.io builder", "Left (Left-aligned)"),
    "Left (Right-aligned)": lazy_pgettext("Form.io builder", "Left (Right-aligned)"),
    "Right (Left-aligned)": lazy_pgettext("Form.io builder", "Right (Left-aligned)"),
    "Right (Right-aligned)": lazy_pgettext("Form.io builder", "Right (Right-aligned)"),
    "Description for this field.": lazy_pgettext("Form.io builder", "Description for this field."),
    "To add a tooltip to this field, enter text here.": lazy_pgettext(
        "Form.io builder", "To add a tooltip to this field, enter text here."),
    "Prefix": lazy_pgettext("Form.io builder", "Prefix"),
    "Suffix": lazy_pgettext("Form.io builder", "Suffix"),
    "Apply Mask On": lazy_pgettext("Form.io builder", "Apply Mask On"),
    "Change": lazy_pgettext("Form.io builder", "Change"),
    "Blur": lazy_pgettext("Form.io builder", "Blur"),
    "Change and Blur": lazy_pgettext("Form.io builder", "Change and Blur"),
    "Custom CSS Class": lazy_pgettext("Form.io builder", "Custom CSS Class"),
    "Tab Index": lazy_pgettext("Form.io builder", "Tab Index"),
    "Hide Label": lazy_pgettext("Form.io builder", "Hide Label"),
    "Show Word Counter": lazy_pgettext("Form.io builder", "Show Word Counter"),
    "Show Character Counter": lazy_pgettext("Form.io builder", "Show Character Counter"),
    "Hide Input": lazy_pgettext("Form.io builder", "Hide Input"),
    "Initial Focus": lazy_pgettext("Form.io builder", "Initial Focus"),
    "Disabled": lazy_pgettext("Form.io builder", "Disabled"),
    "Omit Value From Submission Data When Conditionally Hidden": lazy_pgettext(
        "Form.io builder", "Omit Value From Submission Data When Conditionally Hidden"),
    "Error Label": lazy_pgettext("Form.io builder", "Error Label"),
    "JSONLogic Validation": lazy_pgettext("Form.io builder", "JSONLogic Validation"),
    "Custom Errors": lazy_pgettext("Form.io builder", "Custom Errors"),
    "Simple": lazy_pgettext("Form.io builder", "Simple"),
    "Show preview": lazy_pgettext("Form.io builder", "Show preview"),
    "Hide preview": lazy_pgettext("Form.io builder", "Hide preview"),
    "— settings": lazy_pgettext("Form.io builder", "— settings"),
    # --- logic ---------------------------------------------------------------------------------
    "Simple Conditional": lazy_pgettext("Form.io builder", "Simple Conditional"),
    "Advanced Conditions": lazy_pgettext("Form.io builder", "Advanced Conditions"),
    "This component should Display:": lazy_pgettext("Form.io builder", "This component should Display:"),
    "When the form component:": lazy_pgettext("Form.io builder", "When the form component:"),
    "Has the value:": lazy_pgettext("Form.io builder", "Has the value:"),
    "Calculated Value": lazy_pgettext("Form.io builder", "Calculated Value"),
    "Custom Validation": lazy_pgettext("Form.io builder", "Custom Validation"),
    "JSON Logic Validation": lazy_pgettext("Form.io builder", "JSON Logic Validation"),
    "JavaScript": lazy_pgettext("Form.io builder", "JavaScript"),
    "JSON Logic": lazy_pgettext("Form.io builder", "JSON Logic"),
    # NOTE: shown above the JSON Logic and JavaScript editors of the builder.
    "plusLogicNote": lazy_pgettext("Form.io builder",
        "PLUS runs only JSON Logic, on the server as in the browser; JavaScript is refused on "
        "saving. Write e.g. {\"==\": [{\"var\": \"data.answer\"}, \"yes\"]} for a condition or "
        "{\"+\": [{\"var\": \"data.a\"}, {\"var\": \"data.b\"}]} for a sum."),
}


#: texts the builder looks up by Form.io's key (``t("searchFields")``), not by their wording;
#: without the key the palette's search box read "searchFields"
BUILDER_KEYS: Mapping[str, str] = {
    "searchFields": "Search field(s)",
    "noMatchesFound": "No Matches Found",
    "dragAndDropComponent": "Drag and Drop a form component",
    "edit": "Edit",
    # the settings dialog's title, "<type> <component>": "Text Field — settings" (@formio/js
    # looks the key up, then its English wording)
    "component": "— settings",
    "Component": "— settings",
    "close": "Close",
    "save": "Save",
    "cancel": "Cancel",
    "remove": "Remove",
    "preview": "Preview",
    "help": "Help",
    "showPreview": "Show preview",
    "hidePreview": "Hide preview",
    "saveBtnDescription": "Save button. Click to save the changes and get back to the form.",
    "cancelBtnDescription": "Cancel button. Click to cancel the changes and get back to the form.",
    "closeBtnDescription": "Close button. Click to get back to the form",
}


def builder_texts() -> dict[str, str]:
    """The builder's texts in the current locale, as ``options.i18n[<language>]``: by their
    English wording, and by Form.io's key where the builder looks them up so."""
    texts = {key: str(text) for key, text in BUILDER_TEXTS.items()}
    texts.update({key: texts[wording] for key, wording in BUILDER_KEYS.items()})
    return texts
