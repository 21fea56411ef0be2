"""WSGI entry point: ``flask --app run run`` or ``gunicorn run:app``."""

from portal import create_app

app = create_app()
