"""/vocab and /shapes are dated by their files and by the serving process's start, never
later than now (review of 5516868).

Their bytes also depend on the templates, the code and base_uri, which change only
with a restart: dated by the Turtle files' times alone, an upgrade changed the page
and kept its date (a stale 304 for If-Modified-Since); and a file with a future time
gave a Last-Modified in the future (RFC 9110 §8.8.2.1).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

from ld import termdocs

ROOT = Path(__file__).resolve().parent.parent
SERVE = """
import sys, time
started = time.time()
from ld.config import load_settings
from ld.web import create_app
app = create_app(load_settings(env={}, store=sys.argv[1], base_uri="http://vocab.example/"))
client = app.test_client()
print(started)
for path in ("/vocab", "/vocab.ttl", "/shapes.ttl", "/shapes.html"):
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    print(answer.headers["Last-Modified"])
"""


def test_a_new_serving_process_is_a_new_date(tmp_path: Path) -> None:
    """A process started now (as after an upgrade or a new base_uri) dates the pages no
    earlier than its start, though the Turtle files are older, and not after now."""
    out = subprocess.run([sys.executable, "-c", SERVE, str(tmp_path / "store")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    started, *dates = out.split("\n")[:5]
    start = datetime.fromtimestamp(float(started), UTC).replace(microsecond=0)
    now = datetime.now(UTC)
    for date in dates:
        assert start <= parsedate_to_datetime(date) <= now, (date, start, now)


def test_a_file_dated_in_the_future_gives_no_future_date(tmp_path: Path) -> None:
    future, old = tmp_path / "future.ttl", tmp_path / "old.ttl"
    future.write_text("# dated tomorrow\n")
    old.write_text("# dated last year\n")
    tomorrow = time.time() + 86400
    os.utime(future, (tomorrow, tomorrow))
    year_ago = time.time() - 365 * 86400
    os.utime(old, (year_ago, year_ago))
    week_ago = datetime.now(UTC) - timedelta(days=7)
    before = datetime.now(UTC)
    assert before <= termdocs.latest([future, old], week_ago) <= datetime.now(UTC)
    assert termdocs.latest([old], week_ago) == week_ago  # the process's start is later
    assert termdocs.latest([old], week_ago - timedelta(days=400)) == datetime.fromtimestamp(
        year_ago, UTC)  # the file is later
