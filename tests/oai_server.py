"""A real OAI-PMH 2.0 provider for the harvest tests: pyoai's server on 127.0.0.1.

pyoai (an independent implementation) writes the protocol: envelopes,
resumption tokens, noRecordsMatch, badResumptionToken, cannotDisseminateFormat.
This module only gives it records (taken from the shared test data), serves it
over http.server, and records every request so tests can assert on what the
harvester asked for (e.g. the ``from=`` of an incremental run).

``Provider.script`` makes the next requests misbehave, one entry per request:
``"html"`` (a 200 HTML page), ``"503"`` (Service Unavailable + Retry-After),
``"hang"`` (no answer until the test ends), ``"expire-token"`` (the
resumption token is replaced by an invalid one before pyoai sees it), or
``None`` (answer normally).
"""

from __future__ import annotations

import copy
import threading
import time
import types
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import oaipmh.server
from lxml import etree
from oaipmh import common, error
from oaipmh.datestamp import datestamp_to_datetime
from oaipmh.metadata import MetadataRegistry

# pyoai still calls cgi.parse_qs, removed from Python; see ../shared/TOOLS.md.
oaipmh.server.cgi = types.SimpleNamespace(parse_qs=urllib.parse.parse_qs)

NS_OAI = "http://www.openarchives.org/OAI/2.0/"
NS_MARC = "http://www.loc.gov/MARC21/slim"
NS_OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NS_DC = "http://purl.org/dc/elements/1.1/"
FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
               "http://www.openarchives.org/OAI/2.0/oai_dc/"),
    "marc21": ("http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", NS_MARC),
}


@dataclass
class Item:
    """One record the provider holds: a header plus metadata per prefix."""

    identifier: str
    datestamp: datetime
    sets: list[str] = field(default_factory=list)
    deleted: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)  # prefix -> Metadata


