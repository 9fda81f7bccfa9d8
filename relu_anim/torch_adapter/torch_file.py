"""Reading a file written by ``torch.save``, with its sizes checked before anything is unpacked.

A ``.pt`` file is a zip archive: ``<name>/data.pkl`` (the pickled object, tensors
as references to storages) and one entry ``<name>/data/<key>`` per storage.
:func:`load_torch_file` reads it in four steps, each bounded:

1. the file: a regular file (no FIFO or device) of at most :data:`MAX_FILE_BYTES`,
   read once into memory (:func:`~.files.read_regular_file`);
2. the zip's central directory, read here without unpacking anything: at most
   :data:`MAX_ENTRIES` entries, whose declared unpacked sizes add up to at most
   :data:`MAX_UNPACKED_BYTES`. PyTorch's reader allocates an entry's declared
   size and never writes more into it, so this bounds what loading can allocate
   (a zip bomb is refused unopened). Then every entry is read through once
   (at most those bytes, in chunks) to check its CRC-32, so an entry inflating
   to more or other bytes than declared is refused. A TorchScript archive
   (``torch.jit.save``) is refused here, before PyTorch would warn about it;
3. ``torch.load(..., weights_only=True, map_location="cpu")``: no code in the
   file runs (a pickle naming any other global is refused); PyTorch checks that
   every storage's entry holds exactly the bytes the pickle declares;
4. the caller checks the tensors it got (layout, dtype, element counts) before
   converting any: a view can declare a huge shape over a tiny storage.

Files in PyTorch's legacy format (``torch.save`` before 1.6, not a zip) are
refused: that loader allocates each storage's declared size before reading it.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib
from os import PathLike
from typing import Any

import torch

from ..errors import ReluAnimError
from ..io.reading import read_regular_file

__all__ = ["MAX_ENTRIES", "MAX_FILE_BYTES", "MAX_UNPACKED_BYTES", "load_torch_file"]

#: Largest ``.pt`` file read, in bytes (64 MiB: a float32 MLP of 16 million
#: numbers, or a checkpoint holding a 4-million-number model and its optimiser state).
MAX_FILE_BYTES = 64 * 2**20
#: Largest total of the archive entries' declared unpacked sizes, in bytes.
MAX_UNPACKED_BYTES = 64 * 2**20
#: Most entries in the archive (two per Linear layer of a state_dict, a few more per file).
MAX_ENTRIES = 10_000

_ZIP_MAGIC = b"PK\x03\x04"
_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
_ENTRY = struct.Struct("<4s6H3L5H2L")  # central directory file header
_STORED, _DEFLATED = 0, 8


class _Refused(Exception):
    """A reason the archive is refused, without the file name."""


def _directory(data: bytes) -> tuple[int, int, int]:
    """``(entries, size, offset)`` of the central directory, from the end record."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - _END.size - 0xFFFF))
    if end < 0 or end + _END.size > len(data):
        raise _Refused("a damaged zip archive (no end of central directory)")
    _, _, _, _, entries, size, offset, _ = _END.unpack_from(data, end)
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:  # zip64
        locator = end - _END64_LOCATOR.size
        if locator < 0 or data[locator:locator + 4] != b"PK\x06\x07":
            raise _Refused("a damaged zip64 archive (no zip64 end locator)")
        where = _END64_LOCATOR.unpack_from(data, locator)[2]
        if where + _END64.size > len(data) or data[where:where + 4] != b"PK\x06\x06":
            raise _Refused("a damaged zip64 archive (no zip64 end record)")
        _, _, _, _, _, _, _, entries, size, offset = _END64.unpack_from(data, where)
    if offset + size > len(data):
        raise _Refused("a truncated zip archive (its central directory is past the end of the file)")
    return entries, size, offset


def _unpacked_size(data: bytes, at: int, declared: int, extra: bytes) -> int:
    """The entry's unpacked size: the 32-bit field, or the zip64 extra field when it is full."""
    if declared != 0xFFFFFFFF:
        return declared
    while len(extra) >= 4:
        tag, length = struct.unpack_from("<HH", extra)
        if tag == 0x0001 and length >= 8:
            return struct.unpack_from("<Q", extra, 4)[0]
        extra = extra[4 + length:]
    raise _Refused(f"a damaged zip64 entry at byte {at} (no zip64 size)")


