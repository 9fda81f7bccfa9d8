"""Atomic writes: all or nothing, ordinary permissions, parents only on request, regular files only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from relu_anim.errors import ReluAnimError
from relu_anim.io.atomic import atomic_file, atomic_path, output_target, write_atomic


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


# ------------------------------------------------------------ what an output may be
@pytest.mark.parametrize("make, kind", [
    (lambda p: os.mkfifo(p), "a FIFO \\(named pipe\\)"),
    (lambda p: p.mkdir(), "a directory"),
    (lambda p: (os.mkfifo(p.with_name("fifo")), p.symlink_to("fifo")), "a FIFO \\(named pipe\\)"),
])
def test_special_files_are_refused_and_left_alone(tmp_path, make, kind):
    """No real device here: this runs as root, and a regression would replace it."""
    path = tmp_path / "out"
    make(path)
    before = os.lstat(path)
    with pytest.raises(ReluAnimError, match=f"^{path}: is {kind}; relu-anim writes only regular files"):
        write_atomic(path, b"x")
    after = os.lstat(path)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert sorted(os.listdir(tmp_path)) in (["out"], ["fifo", "out"])


def test_a_chain_of_links_is_written_through_and_kept(tmp_path):
    (tmp_path / "real.txt").write_text("old")
    (tmp_path / "b").symlink_to("real.txt")
    (tmp_path / "a").symlink_to(tmp_path / "b")  # absolute, then relative
    assert output_target(tmp_path / "a") == tmp_path / "real.txt"
    write_atomic(tmp_path / "a", b"new")
    assert (tmp_path / "real.txt").read_bytes() == b"new"
    assert os.readlink(tmp_path / "a") == str(tmp_path / "b") and os.readlink(tmp_path / "b") == "real.txt"


def test_a_loop_of_links_is_refused(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(ReluAnimError, match=r"a: cannot write \(Too many levels of symbolic links\)$"):
        write_atomic(tmp_path / "a", b"x")


def test_a_strangers_link_in_a_sticky_folder_is_not_followed(tmp_path):
    sticky = tmp_path / "tmp"
    sticky.mkdir()
    sticky.chmod(0o1777)
    (tmp_path / "victim").write_text("keep")
    link = sticky / "out"
    link.symlink_to(tmp_path / "victim")
    os.lchown(link, 12345, 12345)  # neither us (root) nor the folder's owner (root)
    with pytest.raises(ReluAnimError, match="is a symbolic link in a shared folder owned by someone else"):
        write_atomic(link, b"x")
    assert (tmp_path / "victim").read_text() == "keep"
    os.lchown(link, os.geteuid(), os.getegid())  # our own link there is followed
    write_atomic(link, b"x")
    assert (tmp_path / "victim").read_bytes() == b"x"


def test_the_longest_name_is_written(tmp_path):
    target = tmp_path / ("n" * 255)
    write_atomic(target, b"x")
    assert os.listdir(tmp_path) == ["n" * 255]


def test_atomic_file_keeps_the_old_file_when_the_block_fails(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(OSError, match="stdout is full"):
        with atomic_file(target) as handle:
            handle.write(b"new")
            raise OSError(28, "stdout is full")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["out.txt"]


def test_output_target_of_a_new_file_is_the_path(tmp_path):
    assert output_target(tmp_path / "new.json") == tmp_path / "new.json"
    assert output_target(Path(str(tmp_path / "new.json"))) == tmp_path / "new.json"
