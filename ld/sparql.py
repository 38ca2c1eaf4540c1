"""SPARQL 1.1 Protocol requests: what was asked, and whether we may run it.

This module decides, *before anything is executed*, what a request is
(a query of which form, or an update), which dataset it names, and whether a
public endpoint may run it at all. Execution lives in :mod:`ld.sparql_pool`
(embedded store, worker processes with a hard timeout) and
:mod:`ld.sparql_remote` (a remote store).

The checks read the operation's tokens (:mod:`ld.sparql_tokens`: strings,
IRIs and comments skipped, codepoint escapes undone), never its raw text.
"""

from __future__ import annotations

import codecs
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from ld.config import Settings
from ld.errors import BadRequest, ContentTooLarge, Forbidden, UnsupportedMediaType
from ld.namespaces import PREFIXES
from ld.sparql_tokens import Analysis, analyse, undeclared_prefix

OUTBOUND_WORDS = frozenset({"SERVICE", "LOAD"})  # would make the server fetch a URL
TRUNCATED_HEADER = "X-Ldpub-Truncated"  # announces a SELECT cut at max_rows (value: max_rows)
MAX_BODY = 1 << 20  # bytes; a longer query is refused before it is read into the parser
MAX_NESTING = 200  # levels of { ( [; Oxigraph's parser crashed at a few thousand

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"

_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*")


@dataclass
class ProtocolRequest:
    """One SPARQL Protocol operation as the client sent it."""

    operation: str  # "query" or "update"
    text: str
    default_graphs: list[str] = field(default_factory=list)  # default-graph-uri / using-graph-uri
    named_graphs: list[str] = field(default_factory=list)  # named-graph-uri / using-named-...
    format: str | None = None  # ?format= from the URL or the form body (clients send both)

    @property
    def names_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def parse_request(method: str, args: Mapping[str, Sequence[str]], content_type: str | None,
                  body: bytes) -> ProtocolRequest | None:
    """The operation of a GET or POST (SPARQL 1.1 Protocol sections 2.1 and 2.2).

    Returns None for a GET without ``query`` (the service description or the
    editor). HEAD is a GET whose body the server drops. Raises BadRequest for
    a query or update given twice, given both ways, an update in the URL (of
    a GET or a POST), or a body that is not UTF-8; UnsupportedMediaType for a
    POST body that is not one of the three protocol types, or that declares a
    charset other than UTF-8 (or US-ASCII); ContentTooLarge past MAX_BODY.
    """
    params: dict[str, list[str]] = {k: list(v) for k, v in args.items()}
    if method in ("GET", "HEAD"):
        if "update" in params:
            raise BadRequest("SPARQL Update must be sent with POST, never GET "
                             "(SPARQL 1.1 Protocol, section 2.2)")
        if "query" not in params:
            return None
        return _build("query", params, None)
    media_type, charset = _media_type(content_type)
    if len(body) > MAX_BODY:
        raise ContentTooLarge(f"the request body is larger than {MAX_BODY} bytes",
                              hint="a SPARQL request of that size is refused unread")
    if "update" in params:  # URLs are written to access logs, proxies' included
        raise BadRequest("SPARQL Update goes in the request body, never in the URL, where "
                         "servers and proxies log it: POST update= in a form body, or the "
                         f"update itself as {UPDATE_TYPE} (SPARQL 1.1 Protocol, section 2.2)")
    body = body.removeprefix(codecs.BOM_UTF8)  # Windows editors start files with one
    if media_type == FORM_TYPE:
        for key, values in _pairs(body, "the form body").items():
            params.setdefault(key, []).extend(values)
        return _build(_which(params), params, None)
    if media_type in (QUERY_TYPE, UPDATE_TYPE):
        operation = "query" if media_type == QUERY_TYPE else "update"
        text = _decode(body, media_type, charset)
        if operation in params:
            raise BadRequest(f"the {operation} is given twice: in the body and as ?{operation}=")
        return _build(operation, params, text)
    raise UnsupportedMediaType(
        f"POST /sparql takes {QUERY_TYPE}, {UPDATE_TYPE} or {FORM_TYPE}, "
        f"not {content_type or 'a body without Content-Type'}")


def query_args(query_string: str) -> dict[str, list[str]]:
    """The URL's parameters (WSGI's QUERY_STRING), decoded as strictly as a body.

    werkzeug keeps "%E9" as written, or puts U+FFFD in its place: the query
    would run, silently changed. The Protocol says UTF-8, so that is a 400.
    """
    return _pairs(query_string.encode("latin-1"), "the query string")  # PEP 3333's str


def _pairs(raw: bytes, where: str) -> dict[str, list[str]]:
    """Percent-decoded name=value pairs; BadRequest when one is not UTF-8."""
    params: dict[str, list[str]] = {}
    for pair in raw.split(b"&"):
        if pair:
            name, _, value = pair.partition(b"=")
            params.setdefault(_utf8(name, where), []).append(_utf8(value, where))
    return params


def _utf8(part: bytes, where: str) -> str:
    decoded = unquote_to_bytes(part.replace(b"+", b" "))
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadRequest(f"{where} is not percent-encoded UTF-8 (byte %{decoded[e.start]:02X} "
                         "is not UTF-8 there); the SPARQL Protocol requires UTF-8") from None


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    if content_type is not None and ";" not in content_type:
        return content_type.strip().lower(), None  # no parameters: what clients mostly send
    parts = [p.strip() for p in (content_type or "").split(";")]
    charset = next((p.partition("=")[2].strip('"').lower() for p in parts[1:]
                    if p.lower().startswith("charset=")), None)
    return parts[0].lower(), charset


