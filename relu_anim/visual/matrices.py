"""A layer's numbers as matrices: :class:`NumberMatrix` and :class:`AffineEquation`.

A dense layer is ``W·X + b``; these mobjects write a layer's own weight matrix
and bias vector, entry for entry, as manim matrices, so a scene can show the
equation of a network's layer with the network's numbers and nothing else.
The numbers kept on the mobject (:attr:`NumberMatrix.values`) are the array
passed in, unrounded; the screen shows them with ``digits`` decimal places.

Import by module path (this file is not re-exported by ``relu_anim.visual``)::

    from relu_anim.visual.matrices import AffineEquation, NumberMatrix

Examples
--------
::

    from relu_anim.construct import random_network
    layer = random_network([2, 3, 2], seed=0, activation="linear").layers[0]
    eq = AffineEquation("f(X)", layer.weight, layer.bias)
    eq.weight.shown()          # layer.weight rounded to 2 places, shape (3, 2)
    eq.bias.values.shape       # (3, 1): a bias is drawn as a column
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import RIGHT, DecimalMatrix, DecimalNumber, MathTex, VGroup

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from ..arrays import frozen
from ..checks import check_whole
from ..errors import ReluAnimError
from .theme import Theme, current_theme

__all__ = ["NumberMatrix", "AffineEquation"]


class NumberMatrix(DecimalMatrix):
    """A matrix (or a column vector) of numbers, in brackets, each written with ``digits`` places.

    Parameters
    ----------
    values
        A 2-D array, or a 1-D array drawn as a column (a bias, an input).
    digits
        Decimal places shown.
    color
        Colour of the entries; the theme's ``text`` when omitted. Brackets take
        the theme's ``text``.
    font_size
        Of the entries.
    kwargs
        Passed to :class:`~manim.DecimalMatrix` (``h_buff``, ``v_buff``, …).

    Attributes
    ----------
    values
        The numbers drawn, as a read-only ``(rows, columns)`` float array.
    """

    def __init__(self, values: Any, *, digits: int = 2, color: Any = None, font_size: float = 30,
                 theme: Theme | None = None, **kwargs: Any) -> None:
        theme = theme or current_theme()
        array = np.array(values, dtype=float)
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2 or array.size == 0:
            raise ReluAnimError(f"values: need a non-empty vector or matrix, got shape {array.shape}")
        array = frozen(array)
        self.values = array
        self.digits = check_whole(digits, "digits")
        # room for a sign and the digits: columns never touch, rows stay compact
        kwargs.setdefault("h_buff", 0.21 * font_size / 30 * (self.digits + 3))
        kwargs.setdefault("v_buff", 0.5 * font_size / 30)
        kwargs.setdefault("bracket_h_buff", 0.12)
        kwargs.setdefault("bracket_config", {"color": theme.text})
        super().__init__(array.tolist(),
                         element_to_mobject_config={"num_decimal_places": self.digits,
                                                    "font_size": font_size,
                                                    "color": color or theme.text},
                         **kwargs)

    def entry_numbers(self) -> list[DecimalNumber]:
        """The entry mobjects, row by row."""
        return list(self.get_entries())

    def shown(self) -> np.ndarray:
        """The numbers as the entries hold them, shaped like :attr:`values`."""
        return np.array([e.get_value() for e in self.get_entries()], dtype=float).reshape(self.values.shape)


class AffineEquation(VGroup):
    """``label = W X + b`` with the matrices written out: one dense layer on screen.

    Parameters
    ----------
    label
        TeX of the left-hand side, e.g. ``"f(X)"``.
    weight, bias
        The layer's weight matrix and bias vector.
    variable
        TeX of the input (``"X"``).
    digits, color, font_size
        As for :class:`NumberMatrix`; the label and signs are in the theme's ``text``.

    Attributes
    ----------
    label, weight, variable, plus, bias
        The parts, left to right (``label`` includes the ``=``).
    """

    def __init__(self, label: str, weight: Any, bias: Any, *, variable: str = "X", digits: int = 2,
                 color: Any = None, font_size: float = 30, theme: Theme | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        theme = theme or current_theme()
        tex = dict(font_size=font_size * 1.25, color=theme.text)
        self.label = MathTex(f"{label} =", **tex)
        self.weight = NumberMatrix(weight, digits=digits, color=color, font_size=font_size, theme=theme)
        self.variable = MathTex(variable, **tex)
        self.plus = MathTex("+", **tex)
        self.bias = NumberMatrix(bias, digits=digits, color=color, font_size=font_size, theme=theme)
        self.add(self.label, self.weight, self.variable, self.plus, self.bias)
        self.arrange(RIGHT, buff=0.16)
