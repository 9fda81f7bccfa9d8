"""Manim mobjects and colours shared by every chapter (layer 4 of DESIGN.md).

This is the only place besides ``scenes/`` that imports manim; ``import
relu_anim`` does not load it. A chapter subclasses :class:`ChapterScene` and
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

from .annotations import area_under, slope_labels, slope_tex
from .graphs import (AxesPolyline, ErrorBand, LogLogAxes, OnAxes, PiecewiseGraph, breakpoint_dots, level_line,
                     make_axes, target_graph)
from .live import LivePiecewiseGraph, live_breakpoint_dots
from .matrices import AffineEquation, NumberMatrix
from .neuron import NeuronDiagram
from .diagram import LayerDiagram
from .plane import ColorBar, RegionMap, affine_fill, contour_lines, fold_line, plane_polygon, scale_colors
from .readouts import Readout, relu_sum_tex
from .scene import ChapterScene
from .steps import StepGraph, nice_range, side_scale, step_vertices
from .caches import locked_tex_to_svg_file  # makes manim's TeX and text caches safe to share
from . import copies  # glyph copies share their parsed SVG path (cheaper copies)
from . import paths  # shapes whose points did not change replay their traced Cairo path
from .theme import DARK, LIGHT, MIN_FONT_SIZE, THEME_ENV, THEMES, Theme, current_theme, theme_named
from .tracer import Tracer
from .view import FitView, GraphView, View, fit_view, graph_view

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