def _decode(body: bytes, media_type: str, charset: str | None) -> str:
    """The body as text. The SPARQL media types have one encoding, UTF-8 (their
    registrations define no charset parameter); a declared US-ASCII, a part of
    it, is taken too. Any other charset is refused before the body is decoded,
    so the refusal names it whatever bytes the body holds."""
    codec = "utf-8" if charset is None else _codec(charset)
    if codec not in ("utf-8", "ascii"):
        raise UnsupportedMediaType(
            f"{media_type} is always UTF-8 (or US-ASCII, a part of it), not charset={charset}",
            hint="send the request as UTF-8, with charset=utf-8 or no charset")
    try:
        return body.decode(codec)
    except UnicodeDecodeError as e:
        raise BadRequest(f"the request body is not {charset or 'UTF-8'} (byte {e.start}); "
                         "SPARQL requests must be encoded as UTF-8") from None


def _codec(charset: str) -> str | None:
    """Python's name for ``charset`` ("us-ascii" and "ANSI_X3.4-1968": "ascii")."""
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def _which(params: Mapping[str, list[str]]) -> str:
    if "query" in params and "update" in params:
        raise BadRequest("a request carries either query= or update=, not both")
    if "update" in params:
        return "update"
    if "query" in params:
        return "query"
    raise BadRequest("the form has no query= (or update=) parameter")


def _build(operation: str, params: Mapping[str, list[str]], text: str | None) -> ProtocolRequest:
    if text is None:
        values = params.get(operation, [])
        if len(values) != 1:
            raise BadRequest(f"exactly one {operation}= parameter is allowed, got {len(values)}")
        text = values[0]
    if operation == "query":
        graphs = ("default-graph-uri", "named-graph-uri")
        wrong = ("using-graph-uri", "using-named-graph-uri")
    else:
        graphs = ("using-graph-uri", "using-named-graph-uri")
        wrong = ("default-graph-uri", "named-graph-uri")
    misplaced = [w for w in wrong if w in params]
    if misplaced:
        raise BadRequest(f"{', '.join(misplaced)} cannot be used with a {operation}")
    if not text.strip():
        raise BadRequest(f"the {operation} is empty")
    for name in graphs:
        bad = [iri for iri in params.get(name, []) if not _ABSOLUTE_IRI.fullmatch(iri)]
        if bad:
            raise BadRequest(f"{name} must be an absolute IRI, not {bad[0]!r}")
    return ProtocolRequest(operation, text, list(params.get(graphs[0], [])),
                           list(params.get(graphs[1], [])), (params.get("format") or [None])[0])


def check(request: ProtocolRequest, settings: Settings, authorization: str | None) -> Analysis:
    """Refuse what a public endpoint must not run; return the analysis to run it.

    * SERVICE and LOAD would make the server fetch URLs chosen by the client
      (server-side request forgery): always refused.
    * Updates need the update token as ``Authorization: Bearer <token>``.
    * A query that is really an update (and the reverse) is a 400.
    * An undeclared prefix, or a query that is only its prologue, is a 400
      in plain words (Oxigraph's own messages list character classes).
    """
    analysis = analyse(request.text)
    if analysis.nesting > MAX_NESTING:
        raise BadRequest(f"the {request.operation} nests deeper than {MAX_NESTING} levels of "
                         f"{{ }}, ( ) and [ ] ({analysis.nesting}): this endpoint does not "
                         "run it", hint=f"write the {request.operation} with fewer nested groups")
    outbound = sorted(analysis.words & OUTBOUND_WORDS)
    if outbound:
        raise Forbidden(
            f"{' and '.join(outbound)} is not allowed on this endpoint: it would make the "
            "server fetch data from another address on behalf of the query",
            hint="query the other service yourself, or load its data into ldpub")
    if request.operation == "query" and analysis.is_update:
        raise BadRequest("this is SPARQL Update; send it as update=, or with Content-Type "
                         f"{UPDATE_TYPE}")
    if request.operation == "update":
        _check_update(request, analysis, settings, authorization)
    else:
        _check_form(analysis)
    if not settings.store_is_remote:  # a remote store may predefine prefixes (Virtuoso does)
        _check_prefixes(analysis)
    return analysis


def _check_prefixes(analysis: Analysis) -> None:
    """An undeclared prefix, in plain words: Oxigraph lists ~600 characters of classes."""
    prefix = None if analysis.escaped else undeclared_prefix(analysis.tokens)
    if prefix is not None:
        iri = PREFIXES.get(prefix, "...")
        raise BadRequest(f"SPARQL syntax error: the prefix {prefix}: is not declared: "
                         f"add PREFIX {prefix}: <{iri}>")


def _check_form(analysis: Analysis) -> None:
    """A query that is only its prologue (Oxigraph says "expected [_]")."""
    if analysis.form is None and analysis.words and analysis.words <= {"PREFIX", "BASE"}:
        raise BadRequest("SPARQL syntax error: the query has no SELECT, ASK, CONSTRUCT or "
                         "DESCRIBE after its prefixes")


def _check_update(request: ProtocolRequest, analysis: Analysis, settings: Settings,
                  authorization: str | None) -> None:
    if not settings.update_token:
        raise Forbidden("this endpoint is read-only: SPARQL Update is not enabled",
                        hint="the operator can enable it with LDPUB_UPDATE_TOKEN")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), settings.update_token.encode()):
        raise Forbidden("SPARQL Update needs the header 'Authorization: Bearer <token>' "
                        "with the operator's update token")
    if request.names_dataset and analysis.words & {"USING", "WITH"}:
        raise BadRequest("using-graph-uri/using-named-graph-uri cannot be combined with "
                         "USING or WITH in the update (SPARQL 1.1 Protocol, section 2.2.3)")
