"""Write a file so that readers see the old one or the new one, never a half.

Every output relu-anim writes (network JSON, joined video, captions, render
state) goes through :func:`atomic_path`: the content is written to a temporary
file beside the target and renamed over it only when complete. The new file gets
the old file's permissions, or the usual ``0666 & ~umask`` for a new one (a
temporary file alone would be private, ``0600``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

__all__ = ["atomic_path", "write_atomic", "file_mode"]


def file_mode(path: Path) -> int:
    """Permissions for a new ``path``: the old file's, else what ``open`` would give.

    Examples
    --------
    >>> oct(file_mode(Path("no-such-file.txt")) & 0o600)
    '0o600'
    """
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)  # the only portable way to read it
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path: Path | str, *, make_parents: bool = False) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it if the block succeeds.

    With ``make_parents`` a missing folder is created; otherwise it is an error.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    mode = file_mode(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    with contextlib.suppress(OSError, AttributeError):  # make the rename durable (POSIX)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_atomic(path: Path | str, payload: bytes) -> None:
    """Write ``payload`` to ``path`` atomically (flushed to disk before the rename)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
