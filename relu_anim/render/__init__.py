"""The render pipeline: the chapter registry, rendering chapters with manim,
joining them into one video with chapters and captions, stills, previews, the
course pack, slides and clips of any network.

The package itself is callable: ``relu_anim.render(source, "out.mp4", ...)``
renders the clip of a network (:func:`relu_anim.render.sources.render`), so the
name means the same whether or not a submodule such as ``relu_anim.render.pack``
was imported first (which binds ``relu_anim.render`` to this package).
"""

from __future__ import annotations

import sys
import types
from typing import Any

__all__: list[str] = []


class _CallablePackage(types.ModuleType):
    """This package, callable as :func:`relu_anim.render.sources.render`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # lazy: loading model files and the clip pipeline is needed only when a clip is rendered
        from .sources import render

        return render(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
