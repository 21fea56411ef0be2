"""Shared extension objects, created without an app and bound in ``create_app``.

AppBuilder keeps its registered views and menu on the instance, so one module-level
instance would pile up views each time a test builds an app. Each app therefore gets its own
AppBuilder, and the rest of the code reaches it (and its security manager) through proxies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from celery import Celery
from flask import current_app
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from werkzeug.local import LocalProxy

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

    from portal.security.manager import PlusSecurityManager

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()
celery_app = Celery("plus")

appbuilder: AppBuilder = cast("AppBuilder", LocalProxy(lambda: current_app.appbuilder))
security_manager: PlusSecurityManager = cast(
    "PlusSecurityManager", LocalProxy(lambda: current_app.appbuilder.sm)
)
