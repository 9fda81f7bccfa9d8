"""Benchmark: the "1 → 100 units" morph, exact polylines against a redrawn ``axes.plot``.

The x² chapter (``scenes/x2.py``) morphs the best fit of x² on [0, 2] through
n = 1, 2, 3, 5, 10, 20, 50, 100 units. This renders that beat two ways, in one
run, at the same quality, with the same axes, n sequence and total duration:

* ``exact`` (:class:`ExactMorph`) — what the chapter does: a
  :class:`~relu_anim.visual.PiecewiseGraph` of ``optimal_x2(n).piecewise(0, 2)``
  (a polyline through the exact vertices), ``ReplacementTransform`` into the
  next one, 1.5 s per step, then a 0.5 s hold;
* ``naive`` (:class:`NaiveRedraw`) — the idiom a user would write: a
  ``ValueTracker`` k running over the fit index, and
  ``always_redraw(lambda: axes.plot(f))`` where ``f(x)`` evaluates, in plain
  Python, ``c + Σ aᵢ·max(0, x − hᵢ)`` of the networks on either side of k and
  crossfades them: ``(1 − s)·f_i(x) + s·f_{i+1}(x)`` with ``i = ⌊k⌋, s = k − i``
  (fits of different sizes have no unit-to-unit match, so blending outputs is
  what a user would do). ``axes.plot`` is called the way it usually is, without
  ``x_range``: manim then samples 10 points per x tick (step 0.05 here, 41
  points) and smooths them into Bézier curves. ``--naive-step`` sets an explicit
  step instead. The curve is rebuilt at every frame, holds included.

Both scenes are defined below and rendered by real manim subprocesses
(``python -m manim render -q<q> --media_dir <tmp> bench/morph_speed.py <Scene>``),
interleaved (exact, naive, floor, exact, naive, floor, …), each timed by wall
clock; the best of ``--repeats`` (default 2) counts. Every render starts with an
empty video folder (manim's partial-movie cache never hits) and a shared TeX
cache, filled before the first timed render. ``floor`` (:class:`StillFloor`) is
a reference, not a contender: the same axes and graph held still as long, i.e.
manim's start-up, scene setup and encoding without animation. The table gives
seconds and frames of each, the speed-up naive/exact (the goal: at least 3×)
and each side's time above the floor.

For honesty it then measures how sharply the naive curve draws the kinks: for
every n it builds the naive mobject exactly as the scene does and gives the
Hausdorff distance, in scene units and in pixels at the chosen quality, between
its Bézier curves (sampled densely) and the exact graph of the package's
function; the exact ``PiecewiseGraph`` is measured the same way as a control.
For scale: the stroke (width 5) is 0.05 scene units wide.

Run from the repository root::

    .venv/bin/python bench/morph_speed.py                    # -ql, 40 s to 1 min on 2 busy cores
    .venv/bin/python bench/morph_speed.py --quality m --repeats 3
    .venv/bin/python bench/morph_speed.py --naive-step 0.002 # a careful user's sampling (slow)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import manim  # noqa: E402

from arguments import number_between, whole_number  # noqa: E402  (bench/, the script's own folder)

from relu_anim.construct import optimal_x2  # noqa: E402
from relu_anim.story.units import first_layer_kinks  # noqa: E402
from relu_anim.render.clips import QUALITIES  # noqa: E402
from relu_anim.visual import ChapterScene, PiecewiseGraph, current_theme, make_axes  # noqa: E402
from relu_anim.x2 import DOMAIN  # noqa: E402

#: The chapter's unit counts (the same literals as ``scenes/x2.py``); the domain is :mod:`relu_anim.x2`'s.
UNITS = (1, 2, 3, 5, 10, 20, 50, 100)
#: Seconds of each morph (as in the chapter) and of the hold after it.
STEP_SECONDS = 1.5
HOLD_SECONDS = 0.5
#: The naive scene's ``x_range`` step; unset: ``axes.plot`` without ``x_range``.
NAIVE_STEP_ENV = "RELU_BENCH_NAIVE_STEP"
SCENES = {"exact": "ExactMorph", "naive": "NaiveRedraw", "floor": "StillFloor"}
GOAL = 3.0


# ---------------------------------------------------------------- shared by both scenes
def stage_axes() -> manim.Axes:
    """The chapter's main axes (``X2Fit.build_stage``)."""
    axes = make_axes((DOMAIN[0], DOMAIN[1], 0.5), (0, 4, 1), x_length=6.2, y_length=4.3, y_label=None)
    return axes.move_to([-3.25, 0.45, 0])


