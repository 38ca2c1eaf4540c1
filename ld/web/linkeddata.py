"""Linked Data blueprint (placeholder until the pages land)."""

from flask import Blueprint

bp = Blueprint("linkeddata", __name__)
