"""Golden frames: how a frame is compared with its control, and where controls live.

The golden frames are the last frame of every beat of the chapter renders the
suite makes (tests/renders.py keeps them, tests/test_film.py compares them with
``tests/control_data/<chapter>/beat_NN.npz``), so a beat cannot change on
screen without a golden test noticing.

How frames are compared: pixels whose channels differ by more than
:data:`LEVEL_TOLERANCE` levels count as different; a frame fails when more than
:data:`PIXEL_FRACTION_TOLERANCE` of its pixels differ. That survives
anti-aliasing noise from float rounding but not a moved kink, curve or label.

Regenerating control data: run the film tests with ``RELU_ANIM_UPDATE_GOLDEN=1``::

    RELU_ANIM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_film.py -k "golden and x2"

The frames are then written (uint8 RGB, compressed ``.npz``, a few kB each)
instead of compared, with a PNG of each in ``media/golden/<chapter>/`` to look
at before committing. A missing control file is an error, never a silent pass.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


__all__ = [
    "CONTROL_DIR",
    "FAILURE_DIR",
    "UPDATE_ENV",
    "LEVEL_TOLERANCE",
    "PIXEL_FRACTION_TOLERANCE",
    "frame_difference",
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