def exact_graph(axes: manim.Axes, n: int) -> PiecewiseGraph:
    """What the chapter draws for the best n-unit fit."""
    return PiecewiseGraph(axes, optimal_x2(n).piecewise(*DOMAIN))


# ------------------------------------------------------------------ the naive idiom
def relu_terms(n: int) -> tuple[list[float], list[float], float]:
    """``(a, h, c)`` of the best n-unit fit, so that y = c + Σ aᵢ·max(0, x − hᵢ)."""
    net = optimal_x2(n)
    hidden, output = net.layers
    a = (output.weight[0] * hidden.weight[:, 0]).tolist()  # hidden weights are 1 here
    return a, first_layer_kinks(net).tolist(), float(output.bias[0])


def relu_sum(terms: tuple[list[float], list[float], float], x: float) -> float:
    a, h, c = terms
    return sum(ai * max(0.0, x - hi) for ai, hi in zip(a, h)) + c


def naive_function(k: Callable[[], float], fits: Sequence[tuple]) -> Callable[[float], float]:
    """The crossfade between the fits either side of the index ``k()``, evaluated in Python."""
    def f(x: float) -> float:
        t = k()
        i = min(int(t), len(fits) - 2)
        s = t - i
        return (1 - s) * relu_sum(fits[i], x) + s * relu_sum(fits[i + 1], x)
    return f


def naive_plot(axes: manim.Axes, f: Callable[[float], float], step: float | None) -> manim.VMobject:
    kwargs = {} if step is None else {"x_range": [DOMAIN[0], DOMAIN[1], step]}
    return axes.plot(f, color=current_theme().output, stroke_width=5, **kwargs)


def _naive_step() -> float | None:
    value = os.environ.get(NAIVE_STEP_ENV, "")
    return float(value) if value else None


# ------------------------------------------------------------------------ the scenes
class ExactMorph(ChapterScene):
    """The chapter's way: exact polylines, one ReplacementTransform per step."""

    def construct(self) -> None:
        axes = stage_axes()
        graph = exact_graph(axes, UNITS[0])
        self.add(axes, graph)
        # a ChapterScene plays under a narration only; wait=0 adds no hold after it
        with self.narrating("The exact morph.", wait=0):
            for n in UNITS[1:]:
                new = exact_graph(axes, n)
                self.play(manim.ReplacementTransform(graph, new), run_time=STEP_SECONDS)
                graph = new
                self.wait(HOLD_SECONDS)


class NaiveRedraw(ChapterScene):
    """The user's way: a ValueTracker and ``always_redraw(axes.plot(...))``."""

    def construct(self) -> None:
        axes = stage_axes()
        fits = [relu_terms(n) for n in UNITS]
        k = manim.ValueTracker(0)
        f = naive_function(k.get_value, fits)
        step = _naive_step()
        graph = manim.always_redraw(lambda: naive_plot(axes, f, step))
        self.add(axes, graph)
        with self.narrating("The naive redraw.", wait=0):
            for i in range(1, len(UNITS)):
                self.play(k.animate.set_value(i), run_time=STEP_SECONDS)
                self.wait(HOLD_SECONDS)


class StillFloor(ChapterScene):
    """Reference, not a contender: the same axes and the n = 100 graph, held still as long.

    manim renders one frame and encodes it repeatedly: start-up, TeX, scene
    setup and encoding, with no animation. Subtracting it from both sides shows
    what the animation itself costs.
    """

    def construct(self) -> None:
        axes = stage_axes()
        self.add(axes, exact_graph(axes, UNITS[-1]))
        with self.narrating("The same axes, held.", wait=0):
            self.wait((len(UNITS) - 1) * (STEP_SECONDS + HOLD_SECONDS))


