"""A thread-safe LRU bounded by the bytes it holds (one per worker process).

Holds finished representations (:mod:`ld.describe`), so the bound is on
their bodies, not on their number: a person page with 50 records and a
one-line record weigh what they weigh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class Cache:
    """A thread-safe LRU bounded by the bytes it holds (one per worker process)."""

    def __init__(self, max_bytes: int = 256 * 2**20) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._data: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            old = self._data.pop(key, None)
            self.bytes += len(value.body) - (len(old.body) if old else 0)
            self._data[key] = value
            while self.bytes > self.max_bytes and self._data:
                _, evicted = self._data.popitem(last=False)
                self.bytes -= len(evicted.body)
