"""Hostile ``.pt`` files for the loader tests, generated on the spot (no binaries checked in).

A ``.pt`` file is a zip archive: ``archive/data.pkl`` pickles the object, each
tensor as ``torch._utils._rebuild_tensor_v2`` over a storage named by a
persistent id ``("storage", torch.FloatStorage, key, "cpu", numel)`` whose bytes
are the entry ``archive/data/<key>``. :func:`torch_archive` writes such files with
any pickle and entries, the zip written by hand so that sizes, compression and
names can say anything: :func:`zip_bomb` builds a real one (gigabytes of zeros,
deflated, declared honestly), :func:`lying_zip` one whose central directory
understates what its entry inflates to.
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import torch

__all__ = ["Entry", "Storage", "TensorRef", "lying_zip", "state_dict_pickle", "stored", "torch_archive",
           "write_zip", "zip_bomb"]

_MIB = 2**20


@dataclass(frozen=True)
class Entry:
    """A zip entry: its name, the bytes stored, and what the directory declares."""

    name: str
    payload: bytes
    size: int  # declared unpacked size
    crc: int
    method: int = 0  # 0 stored, 8 deflated


def stored(name: str, data: bytes) -> Entry:
    """An uncompressed entry holding ``data``, declared as it is."""
    return Entry(name, data, len(data), zlib.crc32(data))


def write_zip(path: Path, entries: list[Entry]) -> Path:
    """A zip archive of ``entries``, exactly as declared (sizes under 4 GiB, no zip64)."""
    out = io.BytesIO()
    directory = []
    for e in entries:
        name = e.name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, e.method, 0, 0x21, e.crc,
                              len(e.payload), e.size, len(name), 0))
        out.write(name)
        out.write(e.payload)
        directory.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, e.method, 0, 0x21, e.crc,
                                     len(e.payload), e.size, len(name), 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    out.write(b"".join(directory))
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                          out.tell() - start, start, 0))
    path.write_bytes(out.getvalue())
    return path


class Storage:
    """A storage of ``numel`` float32 numbers, the archive entry ``data/<key>``."""

    def __init__(self, key: str, numel: int) -> None:
        self.key, self.numel = key, numel


class TensorRef:
    """A float32 tensor view ``(size, stride, offset)`` over a :class:`Storage`, as torch pickles it."""

    def __init__(self, storage: Storage, size: tuple[int, ...], stride: tuple[int, ...], offset: int = 0):
        self.storage, self.size, self.stride, self.offset = storage, size, stride, offset

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2,
                (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", torch.FloatStorage, obj.key, "cpu", obj.numel)
        return None


def state_dict_pickle(state: dict) -> bytes:
    """``data.pkl`` for ``state`` (values may be :class:`TensorRef`), as torch.save pickles."""
    out = io.BytesIO()
    _Pickler(out, protocol=2).dump(state)
    return out.getvalue()


def torch_archive(path: Path, pickled: bytes, records: list[Entry], folder: str = "archive") -> Path:
    """A ``.pt`` file: ``data.pkl``, the byte order and version records, then ``records``."""
    head = [stored(f"{folder}/data.pkl", pickled), stored(f"{folder}/byteorder", b"little"),
            stored(f"{folder}/version", b"3\n")]
    tail = [Entry(f"{folder}/{e.name}", e.payload, e.size, e.crc, e.method) for e in records]
    return write_zip(path, head + tail)


def _zeros_deflated(mebibytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``mebibytes`` MiB of zeros, and their CRC-32, in about a second a GiB.

    After a full flush the compressor starts afresh, so every MiB of zeros compresses
    to the same ~1 KB: the stream is that block repeated.
    """
    chunk = bytes(_MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    return block * mebibytes + compressor.flush(), crc


def zip_bomb(path: Path, gibibytes: int = 5) -> Path:
    """A ~5 MB state_dict whose ``gibibytes`` storages of 1 GiB of zeros each are honestly declared.

    ``torch.load`` alone would unpack all of them (reading each whole into memory)
    before anything could look at the tensors.
    """
    stream, crc = _zeros_deflated(1024)
    numel = 2**30 // 4
    state = {f"{k}.weight": TensorRef(Storage(str(k), numel), (2**14, 2**14), (2**14, 1))
             for k in range(gibibytes)}
    records = [Entry(f"data/{k}", stream, 2**30, crc, method=8) for k in range(gibibytes)]
    return torch_archive(path, state_dict_pickle(state), records)


def lying_zip(path: Path, mebibytes: int = 1024) -> Path:
    """A state_dict whose one entry declares 64 bytes but inflates to ``mebibytes`` MiB."""
    stream, crc = _zeros_deflated(mebibytes)
    state = {"0.weight": TensorRef(Storage("0", 16), (16, 1), (1, 1))}
    return torch_archive(path, state_dict_pickle(state), [Entry("data/0", stream, 64, crc, method=8)])
