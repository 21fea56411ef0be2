"""Which language a request is served in, and remembering a user's choice.

Latvian is the default, English the other choice (``LANGUAGES`` in ``config.py``). FAB's
BabelManager gives Flask-Babel its own locale selector and FAB's ``/lang/<locale>`` view stores
a choice in the session only; :func:`install` adjusts both, without replacing FAB's classes:

* the locale is ``?_l_=`` (FAB's API convention), else the session's, else the logged-in user's
  saved ``preferred_language``, else the default; the result is kept in ``session["locale"]``,
  where FAB's navbar reads it for the language menu;
* switching the language while logged in saves it on the user (``ab_user.preferred_language``);
* logging in applies the saved language, so it follows the user to a new browser or session;
  a language picked on the login page itself, before logging in, is kept for that session
  (and not saved: only a choice made while logged in is remembered);
* WTForms/Flask-WTF messages ("This field is required.") come from our merged catalogue,
  since WTForms ships no Latvian: Flask-WTF looks in WTForms' own catalogues only.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from babel import support
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_babel, get_locale, get_translations, refresh
from flask_login import current_user, user_logged_in
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["install", "remember_choice", "save_preference", "select_locale"]

log = logging.getLogger(__name__)

SESSION_KEY = "locale"  # FAB's key: its LocaleView writes it and its navbar reads it.
# Set when a visitor picks a language before logging in; the login then keeps that choice.
_PICKED_ANONYMOUSLY = "plus_locale_picked"


def _languages() -> dict[str, Any]:
    return current_app.config["LANGUAGES"]


def _default() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _saved_preference(user: Any) -> str | None:
    language = getattr(user, "preferred_language", None)
    return language if language in _languages() else None


def select_locale() -> str | None:
    """Flask-Babel's locale selector for PLUS (replaces FAB's ``BabelManager.get_locale``)."""
    if not has_request_context():
        return None  # CLI and tasks: Flask-Babel's default (BABEL_DEFAULT_LOCALE)
    languages = _languages()
    # FAB's REST API asks for a language with ?_l_=xx; kept so its clients work unchanged.
    if "_l_" in request.args:
        asked = request.args["_l_"]
        return asked if asked in languages else _default()
    locale = session.get(SESSION_KEY)
    if locale not in languages:
        locale = None
        if getattr(current_user, "is_authenticated", False):
            locale = _saved_preference(current_user)
        locale = locale or _default()
        session[SESSION_KEY] = locale
    return locale


def save_preference(user: Any, locale: str) -> None:
    """Store ``locale`` as the user's language; a failure is logged, never shown to the user."""
    if not hasattr(user, "preferred_language") or user.preferred_language == locale:
        return
    from portal.extensions import db

    try:
        user.preferred_language = locale
        db.session.commit()
    except SQLAlchemyError:
        # The switch itself already worked for this session; only remembering it failed.
        db.session.rollback()
        log.exception("could not save the preferred language of user %s", user.id)


def remember_choice(locale: str) -> None:
    """After a switch to ``locale`` (already in the session): save it for a logged-in user, or
    mark it as picked before logging in, so the coming login keeps it."""
    if getattr(current_user, "is_authenticated", False):
        save_preference(current_user._get_current_object(), locale)
    else:
        session[_PICKED_ANONYMOUSLY] = True


def _remember_switch(view: Any) -> Any:
    """Wrap FAB's LocaleView.index so that a switch is remembered as well."""

    @functools.wraps(view)
    def index(*args: Any, **kwargs: Any) -> Any:
        response = view(*args, **kwargs)  # aborts with 404 for a language we do not offer
        remember_choice(session[SESSION_KEY])
        return response

    return index


def _on_login(app: Flask, user: Any, **_: Any) -> None:
    """Start the user's session in their saved language, unless they just picked one."""
    picked = session.pop(_PICKED_ANONYMOUSLY, False)
    if picked and session.get(SESSION_KEY) in _languages():
        return
    saved = _saved_preference(user)
    if saved:
        session[SESSION_KEY] = saved
        refresh()


class _WTFormsTranslations:
    """What Flask-WTF calls for WTForms' messages: our catalogue, then WTForms' own.

    Flask-WTF loads WTForms' catalogue for the request's locale (there is no Latvian one) from
    ``request.wtforms_translations`` when set; setting it to this object lets the Latvian
    msgstrs in translations/lv answer first.
    """

    def ugettext(self, string: str) -> str:
        text = get_translations().ugettext(string)
        return text if text != string else _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        text = get_translations().ungettext(singular, plural, n)
        if text in (singular, plural):
            text = _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)
        return text

    gettext = ugettext
    ngettext = ungettext


@functools.lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    from wtforms.i18n import messages_path

    return support.Translations.load(messages_path(), [locale], domain="wtforms")


_WTFORMS_TRANSLATIONS = _WTFormsTranslations()


def _use_our_catalogue_for_wtforms() -> None:
    request.wtforms_translations = _WTFORMS_TRANSLATIONS  # type: ignore[attr-defined]


def install(app: Flask) -> None:
    """Hook language selection into an app whose AppBuilder is initialised."""
    get_babel(app).locale_selector = select_locale
    endpoint = f"{app.appbuilder.bm.locale_view.endpoint}.index"
    app.view_functions[endpoint] = _remember_switch(app.view_functions[endpoint])
    user_logged_in.connect(_on_login, app)
    app.before_request(_use_our_catalogue_for_wtforms)