# ----------------------------------------------------------------------- measuring
def _bezier_samples(mob: manim.VMobject, per_curve: int = 64) -> np.ndarray:
    """Points along every cubic Bézier curve of ``mob``, ``(curves·per_curve, 2)``."""
    quads = mob.points.reshape(-1, 4, 3)[:, :, :2]
    t = np.linspace(0.0, 1.0, per_curve)[:, None]
    w = np.hstack([(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3])  # (per_curve, 4)
    return np.einsum("pk,ckd->cpd", w, quads).reshape(-1, 2)


def _polyline_distance(points: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Distance from each point to the polyline through ``corners`` (both 2-D)."""
    a, b = corners[:-1], corners[1:]
    ab = b - a
    ap = points[:, None, :] - a[None, :, :]
    length2 = np.einsum("sd,sd->s", ab, ab)
    dot = np.einsum("psd,sd->ps", ap, ab)
    # consecutive Bézier curves share an end point: a zero-length segment is a point
    t = np.clip(np.divide(dot, length2, out=np.zeros_like(dot), where=length2 > 0), 0.0, 1.0)
    nearest = a[None] + t[..., None] * ab[None]
    return np.min(np.linalg.norm(points[:, None, :] - nearest, axis=2), axis=1)


def hausdorff_to_exact(axes: manim.Axes, mob: manim.VMobject, n: int) -> float:
    """Hausdorff distance (scene units) between ``mob`` and the exact graph of the n-unit fit."""
    corners = np.array([axes.c2p(x, y) for x, y in optimal_x2(n).piecewise(*DOMAIN).vertices()])[:, :2]
    drawn = _bezier_samples(mob)
    there = _polyline_distance(drawn, corners).max()  # drawn curve → exact graph
    # exact graph (its corners and points along each piece) → drawn curve
    t = np.linspace(0.0, 1.0, 16)[:, None, None]
    exact = (corners[:-1][None] + t * (corners[1:] - corners[:-1])[None]).reshape(-1, 2)
    back = _polyline_distance(exact, drawn).max()  # the samples, in order, are the drawn polyline
    return float(max(there, back))


def sharpness_rows(step: float | None, quality: str) -> list[tuple[int, int, float, float, float]]:
    """``(n, naive Bézier curves, naive distance, exact distance, pixels per unit)`` for a few n."""
    axes = stage_axes()
    fits = [relu_terms(n) for n in UNITS]
    flag = {"l": "low_quality", "m": "medium_quality", "h": "high_quality", "k": "fourk_quality"}[quality]
    px_per_unit = manim.constants.QUALITIES[flag]["pixel_width"] / manim.config.frame_width
    rows = []
    for n in UNITS:
        i = UNITS.index(n)
        naive = naive_plot(axes, naive_function(lambda i=i: float(i), fits), step)
        rows.append((n, len(naive.points) // 4, hausdorff_to_exact(axes, naive, n),
                     hausdorff_to_exact(axes, exact_graph(axes, n), n), px_per_unit))
    return rows


# ----------------------------------------------------------------------- rendering
def _frames(mp4: Path) -> int:
    import av

    with av.open(str(mp4)) as container:
        stream = container.streams.video[0]
        return stream.frames or sum(1 for _ in container.decode(stream))


def render(scene: str, quality: str, media: Path, env: dict[str, str], log: Path) -> tuple[float, int]:
    """Render ``scene`` of this file with manim; ``(wall seconds, frames)``."""
    shutil.rmtree(media / "videos", ignore_errors=True)  # no partial-movie cache hits
    command = [sys.executable, "-m", "manim", "render", f"-q{quality}", "--progress_bar", "none",
               "--media_dir", str(media), str(Path(__file__).resolve()), scene]
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.run(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env).returncode
    seconds = time.perf_counter() - start
    mp4 = media / "videos" / Path(__file__).stem / QUALITIES[quality] / f"{scene}.mp4"
    if code != 0 or not mp4.is_file():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        raise SystemExit(f"manim failed to render {scene} (status {code}); log {log}:\n{tail}")
    return seconds, _frames(mp4)


def warm_tex_cache(media: Path) -> None:
    """Compile the axes' TeX once into ``media/Tex``, so no timed render pays for LaTeX."""
    manim.logger.setLevel("WARNING")
    manim.config.media_dir = str(media)
    manim.config.tex_dir = str(media / "Tex")
    stage_axes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", "-q", choices=list(QUALITIES), default="l",
                        help="manim quality flag: l, m, h or k (default l)")
    parser.add_argument("--repeats", type=whole_number(1, 100), default=2,
                        help="renders per side; best counts (default 2)")
    parser.add_argument("--naive-step", type=number_between(1e-4, 2.0), default=None,
                        help="x_range step of the naive axes.plot (default: none given, manim's 10 per tick)")
    args = parser.parse_args(argv)
    q = args.quality
    sys.stdout.reconfigure(line_buffering=True)

    env = {**os.environ, "COLUMNS": "120"}
    env.pop(NAIVE_STEP_ENV, None)
    if args.naive_step is not None:
        env[NAIVE_STEP_ENV] = repr(args.naive_step)
    duration = (len(UNITS) - 1) * (STEP_SECONDS + HOLD_SECONDS)
    print(f"1 → 100 units morph: {len(UNITS) - 1} steps × "
          f"({STEP_SECONDS:g} s morph + {HOLD_SECONDS:g} s hold)"
          f" = {duration:g} s at -q{q} ({QUALITIES[q]}), best of {args.repeats}, interleaved",
          file=sys.stderr)

    times: dict[str, list[float]] = {side: [] for side in SCENES}
    frames: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="relu-bench-morph-") as tmp:
        media = Path(tmp)
        warm_tex_cache(media)
        for r in range(args.repeats):
            for side, scene in SCENES.items():
                print(f"  round {r + 1}/{args.repeats}: rendering {side} ({scene}) …", end="",
                      file=sys.stderr, flush=True)
                seconds, frames[side] = render(scene, q, media, env, media / f"{scene}-{r}.log")
                times[side].append(seconds)
                print(f" {seconds:.1f} s, {frames[side]} frames", file=sys.stderr)
        sharp = sharpness_rows(args.naive_step, q)

    best = {side: min(values) for side, values in times.items()}
    ratio = best["naive"] / best["exact"]
    step = "manim default (0.05, 41 points)" if args.naive_step is None else f"{args.naive_step:g}"
    print(f"\n1 → 100 units morph at -q{q} ({QUALITIES[q]}), {duration:g} s of video; "
          f"naive plot step: {step}\n")
    print("| render                                    | best s | all runs (s)       | frames "
          "| s per frame |")
    print("| :---------------------------------------- | -----: | :----------------- | -----: "
          "| ----------: |")
    labels = {"exact": "exact: PiecewiseGraph + Transform",
              "naive": "naive: always_redraw(axes.plot(Σ))",
              "floor": "(reference) same axes, held still"}
    for side in SCENES:
        runs = ", ".join(f"{v:.1f}" for v in times[side])
        print(f"| {labels[side]:<41} | {best[side]:>6.1f} | {runs:<18} | {frames[side]:>6} "
              f"| {best[side] / frames[side]:>11.4f} |")
    print(f"\nspeed-up naive / exact, wall clock: {ratio:.2f}×  "
          f"(goal ≥ {GOAL:g}×: {'PASS' if ratio >= GOAL else 'FAIL'})")
    above = (best["exact"] - best["floor"], best["naive"] - best["floor"])
    if min(above) > 0:
        print(f"above the still floor ({best['floor']:.1f} s: start-up, TeX, encoding): "
              f"exact +{above[0]:.1f} s, naive +{above[1]:.1f} s, ratio {above[1] / above[0]:.2f}×")
    else:
        print(f"above the still floor ({best['floor']:.1f} s): within noise "
              f"(exact +{above[0]:.1f} s, naive +{above[1]:.1f} s)")
    if len(set(frames.values())) > 1:
        print(f"note: frame counts differ: {frames}")

    print("\nkink sharpness: Hausdorff distance to the exact graph of the package's function")
    print(f"(scene units; pixels at -q{q}; the stroke is 0.05 units wide)\n")
    print("|   n | naive curves | naive: units | naive: px | exact: units |")
    print("| --: | -----------: | -----------: | --------: | -----------: |")
    for n, curves, naive_d, exact_d, px in sharp:
        print(f"| {n:>3} | {curves:>12} | {naive_d:>12.4f} | {naive_d * px:>9.2f} | {exact_d:>12.1e} |")
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
