"""One TeX cache that several manim processes can share: :func:`locked_tex_to_svg_file`.

manim compiles every ``MathTex`` string into ``<tex_dir>/<hash>.svg`` and reuses
the SVG when it exists, so one cache serves every chapter, test and preview.
But manim's compile is not safe when two processes use the same cache at once:
each deletes the other's half-written ``.tex``/``.dvi`` files when it cleans up
(``delete_nonsvg_files``), and dvisvgm then fails on a file that vanished; and
every ``SVGMobject`` parses a copy of its SVG written to ``<name>_.svg`` beside it
and deletes it afterwards, so two processes reading the same cached SVG delete
each other's copy. This module serialises compiles per cache folder with an advisory lock
(``fcntl.flock`` on ``<tex_dir>/.lock``), which works across processes on one
machine and across machines on a shared file system that supports it. Reading a string compiled
before also takes the lock (briefly), so no process reads an SVG that dvisvgm is
still writing.

and gives each SVG parse a private temporary copy (:func:`generate_mobject`).
Importing :mod:`relu_anim.visual` installs both (:func:`install`); they change
nothing else in manim.

Examples
--------
>>> import manim.mobject.text.tex_mobject as tex_mobject
>>> tex_mobject.tex_to_svg_file is locked_tex_to_svg_file
True
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import manim.mobject.text.tex_mobject as tex_mobject
import manim.utils.tex_file_writing as tex_file_writing
import svgelements
from manim import RIGHT, SVGMobject, config
from manim.utils.tex import TexTemplate

__all__ = ["generate_mobject", "install", "locked_tex_to_svg_file"]

_compile = tex_file_writing.tex_to_svg_file
_LOCK_NAME = ".lock"


def locked_tex_to_svg_file(
    expression: str, environment: str | None = None, tex_template: TexTemplate | None = None
) -> Path:
    """manim's ``tex_to_svg_file``, holding the cache folder's lock while it compiles.

    Parameters
    ----------
    expression, environment, tex_template
        As for :func:`manim.utils.tex_file_writing.tex_to_svg_file`.

    Returns
    -------
    Path
        The SVG file of the compiled expression.
    """
    template = tex_template if tex_template is not None else config["tex_template"]
    tex_dir = config.get_dir("tex_dir")
    tex_dir.mkdir(parents=True, exist_ok=True)
    with open(tex_dir / _LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _compile(expression, environment, template)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def generate_mobject(self: SVGMobject) -> SVGMobject:
    """``SVGMobject.generate_mobject`` with a private temporary copy of the SVG.

    manim's own version writes the modified SVG to ``<name>_.svg`` beside the
    original; here the copy gets a unique name (same folder, so relative
    references still resolve), and no other process can delete it mid-parse.
    """
    file_path = Path(self.get_file_path())
    tree = self.modify_xml_tree(ElementTree.parse(file_path))
    handle, copy = tempfile.mkstemp(prefix=f"{file_path.stem}_", suffix=file_path.suffix, dir=file_path.parent)
    os.close(handle)
    try:
        tree.write(copy)
        svg = svgelements.SVG.parse(copy)
    finally:
        os.unlink(copy)
    mobjects, mobject_dict = self.get_mobjects_from(svg)
    self.add(*mobjects)
    self.id_to_vgroup_dict = mobject_dict
    self.flip(RIGHT)  # SVG's y axis points down
    return self


def install() -> None:
    """Make every ``Tex``/``MathTex`` compile through :func:`locked_tex_to_svg_file`,
    and every SVG parse through :func:`generate_mobject`."""
    tex_mobject.tex_to_svg_file = locked_tex_to_svg_file
    SVGMobject.generate_mobject = generate_mobject


install()
