"""Slices rendered by a Dask cluster: ``relu-anim video --scheduler tcp://HOST:8786``.

:class:`DaskSlices` connects to a running ``distributed`` scheduler (the
optional ``cluster`` extra) and sends it one task per slice
(:func:`render_slice_task`). A task runs on a worker: it writes the chapter's
scene source (sent with the task, so a scene outside the repository renders
too) into a private temporary folder, checks that the worker would draw what
this machine would (the chapter's fingerprint, computed with the worker's own
``relu_anim``, manim and ``manim.cfg``, must equal the client's; otherwise
the worker is refused with the reason), renders the slice with manim in a
subprocess and returns the slice's clip, subcaptions and storyboard record as
bytes. The client writes them into its media folder and joins the slices as
for a local render (:mod:`relu_anim.render.slices`), so the video is the same
whichever machines rendered it.

What a worker needs: this repository at the same commit, importable (``pip
install -e .[cluster]`` from ``requirements.lock``), the system packages
manim needs (LaTeX, ffmpeg libraries, fonts: see the Makefile), and the
``dask worker tcp://HOST:8786`` command running. Its TeX cache is
``$RELU_ANIM_WORKER_MEDIA/Tex`` (default the worker's ``media/Tex``). manim
runs there in the environment a local render has: the settings a Dask nanny
gives its worker process are unset for it (:func:`manim_environ`).

When a worker dies mid-task, the scheduler gives the task to another worker
(Dask's own retry of lost tasks); a task keeps nothing between attempts, so a
retried slice is the same slice.

:data:`HOLD_ENV` is for tests only: a worker started with it set pauses every
slice task after its render and before returning it (publishing its process
id in the Dask ``Variable`` ``<value>-pid``, then waiting for the Dask
``Event`` ``<value>``), so a test can kill a worker mid-task without sleeping.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Sequence

from ..errors import ReluAnimError
from ..visual.protocol import TEX_STRINGS_NAME
from ..visual.theme import THEME_ENV, current_theme
from .chapters import REPO_ROOT
from .clips import ChapterLike, story_path
from .fingerprint import fingerprint
from .slices import SceneFile, SliceFiles, plan_beats, render_slice, slice_folder

try:
    import dask.config
    import distributed
except ImportError:  # the optional "cluster" extra: DaskSlices says how to install it
    distributed = None

__all__ = ["HOLD_ENV", "WORKER_MEDIA_ENV", "DaskSlices", "manim_environ", "render_slice_task", "scheduler_identity"]

#: Test hook (see the module's docstring): a name for the Dask Event a slice task waits on after rendering.
HOLD_ENV = "RELU_ANIM_CLUSTER_TEST_HOLD"
#: A worker's media folder for its TeX cache and slice renders (default ``<its repository>/media``).
WORKER_MEDIA_ENV = "RELU_ANIM_WORKER_MEDIA"

_HOLD_TIMEOUT = 600  # seconds; a runaway test hook does not hold a worker forever


def render_slice_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Render one slice on a Dask worker; its files as bytes (run by the worker, not called directly).

    ``spec`` (made by :meth:`DaskSlices.render`): the chapter's ``name``,
    ``scene``, ``title``, the scene file's ``stem`` and ``source`` (bytes),
    ``quality``, ``start``, ``stop``, ``theme``, ``fingerprint`` and ``manim_args``.
    Returns ``mp4``, ``srt`` and ``story`` (bytes or ``None``) and ``worker``.

    Raises
    ------
    ReluAnimError
        The worker's code differs from the client's (fingerprints differ), or manim failed.
    """
    root = REPO_ROOT
    chosen = os.environ.get(WORKER_MEDIA_ENV) or root / "media"
    try:
        media = Path(chosen).resolve()
        (media / "worker-slices").mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{spec['name']}-", dir=media / "worker-slices"))
    except (OSError, RuntimeError) as err:  # RuntimeError: a symlink loop, as resolve() reports it
        raise ReluAnimError(f"cluster: worker {_worker_name()} cannot use its media folder {str(chosen)[:200]!r} "
                            f"({WORKER_MEDIA_ENV}): {_first_line(err)}") from None
    try:
        scene = work / f"{spec['stem']}.py"
        scene.write_bytes(spec["source"])
        tex_strings = root / "scenes" / TEX_STRINGS_NAME
        if tex_strings.is_file():  # the chapter's TeX list beside the scene: its TeX in one batch (tex_batch.warm)
            (work / TEX_STRINGS_NAME).symlink_to(tex_strings)
        chapter = SceneFile(spec["name"], spec["scene"], spec["title"], scene)
        mine = fingerprint(chapter, spec["quality"], root, theme=spec["theme"])
        if mine != spec["fingerprint"]:
            raise ReluAnimError(f"cluster: worker {_worker_name()} (relu_anim in {root}) would draw chapter "
                                f"{spec['name']!r} differently (its code, manim.cfg or manim differ from the "
                                "client's); run every worker from the same commit and requirements.lock")
        part = render_slice(chapter, spec["quality"], spec["start"], spec["stop"], root, media,
                            spec["manim_args"], env={**manim_environ(), THEME_ENV: spec["theme"]},
                            folder=work / "media")
        files = {"mp4": part.mp4.read_bytes(),
                 "srt": part.srt.read_bytes() if part.srt is not None else None,
                 "story": part.story.read_bytes() if part.story is not None else None,
                 "worker": _worker_name()}
        _test_hold()
        return files
    finally:
        shutil.rmtree(work, ignore_errors=True)


