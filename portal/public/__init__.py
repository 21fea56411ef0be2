"""The public portal: e-services for clients, employers and volunteers, under /portal.

Its own blueprint, templates and style (not the officer screens' look), in Latvian and
English, working without JavaScript. ``create_app`` calls :func:`register_portal`.
"""

from __future__ import annotations

from flask import Flask

__all__ = ["register_portal"]


def register_portal(app: Flask) -> None:
    """Register the portal blueprint on ``app`` (after AppBuilder, whose login it reuses)."""
    from portal.public.blueprint import bp

    app.register_blueprint(bp)
