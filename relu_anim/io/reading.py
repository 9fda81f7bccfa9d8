"""Read a user's file without hanging on a pipe or filling memory with a device.

``open(path).read()`` blocks forever on a FIFO nobody writes to, reads
``/dev/zero`` until memory runs out and a 1 GB file whole. :func:`read_regular_file`
refuses anything but a regular file (after following symbolic links) before
opening it, and refuses files larger than the limit it is given before reading
them. Every refusal is a one-line :class:`~relu_anim.errors.ReluAnimError`
naming the file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from typing import BinaryIO, Iterator

from ..errors import ReluAnimError

__all__ = ["file_type", "read_head", "read_regular_file"]

_TYPES = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_type(mode: int) -> str:
    """What an ``st_mode`` is, for messages: ``"a regular file"``, ``"a FIFO (named pipe)"``...

    Examples
    --------
    >>> file_type(os.stat("/dev/null").st_mode)
    'a character device'
    """
    for test, name in _TYPES:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def read_regular_file(path: str | os.PathLike[str], limit: int, *, what: str = "file") -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes.

    Parameters
    ----------
    path
        The file; symbolic links are followed.
    limit
        The largest size accepted, in bytes.
    what
        What the file should be, for messages (``"network file"``).

    Raises
    ------
    ReluAnimError
        ``<path>: no such file``, ``<path>: is a FIFO (named pipe), not a <what>``,
        ``<path>: is 2,000,000 bytes; a <what> may have at most 1,000,000 bytes``,
        ``<path>: cannot read (Permission denied)``...

    Examples
    --------
    >>> read_regular_file("/dev/zero", 10)
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: /dev/zero: is a character device, not a file
    """
    with _open_regular(path, what) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise ReluAnimError(f"{path}: is {size:,} bytes; {_limit(what, limit)}")
        data = _read(handle, limit + 1, path)  # a file growing while read is caught here
    if len(data) > limit:
        raise ReluAnimError(f"{path}: has more than {limit:,} bytes; {_limit(what, limit)}")
    return data


def read_head(path: str | os.PathLike[str], size: int, *, what: str = "file") -> bytes:
    """The first ``size`` bytes of ``path``, a regular file (any size), with the checks
    and messages of :func:`read_regular_file`.

    Examples
    --------
    >>> read_head("/dev/zero", 4, what="model file")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: /dev/zero: is a character device, not a model file
    """
    with _open_regular(path, what) as handle:
        return _read(handle, size, path)


@contextlib.contextmanager
def _open_regular(path: str | os.PathLike[str], what: str) -> Iterator[BinaryIO]:
    """``path`` open for reading, once it is known to be a regular file."""
    source = str(path)
    try:
        # Check the type before opening: opening a FIFO blocks, opening a device may act.
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise ReluAnimError(f"{source}: is {file_type(mode)}, not a {what}")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ReluAnimError(f"{source}: no such file") from None
    except NotADirectoryError:
        raise ReluAnimError(f"{source}: no such file (a part of the path is not a folder)") from None
    except OSError as err:
        raise ReluAnimError(f"{source}: cannot read ({err.strerror or err})") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode  # the file opened, not the one stat saw
        if not stat.S_ISREG(mode):
            raise ReluAnimError(f"{source}: is {file_type(mode)}, not a {what}")
        yield handle


def _read(handle: BinaryIO, size: int, path: str | os.PathLike[str]) -> bytes:
    try:
        return handle.read(size)
    except OSError as err:
        raise ReluAnimError(f"{path}: cannot read ({err.strerror or err})") from None


def _limit(what: str, limit: int) -> str:
    return f"a {what} may have at most {limit:,} bytes"
