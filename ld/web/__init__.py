"""The web application: Linked Data pages and the SPARQL endpoint.

Only ld/web imports Flask. :func:`create_app` is the one way to build the
app (Flask's application factory): nothing is configured at import time.
"""

from __future__ import annotations

from flask import Flask

from ld.config import Settings
from ld.store.base import Store


def create_app(settings: Settings, store: Store | None = None) -> Flask:
    """Build the app for ``settings``; ``store`` overrides opening one (tests)."""
    from ld.web import errors, linkeddata, sparql
    from ld.web.context import attach_store

    app = Flask(__name__)
    app.config["LDPUB"] = settings
    attach_store(app, settings, store)
    errors.register(app)
    app.register_blueprint(linkeddata.bp)
    app.register_blueprint(sparql.bp)
    return app
