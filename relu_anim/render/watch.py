"""One beat rendered again each time its scene is saved, from a warm process: :func:`watch_beat`.

``relu-anim preview x2 "Let the kinks move" --watch`` renders the beat as
:func:`~relu_anim.render.preview.preview_beat` does, then waits for the
chapter's scene file to change and renders it again, until Ctrl-C. Each
render is a fork of this process (:class:`ForkedManim`), which imported
manim and relu_anim once: starting Python and importing manim is about a
second of every fresh render, and a fork skips it. A fork renders what a fresh
process renders from the same files (tests/test_watch.py).

A fork runs the relu_anim this process imported, so when a file of the
package (or ``manim.cfg``) changes, the watcher starts itself again
(``exec``) before the next render. A failure of the first render ends the
watch (status 2, as ``preview``: a wrong beat's name lists the beats); a
failure after an edit is printed, and the watch goes on.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import IO, Callable, Mapping, NoReturn, Sequence

from ..errors import ReluAnimError
from .chapters import REPO_ROOT
from .clips import ChapterLike
from .preview import preview_beat

__all__ = ["POLL_SECONDS", "ForkedManim", "watch_beat"]

#: How often the watched files' modification times are read.
POLL_SECONDS = 0.2

_PACKAGE = Path(__file__).resolve().parents[1]


class ForkedManim:
    """A launcher (:data:`~relu_anim.render.chapter.Launcher`) that runs manim in a fork of this process.

    manim is imported once, here; each command (``python -m manim …``, as
    :func:`~relu_anim.render.chapter.run_manim` builds it) runs in a child
    forked from this process, with its own working folder, environment and
    output. Only on systems with ``fork`` (Linux, macOS).

    Examples
    --------
    >>> launch = ForkedManim()
    >>> launch([sys.executable, "-c", "print('hi')"], Path("."), {}, sys.stdout)
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: preview: a forked manim runs manim commands only (got ['...', '-c', "print('hi')"])
    """

    def __init__(self) -> None:
        if not hasattr(os, "fork"):
            raise ReluAnimError("preview: --watch needs a system with fork (Linux, macOS)")
        # lazy: only a watcher imports manim into this process
        import manim.__main__  # noqa: F401  (its command line, and manim itself)

        from .. import visual  # noqa: F401  (relu_anim's hooks, as a scene file imports them)

    def __call__(self, command: Sequence[str], cwd: Path, env: Mapping[str, str], log: IO[str]) -> int:
        if list(command[1:3]) != ["-m", "manim"]:
            raise ReluAnimError(f"preview: a forked manim runs manim commands only (got {list(command[:3])!r})")
        log.flush()
        pid = os.fork()
        if pid == 0:
            self._child(command[3:], cwd, env, log)
        try:
            _, status = os.waitpid(pid, 0)
        except BaseException:  # Ctrl-C here: the render stops too
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            raise
        return os.waitstatus_to_exitcode(status)

    @staticmethod
    def _child(args: Sequence[str], cwd: Path, env: Mapping[str, str], log: IO[str]) -> NoReturn:
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(env)
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            from manim.__main__ import main  # imported by __init__ already: no cost here

            sys.argv = ["manim", *args]
            main(args=list(args), prog_name="manim", standalone_mode=True)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        except BaseException:
            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(code)


def _stamps(paths: Sequence[Path]) -> tuple[int, ...]:
    """Each file's modification time (ns), or -1 where it is missing."""
    stamps = []
    for path in paths:
        try:
            stamps.append(path.stat().st_mtime_ns)
        except OSError:
            stamps.append(-1)
    return tuple(stamps)


def _import_once(scene: Path) -> None:
    """Run the scene file once here, so that what it imports is imported before the forks (which load it anew)."""
    spec = importlib.util.spec_from_file_location("_relu_anim_watched_scene", scene)
    if spec is None or spec.loader is None:
        return
    try:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    except Exception:  # noqa: BLE001  a scene that fails to load fails in the render, with its log
        pass


def watch_beat(chapter: ChapterLike, beat: str, quality: str = "l", *, root: Path | str = REPO_ROOT,
               media_dir: Path | str | None = None, say: Callable[[str], None] | None = None,
               poll: float = POLL_SECONDS) -> NoReturn:
    """Render beat ``beat`` of ``chapter``, then again after every change to its scene file; until Ctrl-C.

    Parameters
    ----------
    chapter, beat, quality, root, media_dir
        As for :func:`~relu_anim.render.preview.preview_beat`.
    say
        Where each render's line goes (``preview: PATH (2.9 s)``, or what
        failed); standard error by default.
    poll
        Seconds between two readings of the files' modification times.

    Raises
    ------
    ReluAnimError
        The first render failed (a wrong beat, quality or chapter, or a scene
        that does not run): nothing is watched.

    Examples
    --------
    ::

        watch_beat(chapter("x2"), "Let the kinks move")  # renders on every save of scenes/x2.py
    """
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    launch = ForkedManim()
    scene = Path(chapter.path).resolve()
    _import_once(scene)
    package = sorted(_PACKAGE.rglob("*.py")) + [Path(root).resolve() / "manim.cfg"]
    package_stamps = _stamps(package)
    first = True
    while True:
        seen = _stamps([scene])
        start = time.perf_counter()
        try:
            path = preview_beat(chapter, beat, quality, root=root, media_dir=media_dir, launch=launch)
            say(f"preview: {path} ({time.perf_counter() - start:.1f} s)")
        except ReluAnimError as err:
            if first:
                raise
            say(str(err))
        if first:
            say(f"preview: watching {scene} (Ctrl-C to stop)")
            first = False
        while _stamps([scene]) == seen:
            if _stamps(package) != package_stamps:  # the forks would run the old package
                say("preview: relu_anim or manim.cfg changed; starting again")
                os.execv(sys.executable, sys.orig_argv)
            time.sleep(poll)
