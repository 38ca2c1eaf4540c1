"""Oxigraph's SPARQL syntax errors in words a person can act on.

Oxigraph's parser reports the farthest point it reached and every
alternative it tried there: character classes of ~600 characters, ``[_]``
(any character), keywords that merely share a letter with the text, SERVICE
(which this endpoint refuses) and, hidden among them, the reason of a
semantic error ("The SELECT contains a variable that is unbound", with the
position at the end of the query). The "error at line:column" is kept; the
words after it become, in this order:

* the reason, when there is one, naming the variable the tokens show;
* else what the tokens show is wrong, each with where it is: a bracket or
  quote unbalanced, a SELECT with nothing to return, an IRI with a name
  glued to it (``<...terms/>title``), a selected variable neither grouped
  nor aggregated (inside a subquery Oxigraph gives no reason), a triple
  pattern of other than three terms;
* else the alternatives without character classes, SERVICE or LOAD, and
  with function names said as "an expression".

Token positions are used only when the text has no codepoint escapes (then
the tokens are where the parser read them).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple

from ld.sparql_tokens import Analysis, Token, unclosed

_ERROR = re.compile(r"error at (\d+):(\d+): expected (?:one of )?")
# one alternative: a "quoted" token, a [character class] or a word or sentence
_ALTERNATIVE = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]|[^,]+)""",
                          re.DOTALL)
