"""What relu-anim changes in manim, installed before anything here draws.

- :mod:`.caches`: manim's TeX and text caches made safe to share between processes;
- :mod:`.copies`: copies of TeX glyphs share their parsed SVG path;
- :mod:`.encoder`: frames go to the video encoder without a copy, converted once however long held;
- :mod:`.frames`: the renderer hands the encoder the array it drew into, not a copy of it;
- :mod:`.paths`: the Cairo camera replays the path of a shape whose points did not change,
  and traces a changed one in one call (:mod:`.trace`).

Every module of :mod:`relu_anim.visual` that imports manim imports this one,
so whichever a scene uses first, the changes are in place; ``import
relu_anim.visual`` alone loads no manim (the render pipeline reads the
theme and the storyboard's names without it).

Examples
--------
>>> import manim.mobject.text.tex_mobject as tex_mobject
>>> from relu_anim.visual import hooks
>>> tex_mobject.tex_to_svg_file is hooks.caches.locked_tex_to_svg_file
True
"""

from __future__ import annotations

from . import caches, copies, encoder, frames, paths

__all__ = ["caches", "copies", "encoder", "frames", "paths"]
