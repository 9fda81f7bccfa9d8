"""Compile many TeX strings in one ``latex`` run and one ``dvisvgm`` run.

manim compiles each ``MathTex``/``Tex`` string on its own the first time it is
used: one ``latex`` and one ``dvisvgm`` process per string, about 0.35 s of CPU
each, so a chapter's first render spends 20 s or more on TeX, and a fresh
clone's test run about 150 s. :func:`compile_batch` compiles a list of strings
known in advance as the pages of one document, then splits the pages into
exactly the files manim would have written: ``<tex_dir>/<hash>.tex`` and
``<hash>.svg`` (manim's own names), so manim finds every string already
compiled. A page is typeset by the same preamble and body as manim's own
document for that string (the pages share one TeX run, so a string that
defines a macro would reach the strings after it; no chapter's does); only the glyph ids inside the SVG differ (fonts are
numbered per document), and the parsed glyph outlines are the same
(tests/test_tex_cache.py compares them point for point).

Which strings a chapter uses is recorded while the test suite renders it
(:func:`~relu_anim.visual.caches.recording`) and kept beside the chapters,
in ``scenes/tex_strings.json`` (:data:`~relu_anim.visual.protocol.TEX_STRINGS_NAME`), by chapter file name;
a :class:`~relu_anim.visual.scene.ChapterScene` warms the cache with its
chapter's strings (:func:`warm`) before it builds anything, so every render,
preview and test compiles a chapter's TeX in one batch.
A batch is only a head start: a string missing from it compiles on its own
when first used, and a batch that fails (a string TeX rejects, another
template) leaves its strings to manim, which reports the error as usual.

Examples
--------
::

    from relu_anim.visual.tex_batch import compile_batch
    compile_batch([("x^2", "align*"), (r"\\text{max error} =", "align*")])  # 2 (compiled)
    compile_batch([("x^2", "align*")])                                       # 0 (cached)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

from manim import config
from manim.utils.tex import TexTemplate
from manim.utils.tex_file_writing import generate_tex_file

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from .caches import locked
from .protocol import TEX_STRINGS_NAME

__all__ = ["MAX_MANIFEST_BYTES", "compile_batch", "warm"]

_CLASS = r"\documentclass[preview]{standalone}"
_MULTI = r"\documentclass[preview,multi=reluanimpage]{standalone}"
_PAGE_NAME = re.compile(r"-(\d+)\.svg$")
#: A list larger than this is not read (the ten chapters' list is about 100 kB).
MAX_MANIFEST_BYTES = 4 * 1024 * 1024


def compile_batch(strings: Iterable[Sequence[str | None]], tex_template: TexTemplate | None = None) -> int:
    """Compile every ``(expression, environment)`` not yet in manim's TeX cache, in one run.

    Parameters
    ----------
    strings
        ``(expression, environment)`` pairs, as manim's ``tex_to_svg_file`` takes them.
    tex_template
        The template (manim's configured one by default). Only ``latex`` to DVI
        with the ``standalone`` class in ``preview`` mode (manim's default) is
        batched; with any other template nothing is done.

    Returns
    -------
    int
        How many strings this batch compiled (0 when all were cached, or the
        batch was refused and the strings are left to manim).

    Examples
    --------
    ::

        compile_batch([("x^2", "align*")])  # 1, then 0 when called again
    """
    template = tex_template if tex_template is not None else config["tex_template"]
    if template.tex_compiler != "latex" or template.output_format != ".dvi":
        return 0
    with locked("tex_dir"):
        pages: list[tuple[Path, str]] = []  # (tex file, document body)
        preamble = None
        for expression, environment in dict.fromkeys(tuple(s) for s in strings):
            tex_file = generate_tex_file(expression, environment, template)
            if tex_file.with_suffix(".svg").exists():
                continue
            head, sep, rest = tex_file.read_text(encoding="utf-8").partition("\\begin{document}")
            body, end, _ = rest.rpartition("\\end{document}")
            if not sep or not end or _CLASS not in head or (preamble is not None and head != preamble):
                return 0  # not manim's default template: leave these strings to manim
            preamble = head
            pages.append((tex_file, body))
        if not pages:
            return 0
        return _compile_pages(preamble.replace(_CLASS, _MULTI, 1), pages)


def _compile_pages(preamble: str, pages: list[tuple[Path, str]]) -> int:
    """Typeset ``pages`` as one document, convert every page, move each SVG to its cache name."""
    document = (preamble + "\\newenvironment{reluanimpage}{}{}\n\\begin{document}\n"
                + "".join(f"\\begin{{reluanimpage}}{body}\\end{{reluanimpage}}\n" for _, body in pages)
                + "\\end{document}\n")
    tex_dir = pages[0][0].parent
    work = Path(tempfile.mkdtemp(prefix="batch-", dir=tex_dir.parent))  # beside the cache: manim cleans inside it
    try:
        (work / "batch.tex").write_text(document, encoding="utf-8")
        try:
            typeset = subprocess.run(["latex", "-interaction=batchmode", "-halt-on-error", "batch.tex"],
                                     cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if typeset.returncode != 0:
                return 0  # some string does not typeset: manim compiles each and reports which
            subprocess.run(["dvisvgm", "--page=1-", "--no-fonts", "--verbosity=0", "--output=page-%p.svg",
                            "batch.dvi"], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            return 0  # no latex or dvisvgm here: manim says so when it needs them
        svgs = {int(m.group(1)): p for p in work.glob("page-*.svg") if (m := _PAGE_NAME.search(p.name))}
        if sorted(svgs) != list(range(1, len(pages) + 1)):
            return 0  # a page went missing (an empty string): page numbers no longer match
        for number, (tex_file, _) in enumerate(pages, start=1):
            moved = tex_dir / f".{tex_file.stem}.svg.part"
            shutil.copyfile(svgs[number], moved)
            os.replace(moved, tex_file.with_suffix(".svg"))  # readers see no half-written SVG
        return len(pages)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def warm(scene_file: Path | str) -> int:
    """Batch-compile the recorded TeX strings of the chapter in ``scene_file``.

    The record is :data:`~relu_anim.visual.protocol.TEX_STRINGS_NAME` beside the file, under the file's stem.
    A chapter without a record, or a record file that is missing, unreadable,
    not a regular file (a FIFO, a device) or over :data:`MAX_MANIFEST_BYTES`, adds
    nothing: its strings then compile one by one as manim meets them.

    Returns
    -------
    int
        How many strings were compiled.

    Examples
    --------
    ::

        warm("scenes/x2.py")   # x2's strings in one run the first time, then 0
    """
    path = Path(scene_file)
    try:
        recorded = json.loads(_read_regular(path.parent / TEX_STRINGS_NAME))
        wanted = [(str(e), None if v is None else str(v)) for e, v in recorded.get(path.stem, [])]
    except (OSError, ValueError, TypeError, AttributeError):
        return 0
    return compile_batch(wanted) if wanted else 0


def _read_regular(path: Path) -> str:
    """The text of ``path`` if it is a regular file of at most :data:`MAX_MANIFEST_BYTES`; else ``OSError``.

    Opened without blocking and checked on the open file, so a FIFO or device
    put there is refused instead of hanging or streaming forever.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST_BYTES:
            raise OSError(f"{path}: not a regular file of at most {MAX_MANIFEST_BYTES} bytes")
        return handle.read(MAX_MANIFEST_BYTES + 1).decode("utf-8")
