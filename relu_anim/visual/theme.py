"""Colours of the concepts, the same in every chapter: :class:`Theme`.

A theme names colours by what they mean, never by hue: ``target`` is the function
being fitted, ``output`` the network's output, ``unit`` a single ReLU unit,
``breakpoint`` a kink, ``error`` the gap between output and target. Two themes
exist: :data:`DARK` (the default, for video) and :data:`LIGHT` (for slides and
white course pages). :func:`current_theme` picks one from the environment
variable ``RELU_ANIM_THEME``, so a whole render switches with one setting::

    RELU_ANIM_THEME=light manim -ql scenes/x2.py

Examples
--------
>>> DARK.background != LIGHT.background
True
>>> theme_named("light") is LIGHT
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import ReluAnimError

__all__ = ["Theme", "DARK", "LIGHT", "THEMES", "THEME_ENV", "MIN_FONT_SIZE", "theme_named", "current_theme"]

#: The environment variable :func:`current_theme` reads.
THEME_ENV = "RELU_ANIM_THEME"

#: The smallest font size on screen: at 854×480 a TeX "x" is then 7 px high and a
#: "b" 10 px, the least that reads without squinting (tests check every text).
MIN_FONT_SIZE = 24


@dataclass(frozen=True)
class Theme:
    """The colour of each concept, as ``"#RRGGBB"`` strings manim accepts.

    Attributes
    ----------
    name
        ``"dark"`` or ``"light"``.
    background
        The frame.
    text
        Titles, labels, readout numbers.
    muted
        Secondary text and reference lines (less important than ``text``).
    axis
        Axes, ticks and grid.
    target
        The function being fitted (x² in the x² chapter).
    output
        The network's output.
    unit
        A single ReLU unit or term of a sum.
    unit_palette
        Distinct colours for several units shown at once; ``unit_palette[0] == unit``.
    breakpoint
        Kinks: dots on the output, markers on the x axis.
    error
        The error band and error readouts.
    accent
        Emphasis: the best possible value, a highlighted number.
    slope
        Slopes: slope numbers on pieces, derivatives, gradients.
    active, inactive
        A unit that is on (passes its input) and one that is off (outputs 0, dead).
    pieces
        Linear pieces and regions: their count, their outlines; ``piece_palette``
        fills neighbouring regions.
    piece_palette
        Fills of linear regions (cycled).
    layer_palette
        One colour per layer's weights: W₁, b₁ in ``layer_palette[0]``, W₂, b₂ in
        ``[1]``, …; the collapsed product W, b of a linear stack in ``[-1]``.
    error_opacity
        Fill opacity of error bands.
    """

    name: str
    background: str
    text: str
    muted: str
    axis: str
    target: str
    output: str
    unit: str
    unit_palette: tuple[str, ...]
    breakpoint: str
    error: str
    accent: str
    slope: str
    active: str
    inactive: str
    pieces: str
    piece_palette: tuple[str, ...]
    layer_palette: tuple[str, ...]
    error_opacity: float = 0.35

    def unit_color(self, i: int) -> str:
        """Colour of the ``i``-th of several units (cycles through :attr:`unit_palette`).

        Examples
        --------
        >>> DARK.unit_color(0) == DARK.unit
        True
        """
        return self.unit_palette[i % len(self.unit_palette)]

    def layer_color(self, i: int) -> str:
        """Colour of layer ``i``'s weights (0: the first layer; -1: the collapsed product).

        Examples
        --------
        >>> DARK.layer_color(0) == DARK.layer_palette[0]
        True
        """
        return self.layer_palette[i] if i < 0 else self.layer_palette[i % (len(self.layer_palette) - 1)]

    def piece_color(self, i: int) -> str:
        """Fill of the ``i``-th linear region (cycles through :attr:`piece_palette`)."""
        return self.piece_palette[i % len(self.piece_palette)]


#: The default: light strokes on a near-black background, for video.
DARK = Theme(
    name="dark",
    background="#111418",
    text="#ECEFF4",
    muted="#8C96A3",
    axis="#A7B1BD",
    target="#F6C452",
    output="#4FC3F7",
    unit="#B39DDB",
    unit_palette=("#B39DDB", "#F48FB1", "#A1887F", "#E6EE9C", "#EA80FC"),
    breakpoint="#FF8A65",
    error="#EF5350",
    accent="#81C784",
    slope="#AED581",
    active="#4DB6AC",
    inactive="#5C6670",
    pieces="#4DD0E1",
    piece_palette=("#26616E", "#3E4C7A", "#5B3F6E", "#2F6B4F", "#6E5A2E", "#6B3A3A"),
    layer_palette=("#90CAF9", "#EA80FC", "#FFE082"),
    error_opacity=0.35,
)

#: For slides and white course pages: dark text, darker lines on white.
LIGHT = Theme(
    name="light",
    background="#FFFFFF",
    text="#1B1F24",
    muted="#5B6573",
    axis="#3D4650",
    target="#B7791F",
    output="#1565C0",
    unit="#6A1B9A",
    unit_palette=("#6A1B9A", "#880E4F", "#6D4C41", "#1A237E", "#FF8F00"),
    breakpoint="#D84315",
    error="#C62828",
    accent="#2E7D32",
    slope="#558B2F",
    active="#00796B",
    inactive="#9AA3AD",
    pieces="#00838F",
    piece_palette=("#B2EBF2", "#C5CAE9", "#E1BEE7", "#C8E6C9", "#FFE0B2", "#FFCDD2"),
    layer_palette=("#1A237E", "#AD1457", "#FF8F00"),
    error_opacity=0.25,
)

#: Every theme by name.
THEMES: dict[str, Theme] = {DARK.name: DARK, LIGHT.name: LIGHT}


def theme_named(name: str) -> Theme:
    """The theme called ``name`` (``"dark"`` or ``"light"``, any case).

    Raises
    ------
    ReluAnimError
        For any other name; the message lists the known ones.
    """
    key = str(name).strip().lower()
    if key not in THEMES:
        known = ", ".join(repr(k) for k in THEMES)
        raise ReluAnimError(f"{THEME_ENV}: unknown theme {name!r} (expected one of {known})")
    return THEMES[key]


def current_theme() -> Theme:
    """The theme chosen by ``RELU_ANIM_THEME``; :data:`DARK` when it is unset or empty.

    Examples
    --------
    >>> import os
    >>> current_theme().name == (os.environ.get("RELU_ANIM_THEME") or "dark").strip().lower()
    True
    """
    value = os.environ.get(THEME_ENV, "")
    if not value.strip():
        return DARK
    return theme_named(value)
