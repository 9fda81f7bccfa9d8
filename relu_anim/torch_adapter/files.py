"""Reading a user's input file safely: a regular file of bounded size, read whole, once.

The rule :mod:`relu_anim.io` applies to the network JSON file, mirrored here
for ``.pt`` files until the two become one helper (``relu_anim.io.reading`` on
the main line has the same function, arguments and messages): the path must
name a regular file (symbolic links are followed); a FIFO, a device such as
``/dev/zero``, a socket or a directory is refused before it is opened, so
nothing blocks and nothing is read forever; a file larger than the caller's
limit is refused before it is read. The file is opened without blocking and
checked again on the open descriptor (a path swapped after the check is
caught), then read in one go with the limit enforced on the bytes read (a file
growing meanwhile is refused too). Every refusal is one line naming the file.
"""

from __future__ import annotations

import os
import stat

from ..errors import ReluAnimError

__all__ = ["file_type", "read_regular_file"]

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
        What the file should be, for messages (``"state_dict file"``).

    Raises
    ------
    ReluAnimError
        ``<path>: no such file``, ``<path>: is a FIFO (named pipe), not a <what>``,
        ``<path>: is 2,000,000 bytes; a <what> may have at most 1,000,000 bytes``,
        ``<path>: cannot read (Permission denied)``...

    Examples
    --------
    >>> read_regular_file("/dev/zero", 10, what="state_dict file")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: /dev/zero: is a character device, not a state_dict file
    """
    source = str(path)
    try:
        # the type before opening: opening a FIFO blocks, opening a device may act
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
        status = os.fstat(fd)  # the file opened, not the one stat saw
        if not stat.S_ISREG(status.st_mode):
            raise ReluAnimError(f"{source}: is {file_type(status.st_mode)}, not a {what}")
        if status.st_size > limit:
            raise ReluAnimError(f"{source}: is {status.st_size:,} bytes; a {what} may have at most {limit:,} bytes")
        try:
            data = handle.read(limit + 1)
        except OSError as err:
            raise ReluAnimError(f"{source}: cannot read ({err.strerror or err})") from None
    if len(data) > limit:  # it grew while being read
        raise ReluAnimError(f"{source}: has more than {limit:,} bytes; a {what} may have at most {limit:,} bytes")
    return data