def manim_environ() -> dict[str, None]:
    """The variables a Dask nanny set for its worker's own process, each mapped to ``None`` (unset for manim).

    A nanny starts its worker with ``distributed.nanny.pre-spawn-environ``:
    ``MALLOC_TRIM_THRESHOLD_=65536`` and one OpenMP/BLAS thread, settings for a
    long-lived Python process holding many arrays. A manim process that inherits
    the trim threshold loses glibc's adaptive mmap threshold (mallopt(3)), so
    every frame buffer (8 MB at 1080p) is mapped, zeroed and unmapped afresh:
    two beats of relu_shift at -qh took 1.26× as long, with 10.5 s of system time
    instead of 1.2 s. A variable is unset only where it still holds the value
    Dask set; one the worker's owner set otherwise is kept.

    Examples
    --------
    >>> import os
    >>> os.environ["MALLOC_TRIM_THRESHOLD_"] = str(dask.config.get("distributed.nanny.pre-spawn-environ")
    ...                                             ["MALLOC_TRIM_THRESHOLD_"])
    >>> manim_environ()["MALLOC_TRIM_THRESHOLD_"] is None
    True
    >>> del os.environ["MALLOC_TRIM_THRESHOLD_"]
    """
    if distributed is None:
        return {}
    preset = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    return {name: None for name, value in preset.items() if os.environ.get(name) == str(value)}


def _worker_name() -> str:
    try:
        return str(distributed.get_worker().address)
    except (AttributeError, ValueError):  # not in a worker (called directly)
        return "local"


def _test_hold() -> None:
    name = os.environ.get(HOLD_ENV)
    if not name:
        return
    distributed.Variable(f"{name}-pid").set(os.getpid())
    distributed.Event(name).wait(timeout=_HOLD_TIMEOUT)


class _Done:
    """A result already there."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self, timeout: float | None = None) -> Any:
        return self.value


class _Arriving:
    """A slice rendered by the cluster: its result is the slice's files, written into the local media folder."""

    def __init__(self, future: Any, chapter: ChapterLike, quality: str, start: int, stop: int | None,
                 media: Path) -> None:
        self.future, self.chapter, self.quality, self.start, self.stop, self.media = (
            future, chapter, quality, start, stop, media)

    def result(self, timeout: float | None = None) -> SliceFiles:
        files = self.future.result(timeout=timeout)
        folder = slice_folder(self.media, self.chapter, self.quality, self.start, self.stop)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        mp4 = folder / f"{self.chapter.scene}.mp4"
        mp4.write_bytes(files["mp4"])
        srt = story = None
        if files["srt"] is not None:
            srt = mp4.with_suffix(".srt")
            srt.write_bytes(files["srt"])
        if files["story"] is not None:
            story = story_path(mp4)
            story.write_bytes(files["story"])
        return SliceFiles(self.start, self.stop, mp4, srt, story)


