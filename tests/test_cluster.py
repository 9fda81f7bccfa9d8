"""Slices rendered by a real Dask cluster on 127.0.0.1 (relu-anim video --scheduler).

One scheduler and two workers (``dask worker --nworkers 2``: two nannies, each
restarting its worker if it dies) are started for the module, with the test
hook :data:`relu_anim.render.cluster.HOLD_ENV` set: every slice task pauses after
rendering until the Dask Event of that name is set, after publishing its
worker's process id. The tests render the four-beat chapter of test_slices and
compare its frames with a local render.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest
from distributed import Client, Event, Variable

from relu_anim.render.chapters import REPO_ROOT
from relu_anim.render.clips import chapter_outputs, story_path
from relu_anim.render.cluster import HOLD_ENV, WORKER_MEDIA_ENV, manim_environ
from relu_anim.render.video import render_video

from .scenes import FakeChapter
from .test_slices import four, frame_hashes, whole  # noqa: F401 (fixtures)

HOLD = "relu-anim-test-hold"
RUNAWAY = 600  # seconds: only a hung cluster takes this long


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=60)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory) -> Iterator[str]:
    """The address of a scheduler on 127.0.0.1 with two workers (and their nannies)."""
    logs = tmp_path_factory.mktemp("cluster")
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), HOLD_ENV: HOLD,
           WORKER_MEDIA_ENV: str(logs / "worker-media")}
    port = address.rsplit(":", 1)[1]
    started = []
    try:
        with (logs / "scheduler.log").open("w") as log:
            started.append(subprocess.Popen(
                [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", port,
                 "--no-dashboard"], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=logs))
        with (logs / "workers.log").open("w") as log:
            started.append(subprocess.Popen(
                [sys.executable, "-m", "dask", "worker", address, "--nworkers", "2", "--nthreads", "1",
                 "--no-dashboard", "--local-directory", str(logs / "workers")],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=logs))
        with Client(address, timeout=RUNAWAY) as client:
            client.wait_for_workers(2, timeout=RUNAWAY)
        yield address
    finally:
        for process in reversed(started):
            stop(process)


@pytest.fixture(scope="module")
def local(four, whole) -> Path:
    """The chapter's clip rendered here, in one process (test_slices' fixtures, instantiated for this module)."""
    return chapter_outputs(four, "l", media_dir=whole)[0]


def test_the_cluster_renders_the_same_video(scheduler, four, local, tmp_path):
    with Client(scheduler, timeout=RUNAWAY) as client:
        Event(HOLD, client=client).set()  # no task pauses
        render_video("l", chapters=[four], progress=False, media_dir=tmp_path, slices=2, scheduler=scheduler)
    mp4 = chapter_outputs(four, "l", media_dir=tmp_path)[0]
    assert frame_hashes(mp4) == frame_hashes(local)
    assert mp4.with_suffix(".srt").read_bytes() == local.with_suffix(".srt").read_bytes()
    assert story_path(mp4).read_bytes() == story_path(local).read_bytes()


def test_a_worker_killed_mid_task_is_replaced_and_the_video_is_complete(scheduler, four, local, tmp_path):
    with Client(scheduler, timeout=RUNAWAY) as client:
        hold, pid = Event(HOLD, client=client), Variable(f"{HOLD}-pid", client=client)
        hold.clear()
        pid.delete()
        outcome: list[object] = []

        def render() -> None:
            try:
                outcome.append(render_video("l", chapters=[four], progress=False, media_dir=tmp_path,
                                            slices=2, scheduler=scheduler))
            except BaseException as err:  # reported by the assertion below
                outcome.append(err)

        worker = threading.Thread(target=render)
        worker.start()
        victim = pid.get(timeout=RUNAWAY)  # a slice is rendered and held on its worker
        os.kill(victim, signal.SIGKILL)
        hold.set()
        worker.join(timeout=RUNAWAY)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Path), outcome
    mp4 = chapter_outputs(four, "l", media_dir=tmp_path)[0]
    assert frame_hashes(mp4) == frame_hashes(local)
    assert story_path(mp4).read_bytes() == story_path(local).read_bytes()


ENVIRONMENT_SCENE = '''
import os

from relu_anim.visual import ChapterScene


class Environment(ChapterScene):
    def construct(self):
        self.beat("Environment")
        self.narrate(f"Trim threshold {os.environ.get('MALLOC_TRIM_THRESHOLD_', 'unset')}.", wait=0.2)
'''


def test_manim_on_a_worker_runs_without_the_settings_dask_gives_its_worker(scheduler, tmp_path):
    # A nanny sets MALLOC_TRIM_THRESHOLD_ for its worker; inherited by manim, every frame buffer is mapped anew.
    chapter = FakeChapter.written(tmp_path, "environment", "Environment", "Environment", ENVIRONMENT_SCENE)
    with Client(scheduler, timeout=RUNAWAY) as client:
        Event(HOLD, client=client).set()  # no task pauses
        on_worker = client.submit(lambda: (os.environ.get("MALLOC_TRIM_THRESHOLD_"), manim_environ()),
                                  pure=False).result(timeout=RUNAWAY)
        render_video("l", chapters=[chapter], progress=False, media_dir=tmp_path / "media", scheduler=scheduler)
    assert on_worker[0] is not None  # the nanny did set it: the test is not vacuous
    assert on_worker[1].get("MALLOC_TRIM_THRESHOLD_", "kept") is None
    srt = chapter_outputs(chapter, "l", media_dir=tmp_path / "media")[0].with_suffix(".srt")
    assert "Trim threshold unset." in srt.read_text(encoding="utf-8")


def _video_with_scheduler(address: str, *more: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relu_anim", "video", "--scheduler", address, "--connect-timeout", "1", *more],
        cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True,
        timeout=RUNAWAY)


def _one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # no traceback of a half-built Client after it
    assert lines[0].startswith("relu-anim: error: "), lines[0]
    return lines[0]



@pytest.mark.parametrize("address", [None, "not-an-address", "foo://x:1"], ids=["nothing listens", "no port", "no scheme"])
def test_an_unreachable_scheduler_is_one_line_and_status_2(address):
    address = address or f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    done = _video_with_scheduler(address)
    line = _one_error_line(done)
    assert line.startswith(f"relu-anim: error: video: cannot reach the Dask scheduler at '{address}' within 1 s")
    assert done.stdout == ""


@pytest.mark.parametrize("answer", [None, b"HTTP/1.0 200 OK\r\n\r\nhello\r\n"], ids=["silent", "a web server"])
def test_a_peer_that_is_not_a_scheduler_is_one_line_and_status_2(answer):
    """It accepts the connection; Dask's own Client then waited for ever (the timeout did not hold)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        accepted: list[socket.socket] = []

        def serve() -> None:
            while True:
                try:
                    peer, _ = server.accept()
                except OSError:  # closed at the end of the test
                    return
                accepted.append(peer)
                if answer is not None:
                    peer.sendall(answer)

        threading.Thread(target=serve, daemon=True).start()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        line = _one_error_line(_video_with_scheduler(address))
        for peer in accepted:
            peer.close()
    assert line.startswith(f"relu-anim: error: video: cannot reach the Dask scheduler at '{address}' within 1 s")