def _check_archive(data: bytes) -> None:
    """Refuse archives that are not plain ``torch.save`` output of a bounded size."""
    if not data.startswith(_ZIP_MAGIC):
        if data.startswith(b"\x80") and b"\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19" in data[:32]:
            raise _Refused("saved in PyTorch's legacy format (before 1.6), which is not read here; "
                           "load it with torch.load and torch.save it again")
        raise _Refused("not a torch state_dict file (not a zip archive as torch.save writes)")
    entries, size, offset = _directory(data)
    if entries > MAX_ENTRIES:
        raise _Refused(f"its zip archive has {entries:,} entries, more than the {MAX_ENTRIES:,} read")
    total, at, count, folder = 0, offset, 0, None
    while at < offset + size:
        if at + _ENTRY.size > len(data) or data[at:at + 4] != b"PK\x01\x02":
            raise _Refused(f"a damaged zip archive (bad central directory entry at byte {at})")
        fields = _ENTRY.unpack_from(data, at)
        method, declared = fields[4], fields[9]
        name_length, extra_length, comment_length = fields[10], fields[11], fields[12]
        start = at + _ENTRY.size
        name = data[start:start + name_length].decode("utf-8", "replace")
        extra = data[start + name_length:start + name_length + extra_length]
        count += 1
        folder = folder if folder is not None else name.partition("/")[0]
        parts = name.split("/")
        if parts[0] != folder or len(parts) < 2 or ".." in parts or "\\" in name:
            raise _Refused(f"zip entry {name!r} is not inside the archive's folder {folder + '/'!r}")
        if count > MAX_ENTRIES:
            raise _Refused(f"its zip archive has more than {MAX_ENTRIES:,} entries")
        if method not in (_STORED, _DEFLATED):
            raise _Refused(f"zip entry {name!r} uses compression method {method}, which PyTorch cannot read")
        total += _unpacked_size(data, at, declared, extra)
        if total > MAX_UNPACKED_BYTES:
            raise _Refused(
                f"its zip entries unpack to more than {MAX_UNPACKED_BYTES:,} bytes "
                f"(entry {name!r} alone declares {_unpacked_size(data, at, declared, extra):,})"
            )
        if name.partition("/")[2] == "constants.pkl":
            raise _Refused("a TorchScript archive (torch.jit.save), which may run code when loaded; "
                           "save model.state_dict() with torch.save instead")
        at = start + name_length + extra_length + comment_length
    try:  # every entry as declared: local headers agree, CRC-32 right, no more and no fewer bytes
        bad = zipfile.ZipFile(io.BytesIO(data)).testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError,
            NotImplementedError) as err:
        raise _Refused(f"a damaged zip archive ({err})") from None
    if bad is not None:
        raise _Refused(f"a damaged zip archive (entry {bad!r} does not match its CRC-32)")


def load_torch_file(path: str | PathLike[str]) -> Any:
    """The object in a file written by ``torch.save``, loaded with weights only.

    Raises
    ------
    ReluAnimError
        One line naming the file: not a regular file or too large, not a zip
        archive as ``torch.save`` writes, larger unpacked than
        :data:`MAX_UNPACKED_BYTES`, TorchScript, holding objects other than
        tensors and plain containers, or refused by PyTorch's reader.

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = os.path.join(tmp, "weights.pt")
    ...     torch.save({"0.weight": torch.ones(2, 1)}, file)
    ...     sorted(load_torch_file(file))
    ['0.weight']
    """
    name = str(path)
    data = read_regular_file(path, MAX_FILE_BYTES, what="state_dict file")
    try:
        _check_archive(data)
    except _Refused as reason:
        raise ReluAnimError(f"{name}: {reason}") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about deprecated storage classes and such
            return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 - torch raises many kinds for a bad file
        text = str(err).strip()
        if "Weights only load failed" in text or "weights_only" in text:
            reason = ("holds objects other than tensors (save model.state_dict(), "
                      "not the model, and load it with weights only)")
        else:
            first = text.splitlines()[0] if text else type(err).__name__
            reason = f"not a torch state_dict file ({first})"
        raise ReluAnimError(f"{name}: {reason}") from None
