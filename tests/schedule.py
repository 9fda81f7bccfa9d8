"""How ``make test`` spreads the suite over pytest-xdist workers: one worker per chapter.

A chapter is rendered once per run, in the process of the worker that runs its
tests (:func:`tests.renders.rendered`: the tests read the live scene, which
cannot move between processes). So every test of a chapter must run on one
worker, and the tests that read every chapter's clip (``tests/test_joined.py``)
must run after every chapter has been rendered, or they would render the
missing chapters a second time.

:class:`ChapterScheduling` does both from the test ids alone:

- :func:`chapter_of` names the chapter a test belongs to (the work unit
  ``xdist`` hands to one worker);
- the unit :data:`EVERY_CHAPTER` is handed out as soon as every chapter unit
  of the run has finished, and before that only when nothing else is left
  (then it reads the chapters already rendered, waits for those rendering, and
  renders the others itself: slower, never wrong). It is never held back with
  nothing else to hand out: an xdist worker runs its last test only once it is
  given another or told to stop, so a held-back unit could wait forever.

It replaces ``--dist loadgroup``'s own grouping, which reads the
``xdist_group`` marks through a rewritten test id that pytest 9.2 no longer
lets plugins rewrite (pytest-dev/pytest-xdist#1386: the marks are silently
ignored, each test becomes its own unit, and each chapter was rendered on both
workers). The modules of :data:`ONE_UNIT_MODULES` are one unit each (their
tests share one costly module fixture); other tests are units of their own,
handed out as ``--dist loadgroup`` does: the biggest units first.

Example::

    >>> chapter_of("tests/test_scene_depth.py::test_axes_hold")
    'depth'
    >>> chapter_of("tests/test_film.py::test_picture_is_never_frozen_for_long[bends]")
    'bends'
    >>> chapter_of("tests/test_joined.py::test_chapters_join_into_one_video") == EVERY_CHAPTER
    True
    >>> chapter_of("tests/test_regions.py::test_count") is None
    True
"""

from __future__ import annotations

from xdist.scheduler import LoadGroupScheduling
from xdist.workermanage import WorkerController

from relu_anim.render.chapters import CHAPTERS

__all__ = ["EVERY_CHAPTER", "ONE_UNIT_MODULES", "ChapterScheduling", "chapter_of"]

#: The unit of the tests that read every chapter's render.
EVERY_CHAPTER = "every chapter"
#: Test modules whose tests all belong to one chapter other than their name says.
_MODULE_CHAPTER = {"test_visual": "x2", "test_joined": EVERY_CHAPTER}
#: Test modules with one test per chapter, the chapter's name their parameter.
_PER_CHAPTER_MODULES = ("test_chapters", "test_film")
_NAMES = frozenset(ch.name for ch in CHAPTERS)
#: Test modules whose tests read one costly module fixture: each module is one unit (one worker runs it once).
ONE_UNIT_MODULES = ("test_hostile_torch_files", "test_hostile_training_limits")


def chapter_of(nodeid: str) -> str | None:
    """The chapter whose render the test ``nodeid`` reads (or :data:`EVERY_CHAPTER`); ``None``: no chapter's."""
    path, _, test = nodeid.partition("::")
    module = path.rsplit("/", 1)[-1].removesuffix(".py")
    param = test[test.index("[") + 1:-1] if test.endswith("]") and "[" in test else None
    if module in _MODULE_CHAPTER:
        return _MODULE_CHAPTER[module]
    if module in _PER_CHAPTER_MODULES:
        return param if param in _NAMES else None
    name = module.removeprefix("test_scene_")
    return name if module.startswith("test_scene_") and name in _NAMES else None


class ChapterScheduling(LoadGroupScheduling):
    """``--dist loadgroup`` with one unit per chapter and the every-chapter unit after all of them."""

    def _split_scope(self, nodeid: str) -> str:
        chapter = chapter_of(nodeid)
        if chapter is not None:
            return chapter
        path = nodeid.partition("::")[0]
        if path.rsplit("/", 1)[-1].removesuffix(".py") in ONE_UNIT_MODULES:
            return path
        return super()._split_scope(nodeid)

    def _chapters_done(self) -> bool:
        """Whether every chapter unit of the run has been handed out and has finished."""
        if any(scope in _NAMES for scope in self.workqueue):
            return False
        return all(done for units in self.assigned_work.values() for scope, unit in units.items()
                   if scope in _NAMES for done in unit.values())

    def _assign_work_unit(self, node: WorkerController) -> None:
        """Hand ``node`` the next unit: the every-chapter unit once the chapters are done, or when it is the last."""
        if EVERY_CHAPTER in self.workqueue:
            # first once every chapter is rendered; else after the others (never held back: see the module)
            self.workqueue.move_to_end(EVERY_CHAPTER, last=not self._chapters_done())
        super()._assign_work_unit(node)
