"""SPARQL 1.1 Protocol requests: what was asked, and whether we may run it.

This module decides, *before anything is executed*, what a request is
(a query of which form, or an update), which dataset it names, and whether a
public endpoint may run it at all. Execution lives in :mod:`ld.sparql_pool`
(embedded store, worker processes with a hard timeout) and
:mod:`ld.sparql_remote` (a remote store).

Safety checks work on tokens, not on raw text: strings, IRIs and comments are
skipped, so ``"SERVICE"`` in a literal or ``<http://x/load>`` does not trip
them, while ``service`` in any case, after any comment or codepoint escape,
does. The authoritative syntax check (message with line and column) is
Oxigraph's own parser, which runs in the worker; this module never needs to
agree with it on a *valid* query, only never to miss a SERVICE or LOAD it
would execute (so ambiguous text is refused, never let through).
"""

from __future__ import annotations

import functools
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import parse_qs

from ld.config import Settings
from ld.errors import BadRequest, Forbidden, UnsupportedMediaType

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
OUTBOUND_WORDS = frozenset({"SERVICE", "LOAD"})  # would make the server fetch a URL
TRUNCATED_HEADER = "X-Ldpub-Truncated"  # announces a SELECT cut at max_rows (value: max_rows)
MAX_BODY = 1 << 20  # bytes; a longer query is refused before it is read into the parser

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"

_TOKENS = re.compile(r"""\s*(?:
  (?P<comment>\#[^\n\r]*)
| (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
            |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
| (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
| (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
| (?P<bnode>_:[\w.\-\u00B7]*)
| (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
| (?P<pname>[^\W\d][\w.\-\u00B7]*:(?:[\w.\-:%\u00B7]|\\.)*|:(?:[\w.\-:%\u00B7]|\\.)*)
| (?P<word>[^\W\d]\w*)
| (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
| (?P<punct>\S)
)""", re.VERBOSE | re.DOTALL)
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class Token(NamedTuple):
    """One token; a tuple, because every request to /sparql makes a few dozen."""

    kind: str  # a group name of _TOKENS; "word" tokens are upper-cased keywords
    text: str
    start: int
    depth: int  # brace depth at the token (0 = top level)


@dataclass(frozen=True)
class Analysis:
    """What the tokens say about an operation, before any parser runs it."""

    form: str | None  # SELECT/CONSTRUCT/DESCRIBE/ASK, "UPDATE", or None (let the parser say)
    words: frozenset[str]  # every bare keyword, upper-cased
    tokens: tuple[Token, ...]
    escaped: bool = False  # the text has \\u / \\U codepoint escapes

    @property
    def is_update(self) -> bool:
        return self.form == "UPDATE"

    @property
    def names_dataset(self) -> bool:
        """FROM / FROM NAMED in the query: then the query's dataset is used as is."""
        return "FROM" in self.words

    @functools.cached_property
    def limit(self) -> int | None:
        """The outermost LIMIT (brace depth 0), or None (computed once: asked thrice).

        Lets a query that cannot return more rows than the cap skip the
        cap's counting. Not trusted when codepoint escapes could make the
        parser read the text differently from the tokens.
        """
        if self.escaped:
            return None
        for token, after in zip(self.tokens, self.tokens[1:], strict=False):
            if token.depth == 0 and token.text == "LIMIT" and after.kind == "number":
                return int(after.text) if after.text.isdigit() else None
        return None


def unescape_codepoints(text: str) -> str:
    """Apply SPARQL's \\u/\\U codepoint escapes, which the grammar undoes first."""
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"
    return _ESCAPE.sub(char, text)


def tokenize(text: str) -> tuple[Token, ...]:
    """Tokens of ``text`` with whitespace and comments dropped."""
    tokens, depth = [], 0
    for m in _TOKENS.finditer(text):  # each match skips the whitespace before its token
        kind = m.lastgroup or "punct"
        if kind == "comment":
            continue
        value = m.group(kind)
        if value == "}":
            depth = max(depth - 1, 0)
        tokens.append(Token(kind, value.upper() if kind == "word" else value, m.start(kind),
                            depth))
        if value == "{":
            depth += 1
    return tuple(tokens)


