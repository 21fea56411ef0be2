"""Form.io's own interface texts in the user's language, for the @formio/js renderer page.

The form's labels, descriptions and options come translated from the server (``fe.translate``),
but @formio/js words its validation messages, file upload area, date parts, grid buttons and
screen-reader hints itself, in English. The page hands :func:`formio_texts` to
``Formio.createForm`` as ``options.i18n[<language>]``, where ``component.t(key)`` finds them.

Keys are @formio/js 5's translation keys (its default English dictionary in the vendored
``formio.full.min.js``; a few templates pass the English text itself as the key, e.g.
``"numeric only"``), limited to those the components our forms use can show: textfield,
textarea, number, email, phoneNumber, select, radio, selectboxes, checkbox, day, datetime,
file, panel, fieldset, columns, datagrid, content and button. Each msgid is Form.io's English
text exactly (msgctxt ``Form.io``), so English pages read as Form.io's defaults and
``tests/unit/test_formio_i18n.py`` can compare them with the vendored build.

Translations must keep Form.io's ``{{field}}``-style placeholders as written, and must hold no
quotes or markup: the templates put these texts into HTML and attribute values unescaped.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import LazyString, lazy_pgettext

__all__ = ["FORMIO_TEXTS", "formio_texts"]

FORMIO_TEXTS: Mapping[str, LazyString] = {
    # --- validation messages (@formio/core rules; {{field}} is the translated label) ---------
    "required": lazy_pgettext("Form.io", "{{field}} is required"),
    "minLength": lazy_pgettext("Form.io", "{{field}} must have at least {{length}} characters."),
    "maxLength": lazy_pgettext(
        "Form.io", "{{field}} must have no more than {{length}} characters."),
    "minWords": lazy_pgettext("Form.io", "{{field}} must have at least {{length}} words."),
    "maxWords": lazy_pgettext("Form.io", "{{field}} must have no more than {{length}} words."),
    "pattern": lazy_pgettext("Form.io", "{{field}} does not match the pattern {{pattern}}"),
    "mask": lazy_pgettext("Form.io", "{{field}} does not match the mask."),
    "min": lazy_pgettext("Form.io", "{{field}} cannot be less than {{min}}."),
    "max": lazy_pgettext("Form.io", "{{field}} cannot be greater than {{max}}."),
    "number": lazy_pgettext("Form.io", "{{field}} is not a valid number."),
    "invalid_email": lazy_pgettext("Form.io", "{{field}} must be a valid email."),
    "invalid_date": lazy_pgettext("Form.io", "{{field}} is not a valid date."),
    "invalidDate": lazy_pgettext("Form.io", "{{field}} is not a valid date"),
    "minDate": lazy_pgettext("Form.io", "{{field}} should not contain date before {{minDate}}"),
    "maxDate": lazy_pgettext("Form.io", "{{field}} should not contain date after {{maxDate}}"),
    "invalid_day": lazy_pgettext("Form.io", "{{field}} is not a valid day."),
    "invalidDay": lazy_pgettext("Form.io", "{{field}} is not a valid day."),
    "minYear": lazy_pgettext(
        "Form.io", "{{field}} should not contain year less than {{minYear}}"),
    "maxYear": lazy_pgettext(
        "Form.io", "{{field}} should not contain year greater than {{maxYear}}"),
    "requiredDayField": lazy_pgettext("Form.io", "{{ field }} is required"),
    "requiredDayEmpty": lazy_pgettext("Form.io", "{{ field }} is required"),
    "requiredMonthField": lazy_pgettext("Form.io", "{{ field }} is required"),
    "requiredYearField": lazy_pgettext("Form.io", "{{ field }} is required"),
    "invalidOption": lazy_pgettext("Form.io", "{{field}} is an invalid value."),
    "valueIsNotAvailable": lazy_pgettext("Form.io", "{{ field }} is an invalid value."),
    "select": lazy_pgettext("Form.io", "{{field}} contains an invalid selection"),
    "minSelectedCount": lazy_pgettext("Form.io", "You must select at least {{minCount}} items"),
    "maxSelectedCount": lazy_pgettext(
        "Form.io", "You may only select up to {{maxCount}} items"),
    "array": lazy_pgettext("Form.io", "{{field}} must be an array"),
    "array_nonempty": lazy_pgettext("Form.io", "{{field}} must be a non-empty array"),
    "nonarray": lazy_pgettext("Form.io", "{{field}} must not be an array"),
    # --- the form: error list, buttons, confirmations -----------------------------------------
    "error": lazy_pgettext("Form.io", "Please fix the following errors before submitting."),
    "submitError": lazy_pgettext(
        "Form.io", "Please check the form and correct all errors before submitting."),
    "errorListHotkey": lazy_pgettext(
        "Form.io", "Press Ctrl + Alt + X to go back to the error list."),
    "errorsListNavigationMessage": lazy_pgettext(
        "Form.io", "Click to navigate to the field with following error."),
    "complete": lazy_pgettext("Form.io", "Submission Complete"),
    "submit": lazy_pgettext("Form.io", "Submit Form"),
    "cancel": lazy_pgettext("Form.io", "Cancel"),
    "confirmCancel": lazy_pgettext("Form.io", "Are you sure you want to cancel?"),
    "next": lazy_pgettext("Form.io", "Next"),
    "previous": lazy_pgettext("Form.io", "Previous"),
    "yes": lazy_pgettext("Form.io", "Yes"),
    "no": lazy_pgettext("Form.io", "No"),
    # --- text, number and phone fields --------------------------------------------------------
    # NOTE: read by screen readers after the label of a number or phone field.
    "numeric only": lazy_pgettext("Form.io", "numeric only"),
    "words": lazy_pgettext("Form.io", "words"),
    "characters": lazy_pgettext("Form.io", "characters"),
    # NOTE: {{ type }} is the translation of "words" or "characters".
    "typeRemaining": lazy_pgettext("Form.io", "{{ remaining }} {{ type }} remaining."),
    "typeCount": lazy_pgettext("Form.io", "{{ count }} {{ type }}"),
    # --- select (Choices.js list) -------------------------------------------------------------
    "noResultsFound": lazy_pgettext("Form.io", "No results found"),
    "noChoices": lazy_pgettext("Form.io", "No choices to choose from"),
    "typeToSearch": lazy_pgettext("Form.io", "Type to search"),
    "loading": lazy_pgettext("Form.io", "Loading"),
    # --- day component ------------------------------------------------------------------------
    "day": lazy_pgettext("Form.io", "Day"),
    "month": lazy_pgettext("Form.io", "Month"),
    "year": lazy_pgettext("Form.io", "Year"),
    "january": lazy_pgettext("Form.io", "January"),
    "february": lazy_pgettext("Form.io", "February"),
    "march": lazy_pgettext("Form.io", "March"),
    "april": lazy_pgettext("Form.io", "April"),
    "may": lazy_pgettext("Form.io", "May"),
    "june": lazy_pgettext("Form.io", "June"),
    "july": lazy_pgettext("Form.io", "July"),
    "august": lazy_pgettext("Form.io", "August"),
    "september": lazy_pgettext("Form.io", "September"),
    "october": lazy_pgettext("Form.io", "October"),
    "november": lazy_pgettext("Form.io", "November"),
    "december": lazy_pgettext("Form.io", "December"),
    # --- data grid ----------------------------------------------------------------------------
    "addAnother": lazy_pgettext("Form.io", "Add Another"),
    "addOrRemove": lazy_pgettext("Form.io", "Add/Remove"),
    "remove": lazy_pgettext("Form.io", "Remove"),
    "Row has been added": lazy_pgettext("Form.io", "Row has been added"),
    "Row has been deleted": lazy_pgettext("Form.io", "Row has been deleted"),
    # --- file component -----------------------------------------------------------------------
    # NOTE: shown before the link "Browse Files": "Drop files to attach, Browse Files".
    "dropFilesToAttach": lazy_pgettext("Form.io", "Drop files to attach,"),
    "browseFiles": lazy_pgettext("Form.io", "Browse Files"),
    "browse": lazy_pgettext("Form.io", "browse"),
    "or": lazy_pgettext("Form.io", "or"),
    # NOTE: for screen readers, followed by the field's label: "Browse to attach file for
    # Attachments."
    "browseToAttachFileFor": lazy_pgettext("Form.io", "Browse to attach file for"),
    # NOTE: followed by ": .pdf,.jpg,...".
    "allowedFileTypes": lazy_pgettext("Form.io", "Allowed file types"),
    "anyFileTypesAllowed": lazy_pgettext("Form.io", "Any file types are allowed"),
    "fileName": lazy_pgettext("Form.io", "File Name"),
    "size": lazy_pgettext("Form.io", "Size"),
    "type": lazy_pgettext("Form.io", "Type"),
    # NOTE: for screen readers, before the file's name.
    "pressToOpen": lazy_pgettext("Form.io", "Press to open"),
    # NOTE: for screen readers: "Remove button. Press to remove" + file name + "file".
    "removeBtnPressToRemove": lazy_pgettext("Form.io", "Remove button. Press to remove"),
    "file": lazy_pgettext("Form.io", "file"),
    "completeStatus": lazy_pgettext("Form.io", "Complete"),
    "Complete": lazy_pgettext("Form.io", "Complete"),
    "waitFileProcessing": lazy_pgettext("Form.io", "Processing file. Please wait..."),
    "fileWithDuplicatedNameInProgress": lazy_pgettext(
        "Form.io", "File with the same name is already being uploaded"),
    "fileWithDuplicatedNameLoaded": lazy_pgettext(
        "Form.io", "File with the same name is already uploaded"),
    "wrongFileType": lazy_pgettext("Form.io", "File is the wrong type; it must be {{ pattern }}"),
    "fileTooSmall": lazy_pgettext(
        "Form.io", "File is too small; it must be at least {{ size }}"),
    "fileTooBig": lazy_pgettext("Form.io", "File is too big; it must be at most {{ size }}"),
    "fileProcessingFailed": lazy_pgettext("Form.io", "File processing has been failed."),
    "readyForUpload": lazy_pgettext("Form.io", "Ready to be uploaded into storage"),
    "readyForRemovingFromStorage": lazy_pgettext("Form.io", "Ready to be removed from storage"),
    "preparingFileToRemove": lazy_pgettext("Form.io", "Preparing file to remove"),
    # NOTE: Form.io's own spelling ("Succefully") is kept: the msgid is its English text.
    "succefullyUploaded": lazy_pgettext("Form.io", "Succefully uploaded"),
    "succefullyRemoved": lazy_pgettext("Form.io", "Succefully removed"),
    "requestAborted": lazy_pgettext("Form.io", "Request was aborted"),
    "synchronizationFailed": lazy_pgettext("Form.io", "Synchronization is failed"),
}


def formio_texts() -> dict[str, str]:
    """Form.io's interface texts in the current locale, as ``options.i18n[<language>]``."""
    return {key: str(text) for key, text in FORMIO_TEXTS.items()}
