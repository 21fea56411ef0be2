"""Routes of the public portal (/portal): each reads input, calls a service, renders or redirects.

Who may see what is decided in the services (``portal_scope``, ``portal_data``,
``submissions``); ids from the URL that are outside the user's reach are "not found" (404),
so a portal user cannot even learn that they exist.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal import i18n
from portal.extensions import csrf, db, security_manager
from portal.models import PlusUser
from portal.public import formstate, formview, pages
from portal.public.formio_i18n import formio_texts
from portal.public.forms import LoginForm, SetPasswordForm
from portal.public.pages import portal_user_required
from portal.security import sessions, throttle
from portal.services import audit
from portal.services.access import Role
from portal.services.casework import documents
from portal.services.casework.rules import today
from portal.services.errors import DomainError
from portal.services.identity import national_login, saml
from portal.services.intake import forms, submissions
from portal.services.partners import invitations, portal_data, portal_scope, usage
from portal.views.errors import MESSAGES, throttled_message

bp = Blueprint(
    "portal",
    __name__,
    url_prefix="/portal",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

PARTNERS = (Role.EMPLOYER, Role.VOLUNTEER)


def _locale() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "lv"


def _record_view(role: str) -> None:
    usage.record_use(db.session, current_user, pages.DATA_SERVICE[role], "view")
    db.session.commit()


# --- signing in ------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Log in a client, employer or volunteer; officers are sent to the officer login."""
    if request.method == "GET" and pages.current_role() is not None:
        return redirect(url_for("portal.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    refused = False
    throttled = 0
    if form.validate_on_submit():
        throttled = throttle.wait_seconds(form.username.data)
        user = None if throttled else security_manager.auth_user_db(form.username.data,
                                                                    form.password.data)
        if throttled:
            form.password.errors = [throttled_message(throttled)]
        elif user is None:
            form.password.errors = [_("The username or password is wrong.")]
        elif not invitations.is_portal_user(user):
            refused = True
        else:
            login_user(user, remember=False)
            return redirect(pages.safe_next(form.next.data, url_for("portal.home")), 303)
    status = 403 if refused else (200 if request.method == "GET" else 429 if throttled else 422)
    return render_template("portal/login.html", form=form, refused=refused,
                           national=saml.offer_national_login()), status


# --- the national unified login (SAML 2.0) -----------------------------------------------------

_CHOICE_KEY = "plus.national_login.choice"


@bp.route("/saml/login", methods=["POST"])
def saml_login() -> Any:
    """Start the national login: off to the IdP with an AuthnRequest (CSRF-checked POST).

    With ``invite`` (an invitation token) the person who logs in redeems that invitation.
    """
    invitation_id = None
    if request.form.get("invite"):
        invitation = invitations.find_invitation(db.session, request.form["invite"])
        if invitation is None:
            return render_template("portal/invite_invalid.html"), 404
        invitation_id = invitation.id
    next_url = pages.safe_next(request.form.get("next"), url_for("portal.home"))
    try:
        return redirect(saml.login_redirect(next_url, invitation_id), 303)
    except saml.ServiceUnavailable as exc:
        return _national_refusal(exc, 503)


@bp.route("/saml/acs", methods=["POST"])
@csrf.exempt  # the IdP posts here; the signed assertion and RelayState stand in for a token
def saml_acs() -> Any:
    """The IdP's answer: check it, find whom the person may act as, log them in."""
    try:
        identity, pending = saml.consume_response(db.session)
        db.session.commit()  # the replay guard keeps the IDs even if no account is found
        if pending.invitation_id is not None:
            users = [national_login.bind_invitation(db.session, pending.invitation_id, identity)]
        else:
            users = national_login.accounts_for(db.session, identity)
        db.session.commit()
    except saml.ServiceUnavailable as exc:
        db.session.rollback()
        return _national_refusal(exc, 503)
    except DomainError as exc:
        db.session.rollback()
        status = 404 if isinstance(exc, invitations.InvitationInvalid) else (
            400 if isinstance(exc, saml.LoginRefused) else 403)
        return _national_refusal(exc, status)
    person = f"{identity.first_name} {identity.last_name}".strip()
    if len(users) == 1:
        return _national_login(users[0], pending.next_url, person)
    session[_CHOICE_KEY] = {"ids": [u.id for u in users], "next": pending.next_url,
                            "person": person}
    return redirect(url_for("portal.saml_choose"), 303)


@bp.route("/saml/choose", methods=["GET", "POST"])
def saml_choose() -> Any:
    """A person who may act for several (themself, employers, volunteers) chooses one."""
    choice = session.get(_CHOICE_KEY) or {}
    ids = [int(i) for i in choice.get("ids", [])]
    if not ids:
        return redirect(url_for("portal.login"), 303)
    if request.method == "POST":
        chosen = request.form.get("account", type=int)
        if chosen not in ids:
            abort(400)
        user = db.session.get(PlusUser, chosen)
        if not national_login.may_act_as(db.session, user):
            abort(403)  # disabled, or the case closed, since the login
        session.pop(_CHOICE_KEY, None)
        return _national_login(user, choice.get("next") or "", choice.get("person") or "")
    users = [u for u in (db.session.get(PlusUser, i) for i in ids) if u is not None]
    return render_template("portal/national_choose.html", accounts=users,
                           roles={u.id: invitations.portal_role(u) for u in users})


@bp.route("/saml/metadata")
def saml_metadata() -> Any:
    """The portal's SAML metadata, to register it with the IdP."""
    try:
        xml = saml.sp_metadata()
    except saml.ServiceUnavailable:
        abort(404)
    return current_app.response_class(xml, mimetype="application/samlmetadata+xml")


#: session key: the name of the person who logged in through the national login, shown beside
#: the organisation they act for (a representative's account is the organisation's)
PERSON_KEY = "plus.national_login.person"


def _national_login(user: PlusUser, next_url: str, person: str = "") -> Any:
    # As the password login: flask_login.login_user, so every login hook applies alike.
    logout_user()
    login_user(user, remember=False)
    session[PERSON_KEY] = person[:130]
    security_manager.update_user_auth_stat(user, True)
    return redirect(pages.safe_next(next_url, url_for("portal.home")), 303)


def _national_refusal(exc: DomainError, status: int) -> Any:
    return render_template("portal/national_refused.html", message=exc.message), status


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """End the session (a POST with the CSRF token, so no other site can log anyone out)."""
    sessions.end_session(current_user)
    return redirect(url_for("portal.login"), 303)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invite(token: str) -> Any:
    """Set a password from an invitation link, then start the session."""
    invitation = invitations.find_invitation(db.session, token)
    if invitation is None:
        return render_template("portal/invite_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(db.session, token, form.password.data)
        except DomainError as exc:
            db.session.rollback()
            if isinstance(exc, invitations.InvitationInvalid):
                return render_template("portal/invite_invalid.html"), 404
            form.password.errors = [str(exc.message)]
        else:
            db.session.commit()
            logout_user()
            login_user(user, remember=False)
            flash(_("Your password is set. You are now logged in."), "success")
            return redirect(url_for("portal.home"), 303)
    status = 200 if request.method == "GET" else 422
    invited = db.session.get(PlusUser, invitation.user_id)
    return render_template("portal/invite.html", form=form, invited=invited, token=token,
                           national=saml.offer_national_login(),
                           min_length=invitations.PASSWORD_MIN_LENGTH), status


@bp.route("/lang/<locale>")
def set_language(locale: str) -> Any:
    """Switch the language and go back to the page the link was on."""
    if locale not in current_app.config["LANGUAGES"]:
        abort(404)
    session[i18n.SESSION_KEY] = locale
    refresh()
    i18n.remember_choice(locale)  # the same rule as FAB's language switch on officer screens
    return redirect(pages.safe_next(request.args.get("next"), url_for("portal.home")), 303)


# --- e-services ------------------------------------------------------------------------------


@bp.route("/")
@portal_user_required()
def home() -> Any:
    """The e-services of the user's role."""
    return render_template("portal/home.html", role=pages.current_role())


@bp.route("/my-data")
@portal_user_required(Role.CLIENT)
def my_data() -> Any:
    """"Mani probācijas dati": the client's own cases and submissions."""
    links = portal_scope.linked_clients(db.session, current_user)
    cases = portal_data.my_cases(db.session, links, today())
    mine = submissions.mine(db.session, current_user)
    _record_view(Role.CLIENT)
    return render_template("portal/my_data.html", cases=cases, submissions=mine)


@bp.route("/documents/<int:document_id>")
@portal_user_required(Role.CLIENT)
def document(document_id: int) -> Any:
    """Download a document shared with the client, from one of their own cases."""
    links = portal_scope.linked_clients(db.session, current_user)
    doc = portal_data.shared_document(db.session, links, document_id)
    if doc is None:
        abort(404)
    path = documents.path_of(doc.storage_key)
    if not path.is_file():
        abort(404)
    audit.record_access(
        db.session, user_id=current_user.id, action="portal.document.download", case_id=doc.case_id
    )
    _record_view(Role.CLIENT)
    return send_file(path, mimetype=doc.content_type, as_attachment=True,
                     download_name=doc.filename)


@bp.route("/clients")
@portal_user_required(*PARTNERS)
def clients() -> Any:
    """"Probācijas klienta dati": the clients linked to this employer or volunteer."""
    linked = portal_scope.linked_clients(db.session, current_user)
    _record_view(pages.current_role() or Role.EMPLOYER)
    return render_template("portal/clients.html", linked=pages.group_linked(linked))


@bp.route("/clients/<int:client_id>")
@portal_user_required(*PARTNERS)
def client(client_id: int) -> Any:
    """One linked client: schedule and hours at this employer, or this volunteer's tasks."""
    links = [link for link in portal_scope.linked_clients(db.session, current_user)
             if link.client_id == client_id]
    view = portal_data.partner_client(
        db.session, client_id, links,
        employer_id=current_user.employer_id, volunteer_id=current_user.volunteer_id,
    )
    if view is None:
        abort(404)  # not linked to this user (or no such client): as if it did not exist
    about = pages.forms_about_a_client(db.session, pages.current_role() or Role.EMPLOYER)
    _record_view(pages.current_role() or Role.EMPLOYER)
    return render_template("portal/client.html", view=view, links=links, forms=about)


@bp.route("/forms")
@portal_user_required()
def form_list() -> Any:
    """"Informācija VPD" / "Darba devēja/VPD brīvprātīgā informācija VPD": published forms."""
    audience = pages.AUDIENCE_OF_ROLE[pages.current_role() or Role.CLIENT]
    available = forms.forms_for_audience(db.session, audience)
    return render_template("portal/forms.html", forms=available,
                           service=pages.FORMS_SERVICE[audience])


@bp.url_value_preprocessor
def _large_forms(endpoint: str | None, values: Any) -> None:
    # Runs before the CSRF check reads the body: an hours report of 500 rows has ~1,500
    # fields, above Werkzeug's default of 1,000 parts per request.
    if endpoint == "portal.form_page" and request.method == "POST":
        request.max_form_parts = 20_000


@bp.route("/forms/<key>", methods=["GET", "POST"])
@portal_user_required()
def form_page(key: str) -> Any:
    """Fill in a form: rendered on the server, validated by the submission service."""
    page = pages.load_form_page(db.session, current_user, key, _locale())
    if page is None:
        abort(404)
    if request.method == "GET":
        chosen = request.args.get("client")
        if chosen is not None and page.asks_for_client and chosen not in page.client_values:
            abort(404)  # a client that is not theirs: as if the link did not exist
        state = formstate.initial_state(page.schema, {"linked_clients": chosen} if chosen else None)
        pages.recalculate(page, state, current_app.config["PLUS_TIMEZONE"])
        return _render_form(page, state, secrets.token_urlsafe(24))
    idempotency_key = request.form.get(formstate.IDEMPOTENCY_KEY, "")
    if not pages.valid_idempotency_key(idempotency_key):
        abort(400)
    state = formstate.read_state(page.schema, request.form, request.files)
    timezone = current_app.config["PLUS_TIMEZONE"]
    pages.recalculate(page, state, timezone)
    form = request.form
    if formstate.SAVE_ROW in form:
        # The renderer saves an editgrid row only when its fields are valid.
        errors = pages.row_errors(page, state, form[formstate.SAVE_ROW], timezone, _locale())
        if not formstate.save_row(page.schema, state, form[formstate.SAVE_ROW], errors):
            abort(400)
        still_open = form[formstate.SAVE_ROW].rpartition(":")[0] in state.open
        return _render_form(page, state, idempotency_key, errors if still_open else None)
    if any(k in form for k in (formstate.ADD_ROW, formstate.REMOVE_ROW, formstate.EDIT_ROW)):
        if formstate.ADD_ROW in form:
            changed = formstate.add_row(page.schema, state, form[formstate.ADD_ROW])
        elif formstate.REMOVE_ROW in form:
            changed = formstate.remove_row(page.schema, state, form[formstate.REMOVE_ROW])
        else:
            changed = formstate.edit_row(page.schema, state, form[formstate.EDIT_ROW])
        if not changed:
            abort(400)
        pages.recalculate(page, state, timezone)
        return _render_form(page, state, idempotency_key)
    unsaved = pages.unsaved_rows(page, state)
    if unsaved:
        return _render_form(page, state, idempotency_key, unsaved), 422
    return _submit(page, key, state, idempotency_key)


@bp.route("/forms/<key>/js")
@portal_user_required()
def form_js(key: str) -> Any:
    """The same form drawn by @formio/js, posting to the submission API (same verdict).

    Scoped as ``form_page``: a form outside the user's audience, retired or unpublished is
    "not found". The page itself fetches the schema from ``GET /api/v1/forms/<key>``.
    """
    page = pages.load_form_page(db.session, current_user, key, _locale())
    if page is None:
        abort(404)
    return render_template("portal/form_js.html", page=page, key=key,
                           idempotency_key=secrets.token_urlsafe(24),
                           formio_texts=formio_texts())


def _submit(page: pages.FormPage, key: str, state: formstate.FormState, idem: str) -> Any:
    data = formstate.to_formio_data(page.schema, state, current_app.config["PLUS_TIMEZONE"])
    result = submissions.submit(
        db.session, user=current_user._get_current_object(), form_key=key, data=data,
        idempotency_key=idem, files=state.files or None, locale=_locale(),
    )
    if result.status_code == 404:
        db.session.rollback()
        abort(404)
    if result.submission is not None:
        if not result.duplicate:
            flash(_("Thank you. Your information was received."), "success")
        return redirect(url_for("portal.submission", submission_id=result.submission_id), 303)
    # Refused (403: a client not linked to the user; 422: invalid): the form again, as typed.
    status = result.status_code if result.status_code in (400, 403, 422) else 422
    return _render_form(page, state, idem, result.errors), status


def _render_form(
    page: pages.FormPage,
    state: formstate.FormState,
    idempotency_key: str,
    errors: dict[str, list[str]] | None = None,
) -> Any:
    view = formview.build_view(page.schema, state, errors)
    return render_template("portal/form.html", page=page, view=view,
                           idempotency_key=idempotency_key, posted=request.method == "POST")


@bp.route("/submissions")
@portal_user_required()
def submissions_list() -> Any:
    """The user's submissions with their status and replies."""
    items = submissions.mine(db.session, current_user)
    return render_template("portal/submissions.html", submissions=items)


@bp.route("/submissions/<int:submission_id>")
@portal_user_required()
def submission(submission_id: int) -> Any:
    """One of the user's own submissions (anyone else's is "not found")."""
    item = portal_data.my_submission(db.session, current_user.id, submission_id)
    if item is None:
        abort(404)
    answers = submissions.describe(db.session, item, _locale())
    return render_template("portal/submission.html", item=item, answers=answers)


# --- page furniture ----------------------------------------------------------------------------


@bp.app_template_filter("portal_number")
def _portal_number(value: Any) -> str:
    return pages.format_number(value)


@bp.context_processor
def _furniture() -> dict[str, Any]:
    return {
        "lang": _locale(),
        "languages": current_app.config["LANGUAGES"],
        "here": pages.here(),
        "portal_role": pages.current_role(),
        "portal_nav": pages.navigation(pages.current_role()),
    }


def _error(code: int) -> Any:
    title, detail = MESSAGES[code]
    if code == 413:
        limit = current_app.config.get("MAX_UPLOAD_BYTES", 0)
        detail = _("Files up to %(mb)s MB are accepted. Nothing was saved.",
                   mb=round(limit / 1024 / 1024, 1))
    return render_template("portal/error.html", code=code, title=title, detail=detail), code


for _code in (400, 403, 404, 405, 413):
    bp.register_error_handler(_code, lambda exc, _c=_code: _error(_c))
