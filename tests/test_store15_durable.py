"""A batch of new records is whole in the store when ``write_records`` returns.

The bulk path (``EmbeddedStore._write_fresh``) clears the batch's journal entry
right after pyoxigraph's bulk load, with no flush (the flush only waited for
compactions, docs/benchmarks.md, "Ingest", fifteenth session). A real writer
process is killed with SIGKILL right after it says its last batch was
written: every batch must be whole in the store with no journal entry left
and nothing replayed. (Power loss is not tested here: that rests on RocksDB
syncing ingested files and its manifest before the ingestion returns.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from store_contract import expected_version

from ld.config import Settings
from ld.store import open_store

TESTS = Path(__file__).parent

WRITER = """
import sys
from store_contract import make_record
from ld.config import load_settings
from ld.nquads import serialize
from ld.store import open_store
from ld.store.base import RecordGraph
store = open_store(load_settings(env={}, store=sys.argv[1]))
for batch in range(int(sys.argv[2])):
    records = [make_record(batch * 40 + i) for i in range(40)]
    store.write_records([RecordGraph(r.record_id, r.graph_iri,
                                     nquads=serialize(r.graph, r.graph_iri)) for r in records])
    print("written", batch, flush=True)
sys.stdin.readline()  # killed here, with the store open and never closed
"""


def test_new_records_survive_a_kill_right_after_the_write_returns(settings: Settings) -> None:
    batches = 6
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, settings.store, str(batches)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    said = [proc.stdout.readline() for _ in range(batches)]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert said[-1].startswith(b"written"), proc.stderr.read().decode()
    assert not list((Path(settings.store) / "journal").glob("*.nq"))  # nothing to replay
    with open_store(settings) as store:
        assert store.replayed == 0
        assert [expected_version(store, i) for i in range(batches * 40)] == [0] * (batches * 40)
        assert store.record_count() == batches * 40