@pytest.mark.parametrize("address", ["tls://127.0.0.1:1", "ws://127.0.0.1:1", "inproc://nothing"])
def test_other_dask_protocols_without_their_settings_are_one_line_and_status_2(address):
    line = _one_error_line(_video_with_scheduler(address))
    assert f"cannot reach the Dask scheduler at '{address}'" in line


def test_a_scheduler_without_workers_is_one_line_and_status_2(tmp_path):
    """Every slice would wait for a worker for ever: the command says so instead."""
    address = f"tcp://127.0.0.1:{free_port()}"
    lonely = subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port",
                               address.rsplit(":", 1)[1], "--no-dashboard"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        with Client(address, timeout=RUNAWAY):  # it is up
            pass
        line = _one_error_line(_video_with_scheduler(address))
    finally:
        stop(lonely)
    assert line == (f"relu-anim: error: video: the Dask scheduler at '{address}' has no workers (waited 1 s); "
                    f"start them with `dask worker {address}`")


@pytest.mark.parametrize("seconds", ["nan", "inf", "1e308", "0", "-1"])
def test_a_connect_timeout_that_is_no_finite_wait_is_refused(seconds):
    done = subprocess.run([sys.executable, "-m", "relu_anim", "video", "--scheduler", "tcp://127.0.0.1:1",
                           "--connect-timeout", seconds], cwd=REPO_ROOT,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True,
                          timeout=RUNAWAY)
    assert "--connect-timeout" in _one_error_line(done)


