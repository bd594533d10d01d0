"""One SQLite connection per use: opened, committed on success (rolled back on error), and
closed. The lexical index, the translation cache and the server-side chat store use it;
SQLite's own locking lets several threads and processes share one file."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def connection(path: Path, timeout: float = 30.0) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(path, timeout=timeout)
    try:
        with db:
            yield db
    finally:
        db.close()
