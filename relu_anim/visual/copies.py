"""Cheaper copies of TeX and text glyphs: copies share the parsed SVG path they were built from.

Every glyph of a ``MathTex``, ``Tex``, ``Text`` or ``DecimalNumber`` is a
``VMobjectFromSVGPath`` that keeps the ``svgelements.Path`` it was parsed
from as ``path_obj``. manim reads that path once, when the glyph computes its
points (``generate_points``), and never again; but ``Mobject.copy`` is a
``copy.deepcopy``, so every copy of a glyph also rebuilt its whole parsed
path, segment by segment and point by point. Copies are everywhere in a
render (each animation copies its mobject, ``DecimalNumber`` copies a cached
glyph per character, a readout that follows a value copies itself every
frame), and this made a copy of a four-glyph readout cost 10 ms instead of
2.6 ms; the training chapter spent 40 % of its render copying parsed paths.

:func:`install` (run by :mod:`relu_anim.visual.hooks`, before anything here draws) makes a copy of
a glyph share its source path instead: a copy's points, colours and
submobjects are still its own, so what is drawn is unchanged; the path is
read-only after the glyph's points are made.

Examples
--------
>>> from manim import MathTex
>>> glyph = MathTex("x").family_members_with_points()[0]
>>> glyph.copy().path_obj is glyph.path_obj
True
>>> glyph.copy().points is glyph.points
False
"""

from __future__ import annotations

from typing import Any

from manim import Mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

__all__ = ["install", "share_source_path"]


def share_source_path(self: VMobjectFromSVGPath, memo: dict[int, Any]) -> VMobjectFromSVGPath:
    """``Mobject.__deepcopy__`` that keeps ``path_obj`` shared (see the module docstring)."""
    path = getattr(self, "path_obj", None)
    if path is not None:
        memo[id(path)] = path  # deepcopy returns what the memo holds for an id: the same path
    return Mobject.__deepcopy__(self, memo)


def install() -> None:
    """Make copies of every SVG-path glyph share their parsed path. Installing twice changes nothing."""
    VMobjectFromSVGPath.__deepcopy__ = share_source_path  # type: ignore[method-assign]


install()