_DIGITS = re.compile(r"\['0'\s*\.\.=\s*'9'\]")
_REFUSED = frozenset({"SERVICE", "LOAD"})  # this endpoint refuses them (ld.sparql.check)
AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})
_FUNCTIONS = AGGREGATES | frozenset({
    "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "URI", "BNODE", "RAND", "ABS",
    "CEIL", "FLOOR", "ROUND", "CONCAT", "STRLEN", "UCASE", "LCASE", "ENCODE_FOR_URI",
    "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER", "YEAR", "MONTH", "DAY",
    "HOURS", "MINUTES", "SECONDS", "TIMEZONE", "TZ", "NOW", "UUID", "STRUUID", "MD5", "SHA1",
    "SHA256", "SHA384", "SHA512", "COALESCE", "IF", "STRLANG", "STRDT", "SAMETERM", "ISIRI",
    "ISURI", "ISBLANK", "ISLITERAL", "ISNUMERIC", "REGEX", "SUBSTR", "REPLACE", "EXISTS", "NOT",
    "TRIPLE", "SUBJECT", "PREDICATE", "OBJECT", "ISTRIPLE", "LANGDIR", "HASLANG", "HASLANGDIR",
    "STRLANGDIR", "ADJUST"})
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_TERMS = frozenset({"var", "iri", "pname", "bnode", "string", "number"})
_CLAUSES = frozenset({"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})
_REASONS = {
    "SELECT * is not authorized with GROUP BY":
        "SELECT * cannot be used with GROUP BY or an aggregate: list the grouped variables "
        "and the aggregates to return",
    "Duplicated variable name in SELECT": "a variable is selected twice",
    "The SELECT overrides an existing variable using an expression":
        "a SELECT expression is named (... AS ?name) after a variable the WHERE clause "
        "already binds: give it a new name",
}


def plain(message: str, text: str, analysis: Analysis) -> str:
    """``message`` with Oxigraph's alternatives after "error at L:C:" replaced by
    what they mean; any other message unchanged. ``text`` is what ``analysis`` read."""
    m = _ERROR.search(message)
    if m is None:
        return message
    found = [a.strip() for a in _ALTERNATIVE.findall(message, m.end())]
    reasons = [a for a in found if " " in a and a[0] not in "\"'["]
    tokens = () if analysis.escaped else analysis.tokens
    said = (_reason(reasons[0], tokens, text) if reasons
            else _unbalanced(tokens, text) or _empty_select(tokens, text)
            or _glued(tokens, text) or _ungrouped(tokens, text) or _odd_triple(tokens, text)
            or _expected(found))
    return f"{message[:m.start()]}error at {m[1]}:{m[2]}: {said}"


def _at(token: Token, text: str) -> str:
    """Where ``token`` is, as Oxigraph says it: line:column, counted in characters."""
    line = text.count("\n", 0, token.start) + 1
    column = token.start - text.rfind("\n", 0, token.start)
    return f"{line}:{column}"


def _expected(found: Sequence[str]) -> str:
    """The alternatives worth reading: no character class (but digits), no refused keyword."""
    kept = [("a number" if _DIGITS.fullmatch(a) else a) for a in found
            if (not a.startswith("[") or _DIGITS.fullmatch(a))
            and a.upper() not in _REFUSED | _FUNCTIONS]
    if any(a.upper() in _FUNCTIONS for a in found):
        kept.append("an expression")
    if not kept:
        return "the query is not valid SPARQL at this point"
    return ("expected " if len(kept) == 1 else "expected one of ") + ", ".join(kept)


def _reason(reason: str, tokens: Sequence[Token], text: str) -> str:
    if reason.startswith("The SELECT contains") and reason.endswith("unbound"):
        return _ungrouped(tokens, text) or (
            "a variable in SELECT is neither grouped nor aggregated: with GROUP BY or an "
            "aggregate (COUNT, SAMPLE...), each selected variable must be in GROUP BY or "
            "inside an aggregate")
    return _REASONS.get(reason, reason)


def _ungrouped(tokens: Sequence[Token], text: str) -> str | None:
    """A selected variable neither in GROUP BY nor in an aggregate (SPARQL 1.1, 11.4)."""
    var = _ungrouped_variable(tokens)
    if var is None:
        return None
    name, where = var.token.text[1:], _at(var.token, text)
    if var.in_expression:
        return (f"the expression in SELECT uses ?{name} (at {where}), which is neither "
                "grouped nor aggregated: add it to GROUP BY, or group by the expression "
                "under a name, GROUP BY (... AS ?name), and select ?name")
    return (f"?{name} (at {where}) is selected but neither grouped nor aggregated: add it "
            f"to GROUP BY, or select an aggregate of it such as (SAMPLE(?{name}) AS ?any_{name})")


class _Used(NamedTuple):
    token: Token
    in_expression: bool


class _Projection(NamedTuple):
    used: list[_Used]  # variables read outside aggregates (not the names after AS)
    aggregated: bool
    end: int  # index of the token after the projection


def _ungrouped_variable(tokens: Sequence[Token]) -> _Used | None:
    """The first variable of a grouped SELECT that its GROUP BY does not name."""
    for i, token in enumerate(tokens):
        if token.kind == "word" and token.text == "SELECT":
            projection = _projection(tokens, i + 1)
            grouped = _grouped(tokens, projection.end)
            if grouped is None and not projection.aggregated:
                continue
            for var in projection.used:
                if var.token.text[1:] not in (grouped or set()):
                    return var
    return None


def _projection(tokens: Sequence[Token], at: int) -> _Projection:
    used, aggregated, parens, aggregate_at = [], False, 0, None
    while at < len(tokens) and tokens[at].text not in ("{", "WHERE", "FROM"):
        token = tokens[at]
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
            aggregate_at = None if parens == aggregate_at else aggregate_at
        elif token.kind == "word" and token.text in AGGREGATES:
            aggregated, aggregate_at = True, parens
        elif token.kind == "var" and aggregate_at is None and tokens[at - 1].text != "AS":
            used.append(_Used(token, parens > 0))
        at += 1
    return _Projection(used, aggregated, at)


def _grouped(tokens: Sequence[Token], at: int) -> set[str] | None:
    """The names the GROUP BY after the WHERE group starting at ``at`` binds (None: no
    GROUP BY): its plain variables and those named by AS, not an expression's."""
    opening = next((i for i in range(at, len(tokens)) if tokens[i].text == "{"), None)
    if opening is None:
        return None
    depth = tokens[opening].depth
    end = next((i for i in range(opening + 1, len(tokens))
                if tokens[i].text == "}" and tokens[i].depth == depth), len(tokens))
    if [t.text for t in tokens[end + 1:end + 3]] != ["GROUP", "BY"]:
        return None
    names, parens = set(), 0
    for i in range(end + 3, len(tokens)):
        token = tokens[i]
        if token.text in _CLAUSES or token.text == "}":
            break
        parens += {"(": 1, ")": -1}.get(token.text, 0)
        if token.kind == "var" and (parens == 0 or tokens[i - 1].text == "AS"):
            names.add(token.text[1:])
    return names


def _unbalanced(tokens: Sequence[Token], text: str) -> str | None:
    """A bracket closed by the wrong one, never closed, or closing nothing; a lone quote."""
    opened: list[Token] = []
    for token in tokens:
        if unclosed(token):
            where = "on its line" if token.text[:3] not in ("\'\'\'", '"""') else "at all"
            return f"the string that starts at {_at(token, text)} does not end {where}"
        if token.kind != "punct":
            continue
        if token.text in _PAIRS:
            opened.append(token)
        elif token.text in ")]}":
            if not opened:
                return f"the {token.text} at {_at(token, text)} closes nothing"
            last = opened.pop()
            if _PAIRS[last.text] != token.text:
                return (f"the {last.text} at {_at(last, text)} is not closed before the "
                        f"{token.text} at {_at(token, text)}")
    if opened:
        return f"the {opened[-1].text} at {_at(opened[-1], text)} is never closed"
    return None


def _odd_triple(tokens: Sequence[Token], text: str) -> str | None:
    """A triple pattern (terms after "{" or ".", up to "." "}" or a keyword) of other
    than three terms. VALUES blocks are skipped: their rows are not patterns."""
    run: list[Token] | None = None  # None: not at the start of a pattern
    values: int | None = None  # the depth of the VALUES block being skipped
    for token in tokens:
        if values is not None:
            values = None if token.text == "}" and token.depth == values else values
            continue
        if token.kind in _TERMS or token.text in ("A", "TRUE", "FALSE"):
            if run is not None:
                run.append(token)
            if token.kind not in ("pname", "bnode", "number") or not token.text.endswith("."):
                continue
            token = token._replace(text=".")  # "ex:o." is ex:o, then "."
        elif token.kind == "lang":
            continue
        if run and len(run) != 3 and (token.text in ".};," or token.kind == "word"):
            return _odd(run, text)
        run = [] if token.text in ("{", ".") else None
        values = token.depth if token.text == "VALUES" else None
    return None


def _odd(run: Sequence[Token], text: str) -> str:
    shown = text[run[0].start:run[-1].start + len(run[-1].text)].rstrip(".")
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    lacks = {1: "has only a subject", 2: "has no object"}.get(len(run))
    if lacks:
        return (f"the triple pattern {shown} (at {_at(run[0], text)}) {lacks}: a pattern "
                "needs a subject, a predicate and an object")
    return (f"{shown} (at {_at(run[0], text)}) is {len(run)} terms, not one triple "
            "pattern: is a . missing between two patterns?")


def _empty_select(tokens: Sequence[Token], text: str) -> str | None:
    """``SELECT WHERE {...}``: Oxigraph says "expected DISTINCT"."""
    for select, after in itertools.pairwise(tokens):
        if select.text == "SELECT" and after.text in ("WHERE", "{", "FROM"):
            return (f"the SELECT at {_at(select, text)} names nothing to return: write "
                    "SELECT * or the variables, SELECT ?s ?o")
    return None


def _glued(tokens: Sequence[Token], text: str) -> str | None:
    """An IRI with a name right after it: ``<http://purl.org/dc/terms/>title``."""
    for iri, name in itertools.pairwise(tokens):
        if (iri.kind == "iri" and name.kind in ("word", "pname")
                and name.start == iri.start + len(iri.text)):
            local = text[name.start:name.start + len(name.text)]
            return (f"the IRI {iri.text} (at {_at(iri, text)}) is followed by {local}: "
                    f"write the whole IRI inside the brackets, {iri.text[:-1]}{local}>")
    return None
