"""The read-ahead thread of a load (ld.readahead): order, errors, bounds, stopping."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from ld.errors import InputError, Location
from ld.readahead import ReadAhead


def test_every_item_in_order_across_chunks() -> None:
    with ReadAhead(range(1000), chunk=7, depth=3) as reader:
        assert list(reader) == list(range(1000))


def test_empty_input() -> None:
    with ReadAhead([]) as reader:
        assert list(reader) == []
        assert list(reader) == []  # still exhausted, not waiting for more


def test_an_error_is_raised_after_the_items_read_before_it() -> None:
    def broken() -> Iterator[int]:
        yield from range(10)
        raise InputError("truncated", Location(file="f.json"))

    seen: list[int] = []
    with ReadAhead(broken(), chunk=4) as reader:
        with pytest.raises(InputError, match="truncated"):
            for item in reader:
                seen.append(item)
        with pytest.raises(StopIteration):  # like a generator after it raised
            next(reader)
    assert seen == list(range(10))


def test_reads_at_most_depth_chunks_ahead() -> None:
    produced: list[int] = []

    def counting() -> Iterator[int]:
        for i in range(100_000):
            produced.append(i)
            yield i

    with ReadAhead(counting(), chunk=10, depth=5) as reader:
        assert next(reader) == 0
        time.sleep(0.3)  # time enough to read everything, were it unbounded
        # the queue's 5 chunks, the chunk taken by the consumer, the one being filled
        assert len(produced) <= 10 * (5 + 2) + 1


def test_stopping_early_ends_the_thread_and_closes_the_source() -> None:
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    before = threading.active_count()
    with ReadAhead(endless(), chunk=3, depth=2) as reader:
        assert [next(reader) for _ in range(5)] == [0, 1, 2, 3, 4]
    assert closed.wait(1)  # closed in the reading thread, which has ended
    assert threading.active_count() == before


def test_a_reader_blocked_in_its_input_does_not_hang_close(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    import ld.readahead

    monkeypatch.setattr(ld.readahead, "STOP_WAIT", 0.2)
    release = threading.Event()

    def blocked() -> Iterator[int]:
        yield 1
        release.wait(10)  # a terminal on standard input that nobody types into
        yield 2

    reader = ReadAhead(blocked(), chunk=1)
    assert next(reader) == 1
    started = time.monotonic()
    reader.close()
    assert time.monotonic() - started < 2
    release.set()
