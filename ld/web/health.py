"""``/health``: a probe for load balancers and monitors.

200 with a small JSON object when the store answers; otherwise the StoreError's 503,
whose body (plain text, or a page in a browser) says what is wrong and what to do.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ld import health
from ld.web.context import get_settings, get_store

bp = Blueprint("health", __name__)


@bp.route("/health")
def probe() -> Response:
    answer = jsonify(health.check(get_store(), remote=get_settings().store_is_remote))
    answer.headers["Cache-Control"] = "no-store"
    return answer
