"""A chapter is stale exactly when something its pixels depend on changed.

The fingerprint follows the scene's own imports through the package, so editing
the CLI leaves every chapter up to date while editing a module a chapter draws
with marks that chapter (and only the chapters that import it) stale.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from relu_anim.render.chapters import CHAPTERS, REPO_ROOT, chapter
from relu_anim.render.fingerprint import dependencies, fingerprint


@pytest.fixture
def copy_root(tmp_path) -> Path:
    """A copy of the package and the scenes, to edit freely."""
    for folder in ("relu_anim", "scenes"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "manim.cfg").write_bytes((REPO_ROOT / "manim.cfg").read_bytes())
    return tmp_path


@dataclass(frozen=True)
class CopiedChapter:
    """A chapter of the copy: the registry's names, the copy's scene file."""

    name: str
    scene: str
    title: str
    path: Path


def _chapters_in(root: Path) -> list[CopiedChapter]:
    return [CopiedChapter(ch.name, ch.scene, ch.title, root / "scenes" / ch.path.name) for ch in CHAPTERS]


def _prints(root: Path) -> dict[str, str]:
    return {ch.name: fingerprint(ch, "l", root) for ch in _chapters_in(root)}


def _append(path: Path, text: str = "\n# edited\n") -> None:
    path.write_text(path.read_text() + text)


@pytest.mark.parametrize("name", [ch.name for ch in CHAPTERS])
def test_dependencies_are_the_package_modules_a_chapter_uses(name):
    deps = {p.as_posix() for p in dependencies(chapter(name).path)}
    assert "relu_anim/__init__.py" in deps  # every import of relu_anim.x runs it
    assert "relu_anim/visual/theme.py" in deps
    assert not any(d.startswith("relu_anim/cli/") for d in deps)
    assert "relu_anim/render/video.py" not in deps


def test_editing_the_cli_leaves_every_chapter_up_to_date(copy_root):
    before = _prints(copy_root)
    _append(copy_root / "relu_anim" / "cli" / "commands.py")
    assert _prints(copy_root) == before


def test_editing_the_theme_marks_every_chapter_stale(copy_root):
    before = _prints(copy_root)
    _append(copy_root / "relu_anim" / "visual" / "theme.py")
    after = _prints(copy_root)
    assert all(after[name] != before[name] for name in before)


def test_editing_one_story_module_marks_only_its_chapters_stale(copy_root):
    users = {ch.name for ch in CHAPTERS if Path("relu_anim/story/hats.py") in dependencies(ch.path)}
    assert users and users != {ch.name for ch in CHAPTERS}
    before = _prints(copy_root)
    _append(copy_root / "relu_anim" / "story" / "hats.py")
    after = _prints(copy_root)
    assert {name for name in before if after[name] != before[name]} == users


def test_editing_the_scene_or_changing_the_theme_or_quality_changes_the_print(copy_root, monkeypatch):
    x2 = next(ch for ch in _chapters_in(copy_root) if ch.name == "x2")
    base = fingerprint(x2, "l", copy_root)
    assert fingerprint(x2, "h", copy_root) != base
    monkeypatch.setenv("RELU_ANIM_THEME", "light")
    assert fingerprint(x2, "l", copy_root) != base
    # unset, "dark" and " DARK " are one render: pack --theme dark reuses make video's clips
    for same in ("dark", " DARK ", ""):
        monkeypatch.setenv("RELU_ANIM_THEME", same)
        assert fingerprint(x2, "l", copy_root) == base
    monkeypatch.delenv("RELU_ANIM_THEME")
    _append(x2.path)
    assert fingerprint(x2, "l", copy_root) != base
