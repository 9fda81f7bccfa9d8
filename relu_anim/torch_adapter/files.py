"""Reading a user's input file safely: a regular file of bounded size, read whole, once.

The rule, the same as :mod:`relu_anim.io` applies to the network JSON file: the
path must name a regular file (a symlink to one is fine); a FIFO, a device such
as ``/dev/zero``, a socket or a directory is refused before anything is read, so
nothing blocks and nothing is read forever; a file larger than the caller's
byte limit is refused before it is read. The file is opened without blocking
and checked again on the open descriptor (so a path swapped between the check
and the open is caught), then read in one go with the limit enforced on the
bytes actually read (a file growing meanwhile is refused too).

This mirrors the io rule inside the torch adapter for now; the two are meant to
become one helper in :mod:`relu_anim.io`.
"""

from __future__ import annotations

import os
import stat
from os import PathLike

from ..errors import ReluAnimError

__all__ = ["read_input_file"]

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _check(status: os.stat_result, name: str, what: str, limit: int) -> None:
    if stat.S_ISDIR(status.st_mode):
        raise ReluAnimError(f"{name}: is a directory, not a {what} file")
    if not stat.S_ISREG(status.st_mode):
        raise ReluAnimError(f"{name}: is not a regular file ({_kind(status.st_mode)}); give a {what} file")
    if status.st_size > limit:
        raise ReluAnimError(
            f"{name}: is {status.st_size:,} bytes, more than the {limit:,} a {what} file may have"
        )


def read_input_file(path: str | PathLike[str], *, limit: int, what: str) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Parameters
    ----------
    path
        The user's file. Symlinks are followed.
    limit
        Largest size in bytes that is read; larger files are refused unread.
    what
        What the file should be, for messages (``"state_dict"``).

    Raises
    ------
    ReluAnimError
        One line naming the file: no such file, a directory, not a regular file
        (FIFO, device, socket), larger than ``limit``, or unreadable.

    Examples
    --------
    >>> try:
    ...     read_input_file("/dev/zero", limit=1024, what="state_dict")
    ... except ReluAnimError as err:
    ...     print(err)
    /dev/zero: is not a regular file (a character device); give a state_dict file
    """
    name = str(path)
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise ReluAnimError(f"{name}: no such file") from None
    except OSError as err:
        raise ReluAnimError(f"{name}: cannot read ({err.strerror or err})") from None
    _check(before, name, what, limit)
    try:
        # O_NONBLOCK: if the path became a FIFO since the check, opening it does not wait
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise ReluAnimError(f"{name}: cannot read ({err.strerror or err})") from None
    with open(fd, "rb", closefd=True) as handle:
        status = os.fstat(fd)
        _check(status, name, what, limit)
        if (status.st_dev, status.st_ino) != (before.st_dev, before.st_ino):
            raise ReluAnimError(f"{name}: changed while being opened; try again")
        try:
            data = handle.read(limit + 1)
        except OSError as err:
            raise ReluAnimError(f"{name}: cannot read ({err.strerror or err})") from None
    if len(data) > limit:
        raise ReluAnimError(f"{name}: grew past {limit:,} bytes while being read")
    return data
