"""Write a file so that readers see the old one or the new one, never a half.

Every output relu-anim writes (network JSON, joined video, captions, render
state) goes through :func:`atomic_path`: the content is written to a temporary
file beside the target and renamed over it only when complete. The new file gets
the old file's permissions, or the usual ``0666 & ~umask`` for a new one (a
temporary file alone would be private, ``0600``).

What an output path may be (:func:`output_target`):

- a new file in an existing folder you may write to;
- an existing regular file you may write to (``os.access``, as a plain ``open``
  for writing would require) in a folder you may write to (the rename needs it);
- a symbolic link to either: the link stays and its target is replaced, as a
  plain write would change the target. A link in a shared sticky folder such as
  ``/tmp`` that belongs to someone else is not followed (the kernel's
  ``protected_symlinks`` rule);
- never a FIFO, device, socket or directory: replacing ``/dev/null`` with a
  file, or "writing" to ``/dev/full`` and reporting success, is refused.

Other hard links to a replaced file keep the old content (the rename gives the
name a new file), and the new file belongs to whoever wrote it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from .reading import file_type
from ..errors import ReluAnimError

__all__ = ["atomic_file", "atomic_folder", "check_folder_target", "atomic_path", "file_mode", "output_target", "write_atomic", "write_text_atomic"]

#: How many symbolic links :func:`output_target` follows, as the kernel's ``ELOOP`` limit.
MAX_LINKS = 40


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


def output_target(path: Path | str) -> Path:
    """The regular file that writing ``path`` replaces, or a one-line refusal.

    Follows symbolic links; refuses special files, files and folders the user
    may not write, and links the kernel would not follow (see the module notes).
    A missing folder is not refused here: creating the temporary file reports it.

    Raises
    ------
    ReluAnimError
        ``<path>: is a FIFO (named pipe); relu-anim writes only regular files ...``,
        ``<path>: cannot write (Permission denied)``...

    Examples
    --------
    >>> output_target("/dev/null")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: /dev/null: is a character device; relu-anim writes only regular files (or through a symbolic link to one)
    """
    path = Path(path)
    target = path
    for _ in range(MAX_LINKS):
        try:
            info = os.lstat(target)
        except FileNotFoundError:
            break  # a new file
        except OSError as err:
            raise ReluAnimError(f"{path}: cannot write ({err.strerror or err})") from None
        if stat.S_ISLNK(info.st_mode):
            _check_link_may_be_followed(path, target, info)
            target = target.parent / os.readlink(target)
            continue
        if not stat.S_ISREG(info.st_mode):
            raise ReluAnimError(f"{path}: is {file_type(info.st_mode)}; relu-anim writes only "
                                "regular files (or through a symbolic link to one)")
        if not _may(target, os.W_OK):
            raise ReluAnimError(f"{path}: cannot write (Permission denied)")
        break
    else:
        raise ReluAnimError(f"{path}: cannot write (Too many levels of symbolic links)")
    folder = target.parent
    if folder.is_dir() and not _may(folder, os.W_OK | os.X_OK):
        raise ReluAnimError(f"{path}: cannot write (Permission denied: cannot create files in {folder})")
    return target


def _may(path: Path, mode: int) -> bool:
    """``os.access`` for the effective user, as ``open`` checks."""
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)  # pragma: no cover - every POSIX system we run on has it


def _check_link_may_be_followed(path: Path, link: Path, info: os.stat_result) -> None:
    """Linux's ``fs.protected_symlinks``: in a sticky world-writable folder, follow
    only links owned by us or by the folder's owner."""
    try:
        folder = os.stat(link.parent)
    except OSError:
        return
    shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
    if shared and info.st_uid not in (os.geteuid(), folder.st_uid):
        raise ReluAnimError(f"{path}: is a symbolic link in a shared folder owned by someone else; "
                            "not following it (write to another path)")


@contextlib.contextmanager
def atomic_path(path: Path | str, *, make_parents: bool = False) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it if the block succeeds.

    ``path`` is checked by :func:`output_target` first; through a symbolic link
    the link's target is replaced. With ``make_parents`` a missing folder is
    created; otherwise it is an error (``FileNotFoundError``). On any exception,
    ``KeyboardInterrupt`` included, the temporary file is removed and ``path``
    is left as it was.

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
    target = output_target(path)
    mode = file_mode(target)
    # A short prefix: the target's name may already use all 255 bytes a name may have.
    fd, name = tempfile.mkstemp(prefix=f".{target.name[:32]}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    with contextlib.suppress(OSError, AttributeError):  # make the rename durable (POSIX)
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def atomic_file(path: Path | str) -> Iterator[BinaryIO]:
    """An open binary file that replaces ``path`` if the block succeeds.

    Flushed to disk before the rename. Whatever else must succeed together with
    the file (printing a summary, say) belongs inside the block: if it raises,
    ``path`` is untouched.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_file(target) as handle:
    ...     _ = handle.write(b"done")
    >>> target.read_bytes()
    b'done'
    """
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def write_atomic(path: Path | str, payload: bytes) -> None:
    """Write ``payload`` to ``path`` atomically (flushed to disk before the rename)."""
    with atomic_file(path) as handle:
        handle.write(payload)


def write_text_atomic(path: Path | str, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically, creating missing folders (render outputs, state).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_text_atomic(folder / "new" / "a.srt", "hello")
    >>> (folder / "new" / "a.srt").read_text()
    'hello'
    """
    with atomic_path(path, make_parents=True) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")


def check_folder_target(target: Path | str) -> Path:
    """Refuse now what :func:`atomic_folder` would refuse at the end: ``target`` as a Path if it may be built.

    A command that renders first and writes last (a pack, slides) checks its
    folder before the render, so a bad ``--out`` costs nothing: a file or a
    symbolic link in the way, or a place under a file or a folder one cannot write in.

    Examples
    --------
    >>> check_folder_target("/dev/null/pack")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: /dev/null/pack: cannot be built there (/dev/null is not a folder one can write in)
    """
    target = Path(target)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ReluAnimError(f"{target}: exists and is not a folder; move it away")
    existing = next((p for p in (target.parent, *target.parent.parents) if p.exists() or p.is_symlink()), None)
    if existing is not None and not (existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)):
        raise ReluAnimError(f"{target}: cannot be built there ({existing} is not a folder one can write in)")
    return target


@contextlib.contextmanager
def atomic_folder(target: Path | str) -> Iterator[Path]:
    """Build a folder in a temporary place beside ``target``; put it in place only when complete.

    Yields the empty folder to fill. When the block ends normally, the old
    ``target`` (if any) is moved aside, the new folder renamed to ``target``,
    and the old one removed; when it raises, the new folder is removed and
    ``target`` is as it was. A ``target`` that is a file or a symbolic link is
    refused (it is not replaced).

    Examples
    --------
    >>> import tempfile
    >>> where = Path(tempfile.mkdtemp()) / "pack"
    >>> with atomic_folder(where) as building:
    ...     _ = (building / "index.html").write_text("hello")
    >>> sorted(p.name for p in where.iterdir())
    ['index.html']
    """
    target = check_folder_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        yield building
        umask = os.umask(0)
        os.umask(umask)
        building.chmod(0o777 & ~umask)  # mkdtemp made it private; the folder is for sharing
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.rmdir(old)
            target.rename(old)
        try:
            building.rename(target)
        except OSError:
            if old is not None:
                old.rename(target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(building, ignore_errors=True)
