"""Stills and a short GIF cut from rendered chapter clips, for the README.

The README opens with one still per chapter and a short GIF. They are cut from
the clips the render pipeline already made (``relu_anim.render.video``), so they show
exactly what the video shows. ``relu-anim stills`` writes them to
``media/readme/``, the one folder of ``media/`` that git keeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import av
from PIL import Image

from ..errors import ReluAnimError

__all__ = ["frame_at", "save_still", "save_gif"]


def _frames(mp4: Path, start: float, end: float) -> Iterator[tuple[float, Image.Image]]:
    """Decoded frames with their times in ``[start, end]``."""
    try:
        container = av.open(str(mp4))
    except (OSError, av.error.FFmpegError) as err:
        raise ReluAnimError(f"{mp4}: cannot read the clip ({err})") from None
    with container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            t = float(frame.pts * stream.time_base)
            if t > end:
                break
            if t >= start:
                yield t, frame.to_image()


def frame_at(mp4: Path, seconds: float) -> Image.Image:
    """The first frame of ``mp4`` at or after ``seconds`` (the last frame if past the end).

    Examples
    --------
    >>> frame_at(Path("no-such-clip.mp4"), 30.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: no-such-clip.mp4: cannot read the clip (...)
    """
    last = None
    for _, image in _frames(mp4, 0.0, float("inf")):
        last = image
        if _ >= seconds:
            return image
    if last is None:
        raise ReluAnimError(f"{mp4}: the clip has no frames")
    return last


def save_still(mp4: Path, seconds: float, out: Path, width: int = 640) -> Path:
    """Save the frame at ``seconds`` as a PNG ``width`` pixels wide."""
    image = frame_at(mp4, seconds)
    height = round(image.height * width / image.width)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.resize((width, height), Image.LANCZOS).save(out, optimize=True)
    return out


def save_gif(mp4: Path, start: float, end: float, out: Path, width: int = 400, fps: int = 6) -> Path:
    """Save ``[start, end]`` of ``mp4`` as a looping GIF at ``fps`` frames per second."""
    if not end > start:
        raise ReluAnimError(f"gif: end must be after start (got {start:g} to {end:g})")
    images, next_time = [], start
    for t, image in _frames(mp4, start, end):
        if t + 1e-6 >= next_time:
            height = round(image.height * width / image.width)
            images.append(image.resize((width, height), Image.LANCZOS).convert("P", palette=Image.ADAPTIVE))
            next_time += 1.0 / fps
    if not images:
        raise ReluAnimError(f"{mp4}: no frames between {start:g} s and {end:g} s")
    out.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(out, save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0,
                   optimize=True)
    return out
