"""SHACL Core constraint components as plain Python checks (for :mod:`ld.shacl_fast`).

Each builder reads one constraint parameter of a shape and returns a check
``(data, focus, values) -> iterable of failures``: a failure is the value node
the result is about, or None for results without a value (counts,
sh:hasValue). The semantics follow pySHACL's implementation, the reference
the differential test compares against, down to its datatype and string
rules; where pySHACL and the SHACL spec could part (more than one value for a
single-valued parameter, pattern flags other than i and m) the builder
refuses the shapes instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ld.shacl_paths import Data, UnsupportedShapes, same_as

if TYPE_CHECKING:
    from ld.shacl_fast import Shape

# rdflib namespace attribute lookups cost a function call each: read them once
_LITERAL, _DATATYPE, _LANGSTRING, _STRING = RDFS.Literal, RDFS.Datatype, RDF.langString, XSD.string
_PLAIN = (None, _LANGSTRING, _STRING)
Check = Callable[[Data, Node, Collection[Node]], Iterable[Node | None]]
Conforms = Callable[["Shape", Data, Node], bool]

_KINDS = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
_PYTHON_TYPES = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: (int,),
                 XSD.float: (float,), XSD.decimal: (Decimal,), XSD.boolean: (bool,),
                 XSD.date: (date,), XSD.time: (time,), XSD.dateTime: (datetime,)}


def _one(sg: Graph, shape: Node, parameter: URIRef) -> Node:
    values = list(sg.objects(shape, parameter))
    if len(values) != 1:
        raise UnsupportedShapes(f"{shape}: {len(values)} values of {parameter}; the fast "
                                "engine needs exactly one (use the pyshacl engine)")
    return values[0]


def _integer(sg: Graph, shape: Node, parameter: URIRef) -> int:
    value = _one(sg, shape, parameter)
    if not (isinstance(value, Literal) and value.datatype == XSD.integer and value.value >= 0):
        raise UnsupportedShapes(f"{shape}: {parameter} must be a non-negative xsd:integer")
    return int(value.value)


def _per_value(test: Callable[[Node], bool]) -> Check:
    """A check failing every value node that does not pass ``test``."""
    return lambda data, focus, values: [v for v in values if not test(v)]


def min_count(sg: Graph, shape: Node, _: Conforms) -> Check:
    n = _integer(sg, shape, SH.minCount)
    return lambda data, focus, values: (None,) if len(values) < n else ()


def max_count(sg: Graph, shape: Node, _: Conforms) -> Check:
    n = _integer(sg, shape, SH.maxCount)
    return lambda data, focus, values: (None,) if len(values) > n else ()


def datatype(sg: Graph, shape: Node, _: Conforms) -> Check:
    return _per_value(_datatype_test(_one(sg, shape, SH.datatype)))


def _datatype_test(rule: Node) -> Callable[[Node], bool]:
    """pySHACL's DatatypeConstraintComponent, rule for rule, plus the lexical forms of
    xsd:gYear and xsd:gYearMonth that pySHACL leaves unchecked (see ``_LEXICAL``).

    What depends on the rule alone is decided here, once: every comparison of two
    IRIs is a call of rdflib's Python ``__eq__``, several per literal checked."""
    is_rule, actual = same_as(rule), _actual_test(rule)
    literal, any_datatype = rule == _LITERAL, rule == _DATATYPE
    string, langstring = rule == _STRING, rule == _LANGSTRING

    def ok(v: Node) -> bool:
        if not isinstance(v, Literal):
            return False
        if is_rule(v.datatype):
            return getattr(v, "ill_typed", None) is not True and actual(v)
        if literal:
            return True
        if any_datatype and v.datatype:
            return True
        if v.datatype is None and v.language is None and string:
            return actual(v)
        return bool(langstring and v.language and actual(v))
    return ok


def _actual_test(rule: Node) -> Callable[[Literal], bool]:
    if (lexical := _LEXICAL.get(rule)) is not None:  # type: ignore[call-overload]
        return lambda v: lexical.fullmatch(str(v)) is not None
    types = _PYTHON_TYPES.get(rule)  # type: ignore[call-overload]
    return lambda v: types is None or isinstance(v.value, types)


# Lexical spaces rdflib does not check (it gives these literals no Python value,
# so pySHACL passes "99", "+2020" or "2020-13"); SHACL's sh:datatype requires a
# well-formed lexical form (SHACL 1.0 section 4.2.2, XSD 1.1 section 3.3),
# as Apache Jena checks. ASCII digits only: XSD knows no others.
_ZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR_LEX = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_LEXICAL = {XSD.gYear: re.compile(_YEAR_LEX + _ZONE),
            XSD.gYearMonth: re.compile(_YEAR_LEX + r"-(?:0[1-9]|1[0-2])" + _ZONE)}


