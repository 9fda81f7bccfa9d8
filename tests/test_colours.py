"""One colour per concept: colours are named in the theme and used by name, never written in a scene.

Every colour of the film is a field of :class:`relu_anim.visual.theme.Theme`
(``target``, ``output``, ``breakpoint``, …). This test reads ``scenes/`` and
``relu_anim/visual/`` (the theme itself aside) with :mod:`ast` and fails on any
colour literal: a hex string, a colour name given as a ``*color=`` string, or
one of manim's colour constants (``RED``, ``BLUE_C``, ``WHITE``, …).
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest
from manim.utils.color import manim_colors

from relu_anim.visual.theme import THEMES

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*ROOT.glob("scenes/*.py"), *(ROOT / "relu_anim" / "visual").glob("*.py")])
HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
MANIM_COLOURS = {name for name in dir(manim_colors) if name.isupper() and not name.startswith("_")}


def colour_literals(source: str) -> list[str]:
    """Where ``source`` writes a colour instead of naming a theme field: ``["line: what", …]``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and HEX.match(node.value):
            found.append(f"{node.lineno}: {node.value}")
        elif isinstance(node, ast.Name) and node.id in MANIM_COLOURS:
            found.append(f"{node.lineno}: {node.id}")
        elif isinstance(node, ast.alias) and node.name in MANIM_COLOURS:
            found.append(f"{node.lineno}: import {node.name}")
        elif (isinstance(node, ast.keyword) and node.arg and node.arg.endswith("color")
              and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
              and not HEX.match(node.value.value)):
            found.append(f"{node.value.lineno}: {node.arg}={node.value.value!r}")
    return sorted(found, key=lambda entry: int(entry.split(":")[0]))


def test_the_check_finds_each_kind_of_literal():
    source = ('from manim import RED, Dot\n'
              'a = Dot(color="#FF0000")\nb = Dot(fill_color="yellow")\nc = Dot(color=RED)\n'
              'd = Dot(color=theme.output)\n')
    assert colour_literals(source) == ["1: import RED", "2: #FF0000", "3: fill_color='yellow'", "4: RED"]


def test_there_are_files_to_check():
    assert any(p.parent.name == "scenes" for p in FILES) and any(p.name == "theme.py" for p in FILES)


@pytest.mark.parametrize("path", [p for p in FILES if p.name != "theme.py"], ids=lambda p: p.name)
def test_no_colour_literal_outside_the_theme(path):
    assert colour_literals(path.read_text()) == [], f"{path.relative_to(ROOT)} writes colours; use theme fields"


#: The concepts with one colour each (the palettes are checked against them).
CONCEPTS = ("target", "output", "unit", "breakpoint", "error", "accent", "slope", "active", "inactive", "pieces")
#: Least "redmean" distance between two concepts' colours, and between a palette entry and a concept:
#: below about 40 two flat colours read as one shade at 480p; palettes, often thin strokes, need more.
CONCEPT_GAP, PALETTE_GAP = 40, 70


def colour_distance(a: str, b: str) -> float:
    """The "redmean" weighted RGB distance of two ``#RRGGBB`` colours (0 for equal, 765 for black-white)."""
    (r1, g1, b1), (r2, g2, b2) = (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (a, b))
    mean = (r1 + r2) / 2
    return ((2 + mean / 256) * (r1 - r2) ** 2 + 4 * (g1 - g2) ** 2 + (2 + (255 - mean) / 256) * (b1 - b2) ** 2) ** 0.5


def test_colour_distance_orders_colours_as_the_eye_does():
    assert colour_distance("#000000", "#FFFFFF") == pytest.approx(765, abs=1)
    assert colour_distance("#4FC3F7", "#4FC3F7") == 0
    assert colour_distance("#4FC3F7", "#4DD0E1") < colour_distance("#4FC3F7", "#EF5350")


@pytest.mark.parametrize("theme", list(THEMES.values()), ids=lambda t: t.name)
def test_every_concept_has_its_own_colour(theme):
    named = {c: getattr(theme, c) for c in CONCEPTS}
    close = [(a, b) for (a, x), (b, y) in itertools.combinations(named.items(), 2) if colour_distance(x, y) < CONCEPT_GAP]
    assert not close, f"{theme.name}: concepts sharing a shade: {close}"
    assert theme.unit_palette[0] == theme.unit
    for palette in ("unit_palette", "layer_palette"):
        entries = getattr(theme, palette)[1:] if palette == "unit_palette" else getattr(theme, palette)
        near = [(palette, e, c) for e in entries for c, x in named.items() if colour_distance(e, x) < PALETTE_GAP]
        assert not near, f"{theme.name}: palette colours that read as a concept's: {near}"
        inner = getattr(theme, palette)
        assert min(colour_distance(a, b) for a, b in itertools.combinations(inner, 2)) >= PALETTE_GAP, palette
