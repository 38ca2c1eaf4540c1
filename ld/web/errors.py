"""Errors to responses, in one place.

Views raise :mod:`ld.errors` exceptions; this module turns each into a
response with its ``http_status``. The body is in a type the client
accepts, labelled as what it is (:func:`error_format`): plain text, JSON
(``{"error": {...}}``) or an HTML page, whichever the Accept header ranks
highest (plain text on a tie, so also for no Accept and ``*/*``). A client
that asked for a document as Turtle, N-Triples or RDF/XML (see
:func:`set_format`) may get the error there too, as a comment in an empty
document, when it ranks that format higher. A client that accepts none of
these gets JSON if it asked for a JSON type (JSON-LD, CSL-JSON), else plain
text: an error must be readable, and a plain JSON object is not JSON-LD, nor
plain text N-Triples.

An error with a ``retry_after`` (``Overloaded``, ``StoreBusy``) adds
``Retry-After``; a 406 lists the media types offered.
An error with a ``public`` text (a remote store's server failing,
:class:`ld.errors.ServerError`) shows only that: what the server
said goes to the log, not to an anonymous visitor.

Every status line of a Flask response reads as HTTP spells it ("503 Service
Unavailable", :func:`status_line`), as the fast paths' and Granian's do:
werkzeug writes its own in upper case ("503 SERVICE UNAVAILABLE").
"""

from __future__ import annotations

import functools
import json
import logging
import re
from xml.sax.saxutils import escape as xml_escape

from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException

from ld import formats
from ld.errors import LdpubError, NotAcceptable
from ld.formats import Format

MESSAGES = (formats.get("txt"), formats.get("json"), formats.get("html"))  # carry a message
_HASH_COMMENT = {"ttl", "nt", "nq", "trig"}
_COMMENTED = _HASH_COMMENT | {"rdf"}  # documents that can hold the message as a comment
LOG = logging.getLogger("ldpub.web")


def set_format(fmt: Format) -> None:
    """Remember the representation this request negotiated, for error bodies."""
    g.ldpub_format = fmt


def register(app: Flask) -> None:
    """Install the handlers on ``app``, and the status lines' reason phrases."""
    app.register_error_handler(LdpubError, _handle_ldpub)
    app.register_error_handler(HTTPException, _handle_http)
    app.after_request(_reason_phrase)


def _reason_phrase(response: Response) -> Response:
    response.status = status_line(response.status_code)
    return response


@functools.lru_cache(maxsize=64)
def status_line(status: int) -> str:
    """``"503 Service Unavailable"``: the code and its reason phrase (RFC 9110)."""
    return f"{status} {_title(status)}"


def _handle_ldpub(error: LdpubError) -> Response:
    offered = error.offered if isinstance(error, NotAcceptable) else []
    message = getattr(error, "public", None) or str(error)
    if message != str(error):
        LOG.warning("%s", error)
    response = error_response(error.http_status, _title(error.http_status), message, offered)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


_KEPT = ("Allow", "Content-Range")  # what a 405 and a 416 must say (RFC 9110 §15.5.6, 15.5.17)


def _handle_http(error: HTTPException) -> Response:
    """werkzeug's error with our body, and the headers werkzeug gave it that say how to
    ask again: the methods allowed, a 416's ``Content-Range: bytes */length``."""
    status = error.code or 500
    response = error_response(status, error.name, error.description or error.name)
    given = error.get_response().headers
    for name in _KEPT:
        if given.get(name):
            response.headers[name] = given[name]
    return response


def error_response(status: int, title: str, message: str,
                   offered: list[str] | None = None) -> Response:
    """An error body in the format :func:`error_format` picks."""
    offered = offered or []
    fmt = error_format(None if status == 406 else g.get("ldpub_format"))
    body = _render(fmt, status, title, message, offered)
    response = Response(body, status=status, content_type=fmt.content_type)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


def error_format(asked: Format | None) -> Format:
    """Plain text, JSON, HTML or (a comment in) ``asked``, the representation the request
    negotiated: the one the client's Accept ranks highest, plain text on a tie; when it
    accepts none, JSON for a JSON client, else plain text (see the module doc)."""
    carriers = MESSAGES if asked is None or asked.key not in _COMMENTED else (*MESSAGES, asked)
    try:
        return formats.negotiate(carriers, accept=request.headers.get("Accept"),
                                 default=MESSAGES[0])
    except NotAcceptable:
        json_like = asked is not None and asked.media_type.endswith("json")
        return MESSAGES[1] if json_like else MESSAGES[0]


def _render(fmt: Format, status: int, title: str, message: str, offered: list[str]) -> str:
    if fmt.kind == "html":
        labels = [(m, formats.by_media_type(m)) for m in offered]
        return render_template("error.html", status=status, title=title,
                               message=message, offered=labels)
    lines = [f"{status} {title}", message]
    if offered:
        lines.append("Offered: " + ", ".join(offered))
    if fmt.key == "json":
        payload: dict[str, object] = {"status": status, "title": title, "message": message}
        if offered:
            payload["offered"] = offered
        return json.dumps({"error": payload}, ensure_ascii=False) + "\n"
    if fmt.key == "rdf":  # an empty RDF/XML document, the message as an XML comment
        # no "--" may stand in a comment: "a---b".replace("--", "- -") left one
        comment = re.sub(r"-(?=-)", "- ", xml_escape(" ".join(lines)))
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                f"<!-- {comment} -->\n"
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    if fmt.key in _HASH_COMMENT:
        return "".join(f"# {line}\n" for line in " ".join(lines).splitlines())
    return "\n".join(lines) + "\n"


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