def analyse(text: str) -> Analysis:
    """Tokenise ``text`` (also after undoing codepoint escapes) and find its form."""
    tokens = tokenize(text)
    words = {t.text for t in tokens if t.kind == "word"}
    escaped = "\\u" in text or "\\U" in text
    if escaped:  # read it both ways; refuse what either way shows
        words |= {t.text for t in tokenize(unescape_codepoints(text)) if t.kind == "word"}
    form = next((t.text for t in tokens if t.kind == "word"
                 and (t.text in QUERY_FORMS or t.text in UPDATE_WORDS)), None)
    if form in UPDATE_WORDS:
        form = "UPDATE"
    return Analysis(form, frozenset(words), tokens, escaped)


@dataclass
class ProtocolRequest:
    """One SPARQL Protocol operation as the client sent it."""

    operation: str  # "query" or "update"
    text: str
    default_graphs: list[str] = field(default_factory=list)  # default-graph-uri / using-graph-uri
    named_graphs: list[str] = field(default_factory=list)  # named-graph-uri / using-named-...

    @property
    def names_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def parse_request(method: str, args: Mapping[str, Sequence[str]], content_type: str | None,
                  body: bytes) -> ProtocolRequest | None:
    """The operation of a GET or POST (SPARQL 1.1 Protocol sections 2.1 and 2.2).

    Returns None for a GET without ``query`` (the service description or the
    editor). Raises BadRequest for a query or update given twice, given both
    ways, or via GET as an update; UnsupportedMediaType for a POST body that
    is not one of the three protocol types or not UTF-8.
    """
    params: dict[str, list[str]] = {k: list(v) for k, v in args.items()}
    if method == "GET":
        if "update" in params:
            raise BadRequest("SPARQL Update must be sent with POST, never GET "
                             "(SPARQL 1.1 Protocol, section 2.2)")
        if "query" not in params:
            return None
        return _build("query", params, None)
    media_type, charset = _media_type(content_type)
    if len(body) > MAX_BODY:
        raise BadRequest(f"request body is larger than {MAX_BODY} bytes")
    text = _decode(body)
    if media_type == FORM_TYPE:
        for key, values in parse_qs(text, keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
        return _build(_which(params), params, None)
    if media_type in (QUERY_TYPE, UPDATE_TYPE):
        operation = "query" if media_type == QUERY_TYPE else "update"
        if charset not in (None, "utf-8", "utf8"):
            raise UnsupportedMediaType(f"{media_type} must be UTF-8, not charset={charset}")
        if operation in params:
            raise BadRequest(f"the {operation} is given twice: in the body and as ?{operation}=")
        return _build(operation, params, text)
    raise UnsupportedMediaType(
        f"POST /sparql takes {QUERY_TYPE}, {UPDATE_TYPE} or {FORM_TYPE}, "
        f"not {content_type or 'a body without Content-Type'}")


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    parts = [p.strip() for p in (content_type or "").split(";")]
    charset = next((p.partition("=")[2].strip('"').lower() for p in parts[1:]
                    if p.lower().startswith("charset=")), None)
    return parts[0].lower(), charset


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadRequest(f"the request body is not UTF-8 (byte {e.start}); "
                         "SPARQL requests must be encoded as UTF-8") from None


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
                           list(params.get(graphs[1], [])))


def check(request: ProtocolRequest, settings: Settings, authorization: str | None) -> Analysis:
    """Refuse what a public endpoint must not run; return the analysis to run it.

    * SERVICE and LOAD would make the server fetch URLs chosen by the client
      (server-side request forgery): always refused.
    * Updates need the update token as ``Authorization: Bearer <token>``.
    * A query that is really an update (and the reverse) is a 400.
    """
    analysis = analyse(request.text)
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
    return analysis


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


def with_using(request: ProtocolRequest, analysis: Analysis) -> str:
    """The update text with the protocol's using-(named-)graph-uri as USING clauses.

    The protocol parameters mean exactly what USING / USING NAMED in each
    DELETE/INSERT ... WHERE operation mean; the store's update engine takes
    no dataset argument, so they are written into the text in front of each
    top-level WHERE (not the short form ``DELETE WHERE``, which takes none).
    """
    if not request.names_dataset:
        return request.text
    clause = "".join(f" USING <{g}>" for g in request.default_graphs)
    clause += "".join(f" USING NAMED <{g}>" for g in request.named_graphs)
    text, previous, offset = request.text, None, 0
    for token in analysis.tokens:
        if token.kind == "word" and token.text == "WHERE" and token.depth == 0 \
                and previous != "DELETE":
            at = token.start + offset
            text = text[:at] + clause + " " + text[at:]
            offset += len(clause) + 1
        previous = token.text if token.kind == "word" else None
    return text
