"""The in-process lane: queries that cannot run long skip the worker process.

Every query normally goes to a worker process (:mod:`ld.sparql_pool`), because
only killing a process really stops a runaway query. That hop and its
bookkeeping cost a fixed ~0.2-0.3 ms, which is most of the time of the
commonest query a program sends: "everything about <this IRI>"
(docs/benchmarks.md, "SPARQL"). Such a query cannot run away, so it runs
right here, in the serving thread, on the snapshot this process has open.

What may take this lane is decided on the tokens (:class:`ld.sparql_tokens.Analysis`),
conservatively; anything else goes to a worker:

* ``SELECT`` or ``ASK``, with no keyword beyond SELECT / ASK / WHERE / LIMIT /
  OFFSET / PREFIX / BASE / ``a`` (so no FILTER, OPTIONAL, UNION, ORDER BY,
  DISTINCT, GROUP BY, VALUES, BIND, subquery, SERVICE or FROM);
* a single group holding at most ONE triple pattern, whose subject is a
  constant IRI and whose other terms are IRIs, variables or plain tokens
  (no property path, blank node, list or nested group: no punctuation);
* for SELECT, at most :data:`MAX_LOCAL_ROWS` rows, by its own LIMIT or by the
  endpoint's row cap.

Why that bounds the work: with the subject (and maybe predicate or object)
constant, Oxigraph answers the pattern with a prefix scan of one index, so
the work grows with the rows produced, and production stops at the cap.
So does the memory: at most MAX_LOCAL_ROWS stored triples' terms, no join,
sort or group to hold, so ``LDPUB_QUERY_MEMORY`` (the cap of a worker
process, :func:`ld.sparql_worker.limit_memory`) has nothing to bound here.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ld.sparql_pool import query_error
from ld.sparql_tokens import Analysis, Token
from ld.sparql_worker import ERRORS, error_kind, execute

MAX_LOCAL_ROWS = 10_000
_WORDS = frozenset({"SELECT", "ASK", "WHERE", "LIMIT", "OFFSET", "PREFIX", "BASE", "A"})
_CONSTANT = ("iri", "pname")
_TERM = ("iri", "pname", "var", "string", "number")


def bounded(analysis: Analysis, max_rows: int) -> bool:
    """True when the query provably does little work (see the module docstring)."""
    if (analysis.escaped or analysis.form not in ("SELECT", "ASK")
            or not analysis.words <= _WORDS):
        return False
    if analysis.form == "SELECT":
        rows = [n for n in (analysis.limit, max_rows) if n]
        if not rows or min(rows) > MAX_LOCAL_ROWS:
            return False
    outer, inner = [], []
    for token in analysis.tokens:
        if token.depth > 1:
            return False  # a nested group
        if token.depth == 1:
            inner.append(token)
        elif token.kind == "punct" and token.text != "*":
            outer.append(token.text)
    return outer == ["{", "}"] and _one_pattern(inner)  # one group, no expressions


def _one_pattern(inner: list[Token]) -> bool:
    """At most one triple pattern, with a constant subject."""
    if inner and inner[-1].text == ".":
        inner = inner[:-1]
    if not inner:
        return True
    if len(inner) != 3:
        return False
    subject, predicate, obj = inner
    return (subject.kind in _CONSTANT and obj.kind in _TERM
            and (predicate.kind in ("iri", "pname", "var") or predicate.text == "A"))


class _Body:
    """The whole answer in memory: the lane's results are small by construction."""

    def __init__(self, kind: str, truncated: bool) -> None:
        self.header = {"kind": kind, "truncated": truncated}
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(data if isinstance(data, bytes) else bytes(data))
        return len(data)

    def flush(self) -> None:
        """Serializers call flush(); everything is kept anyway."""


def run(job: dict[str, Any], store: ox.Store) -> tuple[dict[str, Any], list[bytes]]:
    """The worker's own evaluation (:func:`ld.sparql_worker.execute`), run here on
    ``store``: its header and the whole body. Errors as the worker reports them."""
    try:
        out = execute(store, {**job, "bounded": True}, _Body)
    except ERRORS as e:
        raise query_error({"kind": error_kind(e), "message": str(e)}) from None
    return out.header, [b"".join(out.parts)]
