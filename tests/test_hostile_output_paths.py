"""Hostile output paths: ``-o`` onto devices, FIFOs, links, read-only files, the input itself,
and a standard output that cannot be written. Each refusal is one line on stderr, exit
status 2, and leaves every file as it was (bytes, inode, mtime) with no temporary file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.hostile import (
    NOBODY,
    Snapshot,
    assert_fails,
    cli_command,
    cli_env,
    fence,
    folder_state,
    run_cli,
    shared_tmp,  # noqa: F401 - a fixture
    write_network,
)

FIT = ("fit", "x**2", "--domain", "0", "2", "-n", "3")
SPECIAL = "relu-anim writes only regular files"


def loads_as_a_network(path: Path) -> bool:
    from relu_anim.io.network_file import load_network

    return load_network(path).network.hidden_units == 3


# ------------------------------------------------------------ special files
@pytest.mark.parametrize("device, kind", [("/dev/null", "a character device"),
                                          ("/dev/full", "a character device")])
def test_a_device_is_refused_not_replaced(device, kind):
    """As nobody: should this ever regress, root would replace the machine's /dev/null."""
    before = Snapshot.of(Path(device))
    done = run_cli(*FIT, "-o", device, nobody=True)
    assert_fails(done, f"^relu-anim: error: {device}: is {kind}; {SPECIAL}")
    assert done.stdout == b""
    after = Snapshot.of(Path(device))
    assert (after.mode, after.inode) == (before.mode, before.inode)


def test_a_fifo_is_refused_without_blocking(shared_tmp):
    fifo = shared_tmp / "out.json"
    os.mkfifo(fifo)
    before = folder_state(shared_tmp)
    assert_fails(run_cli(*FIT, "-o", fifo), r"out\.json: is a FIFO \(named pipe\); " + SPECIAL)
    assert folder_state(shared_tmp) == before


def test_a_symlink_to_a_device_is_refused_and_kept(shared_tmp):
    link = shared_tmp / "out.json"
    link.symlink_to("/dev/null")
    before = folder_state(shared_tmp)
    done = run_cli(*FIT, "-o", link, nobody=True)  # as nobody: see test_a_device_is_refused_not_replaced
    assert_fails(done, r"out\.json: is a character device; " + SPECIAL)
    assert folder_state(shared_tmp) == before


def test_a_directory_is_refused(shared_tmp):
    folder = shared_tmp / "out.json"
    folder.mkdir()
    before = folder_state(shared_tmp)
    assert_fails(run_cli(*FIT, "-o", folder), r"out\.json.* is a directory")
    assert folder_state(shared_tmp) == before


# ------------------------------------------------------------ symbolic links
def test_writing_through_a_symlink_replaces_its_target_and_keeps_the_link(shared_tmp):
    target = shared_tmp / "real.json"
    target.write_text("old\n")
    link = shared_tmp / "out.json"
    link.symlink_to("real.json")
    done = run_cli(*FIT, "-o", link)
    assert done.returncode == 0, done.stderr
    assert os.readlink(link) == "real.json"  # still the same link
    assert loads_as_a_network(target)
    assert sorted(os.listdir(shared_tmp)) == ["out.json", "real.json"]


def test_a_dangling_symlink_creates_its_target_as_a_plain_write_would(shared_tmp):
    link = shared_tmp / "out.json"
    link.symlink_to("made.json")
    assert run_cli(*FIT, "-o", link).returncode == 0
    assert link.is_symlink() and loads_as_a_network(shared_tmp / "made.json")


