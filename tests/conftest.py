"""Test-session set-up: one pytest-xdist group per chapter.

``make test`` runs ``pytest -n <cores> --dist loadgroup``. Every test of a
chapter (``tests/test_scene_<name>.py``; the x² chapter's are in
``tests/test_visual.py``; and the per-chapter checks of ``tests/test_chapters.py``
and ``tests/test_film.py``)
goes into the xdist group of that chapter, so one
worker renders the chapter once (:func:`tests.renders.rendered`) and runs all
of its tests against that render.
"""

from __future__ import annotations

import pytest

from relu_anim.render.chapters import CHAPTERS

#: Test modules whose tests belong to a chapter other than their name says.
_MODULE_CHAPTER = {"test_visual": "x2"}
_CHAPTERS = {ch.name for ch in CHAPTERS}


def _chapter_of(module: str) -> str | None:
    if module in _MODULE_CHAPTER:
        return _MODULE_CHAPTER[module]
    name = module.removeprefix("test_scene_")
    return name if name in _CHAPTERS and module.startswith("test_scene_") else None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the node ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        module = module.__name__.rsplit(".", 1)[-1] if module is not None else ""
        chapter = _chapter_of(module)
        if module in ("test_chapters", "test_film") and hasattr(item, "callspec"):  # one test per chapter, by name
            chapter = item.callspec.params.get("name")
        if chapter is not None:
            item.add_marker(pytest.mark.xdist_group(chapter))
