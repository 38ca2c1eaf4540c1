"""ldpub: publish library catalogue records as Linked Open Data."""

__version__ = "0.1.0"
