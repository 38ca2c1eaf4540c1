"""SPARQL endpoint blueprint (placeholder until the endpoint lands)."""

from flask import Blueprint

bp = Blueprint("sparql", __name__)
