"""The chapters of the explainer, in story order.

One entry per file in ``scenes/``: the file, the one Scene class it defines and
the title used for chapter markers. The render pipeline and the tests read this
list; adding a chapter means adding a scene file and a line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from ..errors import ReluAnimError

__all__ = ["Chapter", "CHAPTERS", "README_GIF", "chapter", "REPO_ROOT"]

#: The repository root (scenes/, manim.cfg and media/ live there).
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Chapter:
    """A chapter: ``scenes/<name>.py`` defining the Scene class ``scene``.

    Examples
    --------
    >>> chapter("x2").path.name
    'x2.py'
    """

    name: str
    scene: str
    title: str
    #: Where in the chapter (a fraction of its length) the README's still is taken.
    still_at: float = 0.6

    @property
    def path(self) -> Path:
        """The scene file."""
        return REPO_ROOT / "scenes" / f"{self.name}.py"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("relu_shift", "ReluShift", "ReLU, shifted", still_at=0.95),
    Chapter("units_sum", "UnitsSum", "Units become terms", still_at=0.8),
    Chapter("bends", "Bends", "Sums that bend", still_at=0.385),
    Chapter("x2", "X2Fit", "Fitting x² with 1 to 100 units", still_at=0.72),
    Chapter("linear_collapse", "LinearCollapse", "Linear layers collapse"),
    Chapter("activations", "Activations", "Activations and their gradients", still_at=0.345),
    Chapter("random_net", "RandomNet", "A random network, read exactly"),
    Chapter("training", "Training", "Training in motion"),
    Chapter("feature_plane", "FeaturePlane", "Two inputs: creasing the plane"),
    Chapter("depth", "Depth", "What depth buys", still_at=0.85),
)


#: The README's GIF: chapter name and the span in seconds of the preview render (-ql), the x² morphs 2 → 3 → 5 units.
README_GIF = ("x2", 71.4, 77.8)


def chapter(name: str) -> Chapter:
    """The chapter called ``name``; the error lists the known ones."""
    for ch in CHAPTERS:
        if ch.name == name:
            return ch
    known = ", ".join(ch.name for ch in CHAPTERS)
    raise ReluAnimError(f"chapter: unknown chapter {name!r} (known: {known})")
