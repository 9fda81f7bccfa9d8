"""Benchmark: the per-frame cost of small shapes — tracing a glyph, a readout's new number.

Most of what a chapter redraws in a frame is small: the glyphs of a formula
that moved, a dot, a line, a readout whose number changed. For such shapes
the fixed cost of each call (a numpy call costs a microsecond or more, even on
a few dozen points) outweighs the work, so this times them one at a time, both
ways in one run, on the same shapes:

* tracing — manim's own ``Camera.set_cairo_context_path`` (one Python call per
  curve), against :func:`relu_anim.visual.trace.trace_points`, for the glyphs of
  a formula (one subpath, several subpaths) and a 1,057-curve band;
* the ``× 10^k`` of a scientific readout — set in TeX again (what
  :class:`~relu_anim.visual.Readout` did for every new value) against a copy of
  the one built first for that power (what it does now), and a whole
  ``Readout.set_in_place`` of a loss changing every frame.

Each figure is the fastest of several rounds (the least disturbed by the rest
of the machine), in microseconds or milliseconds per call, with the ratio.

Run from the repository root::

    .venv/bin/python bench/small_shapes.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import cairo  # noqa: E402
import numpy as np  # noqa: E402
from manim import Camera, MathTex, VMobject  # noqa: E402

from arguments import whole_number  # noqa: E402  (bench/, the script's own folder)

from relu_anim.story.numbers import power_tex  # noqa: E402
from relu_anim.visual import Readout  # noqa: E402
from relu_anim.visual import paths as _paths  # noqa: E402
from relu_anim.visual import readouts  # noqa: E402
from relu_anim.visual.trace import AVAILABLE, trace_points  # noqa: E402

ROUNDS = 5  # rounds of each measurement (``--rounds``); the fastest counts


def fastest(call: Callable[[], object], repeat: int) -> float:
    """Seconds per call: the fastest of :data:`ROUNDS` rounds of ``repeat`` calls."""
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(repeat):
            call()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def band() -> VMobject:
    xs = np.linspace(-3, 3, 529)
    shape = VMobject()
    shape.set_points_as_corners([*zip(xs, np.sin(3 * xs), 0 * xs), *zip(xs[::-1], 0.5 * xs[::-1] ** 2 - 2, 0 * xs),
                                 (xs[0], np.sin(3 * xs[0]), 0)])
    return shape


def main(argv: list[str] | None = None) -> None:
    global ROUNDS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=whole_number(1, 100), default=ROUNDS,
                        help=f"rounds of each measurement; the fastest counts (default {ROUNDS})")
    ROUNDS = parser.parse_args(argv).rounds
    if not AVAILABLE:
        raise SystemExit("one-call tracing is not available on this Python/pycairo: nothing to compare")
    camera = Camera()
    ctx = camera.get_cairo_context(np.zeros((camera.pixel_height, camera.pixel_width, 4), dtype=np.uint8))
    glyphs = MathTex(r"\mathrm{ReLU}(x - h) = \sum_i w_i").family_members_with_points()
    joined = [g for g in glyphs if np.array_equal(g.points[3:-1:4], g.points[4::4])]
    holed = [g for g in glyphs if not np.array_equal(g.points[3:-1:4], g.points[4::4])]
    manim_trace = _paths._manim_trace  # manim's own Camera.set_cairo_context_path

    print(f"bench/small_shapes.py  (fastest of {ROUNDS} rounds; cairo {cairo.cairo_version_string()})\n")
    print("| shape | manim's tracing | trace_points | ratio |")
    print("| :-- | --: | --: | --: |")
    for label, shapes, repeat in ((f"glyph, one subpath (mean of {len(joined)})", joined, 2000),
                                  (f"glyph, several subpaths (mean of {len(holed)})", holed, 2000),
                                  ("band of 1,057 curves", [band()], 200)):
        ours = np.mean([fastest(lambda s=s: trace_points(ctx, s.points, s.tolerance_for_point_equality), repeat)
                        for s in shapes])
        theirs = np.mean([fastest(lambda s=s: manim_trace(camera, ctx, s), repeat) for s in shapes])
        print(f"| {label} | {1e6 * theirs:.1f} µs | {1e6 * ours:.1f} µs | {ours / theirs:.2f}× |")

    readout = Readout(r"\text{loss}", 1.23e-2, style="scientific")
    kw = dict(font_size=readout.font_size, color=readout.number_color)
    values = iter(1.23e-2 + 1e-4 * np.arange(1, 100_000))  # a new third digit every call
    again = fastest(lambda: MathTex(power_tex(-2), **kw), 20)
    kept = fastest(lambda: readouts._power(-2, readout.font_size, readout.number_color).copy(), 20)
    whole = fastest(lambda: readout.set_in_place(next(values)), 20)
    print("\n| a scientific readout's new number | before | now | ratio |")
    print("| :-- | --: | --: | --: |")
    print(f"| the × 10^k part: set in TeX again / a copy of the kept one | {1e3 * again:.2f} ms "
          f"| {1e3 * kept:.2f} ms | {kept / again:.2f}× |")
    print(f"| Readout.set_in_place, a new value each call (now; before ≈ now + {1e3 * (again - kept):.1f} ms) "
          f"| {1e3 * (whole + again - kept):.2f} ms | {1e3 * whole:.2f} ms | {whole / (whole + again - kept):.2f}× |")


if __name__ == "__main__":
    main()
