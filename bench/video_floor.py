"""Benchmark: rendering the whole video against the encoding floor.

Whatever a chapter draws, manim must at least encode every frame of it. This
measures how far above that floor the full render is, in one run, at the same
quality:

* ``video`` — every chapter of :data:`relu_anim.render.chapters.CHAPTERS` (or those
  named with ``--chapters``) rendered and joined by
  :func:`relu_anim.render.video.render_video` (``force=True``, into a temporary media
  folder, so nothing is up to date and nothing is cached), timed by wall clock;
* ``floor`` — :class:`EncodingFloor`, defined below: a
  :class:`~relu_anim.visual.ChapterScene` with a title, axes and the x² curve
  that only ``self.wait``\\ s for exactly as many frames as the video has. manim
  renders that still once and encodes it over and over (with the pipeline's x264
  settings, :data:`relu_anim.render.clips.ENCODER_OPTIONS`), so its time is manim's
  start-up, TeX and encoding: what any video of that length costs. It is
  rendered by a manim subprocess (``python -m manim render -q<q> --media_dir
  <tmp> bench/video_floor.py EncodingFloor``), as the pipeline renders chapters.

It prints both times, the video's duration and frames, and the ratio
video/floor; the goal is at most 1.5×. Both start from an empty media folder,
so both pay for their LaTeX. The pipeline shows per-chapter progress on stderr
while it runs.

Run from the repository root::

    .venv/bin/python bench/video_floor.py        # the full video at -qh: long, run it on a quiet machine
    .venv/bin/python bench/video_floor.py --quality l --chapters x2   # quick check, 1.5 to 3 min
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from manim import UL, Tex  # noqa: E402

from relu_anim.render.chapters import CHAPTERS, chapter  # noqa: E402
from relu_anim.errors import ReluAnimError  # noqa: E402
from relu_anim.render.clips import MANIM_FLAGS, QUALITIES, encoder_args  # noqa: E402
from relu_anim.render.video import render_video  # noqa: E402
from relu_anim.visual import ChapterScene, make_axes, target_graph  # noqa: E402

#: How many frames the floor scene holds (set by :func:`main` for the subprocess).
FRAMES_ENV = "RELU_BENCH_FLOOR_FRAMES"
GOAL = 1.5


class EncodingFloor(ChapterScene):
    """A title, axes and x², held still for ``$RELU_BENCH_FLOOR_FRAMES`` frames."""

    def construct(self) -> None:
        frames = int(os.environ.get(FRAMES_ENV, "150"))
        title = Tex(r"Fitting $x^2$ with ReLU units", font_size=40).to_corner(UL, buff=0.35)
        axes = make_axes((0, 2, 0.5), (0, 4, 1), x_length=6.2, y_length=4.3, y_label=None)
        axes.move_to([-3.25, 0.45, 0])
        self.add(title, axes, target_graph(axes, lambda x: x**2))
        # a still wait writes int(seconds · fps) copies of one frame: half a frame more
        # than wanted rounds down to exactly ``frames``; a ChapterScene waits under a
        # narration only, and wait=0 adds no hold after it
        with self.narrating("The encoding floor: one frame, held.", wait=0):
            self.wait((frames + 0.5) / self.camera.frame_rate)


def _video_stats(mp4: Path) -> tuple[Fraction, int]:
    """``(duration in seconds, frames)`` of a video file."""
    import av

    with av.open(str(mp4)) as container:
        stream = container.streams.video[0]
        rate = Fraction(stream.average_rate)
        if stream.duration is not None and stream.time_base is not None:
            duration = Fraction(stream.duration) * stream.time_base
        else:
            duration = Fraction(container.duration or 0, 1_000_000)
        frames = stream.frames or round(duration * rate)
    return duration, int(frames)


def render_floor(quality: str, frames: int, media: Path) -> tuple[float, Path]:
    """Render :class:`EncodingFloor` for ``frames`` frames; ``(wall seconds, its mp4)``."""
    media.mkdir(parents=True, exist_ok=True)
    log = media / "render-floor.log"
    command = [sys.executable, "-m", "manim", "render", *MANIM_FLAGS[quality], "--progress_bar", "none",
               *encoder_args(), "--media_dir", str(media), str(Path(__file__).resolve()), "EncodingFloor"]
    env = {**os.environ, FRAMES_ENV: str(frames), "COLUMNS": "120"}
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.run(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env).returncode
    seconds = time.perf_counter() - start
    mp4 = media / "videos" / Path(__file__).stem / QUALITIES[quality] / "EncodingFloor.mp4"
    if code != 0 or not mp4.is_file():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        raise SystemExit(f"the floor scene failed to render (status {code}); log {log}:\n{tail}")
    return seconds, mp4


def _chapters(names: str | None):
    """The chapters ``--chapters`` names (all by default); :class:`ReluAnimError` for an unknown or empty list."""
    if names is None:
        chosen = list(CHAPTERS)
    else:
        chosen = [chapter(name.strip()) for name in names.split(",") if name.strip()]
        if not chosen:
            raise ReluAnimError(f"--chapters {names[:40]!r} names no chapter; leave it out for all of them")
    missing = [ch.name for ch in chosen if not ch.path.is_file()]
    if missing:
        raise ReluAnimError(f"no scene file yet for chapter(s) {', '.join(missing)} "
                            f"(scenes/<name>.py); pick others with --chapters")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", "-q", choices=list(QUALITIES), default="h",
                        help="manim quality flag: l, m, h or k (default h)")
    parser.add_argument("--chapters", default=None,
                        help="comma-separated chapter names (default: all, in story order)")
    args = parser.parse_args(argv)
    q = args.quality
    try:
        chapters = _chapters(args.chapters)
    except ReluAnimError as error:
        parser.error(str(error))  # usage, one line, exit status 2
    sys.stdout.reconfigure(line_buffering=True)
    names = ", ".join(ch.name for ch in chapters)
    print(f"video: rendering {len(chapters)} chapter(s) at -q{q} ({QUALITIES[q]}): {names}", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="relu-bench-floor-") as tmp:
        start = time.perf_counter()
        try:
            joined = render_video(q, chapters=chapters, force=True, media_dir=Path(tmp) / "video")
        except ReluAnimError as error:
            raise SystemExit(str(error)) from None
        video_seconds = time.perf_counter() - start
        duration, frames = _video_stats(joined)

        print(f"floor: rendering a still scene of {frames} frames ({float(duration):.1f} s) …",
              end="", file=sys.stderr, flush=True)
        floor_seconds, floor_mp4 = render_floor(q, frames, Path(tmp) / "floor")
        floor_duration, floor_frames = _video_stats(floor_mp4)
        print(f" {floor_seconds:.1f} s", file=sys.stderr)

    ratio = video_seconds / floor_seconds
    print(f"\nfull video against the encoding floor at -q{q} ({QUALITIES[q]}); "
          f"chapters: {names}\n")
    print("| render                                   | wall s | video s | frames | ms per frame |")
    print("| :--------------------------------------- | -----: | ------: | -----: | -----------: |")
    rows = (("video: render_video (force, empty media)", video_seconds, duration, frames),
            ("floor: still scene, same length", floor_seconds, floor_duration, floor_frames))
    for label, seconds, length, count in rows:
        print(f"| {label:<40} | {seconds:>6.1f} | {float(length):>7.2f} | {count:>6} "
              f"| {1000 * seconds / count:>12.1f} |")
    print(f"\nvideo / floor: {ratio:.2f}×  (goal ≤ {GOAL:g}×: {'PASS' if ratio <= GOAL else 'FAIL'})")
    if floor_frames != frames:
        print(f"note: the floor has {floor_frames} frames, the video {frames}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
