"""Test-session set-up: one pytest-xdist work unit per chapter (:mod:`tests.schedule`).

``make test`` runs ``pytest -n <cores> --dist loadgroup``. Every test of a
chapter (``tests/test_scene_<name>.py``; the x² chapter's are in
``tests/test_visual.py``; and the per-chapter checks of ``tests/test_chapters.py``
and ``tests/test_film.py``) goes to one worker, so that worker renders the
chapter once (:func:`tests.renders.rendered`) and runs all of its tests against
that render; the tests reading every chapter's clip (``tests/test_joined.py``)
run once every chapter is rendered.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(optionalhook=True)  # an xdist hook: absent when xdist is not loaded
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadgroup``: the chapter-aware scheduling of :mod:`tests.schedule`."""
    if config.getvalue("dist") != "loadgroup":
        return None
    # here, not at the top: the module imports xdist, which a run without -n need not load
    from .schedule import ChapterScheduling

    return ChapterScheduling(config, log)
