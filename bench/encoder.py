"""Benchmark: x264 settings for the chapter renders — CPU per frame, file size and picture quality.

At 1080p60 a chapter's render spends more CPU in encoding (libx264, and the
RGBA → YUV conversion before it) than in drawing, and with ``--jobs 2`` on two
cores the CPU is what bounds the wall time. This renders one stretch of a
chapter (``--chapter``, ``--beats START:STOP``; default relu_shift's second
beat) once per setting, each in its own manim process as the pipeline renders,
and prints per setting, side by side:

* CPU seconds per second of video (every thread of the manim process:
  drawing, conversion, x264's own threads) and wall seconds;
* the file's size;
* PSNR of the luma (Y) plane against a lossless encode of the same frames
  (x264 ``crf=0``), frame by frame, the mean and the worst frame: above about
  45 dB a difference is not visible on these flat-coloured pictures.

The setting the pipeline uses is :data:`relu_anim.render.clips.ENCODER_OPTIONS`;
this is where its figures come from.

Run from the repository root, on a quiet machine::

    .venv/bin/python bench/encoder.py                      # relu_shift's second beat at -qh
    .venv/bin/python bench/encoder.py --chapter x2 --beats 4:5 --quality h
    .venv/bin/python bench/encoder.py --only "subme 0,ultrafast"   # some of the settings
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import av  # noqa: E402
import numpy as np  # noqa: E402

from relu_anim.errors import ReluAnimError  # noqa: E402
from relu_anim.render.chapters import chapter  # noqa: E402
from relu_anim.render.clips import ENCODER_OPTIONS, MANIM_FLAGS, QUALITIES, encoder_args  # noqa: E402
from relu_anim.visual.protocol import SLICE_ENV  # noqa: E402
from relu_anim.visual.scene import beat_slice  # noqa: E402

#: The settings compared: a label and manim ``--encoder-option`` values (manim's default is crf 23, medium).
SETTINGS: tuple[tuple[str, dict[str, str]], ...] = (
    ("manim's default (crf 23, medium, threads auto)", {"preset": "medium", "threads": "0"}),
    ("crf 23, medium, 1 thread", {"preset": "medium", "threads": "1"}),
    ("crf 23, veryfast, threads auto", {"preset": "veryfast", "threads": "0"}),
    ("crf 23, veryfast, 2 threads", {"preset": "veryfast", "threads": "2"}),
    # every row names preset and threads: manim.cfg sets the pipeline's, which a row would inherit
    ("crf 23, veryfast, 1 thread", {"preset": "veryfast", "threads": "1"}),
    ("crf 23, superfast, 1 thread", {"preset": "superfast", "threads": "1"}),
    # subme=0: motion vectors to the whole pixel, without x264's sub-pixel refinement
    ("crf 23, superfast, subme 0, 1 thread", {"preset": "superfast", "threads": "1", "x264-params": "subme=0"}),
    # bframes=0: P-frames only, without superfast's B-frame lookahead (x264 spends as long on a
    # held frame as on a moving one); no-deblock: no loop filter over the flat-coloured pictures
    ("crf 23, superfast, subme 0, bframes 0, 1 thread",
     {"preset": "superfast", "threads": "1", "x264-params": "subme=0:bframes=0"}),
    ("crf 23, superfast, subme 0, bframes 0, no deblock, 1 thread",
     {"preset": "superfast", "threads": "1", "x264-params": "subme=0:bframes=0:no-deblock=1"}),
    ("crf 23, ultrafast, 1 thread", {"preset": "ultrafast", "threads": "1"}),
)
LOSSLESS = {"crf": "0", "preset": "ultrafast"}


def render(tmp: Path, name: str, ch, quality: str, beats: str, options: dict[str, str]) -> tuple[float, float, Path]:
    """Render the stretch with these encoder options: CPU seconds, wall seconds, the video."""
    media = tmp / name
    command = [sys.executable, "-m", "manim", "render", *MANIM_FLAGS[quality], "--progress_bar", "none",
               "--disable_caching", "--media_dir", str(media)]
    command += [*encoder_args(options), str(ch.path), ch.scene]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env={**os.environ, SLICE_ENV: beats}, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"manim failed ({name}):\n{done.stdout[-1500:]}{done.stderr[-1500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    video = next(media.glob(f"videos/{ch.name}/*/{ch.scene}.mp4"))
    return cpu, wall, video


def luma(path: Path):
    """The Y plane of every frame, one at a time."""
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            plane = frame.reformat(format="yuv420p").planes[0]
            rows = np.frombuffer(plane, dtype=np.uint8).reshape(plane.height, plane.line_size)
            yield rows[:, :plane.width].astype(np.int32)


def psnr(path: Path, reference: Path) -> tuple[float, float, int]:
    """Mean and worst per-frame PSNR (dB) of the luma against ``reference``, and the frames compared."""
    values = []
    for ours, theirs in zip(luma(path), luma(reference), strict=True):
        mse = float(np.mean((ours - theirs) ** 2))
        values.append(math.inf if mse == 0 else 10 * math.log10(255 ** 2 / mse))
    finite = [v for v in values if math.isfinite(v)]
    mean = sum(finite) / len(finite) if finite else math.inf
    return mean, min(values), len(values)


def duration(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return float(stream.frames / stream.average_rate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="relu_shift", help="the chapter (default relu_shift)")
    parser.add_argument("--beats", default="1:2", help="the beats rendered, START:STOP (default 1:2)")
    parser.add_argument("--quality", "-q", choices=list(QUALITIES), default="h", help="quality (default h)")
    parser.add_argument("--only", default="", metavar="TEXT[,TEXT…]",
                        help="only the settings whose label contains one of these texts (default: all)")
    args = parser.parse_args(argv)
    wanted = [text.strip() for text in args.only.split(",") if text.strip()]
    settings = [(label, options) for label, options in SETTINGS
                if not wanted or any(text in label for text in wanted)]
    if not settings:
        parser.error(f"--only {args.only!r} matches no setting; the settings: "
                         + "; ".join(label for label, _ in SETTINGS))
    try:
        ch = chapter(args.chapter)
        beat_slice(args.beats)  # refused here in one line, not after the lossless render
    except ReluAnimError as error:
        parser.error(str(error))  # usage, one line, exit status 2
    sys.stdout.reconfigure(line_buffering=True)
    print(f"bench/encoder.py --chapter {ch.name} --beats {args.beats} --quality {args.quality}  "
          f"(cores available: {len(os.sched_getaffinity(0))}; the pipeline's setting: {ENCODER_OPTIONS})")
    with tempfile.TemporaryDirectory(prefix="relu-bench-encoder-") as name:
        tmp = Path(name)
        _, _, reference = render(tmp, "lossless", ch, args.quality, args.beats, LOSSLESS)
        seconds = duration(reference)
        print(f"\n{seconds:.1f} s of video; PSNR against a lossless encode of the same frames\n")
        print(f"| {'x264 setting':<48} | CPU s / video s | wall s | size KiB | PSNR-Y mean | worst frame |")
        print(f"| :{'-' * 47} | --------------: | -----: | -------: | ----------: | ----------: |")
        base = None
        for index, (label, options) in enumerate(settings):
            cpu, wall, video = render(tmp, f"setting-{index}", ch, args.quality, args.beats, options)
            mean, worst, _ = psnr(video, reference)
            base = base or cpu
            print(f"| {label:<48} | {cpu / seconds:>8.2f} ({cpu / base:.2f}×) | {wall:>6.1f} | "
                  f"{video.stat().st_size / 1024:>8.0f} | {mean:>8.1f} dB | {worst:>8.1f} dB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
