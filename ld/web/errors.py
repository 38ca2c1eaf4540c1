"""Errors to responses, in one place.

Views raise :mod:`ld.errors` exceptions; this module turns each into a
response with its ``http_status``. The body speaks the client's language:

* a view that already negotiated a representation stores it in
  ``g.ldpub_format`` (see :func:`set_format`), so "no such record" comes back
  as Turtle to a Turtle client and as a page to a browser;
* otherwise (and always for 406, where nothing could be negotiated) a browser
  gets HTML and everything else plain text, chosen by the same
  :func:`ld.formats.negotiate` as every other representation.

``Overloaded`` adds ``Retry-After``; a 406 lists the media types offered.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape as xml_escape

from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException

from ld import formats
from ld.errors import LdpubError, NotAcceptable, Overloaded
from ld.formats import Format

_FALLBACK = (formats.get("txt"), formats.get("html"))
_HASH_COMMENT = {"ttl", "nt", "nq", "trig"}


def set_format(fmt: Format) -> None:
    """Remember the representation this request negotiated, for error bodies."""
    g.ldpub_format = fmt


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(LdpubError, _handle_ldpub)
    app.register_error_handler(HTTPException, _handle_http)


def _handle_ldpub(error: LdpubError) -> Response:
    offered = error.offered if isinstance(error, NotAcceptable) else []
    response = error_response(error.http_status, _title(error.http_status), str(error), offered)
    if isinstance(error, Overloaded):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _handle_http(error: HTTPException) -> Response:
    status = error.code or 500
    response = error_response(status, error.name, error.description or error.name)
    if status == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response


def error_response(status: int, title: str, message: str,
                   offered: list[str] | None = None) -> Response:
    """An error body in the negotiated format (or HTML/plain text)."""
    offered = offered or []
    fmt = None if status == 406 else g.get("ldpub_format")
    if fmt is None:
        fmt = _fallback_format()
    body = _render(fmt, status, title, message, offered)
    response = Response(body, status=status, content_type=fmt.content_type)
    response.headers["Cache-Control"] = "no-store"
    if offered:
        response.headers["Vary"] = "Accept"
    return response


def _fallback_format() -> Format:
    try:
        return formats.negotiate(_FALLBACK, accept=request.headers.get("Accept"))
    except NotAcceptable:
        return _FALLBACK[0]


def _render(fmt: Format, status: int, title: str, message: str, offered: list[str]) -> str:
    if fmt.key == "html":
        labels = [(m, formats.by_media_type(m)) for m in offered]
        return render_template("error.html", status=status, title=title,
                               message=message, offered=labels)
    lines = [f"{status} {title}", message]
    if offered:
        lines.append("Offered: " + ", ".join(offered))
    if fmt.media_type.endswith("json") or "+json" in fmt.media_type:
        payload: dict[str, object] = {"status": status, "title": title, "message": message}
        if offered:
            payload["offered"] = offered
        return json.dumps({"error": payload}, ensure_ascii=False) + "\n"
    if fmt.media_type.endswith("xml"):
        head = '<?xml version="1.0" encoding="utf-8"?>\n'
        if fmt.kind == "rdf":
            comment = xml_escape(" ".join(lines)).replace("--", "- -")
            return (f"{head}<!-- {comment} -->\n"
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
        return f'{head}<error status="{status}">{xml_escape(" ".join(lines))}</error>\n'
    if fmt.key in _HASH_COMMENT:
        return "".join(f"# {line}\n" for line in " ".join(lines).splitlines())
    return "\n".join(lines) + "\n"


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
