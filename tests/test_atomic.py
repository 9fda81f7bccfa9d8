"""Atomic writes: all or nothing, ordinary permissions, parents only on request."""

from __future__ import annotations

import os
import stat

import pytest

from relu_anim.io.atomic import atomic_path, write_atomic


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_new_file_gets_ordinary_permissions_not_the_temporary_files(tmp_path, umask_022):
    target = tmp_path / "video.srt"
    write_atomic(target, b"1\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_bytes() == b"1\n"


def test_a_failing_block_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_parents_are_created_only_when_asked(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "missing" / "a.txt", b"x")
    with atomic_path(tmp_path / "made" / "b.txt", make_parents=True) as tmp:
        tmp.write_text("y")
    assert (tmp_path / "made" / "b.txt").read_text() == "y"
