"""Fixtures shared by integration test modules (the connector simulators)."""

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import update

from tests.integration.exchange_fixtures import connected, registries, registry_sims, sims

__all__ = ["connected", "registries", "registry_sims", "sims"]


@pytest.fixture(autouse=True, scope="module")
def _languages_given_back(app: Flask) -> Iterator[None]:
    """A module that switches a user's language (saved on the account) gives it back, so the
    next module's screens are in the default Latvian whatever order the modules run in."""
    yield
    from portal.extensions import db
    from portal.models import PlusUser

    with app.app_context():
        db.session.execute(update(PlusUser).where(PlusUser.preferred_language.is_not(None))
                           .values(preferred_language=None))
        db.session.commit()
        db.session.remove()
