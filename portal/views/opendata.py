"""Open data downloads (Analyst, Admin), the indicator dashboard (managers, analysts) and the
public stable URIs of the published open data files.

Thin: read the filters, call ``portal.services.opendata``, answer. Who may do what is decided
by ``portal.services.access``; a bad period or unit answers 400 with the message in the
user's language.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import OpenDataPublication, TerritorialUnit
from portal.services import access
from portal.services.casework.rules import today
from portal.services.errors import ValidationFailed
from portal.services.opendata import catalogue, datasets, indicators, publish
from portal.services.opendata.disclosure import MARKER, MAX_SMALL
from portal.services.opendata.periods import Period, parse_period, previous_month
from reports import opendata as files

_FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _period(default: Period) -> Period:
    """The ``period`` argument (or the default).

    :raises ValidationFailed: when it is malformed or in the future.
    """
    text = request.args.get("period")
    if text is None or not text.strip():
        return default
    return parse_period(text, today())


def _unit() -> int | None:
    """The ``unit`` filter: a territorial unit id, or empty for all units.

    :raises ValidationFailed: for anything else.
    """
    text = (request.args.get("unit") or "").strip()
    if not text:
        return None
    if not text.isdigit() or db.session.get(TerritorialUnit, int(text)) is None:
        raise ValidationFailed(_("Choose a territorial unit from the list."), field="unit")
    return int(text)


def _download(body: bytes, fmt: str, filename: str) -> Response:
    return Response(body, mimetype=_FORMATS[fmt].split(";")[0],
                    headers={"Content-Type": _FORMATS[fmt],
                             "Content-Disposition": f"attachment; filename={filename}"})


class OpenDataView(BaseView):
    """The eight open datasets for any period, with their metadata, as CSV and JSON."""

    route_base = "/open-data"
    default_view = "index"

    def _guard(self) -> None:
        if not access.can_use_open_data(access.current_actor()):
            abort(403)

    @expose("/")
    @has_access
    def index(self) -> Any:
        self._guard()
        error, status = None, 200
        try:
            period = _period(previous_month(today()))
        except ValidationFailed as exc:
            error, status, period = str(exc.message), 400, previous_month(today())
        publications = db.session.execute(
            select(OpenDataPublication.dataset, OpenDataPublication.period,
                   OpenDataPublication.status, OpenDataPublication.published_at,
                   OpenDataPublication.last_error)
            .order_by(OpenDataPublication.period.desc(), OpenDataPublication.dataset).limit(48)
        ).all()
        rows = [
            {"key": key, "number": spec.number, "title": catalogue.title(key, _locale())}
            for key, spec in datasets.DATASETS.items()
        ]
        body = self.render_template(
            "opendata/index.html", datasets=rows, period=period,
            period_text=request.args.get("period", period.code), error=error,
            publications=publications, marker=MARKER, max_small=MAX_SMALL,
            title=_l("Open data"),
        )
        return body, status

    @expose("/<key>/<period>.<fmt>")
    @has_access
    def download(self, key: str, period: str, fmt: str) -> Any:
        self._guard()
        if key not in datasets.DATASETS or fmt not in _FORMATS:
            abort(404)
        try:
            p = parse_period(period, today())
        except ValidationFailed as exc:
            return Response(str(exc.message), status=400, mimetype="text/plain")
        result = datasets.compute(db.session, key, p)
        if fmt == "csv":
            body = files.table_csv(result.columns, result.rows)
        else:
            body = files.table_json(key, p.code, result.columns, result.rows,
                                    uri=catalogue.distribution_uri(key, p, "json"),
                                    marker=MARKER)
        return _download(body, fmt, f"{key}-{p.code}.{fmt}")

    @expose("/<key>/metadata.json")
    @has_access
    def metadata(self, key: str) -> Any:
        self._guard()
        if key not in datasets.DATASETS:
            abort(404)
        try:
            p = _period(previous_month(today())) if request.args.get("period") else None
        except ValidationFailed as exc:
            return Response(str(exc.message), status=400, mimetype="text/plain")
        meta = catalogue.metadata(db.session, key, p)
        suffix = f"-{p.code}" if p else ""
        return _download(files.metadata_json(meta), "json", f"{key}{suffix}-metadata.json")


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "lv")


class DashboardView(BaseView):
    """Result indicators drawn in the browser from the JSON endpoints below."""

    route_base = "/dashboard"
    default_view = "index"

    def _actor(self) -> access.Actor:
        actor = access.current_actor()
        if not access.can_see_dashboard(actor):
            abort(403)
        return actor

    @expose("/")
    @has_access
    def index(self) -> Any:
        actor = self._actor()
        error, status = None, 200
        period = Period(today().year)
        unit_id = None
        try:
            period = _period(period)
            unit_id = _unit()
        except ValidationFailed as exc:
            error, status = {"field": exc.field or "period", "message": str(exc.message)}, 400
        body = self.render_template(
            "opendata/dashboard.html",
            indicators=list(indicators.INDICATORS), units=indicators.units(db.session),
            period_text=request.args.get("period", period.code), period=period,
            unit_id=unit_id, error=error, exact=access.dashboard_exact_figures(actor),
            marker=MARKER, max_small=MAX_SMALL, title=_l("Indicator dashboard"),
            locale=_locale(),
        )
        return body, status

    def _indicator(self, key: str) -> indicators.Indicator | Response:
        actor = self._actor()
        if key not in indicators.INDICATORS:
            abort(404)
        try:
            period = _period(Period(today().year))
            unit_id = _unit()
        except ValidationFailed as exc:
            resp = jsonify({"error": str(exc.message), "field": exc.field or "period"})
            resp.status_code = 400
            return resp
        return indicators.compute(db.session, key, period, unit_id, actor, today())

    @expose("/data/<key>.json")
    @has_access
    def data(self, key: str) -> Any:
        result = self._indicator(key)
        if isinstance(result, Response):
            return result
        return jsonify(result.as_json())

    @expose("/data/<key>.csv")
    @has_access
    def csv(self, key: str) -> Any:
        result = self._indicator(key)
        if isinstance(result, Response):
            return result
        rows = [[("" if v is None else v) for v in row] for row in result.rows]
        # The BOM lets spreadsheet programs read the Latvian headers as UTF-8.
        body = "\ufeff".encode() + files.table_csv(result.columns, rows)
        return _download(body, "csv", f"{key}.csv")


# --- public stable URIs ----------------------------------------------------------------------

public = Blueprint("opendata", __name__, url_prefix="/opendata")


@public.get("/")
def catalogue_index() -> Any:
    """The list of datasets with their stable URIs (public)."""
    return jsonify([
        {"identifier": key, "uri": catalogue.dataset_uri(key),
         "title": {lang: catalogue.title(key, lang) for lang in catalogue.LANGS}}
        for key in datasets.DATASETS
    ])


@public.get("/<key>")
def dataset_metadata(key: str) -> Any:
    """A dataset's metadata and the periods published so far (public)."""
    if key not in datasets.DATASETS:
        abort(404)
    meta = catalogue.metadata(db.session, key)
    periods = db.session.scalars(
        select(OpenDataPublication.period).where(
            OpenDataPublication.dataset == key,
            OpenDataPublication.status == "published").order_by(OpenDataPublication.period)
    ).all()
    meta["periods"] = [
        {"period": p, "csv": catalogue.distribution_uri(key, p, "csv"),
         "json": catalogue.distribution_uri(key, p, "json"),
         "metadata": catalogue.distribution_uri(key, p, "metadata.json")}
        for p in periods
    ]
    return Response(files.metadata_json(meta), mimetype="application/json")


@public.get("/<key>/<period>.<fmt>")
def published_file(key: str, period: str, fmt: str) -> Any:
    """A published file exactly as it was sent to the open data portal (public)."""
    kind = {"csv": "csv", "json": "json"}.get(fmt)
    if fmt == "json" and period.endswith(".metadata"):  # <period>.metadata.json
        period, kind = period[: -len(".metadata")], "metadata"
    if key not in datasets.DATASETS or kind is None:
        abort(404)
    text = publish.published_file(db.session, key, period, kind)
    if text is None:
        abort(404)
    mimetype = "text/csv" if kind == "csv" else "application/json"
    resp = Response(text.encode("utf-8"), mimetype=mimetype)
    resp.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def register(appbuilder: AppBuilder) -> None:
    """Add the open data screen, the dashboard and the public open data URIs."""
    appbuilder.add_view(DashboardView, "Indicator dashboard", label=_l("Indicator dashboard"),
                        icon="fa-line-chart")
    appbuilder.add_view(OpenDataView, "Open data", label=_l("Open data"), icon="fa-database")
    # create_app registers the views inside its app context.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if "opendata" not in app.blueprints:
        app.register_blueprint(public)