def test_a_symlink_planted_by_another_user_in_a_sticky_folder_is_not_followed(shared_tmp):
    """fs.protected_symlinks: nobody's own file must not be reached through a stranger's link in /tmp."""
    victim = shared_tmp / "victim.json"
    victim.write_text("nobody's data\n")
    os.chown(victim, NOBODY, NOBODY)
    sticky = shared_tmp / "tmp"
    sticky.mkdir()
    sticky.chmod(0o1777)
    link = sticky / "out.json"
    link.symlink_to(victim)
    os.lchown(link, 12345, 12345)  # a stranger's link
    before = folder_state(shared_tmp), folder_state(sticky)
    done = run_cli(*FIT, "-o", link, nobody=True)
    assert_fails(done, r"out\.json: is a symbolic link in a shared folder owned by someone else")
    assert (folder_state(shared_tmp), folder_state(sticky)) == before


# ------------------------------------------------------------ permissions
def test_a_read_only_file_of_ones_own_is_not_replaced(shared_tmp):
    folder = shared_tmp / "mine"
    folder.mkdir()
    os.chown(folder, NOBODY, NOBODY)
    output = folder / "out.json"
    output.write_text("keep me\n")
    os.chown(output, NOBODY, NOBODY)
    output.chmod(0o444)
    before = folder_state(folder)
    assert_fails(run_cli(*FIT, "-o", output, nobody=True), r"out\.json: cannot write \(Permission denied\)$")
    assert folder_state(folder) == before


def test_a_root_file_in_a_world_writable_folder_is_not_replaced(shared_tmp):
    """The folder allows a rename over it, but a plain write would be refused: refuse."""
    folder = shared_tmp / "open"
    folder.mkdir()
    folder.chmod(0o777)
    output = folder / "out.json"
    output.write_text("root's\n")
    output.chmod(0o644)
    before = folder_state(folder)
    assert_fails(run_cli(*FIT, "-o", output, nobody=True), r"out\.json: cannot write \(Permission denied\)$")
    assert folder_state(folder) == before


def test_a_writable_file_in_a_read_only_folder_is_refused_before_the_work(shared_tmp):
    """The atomic rename needs the folder; say so instead of failing after a long fit."""
    output = shared_tmp / "out.json"
    output.write_text("old\n")
    os.chown(output, NOBODY, NOBODY)
    before = folder_state(shared_tmp)
    done = run_cli(*FIT, "-o", output, nobody=True)
    assert_fails(done, r"out\.json: cannot write \(Permission denied: cannot create files in ")
    assert folder_state(shared_tmp) == before


def test_a_new_file_in_a_read_only_folder_is_refused(shared_tmp):
    before = folder_state(shared_tmp)
    done = run_cli(*FIT, "-o", shared_tmp / "new.json", nobody=True)
    assert_fails(done, r"new\.json: cannot write \(Permission denied: cannot create files in ")
    assert folder_state(shared_tmp) == before


def test_a_permitted_write_as_nobody_works_and_keeps_the_mode(shared_tmp):
    folder = shared_tmp / "mine"
    folder.mkdir()
    os.chown(folder, NOBODY, NOBODY)
    output = folder / "out.json"
    output.write_text("old\n")
    os.chown(output, NOBODY, NOBODY)
    output.chmod(0o640)
    done = run_cli(*FIT, "-o", output, nobody=True)
    assert done.returncode == 0, done.stderr
    assert loads_as_a_network(output)
    info = output.stat()
    assert (info.st_mode & 0o777, info.st_uid) == (0o640, NOBODY)


# ------------------------------------------------------------ the input itself
@pytest.mark.parametrize("how", ["same path", "symlink", "hard link"])
def test_the_json_input_is_never_the_output(shared_tmp, how):
    model = write_network(shared_tmp / "model.json")
    output = {"same path": model, "symlink": shared_tmp / "alias.json",
              "hard link": shared_tmp / "twin.json"}[how]
    if how == "symlink":
        output.symlink_to("model.json")
    elif how == "hard link":
        os.link(model, output)
    before = folder_state(shared_tmp)
    done = run_cli("breakpoints", model, "-o", output)
    assert_fails(done, r": is the input .*model\.json itself; write the result to another file$")
    assert folder_state(shared_tmp) == before  # target, metrics, history all still there


