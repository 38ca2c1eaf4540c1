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
    from ld.web import dataset, errors, health, http, linkeddata, security, sparql
    from ld.web.context import attach_store
    from ld.web.fastpath import FastPath
    from ld.web.prerender import flavour

    app = Flask(__name__)
    app.config["LDPUB"] = settings
    app.config["LDPUB_FLAVOUR"] = flavour(settings)  # which `ldpub render` rows fit this app
    attach_store(app, settings, store)
    app.wsgi_app = FastPath(app, app.wsgi_app)  # type: ignore[method-assign]
    if settings.trust_proxy:  # only when configured: see ld.web.proxy for which count
        from ld.web.proxy import behind_proxy

        app.wsgi_app = behind_proxy(app.wsgi_app)  # type: ignore[method-assign]
    errors.register(app)
    http.install_static(app)
    security.install(app)
    app.register_blueprint(linkeddata.bp)
    app.register_blueprint(dataset.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(health.bp)
    return app