class Repository:
    """pyoai's IOAI interface over a dict of items (pyoai adds resumption)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.items: dict[str, Item] = {}

    def identify(self) -> common.Identify:
        return common.Identify(
            repositoryName="ldpub test repository", baseURL=self.base_url,
            protocolVersion="2.0", adminEmails=["nobody@example.org"],
            earliestDatestamp=datetime(1990, 1, 1), deletedRecord="persistent",
            granularity="YYYY-MM-DDThh:mm:ssZ", compression=["identity"])

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        return [(prefix, schema, ns) for prefix, (schema, ns) in FORMATS.items()]

    def listSets(self) -> list[tuple[str, str, None]]:
        names = sorted({s for item in self.items.values() for s in item.sets})
        return [(name, name, None) for name in names]

    def listRecords(self, metadataPrefix: str, set: str | None = None,
                    from_: datetime | None = None, until: datetime | None = None) -> list:
        return [(self._header(i), i.metadata.get(metadataPrefix), None)
                for i in self._select(metadataPrefix, set, from_, until)]

    def listIdentifiers(self, metadataPrefix: str, set: str | None = None,
                        from_: datetime | None = None, until: datetime | None = None) -> list:
        return [self._header(i) for i in self._select(metadataPrefix, set, from_, until)]

    def getRecord(self, metadataPrefix: str, identifier: str) -> tuple:
        item = self.items.get(identifier)
        if item is None:
            raise error.IdDoesNotExistError(identifier)
        return self._header(item), item.metadata.get(metadataPrefix), None

    def _select(self, prefix: str, set_spec: str | None, from_: datetime | None,
                until: datetime | None) -> list[Item]:
        if prefix not in FORMATS:
            raise error.CannotDisseminateFormatError(f"no metadata format {prefix}")
        chosen = [
            i for i in self.items.values()
            if (i.deleted or prefix in i.metadata)
            and (set_spec is None or set_spec in i.sets)
            and (from_ is None or i.datestamp >= from_)
            and (until is None or i.datestamp <= until)
        ]
        return sorted(chosen, key=lambda i: (i.datestamp, i.identifier))

    @staticmethod
    def _header(item: Item) -> common.Header:
        return common.Header(None, item.identifier, item.datestamp, item.sets, item.deleted)


class LoopbackServer:
    """An http.server on a free 127.0.0.1 port at ``/oai``, served from a thread while
    the ``with`` block runs (the pyoai provider here, and tests' odd repositories)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/oai"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):  # type: ignore[no-untyped-def]  # the subclass
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Provider(LoopbackServer):
    """The HTTP side: pyoai's Server behind http.server, plus a request log and a script."""

    def __init__(self, page_size: int = 5) -> None:
        super().__init__(_Handler)
        self.httpd.provider = self  # type: ignore[attr-defined]
        self.repository = Repository(self.url)
        registry = MetadataRegistry()
        registry.registerWriter("oai_dc", oaipmh.server.oai_dc_writer)
        registry.registerWriter("marc21", _marc_writer)
        self.server = oaipmh.server.Server(self.repository, registry,
                                           resumption_batch_size=page_size)
        self.received: list[dict[str, str]] = []
        self.times: list[float] = []
        self.script: list[str | None] = []
        self.retry_after = "1"
        self.stopping = threading.Event()

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        super().__exit__(*exc)

    def add(self, item: Item) -> None:
        self.repository.items[item.identifier] = item

    def answer(self, query: str) -> tuple[int, dict[str, str], bytes]:
        kw = {k: v[0] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
        self.received.append(dict(kw))
        self.times.append(time.monotonic())
        action = self.script.pop(0) if self.script else None
        if action == "html":
            page = b"<!DOCTYPE html><html><body><h1>Welcome to our catalogue</h1></body></html>"
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page
        if action == "503":
            return 503, {"Retry-After": self.retry_after, "Content-Type": "text/plain"}, b"busy"
        if action == "hang":
            self.stopping.wait(30)
            return 504, {}, b""
        if action == "expire-token" and "resumptionToken" in kw:
            kw["resumptionToken"] = "expired"
        return 200, {"Content-Type": "text/xml; charset=utf-8"}, self.server.handleRequest(kw)


def reply(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str],
          body: bytes) -> None:
    """Send one whole answer; a client that gave up (a timeout) is not an error."""
    try:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        provider: Provider = self.server.provider  # type: ignore[attr-defined]
        reply(self, *provider.answer(urllib.parse.urlsplit(self.path).query))

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _marc_writer(element: etree._Element, metadata: common.Metadata) -> None:
    element.append(copy.deepcopy(metadata.element()))


# --- records from the shared data -------------------------------------------

def _records(path: Path) -> list[etree._Element]:
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    return tree.findall(f".//{{{NS_OAI}}}record")


def _header_of(record: etree._Element) -> tuple[str, datetime, list[str]]:
    header = record.find(f"{{{NS_OAI}}}header")
    stamp = header.findtext(f"{{{NS_OAI}}}datestamp")
    sets = [s.text for s in header.iterfind(f"{{{NS_OAI}}}setSpec")]
    return header.findtext(f"{{{NS_OAI}}}identifier"), datestamp_to_datetime(stamp), sets


def dc_fields(metadata: etree._Element) -> dict[str, list[str]]:
    """The ``dc:*`` values of an oai_dc block, in the map form pyoai's writer takes.

    (pyoai's own ``oai_dc_reader`` calls an XPath API lxml no longer has.)
    """
    fields: dict[str, list[str]] = {}
    for elem in metadata.iterfind(f"{{{NS_OAI_DC}}}dc/{{{NS_DC}}}*"):
        fields.setdefault(etree.QName(elem).localname, []).append(elem.text or "")
    return fields


def dc_items(path: Path) -> list[Item]:
    """oai_dc records of a ListRecords file (deleted ones skipped)."""
    items = []
    for record in _records(path):
        identifier, stamp, sets = _header_of(record)
        metadata = record.find(f"{{{NS_OAI}}}metadata")
        if metadata is None:
            continue
        fields = dc_fields(metadata)
        items.append(Item(identifier, stamp, sets,
                          metadata={"oai_dc": common.Metadata(metadata, fields)}))
    return items


def marc_items(path: Path, limit: int | None = None) -> list[Item]:
    """MARCXML records of a marc21 ListRecords file, served as they are."""
    items = []
    for record in _records(path)[:limit]:
        identifier, stamp, sets = _header_of(record)
        marc = record.find(f"{{{NS_OAI}}}metadata/{{{NS_MARC}}}record")
        items.append(Item(identifier, stamp, sets,
                          metadata={"marc21": common.Metadata(marc, {})}))
    return items
