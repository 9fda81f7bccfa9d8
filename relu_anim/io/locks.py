"""An advisory file lock across processes: one holder at a time.

Used where several processes (``--jobs``, two commands at once, test workers)
share a media folder: the render-state record, one chapter's render.
"""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["held"]


@contextmanager
def held(lock_file: Path) -> Iterator[None]:
    """Hold the exclusive ``flock`` of ``lock_file`` (created if missing, with its folder) while inside.

    Another process, or another thread opening the file itself, waits until
    this one leaves the block.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder, held(Path(folder) / "media" / ".state.lock"):
    ...     pass  # read-modify-write the shared file here
    """
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
