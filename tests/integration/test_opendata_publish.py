"""Publication of the open datasets to CKAN, against the CKAN action-API simulator (a real
HTTP service on a free local port that keeps its datasets)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from ckanapi import RemoteCKAN
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from connectors.simulators.ckan import CkanSimulator
from portal.models import OpenDataPublication, PublicationStatus
from portal.services.opendata import datasets, publish
from portal.services.opendata.periods import Period
from tests.integration.test_tasks import _get, worker  # noqa: F401 (the worker fixture)

KEY = "sim-secret"


@pytest.fixture()
def sim() -> Iterator[CkanSimulator]:
    simulator = CkanSimulator(api_key=KEY).start()
    yield simulator
    simulator.stop()


@pytest.fixture()
def ckan_app(app: Flask, sim: CkanSimulator, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setitem(app.config, "CKAN_URL", sim.url)
    monkeypatch.setitem(app.config, "CKAN_API_KEY", KEY)
    monkeypatch.setitem(app.config, "CKAN_TIMEOUT_SECONDS", 2)
    return app


def rows(period: str) -> dict[str, Any]:
    from portal.extensions import db

    db.session.expire_all()
    return {r.dataset: r for r in db.session.scalars(
        select(OpenDataPublication).where(OpenDataPublication.period == period))}


def name(key: str) -> str:
    return f"vpd-{key}"


def test_publishes_one_dataset_per_table_and_a_resource_per_period(
        ckan_app: Flask, sim: CkanSimulator, client: FlaskClient) -> None:
    from portal.extensions import db

    with ckan_app.app_context():
        ckan = RemoteCKAN(sim.url, apikey=KEY)
        report = publish.publish_period(db.session, Period(2012, 1), ckan=ckan)
        assert sorted(report.published) == sorted(f"{k}/2012-01" for k in datasets.DATASETS)
        assert not report.failed
        for key in datasets.DATASETS:
            pkg = sim.package(name(key))
            assert pkg is not None and pkg["owner_org"] and pkg["license_id"] == "cc-zero"
            assert [r["name"] for r in pkg["resources"]] == ["2012-01"]
            assert pkg["resources"][0]["url"].endswith(f"/opendata/{key}/2012-01.csv")
            assert {e["key"] for e in pkg["extras"]} >= {"title_en", "schema", "frequency"}
        first_ids = {k: sim.package(name(k))["resources"][0]["id"] for k in datasets.DATASETS}

        # The next month adds a resource and keeps the first (package_patch names its id).
        publish.publish_period(db.session, Period(2012, 2), ckan=ckan)
        for key in datasets.DATASETS:
            res = sim.package(name(key))["resources"]
            assert [r["name"] for r in res] == ["2012-01", "2012-02"]
            assert res[0]["id"] == first_ids[key]

        # Sending a period again (its record lost, say) updates it in place: idempotent.
        for row in rows("2012-01").values():
            row.status = PublicationStatus.PENDING
        db.session.commit()
        publish.publish_period(db.session, Period(2012, 1), ckan=ckan)
        for key in datasets.DATASETS:
            res = sim.package(name(key))["resources"]
            assert [r["name"] for r in res] == ["2012-01", "2012-02"]
            assert res[0]["id"] == first_ids[key]
        assert all(r.status is PublicationStatus.PUBLISHED for r in rows("2012-01").values())
        # A run with nothing new sends nothing.
        calls = len(sim.calls)
        publish.publish_period(db.session, Period(2012, 1), ckan=ckan)
        assert len(sim.calls) == calls

        # The stable URI serves the file exactly as published.
        stored = rows("2012-01")["reoffending"].csv
    resp = client.get("/opendata/reoffending/2012-01.csv")
    assert resp.status_code == 200 and resp.get_data(as_text=True) == stored
    assert client.get("/opendata/reoffending/2012-01.metadata.json").get_json()[
        "temporal"]["period"] == "2012-01"
    assert client.get("/opendata/reoffending").get_json()["periods"][0]["period"] == "2012-01"


def test_refusal_publishes_nothing_of_that_dataset_and_is_retried(
        ckan_app: Flask, sim: CkanSimulator) -> None:
    from portal.extensions import db

    with ckan_app.app_context():
        ckan = RemoteCKAN(sim.url, apikey=KEY)
        sim.fail_next("package_create", 500)  # the first dataset's create is refused
        report = publish.publish_period(db.session, Period(2012, 5), ckan=ckan)
        first = next(iter(datasets.DATASETS))
        assert list(report.failed) == [f"{first}/2012-05"]
        assert "noraidīja" in report.failed[f"{first}/2012-05"]
        assert sim.package(name(first)) is None  # nothing half-published
        state = rows("2012-05")
        assert state[first].status is PublicationStatus.FAILED and state[first].attempts == 1
        assert state[first].last_error
        # The next run (another period) retries it first.
        report = publish.publish_period(db.session, Period(2012, 6), ckan=ckan)
        assert f"{first}/2012-05" in report.published and not report.failed
        assert [r["name"] for r in sim.package(name(first))["resources"]] == [
            "2012-05", "2012-06"]
        assert rows("2012-05")[first].status is PublicationStatus.PUBLISHED


def test_wrong_key_and_time_out_are_clear_errors(ckan_app: Flask, sim: CkanSimulator) -> None:
    from portal.extensions import db

    with ckan_app.app_context():
        report = publish.publish_period(db.session, Period(2012, 7),
                                        ckan=RemoteCKAN(sim.url, apikey="wrong"))
        assert len(report.failed) == len(datasets.DATASETS)
        assert all("noraidīja" in e for e in report.failed.values())
        sim.delay_seconds = 3  # longer than CKAN_TIMEOUT_SECONDS (2)
        ckan = RemoteCKAN(sim.url, apikey=KEY)
        key = next(iter(datasets.DATASETS))
        row = rows("2012-07")[key]
        with pytest.raises(publish.PublicationError, match="neatbildēja 2 s laikā"):
            publish._send(ckan, row)
        sim.delay_seconds = 0
        report = publish.publish_pending(db.session, ckan)
        assert not report.failed
        assert all(r.status is PublicationStatus.PUBLISHED for r in rows("2012-07").values())


def test_scheduled_task_publishes_the_period(ckan_app: Flask, sim: CkanSimulator) -> None:
    from portal import jobs
    from portal.tasks import BEAT_SCHEDULE

    assert {e["kwargs"]["which"] for e in BEAT_SCHEDULE.values()
            if e["task"] == "portal.jobs.publish_open_data"} == {"month", "year"}
    with ckan_app.app_context():
        result = jobs.publish_open_data.apply(kwargs={"period": "2012"}).get()
    assert result["period"] == "2012" and not result["failed"]
    assert "2012" in [r["name"] for r in sim.package(name("mediations"))["resources"]]


def test_switched_off_without_url(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.extensions import db

    monkeypatch.setitem(app.config, "CKAN_URL", "")
    with app.app_context(), pytest.raises(publish.PublicationError, match="PLUS_CKAN_URL"):
        publish.publish_period(db.session, Period(2012, 8))


def test_year_is_protected_against_the_months_as_published(ckan_app: Flask,
                                                           sim: CkanSimulator) -> None:
    """The yearly table takes the hidden cells of the months from what was published."""
    from portal.extensions import db

    with ckan_app.app_context():
        ckan = RemoteCKAN(sim.url, apikey=KEY)
        publish.publish_period(db.session, Period(2014, 3), ckan=ckan)
        seen: list[tuple[str, str]] = []

        def spy(key: str, month: str) -> Any:
            seen.append((key, month))
            return publish.published_pattern(db.session, key, month)

        datasets.compute(db.session, "reoffending", Period(2014), published=spy)
        assert ("reoffending", "2014-03") in seen
        assert publish.published_pattern(db.session, "reoffending", "2014-03") is not None
        assert publish.published_pattern(db.session, "reoffending", "2014-04") is None


@pytest.fixture()
def ckan_env(sim: CkanSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker subprocess reads the CKAN settings from its environment."""
    monkeypatch.setenv("PLUS_CKAN_URL", sim.url)
    monkeypatch.setenv("PLUS_CKAN_API_KEY", KEY)


@pytest.mark.redis
def test_real_worker_publishes_over_redis(app: Flask, ckan_env: None, worker: str,  # noqa: F811
                                          sim: CkanSimulator) -> None:
    from portal import jobs

    result = jobs.publish_open_data.apply_async(kwargs={"period": "2015-04"}, queue=worker)
    done = _get(result, timeout=120)
    assert done["period"] == "2015-04" and not done["failed"]
    assert len(done["published"]) == len(datasets.DATASETS)
    assert [r["name"] for r in sim.package(name("reoffending"))["resources"]] == ["2015-04"]
