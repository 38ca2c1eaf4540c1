"""The SPARQL 1.1 endpoint at /sparql: thin views over ld.sparql and ld.sparql_run.

GET/POST as the SPARQL 1.1 Protocol says (HEAD as GET); without a query, GET
answers the Service Description (RDF Accept) or the query editor (browsers).
Every refusal is an :mod:`ld.errors` exception turned into a response by
:mod:`ld.web.errors` (403 SERVICE/LOAD/update, 400 syntax or encoding, 413
body too large, 415 content type, 503 timeout or overload with Retry-After);
a browser whose query is refused gets the editor with it instead.
"""

from __future__ import annotations

import errno
import functools
import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.wsgi import get_current_url, get_host

from ld import formats, sparql_sd
from ld.config import Settings
from ld.errors import BadRequest, Forbidden, LdpubError, NotAcceptable
from ld.namespaces import PREFIXES
from ld.sparql import MAX_BODY, Analysis, ProtocolRequest, analyse, check, parse_request, query_args
from ld.sparql_examples import EXAMPLES
from ld.sparql_run import TRUNCATED_HEADER, Formats, Pools, run_query, run_update
from ld.store.base import QueryResponse
from ld.web.context import get_settings, get_store
from ld.web.http import script_root
from ld.web.serve_logging import ANSWER_CUT

bp = Blueprint("sparql", __name__)
LOG = logging.getLogger("ldpub.sparql")
HTML = formats.get("html")
RESULTS = formats.formats_of("results")  # ASK too: CSV/TSV are the word true or false
GRAPHS = formats.formats_of("rdf")
EXTENSION = "ldpub-sparql"
EXPOSED = f"{TRUNCATED_HEADER}, Retry-After, Content-Type, Vary"
# Every answer of the endpoint (CORS) and every query result (ANSWER); the
# fast path (ld/web/sparql_fast.py) sends the same lists.
CORS = (("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", EXPOSED))
ANSWER = (("Vary", "Accept"), ("Cache-Control", "no-store"))


@bp.record_once
def _setup(state) -> None:  # type: ignore[no-untyped-def]
    state.app.extensions[EXTENSION] = Pools()


@bp.after_request
def _cors(response: Response) -> Response:
    """CORS for browser clients on other origins; a preflight may send Authorization
    (an update's token). The methods a preflight allows are the endpoint's ``Allow``
    (GET, HEAD, POST, OPTIONS), as for every resource (:func:`ld.web.http.install_cors`)."""
    response.headers.update(CORS)
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, Authorization"
    return response


@bp.route("/sparql/", methods=["GET", "POST"])
@bp.route("/sparql", methods=["GET", "POST"])  # the first rule: what url_for gives
def endpoint() -> Response:
    """The SPARQL Protocol: without a query the Service Description or the editor,
    else the query or update checked and run."""
    operation = _operation()
    if operation is None:
        return _describe_or_editor()
    analysis = _checked(operation)
    if isinstance(analysis, Response):
        return analysis
    if operation.operation == "update":
        return _update(operation, analysis)
    return _query(operation, analysis)


def _operation() -> ProtocolRequest | None:
    """The request read as the protocol says; None when it carries no query or update."""
    # read at most one byte more than allowed: a huge body is refused, not buffered
    body = request.stream.read(MAX_BODY + 1) if request.method == "POST" else b""
    return parse_request(request.method, query_args(request.environ.get("QUERY_STRING", "")),
                         request.headers.get("Content-Type"), body)


def _update(operation: ProtocolRequest, analysis: Analysis) -> Response:
    """Run a checked update: 204, or the store's refusal as an error."""
    settings = get_settings()
    run_update(operation, analysis, store=get_store(), settings=settings,
               pools=current_app.extensions[EXTENSION],
               base_iri=endpoint_url(request.environ, settings))
    return Response(status=204)


def _query(operation: ProtocolRequest, analysis: Analysis) -> Response:
    """Run a checked query in the negotiated format; the editor when a browser asks."""
    chosen = _negotiated(operation, analysis)
    if chosen is None:
        return _editor(operation)
    settings = get_settings()
    result = run_query(operation, analysis, chosen, store=get_store(), settings=settings,
                       pools=current_app.extensions[EXTENSION],
                       base_iri=endpoint_url(request.environ, settings))
    return _answer(result, chosen)


def _answer(result: QueryResponse, chosen: Formats) -> Response:
    """The result in the format chosen for its kind (a graph or results), with the
    run's headers and every query answer's (:data:`ANSWER`)."""
    fmt = chosen.graph if result.kind == "graph" else chosen.results
    chunks = result.chunks
    body = (chunks[0] if isinstance(chunks, list) and len(chunks) == 1
            else _CutQuietly(chunks, request.remote_addr or "an unknown client"))
    response = Response(body, content_type=fmt.content_type, headers=result.headers)
    response.headers.update(ANSWER)
    return response


class _CutQuietly:
    """The chunks; an answer that fails once sent (the time limit) is cut in one line.

    The status and some data have gone: the only way left to say "incomplete"
    is to close the connection before the last chunk (README, "SPARQL endpoint
    safety"). The error raised through the server did that, but gunicorn then
    logged an ERROR with a 15-line traceback for an expected outcome. A broken
    pipe is what servers take as the connection ended: they close it quietly.
    A class, not a generator: its close() reaches the chunks (and frees the
    query's slot) even when the server never started reading them.
    """

    def __init__(self, chunks: Iterable[bytes], client: str) -> None:
        self.chunks, self.sent, self.client = iter(chunks), False, client

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            chunk = next(self.chunks)
        except LdpubError as cut:
            if not self.sent:
                raise  # nothing went out yet: the server can still answer an error status
            LOG.warning("a SPARQL answer was cut after its first bytes (client %s): %s",
                        self.client, cut.message)
            raise BrokenPipeError(errno.EPIPE, ANSWER_CUT) from None
        self.sent = True
        return chunk

    def close(self) -> None:
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()


