"""Publication of the open datasets to the national open data portal (CKAN action API).

The one entry point for schedulers and, later, the connector framework is
:func:`publish_period`. For each of the eight datasets:

1. The files are computed and kept as an :class:`OpenDataPublication` row (status
   "pending"), committed *before* the portal is called: the resource links to the file's
   stable URI, which serves exactly this snapshot.
2. CKAN gets one dataset per table (``<prefix><key>``) and one resource per period. The
   dataset is created with its resource in one ``package_create``, or updated in one
   ``package_patch`` that lists every existing resource by id (``package_patch`` drops the
   resources it is not told about) with this period's resource replaced or appended. One
   call per dataset: a refusal or a time-out leaves that dataset as it was in CKAN.
3. Success marks the row "published"; a failure marks it "failed" with a clear message and
   the next run tries it again (:func:`publish_pending` runs first in every scheduled run).

Running it twice changes nothing the second time but the timestamps: idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from ckanapi import NotFound, RemoteCKAN
from ckanapi.errors import CKANAPIError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import OpenDataPublication, PublicationStatus
from portal.models.base import utcnow
from portal.services.opendata import catalogue, datasets
from portal.services.opendata.disclosure import MARKER
from portal.services.opendata.periods import Period
from reports import opendata as files

__all__ = [
    "PublicationError",
    "RunReport",
    "ckan_client",
    "prepare",
    "publish_pending",
    "publish_period",
]

log = logging.getLogger(__name__)


class PublicationError(Exception):
    """The open data portal refused the dataset, or did not answer in time (the message is in
    the service's language: scheduled runs have no user, so Latvian)."""


@dataclass
class RunReport:
    """What one run did: dataset/period codes published and failed (with the reason)."""

    published: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def ckan_client() -> RemoteCKAN | None:
    """The configured CKAN client, or None when publication is switched off (no URL)."""
    cfg = current_app.config
    if not cfg.get("CKAN_URL"):
        return None
    return RemoteCKAN(cfg["CKAN_URL"], apikey=cfg.get("CKAN_API_KEY") or None,
                      user_agent="PLUS open data publisher")


def prepare(session: Session, period: Period) -> list[OpenDataPublication]:
    """Compute the eight datasets of ``period`` and store them as pending publications.

    A period already published is left as it was published (figures do not change after
    publication); a pending or failed one is recomputed. Commits.
    """
    rows = []
    for key in datasets.DATASETS:
        row = session.execute(
            select(OpenDataPublication).where(OpenDataPublication.dataset == key,
                                              OpenDataPublication.period == period.code)
        ).scalar_one_or_none()
        if row is not None and row.status is PublicationStatus.PUBLISHED:
            rows.append(row)
            continue
        result = datasets.compute(session, key, period,
                                  published=lambda k, m: published_pattern(session, k, m))
        meta = catalogue.metadata(session, key, period)
        csv_bytes = files.table_csv(result.columns, result.rows)
        json_bytes = files.table_json(key, period.code, result.columns, result.rows,
                                      uri=catalogue.distribution_uri(key, period, "json"),
                                      marker=MARKER)
        if row is None:
            row = OpenDataPublication(dataset=key, period=period.code, attempts=0)
            session.add(row)
        row.csv = csv_bytes.decode("utf-8")
        row.json = json_bytes.decode("utf-8")
        row.metadata_json = files.metadata_json(meta).decode("utf-8")
        if row.status is None or row.status is not PublicationStatus.FAILED:
            row.status = PublicationStatus.PENDING
        rows.append(row)
    session.commit()
    return rows


def _package_fields(meta: dict[str, Any], name: str) -> dict[str, Any]:
    cfg = current_app.config
    return {
        "name": name,
        "title": meta["title"]["lv"],
        "notes": meta["description"]["lv"],
        "owner_org": cfg["CKAN_ORGANIZATION"],
        "license_id": cfg["OPENDATA_CKAN_LICENCE_ID"],
        "author": meta["publisher"]["name"],
        "maintainer": meta["contact_point"]["fn"],
        "maintainer_email": meta["contact_point"]["email"],
        "url": meta["uri"],
        "tags": [{"name": k} for k in meta["keywords"]["lv"]],
        "extras": [
            {"key": "title_en", "value": meta["title"]["en"]},
            {"key": "description_en", "value": meta["description"]["en"]},
            {"key": "keywords_en", "value": ", ".join(meta["keywords"]["en"])},
            {"key": "uri", "value": meta["uri"]},
            {"key": "frequency", "value": " ".join(meta["accrual_periodicity"])},
            {"key": "licence", "value": meta["licence"]},
            {"key": "schema", "value": json.dumps(meta["schema"], ensure_ascii=False)},
            {"key": "disclosure_control", "value": meta["disclosure_control"]["lv"]},
        ],
    }


def _resource(meta: dict[str, Any], period: str) -> dict[str, Any]:
    csv_uri = next(d["access_url"] for d in meta["distributions"] if d["format"] == "CSV")
    return {
        "name": period,
        "url": csv_uri,
        "format": "CSV",
        "mimetype": "text/csv",
        "description": f"{meta['title']['lv']} — {period}",
        "period": period,
        "temporal_start": meta["temporal"]["start"],
        "temporal_end": meta["temporal"]["end"],
    }


def _send(ckan: RemoteCKAN, row: OpenDataPublication) -> tuple[str, str]:
    """One dataset and period to CKAN in a single create or patch; (package id, resource id).

    :raises PublicationError: when the portal refuses or does not answer in time.
    """
    cfg = current_app.config
    meta = json.loads(row.metadata_json)
    name = f"{cfg['CKAN_NAME_PREFIX']}{row.dataset}"
    resource = _resource(meta, row.period)
    timeout = {"timeout": cfg["CKAN_TIMEOUT_SECONDS"]}
    try:
        try:
            package = ckan.call_action("package_show", {"id": name}, requests_kwargs=timeout)
        except NotFound:
            package = None
        fields = _package_fields(meta, name)
        if package is None:
            result = ckan.call_action("package_create", {**fields, "resources": [resource]},
                                      requests_kwargs=timeout)
        else:
            # Every existing resource is named by id; this period's keeps its id.
            resources = []
            replaced = False
            for existing in package.get("resources", []):
                if existing.get("period") == row.period or existing.get("name") == row.period:
                    resources.append({**existing, **resource, "id": existing["id"]})
                    replaced = True
                else:
                    resources.append(existing)
            if not replaced:
                resources.append(resource)
            result = ckan.call_action(
                "package_patch", {**fields, "id": package["id"], "resources": resources},
                requests_kwargs=timeout,
            )
    except requests.Timeout as exc:
        raise PublicationError(_("The open data portal did not answer within %(seconds)s s.",
                                 seconds=cfg["CKAN_TIMEOUT_SECONDS"])) from exc
    except requests.RequestException as exc:
        raise PublicationError(_("The open data portal could not be reached (%(error)s).",
                                 error=type(exc).__name__)) from exc
    except CKANAPIError as exc:
        raise PublicationError(_("The open data portal refused the dataset: %(reason)s",
                                 reason=str(exc)[:300])) from exc
    resource_id = next(
        (r["id"] for r in result.get("resources", []) if r.get("name") == row.period), ""
    )
    return str(result.get("id", "")), str(resource_id)


def _publish_rows(session: Session, ckan: RemoteCKAN, rows: list[OpenDataPublication],
                  report: RunReport) -> None:
    for row in rows:
        if row.status is PublicationStatus.PUBLISHED and row.ckan_resource_id:
            continue
        label = f"{row.dataset}/{row.period}"
        row.attempts += 1
        row.attempted_at = utcnow()
        try:
            package_id, resource_id = _send(ckan, row)
        except PublicationError as exc:
            row.status = PublicationStatus.FAILED
            row.last_error = str(exc)[:500]
            report.failed[label] = row.last_error
            log.warning("open data %s not published: %s", label, row.last_error)
        else:
            row.status = PublicationStatus.PUBLISHED
            row.published_at = utcnow()
            row.last_error = None
            row.ckan_package_id, row.ckan_resource_id = package_id, resource_id
            report.published.append(label)
        session.commit()


def publish_pending(session: Session, ckan: RemoteCKAN, report: RunReport | None = None
                    ) -> RunReport:
    """Try again every publication an earlier run left pending or failed."""
    report = report or RunReport()
    rows = list(session.scalars(
        select(OpenDataPublication)
        .where(OpenDataPublication.status != PublicationStatus.PUBLISHED)
        .order_by(OpenDataPublication.period, OpenDataPublication.id)
    ))
    _publish_rows(session, ckan, rows, report)
    return report


def publish_period(
    session: Session, period: Period, *, ckan: RemoteCKAN | None = None,
    client_factory: Callable[[], RemoteCKAN | None] = ckan_client,
) -> RunReport:
    """Publish the eight datasets of ``period`` (and retry earlier failures).

    Nothing is sent when a dataset cannot be computed: all eight are prepared first.

    :raises PublicationError: when publication is not configured (no CKAN URL).
    """
    ckan = ckan or client_factory()
    if ckan is None:
        raise PublicationError(_("Publication is switched off: PLUS_CKAN_URL is not set."))
    prepare(session, period)
    # The new period's rows are pending now: one pass sends them and retries older ones.
    return publish_pending(session, ckan)


def published_file(session: Session, key: str, period: str, fmt: str) -> str | None:
    """The text of a published file (csv, json or metadata), or None if not published."""
    row = session.execute(
        select(OpenDataPublication).where(
            OpenDataPublication.dataset == key, OpenDataPublication.period == period,
            OpenDataPublication.status == PublicationStatus.PUBLISHED)
    ).scalar_one_or_none()
    if row is None:
        return None
    return {"csv": row.csv, "json": row.json, "metadata": row.metadata_json}.get(fmt)


def published_pattern(session: Session, key: str, period: str) -> set[tuple[str, str]] | None:
    """The hidden cells (row, column) of a published table of a two-way dataset, read back
    from the CSV as published; None when that period is not published."""
    text = published_file(session, key, period, "csv")
    if text is None:
        return None
    import csv
    import io

    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    return {(row[1], row[2]) for row in reader if len(row) >= 4 and row[-1] == MARKER}


def default_periods(today: dt.date, which: str) -> Period:
    """The period a scheduled run publishes: the last complete month or year."""
    from portal.services.opendata.periods import previous_month, previous_year

    return previous_month(today) if which == "month" else previous_year(today)
