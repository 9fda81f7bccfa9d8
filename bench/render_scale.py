"""Benchmark: how the render scales — jobs, slices, manim's encoder threads, a Dask cluster, previews, memory.

Every figure is one run of both sides, printed side by side with their ratio;
nothing here is asserted anywhere. Each timed render starts from an empty
media folder (it pays for its own TeX), with ``force`` (nothing is up to date),
and with the pipeline's default ``--max-inflight-encoders`` (2) unless the
section says otherwise.
Sections (``--sections``, default all):

* ``jobs`` — the chapters (``--chapters``, default all) rendered and joined by
  :func:`relu_anim.render.video.render_video` with ``--jobs 1``, ``--jobs 2``
  and ``--jobs 2 --slices 2`` (``--no-sliced`` leaves that one out), against the
  encoding floor of ``bench/video_floor.py`` (a still scene of as many frames:
  manim's start-up, TeX and encoding; ``--no-floor`` leaves it out), and against realtime; each row also
  shows how many cores it kept busy (the child processes' CPU seconds over the
  wall seconds), which bounds what more jobs can gain;
* ``inflight`` — the first chapter with manim's ``--max-inflight-encoders`` 1,
  2 and 4 (one process), then ``--jobs 2 --slices 2`` with 1 and 2;
* ``cluster`` — the chapters rendered by a local Dask cluster (two worker
  processes with one thread each, :class:`distributed.LocalCluster`) with
  ``--slices 2``, against the same on this machine (``--jobs 2 --slices 2``):
  the cluster's overhead in per cent (the cluster's start is not counted; three pairs, local and
  cluster in turn, so that the machine's drift hits both sides of a pair; the median ratio);
* ``preview`` — ``relu-anim preview x2 "Let the kinks move"`` with a warm TeX
  cache (goal ≤ 5 s; the median of five runs), the same beat under ``--watch`` (seconds from
  saving the scene file to the new clip, median of five), and a cold ``manim -ql scenes/x2.py``
  (goal ≤ 40 s);
* ``memory`` — the peak resident memory of one manim process rendering each
  chapter at ``--memory-quality`` (default h; goal ≤ 1 GB), read from
  ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a wrapper that runs just that process
  (``--memory-last-beat``: only the last beat is drawn, the beats before it are
  built skipped, as a slice; the scene's whole state, at a fraction of the time).

Run from the repository root, on a quiet machine, or niced on a busy one::

    .venv/bin/python bench/render_scale.py --chapters relu_shift --sections jobs,inflight
    nice -n 10 .venv/bin/python bench/render_scale.py --chapters x2 --sections preview
    .venv/bin/python bench/render_scale.py            # everything, every chapter: long
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import os
import re
import resource
import shutil
import statistics
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import av  # noqa: E402
from video_floor import _chapters, _video_stats, render_floor  # noqa: E402

from relu_anim.errors import ReluAnimError  # noqa: E402
from relu_anim.render.chapters import chapter  # noqa: E402
from relu_anim.render.clips import MANIM_FLAGS, QUALITIES  # noqa: E402
from relu_anim.render.chapter import _manim_command  # noqa: E402  (the render job's exact command)
from relu_anim.render.preview import preview_beat  # noqa: E402
from relu_anim.render.slices import plan_beats, slice_env  # noqa: E402
from relu_anim.render.video import INFLIGHT_ENCODERS, render_video  # noqa: E402

SECTIONS = ("jobs", "inflight", "cluster", "preview", "memory")
PREVIEW = ("x2", "Let the kinks move")  # the beat where the kinks start to move
CLUSTER_PAIRS = 3  # local and cluster renders timed in turn; the median of the pairs' ratios is quoted
PREVIEW_RUNS = 5  # warm previews timed; the median is quoted (a few seconds each: machine noise shows)
_PEAK = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
         "stderr=subprocess.DEVNULL).returncode; print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
         "sys.exit(code)")


def speed_probe() -> float:
    """Seconds a fixed pure-Python loop takes: printed beside the figures, so runs on a machine whose
    speed drifts (a shared one) can be compared."""
    start = time.perf_counter()
    sum(i * i for i in range(20_000_000))
    return time.perf_counter() - start


def compile_bytecode() -> str:
    """Compile relu_anim's and the scenes' bytecode, as any first run leaves it; what was done, in words.

    With PYTHONDONTWRITEBYTECODE set (as on the project's CI machine), Python never writes it, and
    every manim process compiles the package again (a few tenths of a second each), which a user's
    machine does once.
    """
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "bytecode: as Python writes it"
    ok = all(compileall.compile_dir(str(REPO / folder), quiet=1) for folder in ("relu_anim", "scenes"))
    return ("bytecode: compiled first (PYTHONDONTWRITEBYTECODE is set here, so no process writes it)" if ok
            else "bytecode: could not be compiled; every process compiles the package again")


def frame_hashes(mp4: Path) -> list[str]:
    """sha256 of every decoded frame."""
    with av.open(str(mp4)) as container:
        return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest() for f in container.decode(video=0)]


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def table(title: str, rows: list[tuple[str, float]], base: float, base_name: str,
          busy: dict[str, float] | None = None) -> None:
    """Rows of wall seconds against ``base``; ``busy``: the cores each row kept busy (CPU s / wall s)."""
    busy = busy or {}
    width = max(44, *(len(label) for label, _ in rows))
    print(f"\n{title}\n")
    print(f"| {'render':<{width}} | wall s | × {base_name:<14} | cores busy |")
    print(f"| :{'-' * (width - 1)} | -----: | {'-' * 15}: | ---------: |")
    for label, seconds in rows:
        cores = f"{busy[label]:.2f}" if label in busy else ""
        print(f"| {label:<{width}} | {seconds:>6.1f} | {seconds / base:>16.2f} | {cores:>10} |")


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process reaped so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def video(tmp: Path, label: str, chapters, quality: str, **options) -> tuple[float, Path, float]:
    """Render and join ``chapters`` into a fresh media folder: wall seconds, the video, cores kept busy."""
    media = tmp / re.sub(r"[^a-z0-9]+", "_", label.lower())  # manim's concat list cannot quote every character
    before = children_cpu()
    seconds, mp4 = timed(lambda: render_video(quality, chapters=chapters, force=True, progress=False,
                                              media_dir=media, **options))
    busy = (children_cpu() - before) / seconds  # manim runs in child processes; this one only waits
    print(f"  {label}: {seconds:.1f} s, {busy:.2f} cores busy", file=sys.stderr)
    return seconds, mp4, busy


def section_jobs(tmp: Path, chapters, quality: str, sliced: bool = True, floor: bool = True) -> None:
    one, mp4, one_busy = video(tmp, "jobs 1", chapters, quality, jobs=1)
    two, _, two_busy = video(tmp, "jobs 2", chapters, quality, jobs=2)
    rows = [("video --jobs 1", one), ("video --jobs 2", two)]
    busy = {"video --jobs 1": one_busy, "video --jobs 2": two_busy}
    if sliced:
        seconds, sliced_mp4, busy["video --jobs 2 --slices 2"] = video(tmp, "jobs 2 slices 2", chapters, quality,
                                                                       jobs=2, slices=2)
        rows.append(("video --jobs 2 --slices 2", seconds))
    duration, frames = _video_stats(mp4)
    if floor:
        before = children_cpu()
        floor_s, _ = render_floor(quality, frames, tmp / "floor")
        busy["floor: a still scene as long (one process)"] = (children_cpu() - before) / floor_s
        rows.append(("floor: a still scene as long (one process)", floor_s))
    table(f"jobs: {len(chapters)} chapter(s) at -q{quality} ({float(duration):.1f} s of video, {frames} frames)",
          rows, one, "--jobs 1", busy)
    cores = len(os.sched_getaffinity(0))
    print(f"\n--jobs 2 / --jobs 1: {one / two:.2f}× faster" + (
        f"; --jobs 2 / floor: {two / floor_s:.2f}×; --jobs 1 / floor: {one / floor_s:.2f}×" if floor else ""))
    print(f"against realtime ({float(duration):.1f} s of video): --jobs 1 {one / float(duration):.2f}×, "
          f"--jobs 2 {two / float(duration):.2f}× (below 1: faster than realtime)")
    print(f"--jobs 1 already keeps {one_busy:.2f} of {cores} cores busy (manim's encoder thread): at the same "
          f"CPU time, more jobs could be at most {cores / one_busy:.2f}× faster; --jobs 2 used "
          f"{two * two_busy / (one * one_busy):.2f}× the CPU time of --jobs 1")
    if sliced:
        same = {ext: mp4.with_suffix(ext).read_bytes() == sliced_mp4.with_suffix(ext).read_bytes()
                for ext in (".srt", ".chapters.vtt")}
        same["frames"] = frame_hashes(mp4) == frame_hashes(sliced_mp4)
        print("the sliced video against --jobs 1: " + ", ".join(f"{k} {'the same' if v else 'DIFFERENT'}"
                                                                for k, v in same.items()))


def section_inflight(tmp: Path, chapters, quality: str) -> None:
    first = chapters[:1]
    rows = []
    for label, options in (("1 process, encoders 1 (manim's default)", {"jobs": 1, "max_inflight_encoders": 1}),
                           ("1 process, encoders 2", {"jobs": 1, "max_inflight_encoders": 2}),
                           ("1 process, encoders 4", {"jobs": 1, "max_inflight_encoders": 4}),
                           ("--jobs 2 --slices 2, encoders 1", {"jobs": 2, "slices": 2, "max_inflight_encoders": 1}),
                           ("--jobs 2 --slices 2, encoders 2", {"jobs": 2, "slices": 2, "max_inflight_encoders": 2})):
        seconds, _, _ = video(tmp, f"inflight {label}", first, quality, **options)
        rows.append((label, seconds))
    table(f"--max-inflight-encoders: chapter {first[0].name} at -q{quality}", rows, rows[0][1], "encoders 1")


def section_cluster(tmp: Path, chapters, quality: str) -> None:
    # lazy: the cluster extra is needed by this section only
    from distributed import LocalCluster

    workers = tmp / "workers"
    os.environ["RELU_ANIM_WORKER_MEDIA"] = str(workers)  # read by the workers as they start
    os.environ["PYTHONPATH"] = str(REPO)
    started, cluster = timed(lambda: LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                  dashboard_address=None))
    pairs = []
    with cluster:
        # local and cluster in turn, each from a cold TeX cache: the machine's drift hits both sides of a pair
        for run in range(CLUSTER_PAIRS):
            local, _, _ = video(tmp, f"local jobs 2 slices 2 run {run}", chapters, quality, jobs=2, slices=2)
            shutil.rmtree(workers, ignore_errors=True)  # a cold TeX cache, as each local render's
            remote, _, _ = video(tmp, f"cluster slices 2 run {run}", chapters, quality, slices=2,
                                 scheduler=cluster.scheduler_address)
            pairs.append((local, remote))
    rows = [(f"{label} (median of {CLUSTER_PAIRS})", statistics.median(p[i] for p in pairs))
            for i, label in enumerate(("video --jobs 2 --slices 2", "video --slices 2 --scheduler (2 workers)"))]
    table(f"a local Dask cluster (2 workers × 1 thread) against this machine, {len(chapters)} chapter(s) "
          f"at -q{quality}", rows, rows[0][1], "local")
    ratios = sorted(remote / local for local, remote in pairs)
    print(f"\ncluster overhead, pair by pair: {', '.join(f'{100 * (r - 1):+.0f} %' for r in ratios)}; "
          f"median {100 * (statistics.median(ratios) - 1):+.0f} %  (starting the cluster: {started:.1f} s, "
          "not counted)")


def section_preview(tmp: Path, quality: str) -> None:
    name, beat = PREVIEW
    media = tmp / "preview"
    warmup, _ = timed(lambda: preview_beat(chapter(name), beat, quality, media_dir=media))
    runs = [timed(lambda: preview_beat(chapter(name), beat, quality, media_dir=media))[0]
            for _ in range(PREVIEW_RUNS)]
    warm = statistics.median(runs)
    watched = watch_runs(tmp / "watch", name, beat, quality)
    cold_media = tmp / "cold"
    command = [sys.executable, "-m", "manim", *MANIM_FLAGS[quality], "--media_dir", str(cold_media),
               "--progress_bar", "none", f"scenes/{name}.py"]
    cold, done = timed(lambda: subprocess.run(command, cwd=REPO, capture_output=True))
    if done.returncode != 0:
        raise SystemExit(f"manim failed: {done.stderr.decode(errors='replace')[-2000:]}")
    print(f"\npreview and cold render of chapter {name} at -q{quality}\n")
    rows = ((f"preview {name} {beat!r}, cold TeX (first run)", warmup, ""),
            (f"preview {name} {beat!r}, warm TeX (median of {PREVIEW_RUNS}; fastest {min(runs):.1f} s)", warm, "5"),
            (f"preview --watch: save to new clip (median of {PREVIEW_RUNS}; fastest {min(watched):.1f} s)",
             statistics.median(watched), "5"),
            (f"manim -q{quality} scenes/{name}.py, empty media folder", cold, "40"))
    width = max(len(label) for label, _, _ in rows)
    print(f"| {'render':<{width}} | wall s | goal s |")
    print(f"| :{'-' * (width - 1)} | -----: | -----: |")
    for label, seconds, goal in rows:
        print(f"| {label:<{width}} | {seconds:>6.1f} | {goal:>6} |")
    print(f"\nwarm preview / cold chapter: {warm / cold:.2f}×")


_WATCH = """
import sys
from pathlib import Path

from relu_anim.render.chapters import chapter
from relu_anim.render.watch import watch_beat

try:
    watch_beat(chapter(sys.argv[1]), sys.argv[2], sys.argv[3], media_dir=Path(sys.argv[4]),
               say=lambda text: print(text.splitlines()[0], flush=True))
except KeyboardInterrupt:
    sys.exit(0)
"""


def watch_runs(media: Path, name: str, beat: str, quality: str) -> list[float]:
    """Seconds from saving the chapter's scene file (its time stamp renewed) to the watcher's new clip, each run."""
    watcher = subprocess.Popen([sys.executable, "-c", _WATCH, name, beat, quality, str(media)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def rendered() -> str:
        line = ""
        while not line.startswith("preview: ") or line.startswith("preview: watching"):
            line = watcher.stdout.readline()
            if not line:
                raise SystemExit(f"the watcher ended (status {watcher.wait()})")
        return line

    try:
        rendered()  # the first render, before any save
        runs = []
        for _ in range(PREVIEW_RUNS):
            start = time.perf_counter()
            os.utime(chapter(name).path)  # as an editor's save does; the content stays
            rendered()
            runs.append(time.perf_counter() - start)
        return runs
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait()


def section_memory(tmp: Path, chapters, quality: str, last_beat: bool) -> None:
    what = "the last beat (every beat before it built, skipped)" if last_beat else "the whole chapter"
    print(f"\npeak memory of one manim process rendering {what} at -q{quality} ({QUALITIES[quality]})\n")
    print("| chapter          | wall s | peak MiB | goal MiB |")
    print("| :--------------- | -----: | -------: | -------: |")
    for ch in chapters:
        env = dict(os.environ)
        if last_beat:
            env.update(slice_env(len(plan_beats(ch, REPO, tmp)) - 1, None))
        command = [sys.executable, "-c", _PEAK, *_manim_command(ch, quality, tmp / f"mem-{ch.name}",
                                                                ("--max-inflight-encoders", str(INFLIGHT_ENCODERS)))]
        seconds, done = timed(lambda: subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env))
        if done.returncode != 0:
            raise SystemExit(f"chapter {ch.name} failed at -q{quality}")
        peak = int(done.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is in KiB on Linux
        print(f"| {ch.name:<16} | {seconds:>6.1f} | {peak:>8.0f} | {1024:>8} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", "-q", choices=list(QUALITIES), default="l", help="render quality (default l)")
    parser.add_argument("--chapters", default=None, help="comma-separated chapter names (default: all)")
    parser.add_argument("--sections", default=",".join(SECTIONS), help=f"any of {', '.join(SECTIONS)} (default all)")
    parser.add_argument("--memory-quality", choices=list(QUALITIES), default="h",
                        help="quality of the memory section (default h)")
    parser.add_argument("--memory-last-beat", action="store_true",
                        help="memory section: render only each chapter's last beat (the state of every beat "
                             "before it is still built), much faster at -qh")
    parser.add_argument("--no-sliced", action="store_true",
                        help="jobs section: leave out the --jobs 2 --slices 2 render (a third full render)")
    parser.add_argument("--no-floor", action="store_true",
                        help="jobs section: leave out the encoding floor (a still scene as long as the film)")
    args = parser.parse_args(argv)
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    try:
        chapters = _chapters(args.chapters)
    except ReluAnimError as error:
        parser.error(str(error))  # usage, one line, exit status 2
    sys.stdout.reconfigure(line_buffering=True)
    print(f"bench/render_scale.py --quality {args.quality} --chapters {','.join(c.name for c in chapters)} "
          f"--sections {','.join(sections)}  (cores available: {len(os.sched_getaffinity(0))})")
    print(compile_bytecode())
    print(f"speed probe (a fixed Python loop) before: {speed_probe():.2f} s")
    try:
        with tempfile.TemporaryDirectory(prefix="relu-bench-scale-") as name:
            tmp = Path(name)
            if "jobs" in sections:
                section_jobs(tmp, chapters, args.quality, sliced=not args.no_sliced, floor=not args.no_floor)
            if "inflight" in sections:
                section_inflight(tmp, chapters, args.quality)
            if "cluster" in sections:
                section_cluster(tmp, chapters, args.quality)
            if "preview" in sections:
                section_preview(tmp, args.quality)
            if "memory" in sections:
                section_memory(tmp, chapters, args.memory_quality, args.memory_last_beat)
    except ReluAnimError as error:
        raise SystemExit(str(error)) from None
    print(f"\nspeed probe after: {speed_probe():.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