def _negotiated(operation: ProtocolRequest, analysis: Analysis) -> Formats | None:
    """:func:`negotiate` for this request: a 406 when no format fits, a 400 instead when
    the query has no query form (:func:`_refuse_if_malformed`)."""
    try:
        return negotiate(analysis.form, request.headers.get("Accept"), operation.format)
    except NotAcceptable:
        _refuse_if_malformed(analysis)
        raise


def _checked(operation: ProtocolRequest) -> Analysis | Response:
    """:func:`ld.sparql.check`; a browser whose query is refused gets the editor.

    There it can change the query: the editor runs it and shows the refusal,
    as it shows a syntax error. The status stays the refusal's.
    """
    try:
        return check(operation, get_settings(), request.headers.get("Authorization"))
    except (BadRequest, Forbidden) as refused:
        if operation.operation == "query" and _wants_editor(operation):
            return _editor(operation, refused.http_status)
        raise


def _refuse_if_malformed(analysis: Analysis) -> None:
    """A query with no query form at all ("SELEC ...") is a 400 whatever was asked for:
    the syntax error is what the client must fix, not its Accept. Only what the
    tokenizer already knows is checked: parsing the query here would also evaluate
    it (pyoxigraph has no parse-only call, and evaluates ASK and ORDER BY at once),
    outside the query pool's time and concurrency limits, so any other syntax error
    is found when an acceptable request runs the query."""
    if analysis.form is None:
        raise BadRequest("SPARQL syntax error: the query has no SELECT, ASK, CONSTRUCT or "
                         "DESCRIBE", hint="check the query's first keyword")


def _wants_editor(operation: ProtocolRequest) -> bool:
    try:
        return negotiate(analyse(operation.text).form, request.headers.get("Accept"),
                         operation.format) is None
    except NotAcceptable:
        return False


@functools.lru_cache(maxsize=256)
def negotiate(form: str | None, accept: str | None, asked: str | None) -> Formats | None:
    """Results and graph formats for the query; None when a browser wants the editor.

    ``accept`` is the Accept header, ``asked`` the ``?format=`` parameter.
    Pure, and clients send few distinct Accept headers: answers are cached.
    """
    graph_first = form in ("CONSTRUCT", "DESCRIBE")
    first = GRAPHS if graph_first else RESULTS
    fmt = formats.negotiate((*first, HTML), format_param=asked, accept=accept,
                            default=first[0])
    if fmt is HTML:
        return None
    other = RESULTS if graph_first else GRAPHS
    try:
        second = formats.negotiate(other, format_param=asked, accept=accept, default=other[0])
    except NotAcceptable:
        second = other[0]
    return Formats(results=second, graph=fmt) if graph_first else Formats(fmt, second)


def _describe_or_editor() -> Response:
    """GET /sparql without a query: Service Description (RDF) or the editor (HTML)."""
    fmt = formats.negotiate((*GRAPHS, HTML), format_param=request.args.get("format"),
                            accept=request.headers.get("Accept"), default=GRAPHS[0])
    if fmt is HTML:
        return _editor(None)
    settings = get_settings()
    body = sparql_sd.describe(settings, fmt)
    response = Response(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def _editor(operation: ProtocolRequest | None, status: int = 200) -> Response:
    """The query editor; with the request's query and dataset, if it has them."""
    settings = get_settings()
    dataset = _dataset(operation)
    config = {
        "endpoint": url_for("sparql.endpoint"),
        "base": settings.base_uri,
        "prefixes": PREFIXES,
        "examples": [e.to_json(settings.base_uri) for e in EXAMPLES],
        "query": operation.text if operation else None,
        "maxRows": settings.max_rows,
        "truncatedHeader": TRUNCATED_HEADER,
        "dataset": dataset,
    }
    # the JSON sits in a <script> element: no "</script>" may appear in it
    safe = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e")
    html = render_template("sparql.html", config=safe.replace("&", "\\u0026"), settings=settings,
                           examples=EXAMPLES, dataset=dataset)
    response = Response(html, status=status, content_type=HTML.content_type)
    response.headers["Vary"] = "Accept"
    return response


def _dataset(operation: ProtocolRequest | None) -> dict[str, list[str]]:
    """The protocol dataset the editor's queries must keep (the page's own URL's)."""
    if operation is not None:
        return {"default-graph-uri": operation.default_graphs,
                "named-graph-uri": operation.named_graphs}
    return {name: request.args.getlist(name) for name in ("default-graph-uri", "named-graph-uri")}


def endpoint_url(environ: dict[str, Any], settings: Settings) -> str:
    """This endpoint's URL, the base of a query's relative IRIs: what the view and
    the fast path both use.

    The configured base URI's ``sparql``, unless ``trust_proxy``: then the URL
    as the proxy forwarded it (README, "Behind a reverse proxy"). A client's
    own ``Host`` never counts (it made ``<rel>`` ``http://evil.com/rel``).
    Behind a trusted proxy it is werkzeug's ``request.host_url`` + ``script_root`` + ``/sparql``.
    werkzeug turns the host into an IRI (percent escapes, punycode); a plain
    ASCII host is its own IRI, so only other hosts take werkzeug's longer way.
    """
    if not settings.trust_proxy:
        return settings.base_uri + "sparql"
    root = f"{environ['wsgi.url_scheme']}://{get_host(environ)}"
    if not root.isascii() or "%" in root or "xn--" in root:
        root = get_current_url(environ, host_only=True).rstrip("/")
    return root + script_root(environ) + "/sparql"

