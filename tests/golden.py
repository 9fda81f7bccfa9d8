"""Golden-frame regression tests that run on any Cairo: :func:`assert_frame_matches`.

manim's own ``frames_comparison`` skips when Cairo is older than 1.18 (Debian 12
ships 1.16), and a skipped test tests nothing. This helper renders ONE frame of
a scene state at low resolution, without writing any video, and compares it
with ``tests/control_data/<chapter>/<name>.npz``.

How a frame is made: under a small :func:`manim.tempconfig` (320×180, no
caching, dry run), the scene class is set up (``tests/scenes.py``'s
:func:`~tests.scenes.set_up`: instantiated, ``setup()`` for theme and
background), ``pose(scene)`` adds the mobjects of a key beat (typically by
calling one of the scene's ``pose_*`` builders), and the renderer's frame is
read back. The theme is pinned to ``dark`` (``RELU_ANIM_THEME`` is ignored) so
the control data does not depend on the caller's environment.

How frames are compared: pixels whose channels differ by more than
:data:`LEVEL_TOLERANCE` levels count as different; the test fails when more
than :data:`PIXEL_FRACTION_TOLERANCE` of the pixels differ. That survives
anti-aliasing noise from float rounding but not a moved kink, curve or label.

Regenerating control data: run pytest with ``RELU_ANIM_UPDATE_GOLDEN=1``::

    RELU_ANIM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_visual.py

The frames are then written (uint8 RGB, compressed ``.npz``, a few kB each)
instead of compared, and the test passes; look at them (:func:`save_png`) and
commit them. A missing control file is an error, never a
silent pass.

Example (in a chapter's test module)::

    from tests.golden import assert_frame_matches

    def test_x2_two_relus_frame(x2):
        assert_frame_matches("x2", "two_relus", x2.X2Fit, lambda s: s.pose_two_relus())
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import numpy as np

from .scenes import QUIET, set_up

__all__ = [
    "CONTROL_DIR",
    "FAILURE_DIR",
    "UPDATE_ENV",
    "LEVEL_TOLERANCE",
    "PIXEL_FRACTION_TOLERANCE",
    "GOLDEN_CONFIG",
    "render_frame",
    "frame_difference",
    "assert_frame_matches",
    "save_png",
]

#: Where control frames live: ``tests/control_data/<chapter>/<name>.npz``.
CONTROL_DIR = Path(__file__).resolve().parent / "control_data"
#: Where a failing comparison leaves the rendered frame and the difference map.
FAILURE_DIR = CONTROL_DIR.parent.parent / "media" / "golden"
#: Set to ``1`` to (re)write control frames instead of comparing.
UPDATE_ENV = "RELU_ANIM_UPDATE_GOLDEN"
#: A pixel differs when one of its channels moves by more than this many levels (of 255).
LEVEL_TOLERANCE = 8
#: The test fails when more than this fraction of pixels differ (0.2 %, about 115 of 320×180).
PIXEL_FRACTION_TOLERANCE = 0.002
#: The manim configuration frames are rendered with: the tests' QUIET one (320×180) at 15 fps.
GOLDEN_CONFIG = {**QUIET, "frame_rate": 15}


def render_frame(scene_class: type, pose: Callable[[object], object], *, theme: str = "dark") -> np.ndarray:
    """Render one frame of ``scene_class`` posed by ``pose``; ``(height, width, 3)`` uint8 RGB.

    Parameters
    ----------
    scene_class
        A :class:`~manim.Scene` subclass (a chapter's scene).
    pose
        Called with the set-up scene; adds the mobjects of the state to show.
    theme
        ``RELU_ANIM_THEME`` while rendering.
    """
    previous = os.environ.get("RELU_ANIM_THEME")
    os.environ["RELU_ANIM_THEME"] = theme
    try:
        with set_up(scene_class, GOLDEN_CONFIG) as scene:
            pose(scene)
            scene.renderer.update_frame(scene)
            frame = np.array(scene.renderer.get_frame())
    finally:
        if previous is None:
            os.environ.pop("RELU_ANIM_THEME", None)
        else:
            os.environ["RELU_ANIM_THEME"] = previous
    return np.ascontiguousarray(frame[..., :3]).astype(np.uint8)


def frame_difference(frame: np.ndarray, control: np.ndarray) -> float:
    """Fraction of pixels with a channel differing by more than :data:`LEVEL_TOLERANCE`."""
    if frame.shape != control.shape:
        return 1.0
    delta = np.abs(frame.astype(np.int16) - control.astype(np.int16)).max(axis=-1)
    return float(np.mean(delta > LEVEL_TOLERANCE))


def save_png(frame: np.ndarray, path: str | Path) -> Path:
    """Write ``frame`` as a PNG (to look at a control frame or a failing one)."""
    from PIL import Image

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(frame).save(path)
    return path


def assert_frame_matches(chapter: str, name: str, scene_class: type,
                         pose: Callable[[object], object]) -> np.ndarray:
    """Compare one posed frame with ``control_data/<chapter>/<name>.npz`` (or write it).

    On a mismatch the rendered frame and a map of the differing pixels are saved
    as ``media/golden/<chapter>/<name>.actual.png`` and ``….diff.png`` (media/ is
    ignored by git). Returns the rendered frame.
    """
    frame = render_frame(scene_class, pose)
    path = CONTROL_DIR / chapter / f"{name}.npz"
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, frame_data=frame)
        return frame
    if not path.exists():
        raise AssertionError(
            f"no control frame {path.relative_to(CONTROL_DIR.parent.parent)}: "
            f"run pytest with {UPDATE_ENV}=1 to create it, look at it, commit it"
        )
    with np.load(path) as data:
        control = data["frame_data"]
    fraction = frame_difference(frame, control)
    if fraction > PIXEL_FRACTION_TOLERANCE:
        out = FAILURE_DIR / chapter
        actual = save_png(frame, out / f"{name}.actual.png")
        if frame.shape == control.shape:
            diff = np.abs(frame.astype(np.int16) - control.astype(np.int16)).max(axis=-1) > LEVEL_TOLERANCE
            save_png((diff * 255).astype(np.uint8), out / f"{name}.diff.png")
        raise AssertionError(
            f"{chapter}/{name}: {fraction:.2%} of pixels differ from the control frame "
            f"(tolerance {PIXEL_FRACTION_TOLERANCE:.2%}); see {actual}. "
            f"If the change is intended, rerun with {UPDATE_ENV}=1"
        )
    return frame