def test_a_torch_input_is_never_turned_into_json(shared_tmp):
    import torch  # a dev dependency, as in test_cli.py
    model = shared_tmp / "model.pt"
    torch.save(torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1)).state_dict(),
               model)
    before = folder_state(shared_tmp)
    done = run_cli("breakpoints", model, "--domain", "-1", "1", "-o", model)
    assert_fails(done, r"model\.pt: is the input .*model\.pt itself")
    assert folder_state(shared_tmp) == before


# ------------------------------------------------------------ standard output
def test_a_full_stdout_means_no_file(shared_tmp):
    output = shared_tmp / "out.json"
    with open("/dev/full", "wb") as full:
        done = run_cli(*FIT, "-o", output, stdout=full)
    assert_fails(done, r"^relu-anim: error: standard output: cannot write \(No space left on device\)$")
    assert os.listdir(shared_tmp) == []


def test_a_full_stdout_leaves_an_existing_output_unchanged(shared_tmp):
    output = write_network(shared_tmp / "out.json")
    before = folder_state(shared_tmp)
    with open("/dev/full", "wb") as full:
        done = run_cli("fit", "sin(x)", "--domain", "0", "2", "-n", "5", "-o", output, stdout=full)
    assert_fails(done, r"standard output: cannot write \(No space left on device\)$")
    assert folder_state(shared_tmp) == before


def test_a_broken_pipe_means_no_file_and_one_line(shared_tmp):
    output = shared_tmp / "out.json"
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the command starts: every write is EPIPE
    try:
        done = subprocess.run(cli_command(*FIT, "-o", output), env=cli_env(), stdout=write_end,
                              stderr=subprocess.PIPE, timeout=120, preexec_fn=fence())
    finally:
        os.close(write_end)
    assert_fails(done, r"standard output: cannot write \(Broken pipe\)$")
    assert os.listdir(shared_tmp) == []


def test_a_closed_stdout_means_no_file(shared_tmp):
    output = shared_tmp / "out.json"
    done = run_cli(*FIT, "-o", output, stdout=None, close_stdout=True)
    assert_fails(done, r"standard output: closed")
    assert os.listdir(shared_tmp) == []


# ------------------------------------------------------------ odd names and places
def test_an_output_in_a_missing_folder_fails_cleanly(shared_tmp):
    done = run_cli(*FIT, "-o", shared_tmp / "missing" / "out.json")
    assert_fails(done, r"missing/out\.json: cannot write \(No such file or directory\)$")
    assert os.listdir(shared_tmp) == []


def test_an_output_under_a_file_fails_cleanly(shared_tmp):
    (shared_tmp / "file").write_text("x")
    before = folder_state(shared_tmp)
    done = run_cli(*FIT, "-o", shared_tmp / "file" / "out.json")
    assert_fails(done, r"file/out\.json: cannot write \(Not a directory\)$")
    assert folder_state(shared_tmp) == before


def test_a_newline_in_the_output_name_cannot_fake_lines(shared_tmp):
    name = "a\nrelu-anim: error: fake.json"
    done = run_cli(*FIT, "-o", shared_tmp / name)
    assert done.returncode == 0, done.stderr
    assert (shared_tmp / name).exists()
    assert done.stdout.decode().endswith("wrote " + str(shared_tmp) + "/a\\nrelu-anim: error: fake.json\n")
    failed = run_cli(*FIT, "-o", shared_tmp / "missing" / name)
    assert_fails(failed, r"missing/a\\nrelu-anim: error: fake\.json: cannot write")


def test_a_name_of_255_bytes_is_written(shared_tmp):
    """The temporary file's name must not be longer than the name it replaces."""
    name = "é" * 125 + ".json"  # 255 bytes in UTF-8, the longest name a Linux file system allows
    assert len(os.fsencode(name)) == 255
    done = run_cli(*FIT, "-o", shared_tmp / name)
    assert done.returncode == 0, done.stderr
    assert os.listdir(shared_tmp) == [name] and loads_as_a_network(shared_tmp / name)
