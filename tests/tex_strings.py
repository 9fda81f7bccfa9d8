"""Rewrite ``scenes/tex_strings.json`` from the TeX strings the last test run's chapter renders used.

Every chapter render of the suite records the TeX strings it typeset
(:func:`tests.renders.tex_record`); a :class:`~relu_anim.visual.ChapterScene`
compiles its chapter's listed strings in one batch before it starts
(:mod:`relu_anim.visual.tex_batch`). tests/test_joined.py fails when the list
and the renders disagree; after ``make test``, refresh it with::

    make tex-strings        # or: .venv/bin/python -m tests.tex_strings
"""

from __future__ import annotations

import json
import sys

from relu_anim.render.chapters import CHAPTERS
from relu_anim.visual.protocol import TEX_STRINGS_NAME

from .renders import tex_record

__all__ = ["manifest_path", "recorded", "main"]


def manifest_path():
    """``scenes/tex_strings.json``: beside the chapter files, where ChapterScene looks for it."""
    return CHAPTERS[0].path.parent / TEX_STRINGS_NAME


def recorded(name: str) -> list[list[str | None]]:
    """The TeX strings chapter ``name``'s last test render used, sorted: ``[[expression, environment], …]``."""
    pairs = json.loads(tex_record(name).read_text(encoding="utf-8"))
    return sorted(([e, v] for e, v in pairs), key=lambda pair: (pair[0], pair[1] or ""))


def main() -> int:
    missing = [ch.name for ch in CHAPTERS if not tex_record(ch.name).is_file()]
    if missing:
        print(f"no TeX record for {', '.join(missing)}: run `make test` first", file=sys.stderr)
        return 2
    manifest = {ch.path.stem: recorded(ch.name) for ch in CHAPTERS}
    manifest_path().write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{manifest_path()}: {sum(map(len, manifest.values()))} strings in {len(manifest)} chapters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
