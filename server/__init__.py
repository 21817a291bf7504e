"""The SPARQL endpoint and its pages, a Flask application over the `kg` store API."""

from server.app import create_app

__all__ = ["create_app"]