class DaskSlices:
    """Slices rendered by the workers of the Dask scheduler at ``address``.

    Parameters
    ----------
    address
        The scheduler, ``tcp://HOST:PORT`` (``dask scheduler`` prints it; port 8786 by default).
    connect_timeout
        Seconds to wait for the scheduler.

    Raises
    ------
    ReluAnimError
        ``distributed`` is not installed; the scheduler cannot be reached in time, or what answers
        is no Dask scheduler; or it has no worker within ``connect_timeout``.

    Examples
    --------
    >>> DaskSlices("tcp://127.0.0.1:9", connect_timeout=0.5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: video: cannot reach the Dask scheduler at 'tcp://127.0.0.1:9' within 0.5 s ...
    """

    def __init__(self, address: str, *, connect_timeout: float = 10.0) -> None:
        if distributed is None:
            raise ReluAnimError("video: --scheduler needs the cluster extra: pip install -e '.[cluster]' "
                                "(with -c requirements.lock)")
        self.address = address
        self._sent: list[Any] = []

        def unreachable(why: str) -> ReluAnimError:
            return ReluAnimError(f"video: cannot reach the Dask scheduler at {address!r} within "
                                 f"{connect_timeout:g} s ({why}); start one with `dask scheduler` and workers "
                                 "with `dask worker ADDRESS`, or fix --scheduler")

        # all checked before a Client exists: one half-built by a bad address prints a traceback as it
        # is freed, and its own connection ignores the timeout when the peer accepts but never answers
        try:
            distributed.comm.get_address_host_port(address)
            identity = scheduler_identity(address, connect_timeout)
        except Exception as err:  # whatever the address's protocol raises (TLS unset, a web server on ws://)
            raise unreachable(_first_line(err)) from None
        if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
            raise unreachable("something answers there, but not as a Dask scheduler")
        try:
            self.client = distributed.Client(address, timeout=connect_timeout, set_as_default=False)
        except Exception as err:
            raise unreachable(_first_line(err)) from None
        try:  # a scheduler without workers would hold every slice forever
            self.client.wait_for_workers(1, timeout=connect_timeout)
        except (TimeoutError, OSError):
            self.client.close()
            raise ReluAnimError(f"video: the Dask scheduler at {address!r} has no workers (waited "
                                f"{connect_timeout:g} s); start them with `dask worker {address}`") from None

    def plan(self, chapter: ChapterLike, root: Path, media: Path) -> _Done:
        """:func:`~relu_anim.render.slices.plan_beats`, run here (the scene is here)."""
        return _Done(plan_beats(chapter, root, media))

    def render(self, chapter: ChapterLike, quality: str, start: int, stop: int | None, root: Path, media: Path,
               manim_args: Sequence[str]) -> _Arriving:
        """Send one slice to the cluster."""
        theme = current_theme().name
        spec = {"name": chapter.name, "scene": chapter.scene, "title": chapter.title,
                "stem": Path(chapter.path).stem, "source": Path(chapter.path).read_bytes(),
                "quality": quality, "start": start, "stop": stop, "theme": theme,
                "fingerprint": fingerprint(chapter, quality, root, theme=theme), "manim_args": list(manim_args)}
        key = f"relu-anim-slice-{chapter.name}-{quality}-{start}-{stop}-{uuid.uuid4().hex}"
        future = self.client.submit(render_slice_task, spec, key=key, pure=False)
        self._sent.append(future)
        return _Arriving(future, chapter, quality, start, stop, media)

    def close(self) -> None:
        """Cancel the slices still pending (a thread waiting for one gets an error now) and disconnect."""
        pending = [future for future in self._sent if not future.done()]
        if pending and self.client.status == "running":
            self.client.cancel(pending)
        self.client.close()


def scheduler_identity(address: str, timeout: float) -> Any:
    """What the server at ``address`` says it is, asked in Dask's protocol, within ``timeout`` seconds.

    A Dask scheduler answers a dict with ``type`` ``"Scheduler"`` and its
    ``n_workers``. The whole exchange has one deadline, a second after the
    connection's own (``TimeoutError``), so a server that accepts the connection
    and never answers (a web server, say) cannot hold the command. The
    connection takes the TLS settings of Dask's configuration, as a ``Client`` would.

    Examples
    --------
    >>> scheduler_identity("tcp://127.0.0.1:9", 0.5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    OSError: Timed out trying to connect to tcp://127.0.0.1:9 after 0.5 s
    """

    async def ask() -> Any:
        args = distributed.Security().get_connection_args("client")
        comm = await distributed.comm.connect(address, timeout=timeout, **args)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    # the connection's own timeout says what went wrong; this deadline, a second later, ends the rest
    return _run_to_end(lambda: asyncio.wait_for(ask(), timeout + 1.0))


def _run_to_end(coroutine: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``coroutine()`` to its end and return its result, also where an event loop is running (Jupyter)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # none here: the usual case
        return asyncio.run(coroutine())
    outcome: dict[str, Any] = {}

    def apart() -> None:  # asyncio.run refuses to run inside a running loop: a thread of its own
        try:
            outcome["value"] = asyncio.run(coroutine())
        except BaseException as error:  # noqa: BLE001 - handed back to the caller as it is
            outcome["error"] = error

    thread = threading.Thread(target=apart, name="relu-anim-scheduler-identity", daemon=True)
    thread.start()
    thread.join()  # bounded: the coroutine carries its own deadline
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _first_line(error: BaseException) -> str:
    """An error's first line, shortened; for a bare timeout, what it means here."""
    text = str(error).strip()
    if text:
        return text.splitlines()[0][:200]
    return "no answer in Dask's protocol" if isinstance(error, TimeoutError) else type(error).__name__