def node_kind(sg: Graph, shape: Node, _: Conforms) -> Check:
    rule = _one(sg, shape, SH.nodeKind)
    if rule not in _KINDS:
        raise UnsupportedShapes(f"{shape}: unknown sh:nodeKind {rule}")
    kinds = _KINDS[rule]  # type: ignore[index]
    return _per_value(lambda v: isinstance(v, kinds))


def _text(v: Node) -> str:
    """pySHACL's value_node_to_string: the lexical form (str of a term)."""
    if isinstance(v, Literal) and v.value is not None and v.datatype in _PLAIN:
        return str(v.value)
    return str(v)


def pattern(sg: Graph, shape: Node, _: Conforms) -> Check:
    source = _one(sg, shape, SH.pattern)
    flags_node = list(sg.objects(shape, SH.flags))
    flags = str(_one(sg, shape, SH.flags)) if flags_node else ""
    if not isinstance(source, Literal) or set(flags) - set("im"):
        raise UnsupportedShapes(f"{shape}: sh:pattern must be a literal with flags from 'im'")
    regex = re.compile(str(source), (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))
    return _per_value(lambda v: not isinstance(v, BNode) and regex.search(_text(v)) is not None)


def min_length(sg: Graph, shape: Node, _: Conforms) -> Check:
    n = _integer(sg, shape, SH.minLength)
    return _per_value(lambda v: n == 0 or (not isinstance(v, BNode) and len(_text(v)) >= n))


def max_length(sg: Graph, shape: Node, _: Conforms) -> Check:
    n = _integer(sg, shape, SH.maxLength)
    return _per_value(lambda v: not isinstance(v, BNode) and len(_text(v)) <= n)


def in_(sg: Graph, shape: Node, _: Conforms) -> Check:
    """``v in`` the list, IRIs compared as plain strs (see :func:`ld.shacl_paths.key`):
    an IRI equals only an IRI, and any other node only one of the other members."""
    members = list(sg.items(_one(sg, shape, SH["in"])))
    iris = {str(m) for m in members if type(m) is URIRef}
    others = [m for m in members if type(m) is not URIRef]
    return _per_value(lambda v: str(v) in iris if type(v) is URIRef else v in others)


def has_value(sg: Graph, shape: Node, _: Conforms) -> Check:
    wanted = list(sg.objects(shape, SH.hasValue))
    return lambda data, focus, values: [None for w in wanted if not any(v == w for v in values)]


def class_(sg: Graph, shape: Node, _: Conforms) -> Check:
    classes = [(c, same_as(c)) for c in sg.objects(shape, SH["class"])]
    return lambda data, focus, values: [
        v for c, is_c in classes for v in values
        if isinstance(v, Literal) or not data.is_instance(v, c, is_c)]


def language_in(sg: Graph, shape: Node, _: Conforms) -> Check:
    wanted = {str(tag).lower() for tag in sg.items(_one(sg, shape, SH.languageIn))}

    def ok(v: Node) -> bool:
        lang = v.language if isinstance(v, Literal) else None
        return bool(lang) and ("*" in wanted or str(lang).lower() in wanted
                               or str(lang).split("-")[0].lower() in wanted)
    return _per_value(ok)


def _shapes(sg: Graph, shape: Node, parameter: URIRef, lists: bool) -> list[list[Node]]:
    values = list(sg.objects(shape, parameter))
    return [list(sg.items(v)) for v in values] if lists else [[v] for v in values]


def logical(parameter: URIRef, lists: bool, rule: Callable[[int, int], bool]) -> Callable:
    """sh:or / sh:and / sh:xone / sh:not / sh:node: ``rule(conforming, members)``
    says whether a value node passes, given how many member shapes it conforms to."""
    def build(sg: Graph, shape: Node, conforms: Callable[[Node, Data, Node], bool]) -> Check:
        groups = _shapes(sg, shape, parameter, lists)
        return lambda data, focus, values: [
            v for group in groups for v in values
            if not rule(sum(conforms(member, data, v) for member in group), len(group))]
    return build


BUILDERS: dict[URIRef, Callable] = {
    SH.minCount: min_count, SH.maxCount: max_count, SH.datatype: datatype,
    SH.nodeKind: node_kind, SH.pattern: pattern, SH.minLength: min_length,
    SH.maxLength: max_length, SH["in"]: in_, SH.hasValue: has_value, SH["class"]: class_,
    SH.languageIn: language_in,
    SH["or"]: logical(SH["or"], True, lambda yes, n: yes > 0),
    SH["and"]: logical(SH["and"], True, lambda yes, n: yes == n),
    SH.xone: logical(SH.xone, True, lambda yes, n: yes == 1),
    SH["not"]: logical(SH["not"], False, lambda yes, n: yes == 0),
    SH.node: logical(SH.node, False, lambda yes, n: yes == 1),
}
SHAPE_PARAMETERS = {SH["or"], SH["and"], SH.xone, SH["not"], SH.node}  # member shapes
