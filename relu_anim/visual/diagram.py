"""A whole network drawn small: :class:`LayerDiagram`.

One column of circles per layer (inputs, each hidden layer, outputs), every
unit joined to every unit of the next layer by a thin line, the input and
output names beside their circles. It shows a network's shape, not its
numbers (:class:`~relu_anim.visual.NeuronDiagram` shows one unit's numbers),
unless labels are written on it: :meth:`LayerDiagram.label_edge` beside a
line, :meth:`LayerDiagram.label_node` beside or inside a circle, and
:meth:`LayerDiagram.unit_parts` gathers one unit with its lines and labels to
highlight it.

Examples
--------
>>> d = LayerDiagram([2, 3, 1])
>>> [len(column) for column in d.nodes], [len(e) for e in d.edges]
([2, 3, 1], [6, 3])
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import LEFT, ORIGIN, RIGHT, UP, Circle, Line, MathTex, VGroup

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from ..errors import ReluAnimError
from .theme import Theme, current_theme

__all__ = ["LayerDiagram"]


class LayerDiagram(VGroup):
    """Circles for the units of each layer and lines for the weights between them.

    Parameters
    ----------
    widths
        Units per layer, inputs first (``network.widths``).
    width, height
        Size of the drawing without its labels (scene units).
    radius
        Of each circle.
    input_labels, output_labels
        TeX beside each input (left) and output (right); none by default.
    font_size
        Of the labels.
    kwargs
        Passed to :class:`~manim.VGroup`.

    Attributes
    ----------
    nodes
        ``nodes[k][j]``: the circle of unit ``j`` of layer ``k`` (layer 0: inputs).
    edges
        ``edges[k]``: the lines from layer ``k`` to layer ``k + 1``;
        ``edge(k, i, j)`` picks the one from unit ``i`` to unit ``j``.
    labels
        The input labels then the output labels.
    node_labels, edge_labels
        ``{(k, j): labels}`` (a :class:`~manim.VGroup`, a unit may have several)
        and ``{(k, i, j): label}``: what :meth:`label_node` and
        :meth:`label_edge` wrote (empty until then).

    Colours: inputs and labels in the theme's text colour, hidden units in
    ``unit``, outputs in ``output``, lines in ``muted``.
    """

    def __init__(self, widths: Sequence[int], *, width: float = 3.6, height: float = 2.2, radius: float = 0.11,
                 input_labels: Sequence[str] | None = None, output_labels: Sequence[str] | None = None,
                 font_size: float = 28, theme: Theme | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        theme = theme or current_theme()
        widths = [int(w) for w in widths]
        if len(widths) < 2 or min(widths) < 1:
            raise ReluAnimError(f"widths: need at least two layers of at least one unit (got {list(widths)})")
        self.widths = widths
        gap = height / max(max(widths) - 1, 1)
        xs = np.linspace(-width / 2, width / 2, len(widths))
        self.nodes = []
        for k, (x, n) in enumerate(zip(xs, widths)):
            color = theme.text if k == 0 else theme.output if k == len(widths) - 1 else theme.unit
            ys = (np.arange(n) - (n - 1) / 2) * -gap
            column = VGroup(*(Circle(radius=radius, color=color, stroke_width=2.5, fill_opacity=0.25)
                              .move_to([x, y, 0]) for y in ys))
            self.nodes.append(column)
        self.edges = []
        for k in range(len(widths) - 1):
            lines = VGroup(*(Line(a.get_center(), b.get_center(), buff=radius, stroke_width=1.2,
                                  color=theme.muted, stroke_opacity=0.7)
                             for a in self.nodes[k] for b in self.nodes[k + 1]))
            self.edges.append(lines)
        self.labels = VGroup()
        for names, column, side in ((input_labels, self.nodes[0], LEFT), (output_labels, self.nodes[-1], RIGHT)):
            if names is None:
                continue
            if len(names) != len(column):
                raise ReluAnimError(f"labels: need one per unit (got {len(names)} for {len(column)})")
            for name, node in zip(names, column):
                self.labels.add(MathTex(name, font_size=font_size, color=theme.text).next_to(node, side, buff=0.12))
        self.theme = theme
        self.node_labels: dict[tuple[int, int], VGroup] = {}
        self.edge_labels: dict[tuple[int, int, int], MathTex] = {}
        self.add(*self.edges, *self.nodes, self.labels)

    def edge(self, k: int, i: int, j: int) -> Line:
        """The line from unit ``i`` of layer ``k`` to unit ``j`` of layer ``k + 1``."""
        return self.edges[k][i * self.widths[k + 1] + j]

    def into(self, k: int, j: int) -> VGroup:
        """Every line into unit ``j`` of layer ``k`` (``k >= 1``)."""
        return VGroup(*(self.edge(k - 1, i, j) for i in range(self.widths[k - 1])))

    def out_of(self, k: int, i: int) -> VGroup:
        """Every line out of unit ``i`` of layer ``k`` (``k`` before the last layer)."""
        return VGroup(*(self.edge(k, i, j) for j in range(self.widths[k + 1])))

    def label_edge(self, k: int, i: int, j: int, tex: str, *, color: str | None = None, font_size: float = 26,
                   buff: float = 0.27) -> MathTex:
        """Write ``tex`` beside the middle of the line from unit ``i`` of layer ``k`` to unit ``j``, above it.

        The label is added to the diagram and kept in :attr:`edge_labels`.

        Examples
        --------
        >>> d = LayerDiagram([1, 2, 1])
        >>> w = d.label_edge(0, 0, 1, "1.5")
        >>> bool(w.get_center()[1] > d.edge(0, 0, 1).get_center()[1]), d.edge_labels[(0, 0, 1)] is w
        (True, True)
        """
        line = self.edge(k, i, j)
        start, end = line.get_start(), line.get_end()
        direction = (end - start) / np.linalg.norm(end - start)
        normal = np.array([-direction[1], direction[0], 0.0])
        if normal[1] < 0:  # the side facing up
            normal = -normal
        label = MathTex(tex, font_size=font_size, color=color or self.theme.text)
        label.move_to((start + end) / 2 + buff * normal)
        self.edge_labels[(k, i, j)] = label
        self.add(label)
        return label

    def label_node(self, k: int, j: int, tex: str, *, direction: np.ndarray = UP, color: str | None = None,
                   font_size: float = 26, buff: float = 0.08) -> MathTex:
        """Write ``tex`` beside unit ``j`` of layer ``k`` (``direction``), or inside it (``ORIGIN``).

        The label is added to the diagram and to the unit's group in :attr:`node_labels`.

        Examples
        --------
        >>> d = LayerDiagram([1, 1], radius=0.4)
        >>> inside = d.label_node(1, 0, r"\\Sigma", direction=ORIGIN)
        >>> bool(np.allclose(inside.get_center(), d.nodes[1][0].get_center()))
        True
        """
        node = self.nodes[k][j]
        label = MathTex(tex, font_size=font_size, color=color or self.theme.text)
        if np.allclose(direction, ORIGIN):
            label.move_to(node)
        else:
            label.next_to(node, direction, buff=buff)
        self.node_labels.setdefault((k, j), VGroup()).add(label)
        self.add(label)
        return label

    def unit_parts(self, k: int, j: int) -> VGroup:
        """Unit ``j`` of layer ``k`` with its lines in and out and every label on them or on it.

        Examples
        --------
        >>> d = LayerDiagram([1, 3, 1])
        >>> len(d.unit_parts(1, 2))  # line in, circle, line out
        3
        """
        lines_in = [] if k == 0 else [(k - 1, i, j) for i in range(self.widths[k - 1])]
        lines_out = [] if k == len(self.widths) - 1 else [(k, j, i) for i in range(self.widths[k + 1])]
        parts = [self.edge(*e) for e in lines_in]
        parts += [self.edge_labels[e] for e in lines_in if e in self.edge_labels]
        parts += [self.nodes[k][j], *self.node_labels.get((k, j), [])]
        parts += [self.edge(*e) for e in lines_out]
        parts += [self.edge_labels[e] for e in lines_out if e in self.edge_labels]
        return VGroup(*parts)
