"""SPARQL text as tokens: what the endpoint's checks read before any parser runs.

Safety checks work on tokens, not on raw text: strings, IRIs and comments are
skipped, so ``"SERVICE"`` in a literal or ``<http://x/load>`` does not trip
them, while ``service`` in any case, after any comment or codepoint escape,
does. The authoritative syntax check (message with line and column) is
Oxigraph's own parser, which runs in the worker; the tokens never need to
agree with it on a *valid* query, only never to miss a SERVICE or LOAD it
would execute (so ambiguous text is refused, never let through). Apart from
:mod:`ld.sparql` (the Protocol and the refusals) so each stays one concern.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ld.numbers import whole_number

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})

# Linear time on any text (a serving worker runs this before any time limit applies):
# no alternative scans the same characters again from each of their positions.
# An unclosed string runs to its end (the line, or the text for a long string): the
# parser refuses such a query anyway. A prefixed name's prefix is read at most
# 65 characters far: a longer run without a colon ("a.a.a..." or a long word)
# was scanned again from each of its characters, quadratic in its length; a longer
# prefix is read as a word and a name with an empty prefix, declared and used alike.
# The four string forms up to their closing quote(s): a token takes the closing quotes
# when they are there, _CLOSED (the original grammar) only when they are.
_STRINGS = ((r"'''(?:[^'\\]|\\.|'(?!''))*", "'''"), (r'"""(?:[^"\\]|\\.|"(?!""))*', '"""'),
            (r"'(?:[^'\\\n\r]|\\.)*", "'"), (r'"(?:[^"\\\n\r]|\\.)*', '"'))
_TOKENS = re.compile(r"""\s*(?:
  (?P<comment>\#[^\n\r]*)
| (?P<string>""" + "|".join(f"{body}(?:{end})?" for body, end in _STRINGS) + r""")
| (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
| (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
| (?P<bnode>_:[\w.\-\u00B7]*)
| (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
| (?P<pname>[^\W\d][\w.\-\u00B7]{0,64}:(?:[\w.\-:%\u00B7]|\\.)*|:(?:[\w.\-:%\u00B7]|\\.)*)
| (?P<word>[^\W\d]\w*)
| (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
| (?P<punct>\S)
)""", re.VERBOSE | re.DOTALL)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_CLOSED = re.compile("|".join(body + end for body, end in _STRINGS), re.DOTALL)
_OPENING, _CLOSING = frozenset("{(["), frozenset("})]")


_new_tuple = tuple.__new__


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
    nesting: int = 0  # the deepest nesting of { ( [, read both ways when escaped

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
                return whole_number(after.text)
        return None


def unclosed(token: Token) -> bool:
    """A string token that runs to the end of its line (or of the text: a long string)
    without its closing quote: the parser refuses it, and says so less clearly."""
    return token.kind == "string" and _CLOSED.fullmatch(token.text) is None


def unescape_codepoints(text: str) -> str:
    """Apply SPARQL's \\u/\\U codepoint escapes, which the grammar undoes first."""
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"
    return _ESCAPE.sub(char, text)


def tokenize(text: str) -> tuple[Token, ...]:
    """Tokens of ``text`` with whitespace and comments dropped.

    Trailing whitespace is cut first: every match skips the whitespace
    before its token, and where no token follows, each position of the run
    was tried again to its end, quadratic in its length (a 1 MiB body ending
    in spaces held a serving worker for hours, before any time limit;
    explore11 readme 1). Any other character is a token (``punct``), so
    only the end can leave whitespace without one.
    """
    tokens, depth = [], 0
    for m in _TOKENS.finditer(text.rstrip()):  # each match skips the whitespace before it
        kind = m.lastgroup or "punct"
        if kind == "comment":
            continue
        value = m[kind]
        if value == "}":
            depth = max(depth - 1, 0)
        # the tuple made directly: a NamedTuple's __new__ is one more Python call a token
        tokens.append(_new_tuple(Token, (kind, value.upper() if kind == "word" else value,
                                         m.start(kind), depth)))
        if value == "{":
            depth += 1
    return tuple(tokens)


def analyse(text: str) -> Analysis:
    """Tokenise ``text`` (also after undoing codepoint escapes) and find its form."""
    tokens = tokenize(text)
    words = {t.text for t in tokens if t.kind == "word"}
    depth = nesting(tokens)
    escaped = "\\u" in text or "\\U" in text
    if escaped:  # read it both ways; refuse what either way shows
        unescaped = tokenize(unescape_codepoints(text))
        words |= {t.text for t in unescaped if t.kind == "word"}
        depth = max(depth, nesting(unescaped))
    form = next((t.text for t in tokens if t.kind == "word"
                 and (t.text in QUERY_FORMS or t.text in UPDATE_WORDS)), None)
    if form in UPDATE_WORDS:
        form = "UPDATE"
    return Analysis(form, frozenset(words), tokens, escaped, depth)


def nesting(tokens: Sequence[Token]) -> int:
    """The deepest nesting of ``{``, ``(`` and ``[`` (strings, IRIs and comments skipped).

    Oxigraph's parser recurses once per level: a few thousand levels crashed
    its process (a segmentation fault): a query worker or, for an update, the
    serving worker itself. Counted here, before any parser sees the text.
    """
    depth = deepest = 0
    for token in tokens:
        if token.kind == "punct" and token.text in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif token.kind == "punct" and token.text in _CLOSING:
            depth = max(depth - 1, 0)
    return deepest


def undeclared_prefix(tokens: Sequence[Token]) -> str | None:
    """The first prefix a name uses before a PREFIX declares it (None: none).

    A "name" whose local part starts with "//" is the rest of an IRI the
    tokens could not read (a space or brace in it): the parser speaks there.
    """
    declared: set[str] = set()
    previous = None
    for token in tokens:
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if previous == "PREFIX":
                declared.add(prefix)
            elif prefix not in declared:
                return None if local.startswith("//") else prefix
        previous = token.text if token.kind == "word" else None
    return None