def test_ctrl_c_while_slices_are_on_the_cluster_ends_the_wait_for_them(monkeypatch, tmp_path):
    """The chapter threads wait on the cluster's futures; interrupted, the runner is closed first,
    so they stop waiting and the command ends (the pool's exit used to wait for them for ever)."""
    from relu_anim.render import video as video_module

    released = threading.Event()

    class Planned:
        def result(self, timeout=None):
            return [1.0, 1.0]  # two beats of a second: two slices

    class Pending:
        def result(self, timeout=None):
            released.wait()  # a slice that never comes back until the runner is closed
            raise RuntimeError("cancelled: the runner was closed")

    class Runner:
        closed = 0

        def plan(self, chapter, root, media):
            return Planned()

        def render(self, *args):
            return Pending()

        def close(self):
            Runner.closed += 1
            released.set()

    def interrupted(futures, return_when):
        raise KeyboardInterrupt

    monkeypatch.setattr(video_module, "wait", interrupted)
    chapter = FakeChapter("pending", "Pending", "Pending", REPO_ROOT / "scenes" / "relu_shift.py")
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            video_module._render_all([chapter], "t", True, REPO_ROOT, tmp_path, video_module._Report([chapter], False),
                                     1, 2, Runner(), ())
        except BaseException as error:  # noqa: BLE001 - the interrupt is what is tested
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)  # a guard against a hang, not a synchronisation: the run ends at once
    assert not thread.is_alive()
    assert isinstance(outcome[0], KeyboardInterrupt) and Runner.closed >= 1


@pytest.mark.parametrize("kind", ["a symlink loop", "a file", "a device"])
def test_a_worker_media_folder_that_is_none_is_refused_with_the_reason(kind, tmp_path, monkeypatch):
    from relu_anim.errors import ReluAnimError
    from relu_anim.render.cluster import render_slice_task

    where = {"a file": tmp_path / "file", "a symlink loop": tmp_path / "loop", "a device": Path("/dev/null")}[kind]
    if kind == "a file":
        where.write_text("not a folder")
    elif kind == "a symlink loop":
        where.symlink_to(where)
    monkeypatch.setenv(WORKER_MEDIA_ENV, str(where))
    with pytest.raises(ReluAnimError, match=rf"cannot use its media folder '{where}' \({WORKER_MEDIA_ENV}\): "):
        render_slice_task({"name": "any"})


def test_the_identity_check_runs_where_an_event_loop_runs_already():
    """As in a notebook: asyncio.run would refuse, so the check runs in a thread of its own."""
    import asyncio

    from relu_anim.render.cluster import scheduler_identity

    async def inside_a_loop() -> BaseException:
        try:
            scheduler_identity(f"tcp://127.0.0.1:{free_port()}", 0.5)
        except BaseException as error:  # noqa: BLE001
            return error
        raise AssertionError("nothing listens there")

    error = asyncio.run(inside_a_loop())
    assert isinstance(error, OSError) and "Timed out trying to connect" in str(error), repr(error)
