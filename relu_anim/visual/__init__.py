"""Manim mobjects and colours shared by every chapter (layer 4 of DESIGN.md).

This is the only place besides ``scenes/`` and ``render/`` that imports manim; ``import
relu_anim`` does not load it, and neither does ``import relu_anim.visual``: each name below
is imported from its module when first used, and every module that draws first installs what
relu-anim changes in manim (:mod:`.hooks`). A chapter subclasses :class:`ChapterScene` and
draws with these:

=====================  ========================================================
:class:`Theme`         colours of the concepts; :data:`DARK`, :data:`LIGHT`,
                       :func:`current_theme` (env ``RELU_ANIM_THEME``)
:class:`ChapterScene`  background from the theme; ``chapter_title(text)``,
                       ``beat(title)``, ``narrate(text, *animations)``
:func:`make_axes`      themed :class:`~manim.Axes`; :class:`LogLogAxes` for decades
:class:`PiecewiseGraph`  exact polyline of a PiecewiseLinear (kinks sharp), an
                       :class:`AxesPolyline` like :class:`StepGraph`
:func:`breakpoint_dots`  a dot on every kink
:func:`target_graph`   a smooth target, sampled
:class:`ErrorBand`     shaded gap between output and target
:class:`View`          base of every view: the mobjects of a beat as named fields;
                       :class:`GraphView` (:func:`graph_view`) band, graph and kink
                       dots; :class:`FitView` (:func:`fit_view`) the same for a Fit
:func:`level_line`     dashed horizontal reference line
:class:`Readout`       ``label = number`` with scientific style for small numbers,
                       written as :mod:`relu_anim.story.numbers` (the one home of
                       the number style) decides
:func:`relu_sum_tex`   a network's formula ``c + Σ aᵢ ReLU(x − hᵢ)`` with its numbers
:class:`NeuronDiagram`  inputs, weights, sum + b, ReLU box, output
:func:`slope_labels`   each piece's exact slope written beside it
:class:`LivePiecewiseGraph`  an exact graph rebuilt every frame as a tracker moves
:class:`NumberMatrix`  a matrix or vector of a network's own numbers;
                       :class:`AffineEquation` draws ``label = W X + b``
:class:`StepGraph`     an exact step function (slopes, unit counts)
:class:`RegionMap`     the linear regions of a 2-input network as polygons, flat or
                       shaded by the output's value; :func:`contour_lines`
:class:`LayerDiagram`  a whole network's shape: circles per layer, lines between
=====================  ========================================================

Examples
--------
>>> from relu_anim.construct import optimal_x2
>>> from relu_anim.visual import make_axes, PiecewiseGraph
>>> axes = make_axes((0, 2, 1), (0, 4, 1), numbers=False, x_label=None)
>>> PiecewiseGraph(axes, optimal_x2(2).piecewise(0, 2)).function.breakpoints.tolist()
[0.4, 1.2]
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names' homes, for type checkers and for the render fingerprint (it reads imports)
    from .annotations import area_under, slope_labels, slope_tex
    from .diagram import LayerDiagram
    from .graphs import (AxesPolyline, ErrorBand, LogLogAxes, OnAxes, PiecewiseGraph, breakpoint_dots, level_line,
                         make_axes, target_graph)
    from .live import LivePiecewiseGraph, live_breakpoint_dots
    from .matrices import AffineEquation, NumberMatrix
    from .neuron import NeuronDiagram
    from .plane import ColorBar, RegionMap, affine_fill, contour_lines, fold_line, plane_polygon, scale_colors
    from .readouts import Readout, relu_sum_tex
    from .scene import ChapterScene
    from .steps import StepGraph, nice_range, side_scale, step_vertices
    from .theme import DARK, LIGHT, MIN_FONT_SIZE, THEME_ENV, THEMES, Theme, current_theme, theme_named
    from .tracer import Tracer
    from .view import FitView, GraphView, View, fit_view, graph_view

#: Where each public name lives: a module is imported when one of its names is first used.
_HOME = {
    "area_under": "annotations", "slope_labels": "annotations", "slope_tex": "annotations",
    "AxesPolyline": "graphs", "ErrorBand": "graphs", "LogLogAxes": "graphs", "OnAxes": "graphs",
    "PiecewiseGraph": "graphs", "breakpoint_dots": "graphs", "level_line": "graphs", "make_axes": "graphs",
    "target_graph": "graphs",
    "LivePiecewiseGraph": "live", "live_breakpoint_dots": "live",
    "AffineEquation": "matrices", "NumberMatrix": "matrices",
    "NeuronDiagram": "neuron",
    "LayerDiagram": "diagram",
    "ColorBar": "plane", "RegionMap": "plane", "affine_fill": "plane", "contour_lines": "plane",
    "fold_line": "plane", "plane_polygon": "plane", "scale_colors": "plane",
    "Readout": "readouts", "relu_sum_tex": "readouts",
    "ChapterScene": "scene",
    "StepGraph": "steps", "nice_range": "steps", "side_scale": "steps", "step_vertices": "steps",
    "DARK": "theme", "LIGHT": "theme", "MIN_FONT_SIZE": "theme", "THEME_ENV": "theme", "THEMES": "theme",
    "Theme": "theme", "current_theme": "theme", "theme_named": "theme",
    "Tracer": "tracer",
    "FitView": "view", "GraphView": "view", "View": "view", "fit_view": "view", "graph_view": "view",
}


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use (PEP 562), so the render pipeline,
    which needs only the theme and the storyboard's names, never loads manim."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


__all__ = [
    "Theme",
    "DARK",
    "LIGHT",
    "THEMES",
    "THEME_ENV",
    "MIN_FONT_SIZE",
    "current_theme",
    "theme_named",
    "ChapterScene",
    "Tracer",
    "make_axes",
    "LogLogAxes",
    "PiecewiseGraph",
    "AxesPolyline",
    "breakpoint_dots",
    "target_graph",
    "ErrorBand",
    "View",
    "GraphView",
    "graph_view",
    "FitView",
    "fit_view",
    "level_line",
    "Readout",
    "relu_sum_tex",
    "NeuronDiagram",
    "OnAxes",
    "slope_labels",
    "slope_tex",
    "area_under",
    "LivePiecewiseGraph",
    "live_breakpoint_dots",
    "NumberMatrix",
    "AffineEquation",
    "StepGraph",
    "nice_range",
    "side_scale",
    "step_vertices",
    "RegionMap",
    "LayerDiagram",
    "affine_fill",
    "contour_lines",
    "ColorBar",
    "fold_line",
    "plane_polygon",
    "scale_colors",
]
