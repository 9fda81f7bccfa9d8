"""Chapters rendered as slices of beats, each slice its own manim process, joined without re-encoding.

A *slice* is a contiguous range of a chapter's beats. ``relu-anim video --slices
N`` cuts each chapter that must be rendered into up to ``N`` slices of about
equal length (:func:`cut_slices`, from the chapter's storyboard, :func:`plan_beats`)
and renders each in its own manim process with ``RELU_ANIM_SLICE=START:STOP``
(:data:`~relu_anim.visual.scene.SLICE_ENV`): the beats before the slice are run
with animations skipped, so the scene's state and clock are built without
drawing a frame, and the scene ends where the slice ends. Every beat begins a
new partial movie, whose first frame is a keyframe, so the slices' clips follow
one another packet for packet: :func:`join_slices` copies them into the
chapter's clip (no re-encoding), merges their subcaptions (each slice wrote its
own with the chapter's times) and keeps the last slice's storyboard record,
which holds the whole chapter. The chapter's clip, ``.srt`` and ``.story.json``
are then what one process would have written, at the usual place, so the
up-to-date check, the join and the slides work on them unchanged.

Slices render into ``<media>/slices/<chapter>/<quality>/<start>-<stop>/``,
sharing the media folder's TeX and text caches.

Examples
--------
>>> cut_slices([3.0, 1.0, 1.0, 3.0], 2)
[(0, 2), (2, None)]
>>> cut_slices([3.0, 1.0], 1)
[(0, None)]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Protocol, Sequence

import srt

from ..errors import ReluAnimError
from ..io.atomic import write_text_atomic
from ..visual.protocol import SLICE_ENV
from .chapter import chapter_locked, inherited_environ, run_manim
from .clips import QUALITIES, ChapterClip, ChapterLike, chapter_outputs, story_path
from .fingerprint import record_render
from .join import concat_clips

__all__ = ["SLICES_FOLDER", "LocalSlices", "SceneFile", "SliceFiles", "SliceRunner", "cut_slices", "join_slices",
           "plan_beats", "render_slice", "render_sliced", "slice_env", "slice_folder"]

#: Where slices are rendered, inside the media folder.
SLICES_FOLDER = "slices"


@dataclass(frozen=True)
class SceneFile:
    """A chapter by its scene file anywhere (a worker's copy): ``name``, ``scene``, ``title``, ``path``."""

    name: str
    scene: str
    title: str
    path: Path


@dataclass(frozen=True)
class SliceFiles:
    """What one slice's render wrote: its clip, its subcaptions (``None``: none) and its storyboard record."""

    start: int
    stop: int | None
    mp4: Path
    srt: Path | None
    story: Path | None


def slice_env(start: int, stop: int | None) -> dict[str, str]:
    """The environment that makes a :class:`~relu_anim.visual.ChapterScene` render beats ``start:stop``.

    Examples
    --------
    >>> slice_env(2, None)
    {'RELU_ANIM_SLICE': '2:'}
    """
    return {SLICE_ENV: f"{start}:{'' if stop is None else stop}"}


def slice_folder(media: Path, chapter: ChapterLike, quality: str, start: int, stop: int | None) -> Path:
    """The media folder one slice renders into.

    Examples
    --------
    >>> from relu_anim.render.chapters import chapter
    >>> slice_folder(Path("/m"), chapter("x2"), "l", 3, None).as_posix()
    '/m/slices/x2/480p15/3-end'
    """
    return media / SLICES_FOLDER / chapter.name / QUALITIES[quality] / f"{start}-{'end' if stop is None else stop}"


_PLAN = """
import importlib.util, json, sys
from manim import tempconfig
spec = importlib.util.spec_from_file_location("relu_anim_slice_plan", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module  # as an import would: dataclasses in the scene look their module up
spec.loader.exec_module(module)
from relu_anim.visual import ChapterScene
cls = getattr(module, sys.argv[2])
if not issubclass(cls, ChapterScene):
    print(json.dumps(None))
    raise SystemExit(0)
quiet = {"dry_run": True, "disable_caching": True, "pixel_width": 320, "pixel_height": 180,
         "write_to_movie": False, "save_last_frame": False, "verbosity": "ERROR", "progress_bar": "none",
         "from_animation_number": 10**9}
with tempconfig(quiet):
    scene = cls(skip_animations=True)
    scene.setup()
    scene.renderer.skip_animations = True
    scene.construct()
    story = scene.story()
    scene.tear_down()
print(json.dumps([b["end"] - b["start"] for b in story["beats"]]))
"""


def plan_beats(chapter: ChapterLike, root: Path, media: Path) -> list[float] | None:
    """The length in seconds of each of the chapter's beats; ``None`` if its scene has no beats.

    The scene's ``construct`` runs in a subprocess with every animation skipped
    (no frame drawn, nothing written); a scene that is not a
    :class:`~relu_anim.visual.ChapterScene` has no beats, and is rendered whole.

    Raises
    ------
    ReluAnimError
        The scene fails to run (the message ends with its error output).
    """
    log = media / "logs" / f"plan-{chapter.name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as err:
        done = subprocess.run([sys.executable, "-c", _PLAN, str(chapter.path), chapter.scene], cwd=root,
                              stdout=subprocess.PIPE, stderr=err, text=True, check=False, env=inherited_environ())
    if done.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
        raise ReluAnimError(f"render: chapter {chapter.name!r}: could not read its beats (status "
                            f"{done.returncode}); log: {log}\n{tail}")
    lengths = json.loads(done.stdout.strip().splitlines()[-1])
    return lengths or None


def cut_slices(lengths: Sequence[float] | None, slices: int) -> list[tuple[int, int | None]]:
    """Cut beats of these lengths into at most ``slices`` ranges ``(start, stop)`` of about equal length.

    The cuts fall on the beat boundaries nearest to equal shares of the total;
    the last range is open (``stop`` ``None``: to the end), as is the only one
    when there are no beats or one slice is asked for.

    Examples
    --------
    >>> cut_slices([1.0] * 6, 3)
    [(0, 2), (2, 4), (4, None)]
    >>> cut_slices([1.0, 1.0], 5)
    [(0, 1), (1, None)]
    >>> cut_slices(None, 4)
    [(0, None)]
    """
    if not lengths or slices <= 1:
        return [(0, None)]
    ends, total = [], 0.0
    for length in lengths:
        total += length
        ends.append(total)  # where beat i ends
    cuts: list[int] = []
    for k in range(1, min(slices, len(lengths))):
        share = total * k / slices
        best = min(range(1, len(lengths)), key=lambda i: (abs(ends[i - 1] - share), i))
        if best not in cuts and (not cuts or best > cuts[-1]):
            cuts.append(best)
    bounds = [0, *cuts]
    return [(a, b) for a, b in zip(bounds, [*cuts, None])]


def render_slice(chapter: ChapterLike, quality: str, start: int, stop: int | None, root: Path, media: Path,
                 manim_args: Sequence[str] = (), env: Mapping[str, str | None] | None = None,
                 folder: Path | None = None) -> SliceFiles:
    """Render beats ``start:stop`` of a chapter in its own manim process; what it wrote.

    The slice renders into ``folder`` (default :func:`slice_folder`, emptied
    first) and shares ``media``'s TeX and text caches. ``manim_args`` are more
    manim options (``--max-inflight-encoders 2``), ``env`` more environment variables
    (``None``: unset).
    """
    folder = folder if folder is not None else slice_folder(media, chapter, quality, start, stop)
    shutil.rmtree(folder, ignore_errors=True)  # no partial movies of an older slice
    folder.mkdir(parents=True)
    config = folder / "slice.cfg"
    config.write_text(f"[CLI]\ntex_dir = {media / 'Tex'}\ntext_dir = {media / 'texts'}\n", encoding="utf-8")
    mp4 = run_manim(chapter, quality, root, folder, env={**(env or {}), **slice_env(start, stop)},
                    log_name=f"slice-{start}-{'end' if stop is None else stop}",
                    args=("--config_file", str(config), *manim_args))
    srt_file = mp4.with_suffix(".srt")
    return SliceFiles(start, stop, mp4, srt_file if srt_file.is_file() else None,
                      story_path(mp4) if story_path(mp4).is_file() else None)


def _merged_srt(parts: Sequence[SliceFiles]) -> str | None:
    """Every slice's cues (each on the chapter's clock), numbered anew as manim numbers them."""
    cues = []
    for part in parts:
        if part.srt is not None:
            cues.extend(srt.parse(part.srt.read_text(encoding="utf-8")))
    if not cues and all(p.srt is None for p in parts):
        return None
    return srt.compose(cues)


def join_slices(chapter: ChapterLike, quality: str, media: Path, parts: Sequence[SliceFiles]) -> Path:
    """Join a chapter's slices, in order, into its clip, ``.srt`` and ``.story.json``; the clip.

    One slice (the whole chapter) is moved into place as manim wrote it. Several
    are copied packet by packet (:func:`~relu_anim.render.join.concat_clips`);
    their cues are merged, and the last slice's storyboard record is the
    chapter's (it ran every beat, the earlier ones skipped, on the drawn clock).

    Raises
    ------
    ReluAnimError
        Slices that do not cover the chapter's beats in order, or a slice
        without its storyboard record (its scene ignored ``RELU_ANIM_SLICE``).
    """
    mp4, srt_out = chapter_outputs(chapter, quality, media_dir=media)
    story_out = story_path(mp4)
    mp4.parent.mkdir(parents=True, exist_ok=True)
    for stale in (srt_out, story_out):
        stale.unlink(missing_ok=True)
    expected = 0
    for part in parts:
        if part.start != expected:
            raise ReluAnimError(f"render: chapter {chapter.name!r}: slices do not follow one another "
                                f"(beat {part.start} after beat {expected})")
        expected = part.stop if part.stop is not None else -1
    if expected != -1:
        raise ReluAnimError(f"render: chapter {chapter.name!r}: the last slice must run to the end")
    if len(parts) == 1:
        only = parts[0]
        if only.srt is not None:
            shutil.copyfile(only.srt, srt_out)
        if only.story is not None:
            shutil.copyfile(only.story, story_out)
        tmp = mp4.with_name(f".{mp4.name}.joining")
        shutil.copyfile(only.mp4, tmp)
        os.replace(tmp, mp4)
        return mp4
    missing = [f"{p.start}:{'' if p.stop is None else p.stop}" for p in parts if p.story is None]
    if missing:
        raise ReluAnimError(f"render: chapter {chapter.name!r}: slice(s) {', '.join(missing)} wrote no "
                            f"storyboard record; is {chapter.scene} a ChapterScene?")
    concat_clips([ChapterClip(chapter, p.mp4, None, 0.0) for p in parts], mp4)
    merged = _merged_srt(parts)
    if merged is not None:
        write_text_atomic(srt_out, merged)
    shutil.copyfile(parts[-1].story, story_out)
    return mp4


class Pending(Protocol):
    """A result on its way (:class:`concurrent.futures.Future` is one)."""

    def result(self, timeout: float | None = None) -> object: ...


class SliceRunner(Protocol):
    """Where slices are rendered: :class:`LocalSlices`, or a cluster's (:class:`~relu_anim.render.cluster.DaskSlices`)."""

    def plan(self, chapter: ChapterLike, root: Path, media: Path) -> Pending:
        """:func:`plan_beats`, on its way."""

    def render(self, chapter: ChapterLike, quality: str, start: int, stop: int | None, root: Path,
               media: Path, manim_args: Sequence[str]) -> Pending:
        """:func:`render_slice`, on its way; its result is the :class:`SliceFiles` in ``media``."""

    def close(self) -> None:
        """Release the runner's processes or connection."""


class LocalSlices:
    """Slices rendered by manim processes on this machine, ``jobs`` at a time.

    Examples
    --------
    >>> runner = LocalSlices(2)
    >>> runner.close()
    """

    def __init__(self, jobs: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="slice")

    def plan(self, chapter: ChapterLike, root: Path, media: Path) -> Future:
        return self.pool.submit(plan_beats, chapter, root, media)

    def render(self, chapter: ChapterLike, quality: str, start: int, stop: int | None, root: Path,
               media: Path, manim_args: Sequence[str]) -> Future:
        return self.pool.submit(render_slice, chapter, quality, start, stop, root, media, manim_args)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def render_sliced(chapter: ChapterLike, quality: str, slices: int, runner: SliceRunner, root: Path, media: Path,
                  manim_args: Sequence[str] = ()) -> ChapterClip:
    """Render a chapter as up to ``slices`` slices on ``runner``, join them, record the render; the clip.

    With ``slices`` 1 the chapter is one slice (no plan needed): a whole render
    on the runner. The slices' folders are removed once joined.
    """
    with chapter_locked(chapter, quality, media):  # another command rendering this chapter here waits
        lengths = runner.plan(chapter, root, media).result() if slices > 1 else None
        pending = [runner.render(chapter, quality, a, b, root, media, manim_args)
                   for a, b in cut_slices(lengths, slices)]
        parts = [p.result() for p in pending]
        join_slices(chapter, quality, media, parts)  # type: ignore[arg-type]
        record_render(chapter, quality, root, media)
    folder = media / SLICES_FOLDER / chapter.name / QUALITIES[quality]
    shutil.rmtree(folder, ignore_errors=True)
    for empty in (folder.parent, folder.parent.parent):  # other qualities' or chapters' slices may render now
        try:
            empty.rmdir()
        except OSError:
            break
    return ChapterClip.written(chapter, quality, media, True)
