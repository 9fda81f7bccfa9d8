"""TeX and text caches that several manim processes can share.

manim compiles every ``MathTex`` string into ``<tex_dir>/<hash>.svg``, and lays
out every ``Text`` into ``<text_dir>/<hash>.svg``, reusing the SVG when it
exists, so one cache serves every chapter, test and preview.
But manim's compile is not safe when two processes use the same cache at once:
each deletes the other's half-written ``.tex``/``.dvi`` files when it cleans up
(``delete_nonsvg_files``), and dvisvgm then fails on a file that vanished; a
``Text`` SVG is reused as soon as it exists, and every ``Text`` then rewrites the
shared SVG in place (manimpango's ``remove_last_M`` truncates and writes it), so
a reader in another process can find it empty; and
every ``SVGMobject`` parses a copy of its SVG written to ``<name>_.svg`` beside it
and deletes it afterwards, so two processes reading the same cached SVG delete
each other's copy. This module serialises compiles and text layouts per cache folder, cleans a
text SVG once while the lock is held and never rewrites it afterwards (an
unchanged file is left alone; a changed one is replaced atomically) with an advisory lock
(``fcntl.flock`` on ``<tex_dir>.lock``, beside the folder), which works across processes on one
machine and across machines on a shared file system that supports it. Reading a string compiled
before also takes the lock (briefly), so no process reads an SVG that dvisvgm is
still writing.

and gives each SVG parse a private temporary copy (:func:`generate_mobject`).
Importing this module (as :mod:`relu_anim.visual.hooks` does) installs both (:func:`install`); they change
nothing else in manim.

Examples
--------
>>> import manim.mobject.text.tex_mobject as tex_mobject
>>> tex_mobject.tex_to_svg_file is locked_tex_to_svg_file
True
"""

from __future__ import annotations

import fcntl
import functools
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator
from xml.etree import ElementTree

import manim.mobject.text.tex_mobject as tex_mobject
import manim.utils.tex_file_writing as tex_file_writing
import svgelements
from manimpango import PangoUtils
from manim import RIGHT, MarkupText, SVGMobject, Text, config
from manim.utils.tex import TexTemplate

__all__ = ["generate_mobject", "install", "lock_path", "locked", "locked_tex_to_svg_file", "recording",
           "remove_last_move"]

_compile = tex_file_writing.tex_to_svg_file


_recorders: list[dict[tuple[str, str | None], None]] = []


@contextmanager
def recording() -> Iterator[dict[tuple[str, str | None], None]]:
    """Collect the ``(expression, environment)`` of every TeX string typeset while inside.

    manim typesets through :func:`locked_tex_to_svg_file` for every
    ``MathTex``/``Tex`` it builds, compiled before or not, so this is the
    set of strings a piece of code needs (in order of first use), e.g. a
    chapter's render (see :mod:`relu_anim.visual.tex_batch`).

    Examples
    --------
    ::

        with recording() as used:
            MathTex("x^2")
        list(used)   # [('{{ x^2 }}'-style expression manim built, 'align*')]
    """
    used: dict[tuple[str, str | None], None] = {}
    _recorders.append(used)
    try:
        yield used
    finally:
        _recorders.remove(used)


def lock_path(folder: Path) -> Path:
    """The lock file of a cache folder: ``<folder>.lock`` beside it.

    Examples
    --------
    >>> lock_path(Path("media/Tex")).as_posix()
    'media/Tex.lock'
    """
    return folder.with_name(folder.name + ".lock")


def locked_tex_to_svg_file(
    expression: str, environment: str | None = None, tex_template: TexTemplate | None = None
) -> Path:
    """manim's ``tex_to_svg_file``, holding the cache folder's lock while it compiles.

    Each call is noted by every active :func:`recording`.

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
    for used in _recorders:
        used.setdefault((expression, environment), None)
    with locked("tex_dir"):
        return _compile(expression, environment, template)


@contextmanager
def locked(folder_key: str) -> Iterator[None]:
    """Hold the advisory lock of one of manim's cache folders (``tex_dir``, ``text_dir``)."""
    folder = config.get_dir(folder_key)
    folder.mkdir(parents=True, exist_ok=True)
    # beside the folder, not in it: manim's clean-up deletes every non-SVG file of tex_dir
    with open(lock_path(folder), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _locked_text2svg(original: Callable[..., str]) -> Callable[..., str]:
    """A ``Text``/``MarkupText`` layout method that holds the text cache's lock."""

    @functools.wraps(original)
    def text2svg(self: Any, *args: Any, **kwargs: Any) -> str:
        with locked("text_dir"):
            path = original(self, *args, **kwargs)
            remove_last_move(path)  # manim does this next, outside any lock
            return path

    text2svg.locked = True  # type: ignore[attr-defined]
    return text2svg


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


_LAST_MOVE = re.compile(r'Z M [^A-Za-z]*? "\/>')


def remove_last_move(file_name: str) -> None:
    """manimpango's ``remove_last_M`` (drop the trailing move-to of a text SVG), made safe to share.

    The clean-up is idempotent, so a file that is already clean is not written
    at all; otherwise the cleaned text replaces the file atomically, and a
    reader sees either the old or the new file, never an empty one.
    """
    path = Path(file_name)
    content = path.read_text()
    cleaned = _LAST_MOVE.sub('Z "/>', content)
    if cleaned == content:
        return
    handle, temporary = tempfile.mkstemp(prefix=f"{path.stem}_", suffix=".tmp", dir=path.parent)
    with os.fdopen(handle, "w") as out:
        out.write(cleaned)
    os.replace(temporary, path)


def install() -> None:
    """Make every ``Tex``/``MathTex`` compile through :func:`locked_tex_to_svg_file`,
    every ``Text``/``MarkupText`` layout hold the text cache's lock, and every SVG
    parse go through :func:`generate_mobject`. Installing twice changes nothing."""
    tex_mobject.tex_to_svg_file = locked_tex_to_svg_file
    SVGMobject.generate_mobject = generate_mobject
    PangoUtils.remove_last_M = staticmethod(remove_last_move)
    for cls in (Text, MarkupText):
        if not getattr(cls._text2svg, "locked", False):
            cls._text2svg = _locked_text2svg(cls._text2svg)


install()
