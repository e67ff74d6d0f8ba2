"""WSGI entry point: ``gunicorn wsgi:app`` (set SECRET_KEY and DATABASE_URL)."""

from panel import create_app

app = create_app()
