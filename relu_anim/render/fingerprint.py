"""When a chapter must be rendered again: fingerprints of what its pixels depend on.

A chapter's fingerprint is a sha256 over its scene file, every ``relu_anim``
module the scene imports (followed through the package's own imports, read with
:mod:`ast`, nothing executed), ``manim.cfg``, the theme, the quality, the
encoder's settings (:data:`~relu_anim.render.clips.ENCODER_OPTIONS`) and the
manim version. Editing the CLI or a module no chapter imports leaves every
chapter up to date; editing ``relu_anim/visual/theme.py`` marks every chapter
stale; editing ``relu_anim/story/hats.py`` marks only the chapters that use it.

Fingerprints and the size and time of each clip rendered live in
``media/.render-state.json``; a chapter is up to date when its clip is the one
last rendered and its fingerprint is unchanged.

Examples
--------
>>> from relu_anim.render.chapters import chapter
>>> names = [p.as_posix() for p in dependencies(chapter("x2").path)]
>>> "relu_anim/visual/theme.py" in names, "relu_anim/cli/commands.py" in names
(True, False)
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

from ..io.atomic import write_text_atomic
from ..io.locks import held
from ..visual.theme import current_theme
from .chapters import REPO_ROOT
from .clips import ENCODER_OPTIONS, ChapterLike, chapter_outputs, story_path

__all__ = [
    "dependencies",
    "fingerprint",
    "is_up_to_date",
    "load_state",
    "record_render",
    "save_state",
    "signature",
    "state_locked",
]

_STATE_FILE = ".render-state.json"
#: Serialises ast.parse: CPython 3.11.7 fails with "AST constructor recursion depth mismatch"
#: when threads parse at the same time (chapters rendered with --jobs N check their fingerprints).
_AST_LOCK = threading.Lock()
_STATE_LOCK = ".render-state.lock"
_STATE_VERSION = 2
_PACKAGE = "relu_anim"


def _module_file(root: Path, module: str) -> Path | None:
    """The source file of a ``relu_anim...`` module under ``root``, if there is one."""
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_modules(path: Path, root: Path) -> frozenset[str]:
    stat = path.stat()
    return _parsed_imports(path, root, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _parsed_imports(path: Path, root: Path, mtime_ns: int, size: int) -> frozenset[str]:
    """Every ``relu_anim`` module a file names in an import, relative ones resolved.

    ``from relu_anim.visual import theme`` names both ``relu_anim.visual`` and,
    since ``theme`` is a submodule, ``relu_anim.visual.theme``. Importing a
    submodule runs its packages' ``__init__`` too, so those count as well.
    """
    with _AST_LOCK:  # CPython 3.11's ast.parse is not safe in several threads at once (video --jobs)
        tree = ast.parse(path.read_bytes(), filename=str(path))
    try:
        package = list(path.relative_to(root).with_suffix("").parts[:-1])
    except ValueError:  # a scene file outside the package
        package = []
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    found = set()
    for name in names:
        parts = name.split(".")
        if parts[0] != _PACKAGE:
            continue
        for i in range(1, len(parts) + 1):
            found.add(".".join(parts[:i]))
    return frozenset(found)


@lru_cache(maxsize=64)
def _closure(scene: Path, root: Path, stamp: tuple[int, ...]) -> tuple[Path, ...]:
    seen: dict[str, Path] = {}
    todo = [scene]
    while todo:
        for module in _imported_modules(todo.pop(), root):
            if module in seen:
                continue
            source = _module_file(root, module)
            if source is not None:
                seen[module] = source
                todo.append(source)
    return tuple(sorted(p.relative_to(root) for p in seen.values()))


def dependencies(scene: Path | str, root: Path | str = REPO_ROOT) -> list[Path]:
    """The ``relu_anim`` source files a scene file imports, directly or through others.

    Parameters
    ----------
    scene
        The chapter's scene file.
    root
        The folder holding the ``relu_anim`` package; default the repository.

    Returns
    -------
    list of Path
        Paths relative to ``root``, sorted.

    Examples
    --------
    >>> from relu_anim.render.chapters import chapter
    >>> Path("relu_anim/story/hats.py") in dependencies(chapter("bends").path)
    True
    >>> Path("relu_anim/story/hats.py") in dependencies(chapter("depth").path)
    False
    """
    scene, root = Path(scene).resolve(), Path(root).resolve()
    package = root / _PACKAGE
    stamp = tuple(p.stat().st_mtime_ns for p in sorted(package.rglob("*.py"))) + (scene.stat().st_mtime_ns,)
    return list(_closure(scene, root, stamp))


def _theme() -> str:
    """The theme a render uses, by name: unset and ``dark`` are the same render."""
    return current_theme().name


def fingerprint(chapter: ChapterLike, quality: str, root: Path | str = REPO_ROOT, theme: str | None = None) -> str:
    """sha256 of everything a chapter's pixels depend on at ``quality``.

    ``theme`` is the theme's name; default the one this process renders with
    (a cluster worker checks the client's fingerprint with the client's theme).

    Examples
    --------
    >>> from relu_anim.render.chapters import chapter
    >>> fingerprint(chapter("x2"), "l") == fingerprint(chapter("x2"), "l")
    True
    >>> fingerprint(chapter("x2"), "l") == fingerprint(chapter("x2"), "h")
    False
    """
    root = Path(root).resolve()
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("scene", Path(chapter.path).read_bytes())
    for source in dependencies(chapter.path, root):
        add(source.as_posix(), (root / source).read_bytes())
    config = root / "manim.cfg"
    add("manim.cfg", config.read_bytes() if config.is_file() else b"")
    add("theme", (theme if theme is not None else _theme()).encode())
    add("quality", quality.encode())
    add("encoder", json.dumps(ENCODER_OPTIONS, sort_keys=True).encode())
    add("manim", metadata.version("manim").encode())
    return digest.hexdigest()


def signature(path: Path | None) -> list[int] | None:
    """Size and modification time of a file, or ``None`` if it is missing."""
    if path is None or not path.is_file():
        return None
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def load_state(media_dir: Path) -> dict[str, Any]:
    """The render state of a media folder; an empty one if missing, unreadable or older."""
    try:
        state = json.loads((media_dir / _STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = None
    if not isinstance(state, dict) or state.get("version") != _STATE_VERSION:
        state = {"version": _STATE_VERSION, "chapters": {}, "join": None}
    return state


def save_state(media_dir: Path, state: dict[str, Any]) -> None:
    """Write the render state atomically."""
    write_text_atomic(media_dir / _STATE_FILE, json.dumps(state, indent=1, sort_keys=True))


def _state_key(chapter: ChapterLike, quality: str) -> str:
    return f"{chapter.name}|{quality}|{_theme()}"


def is_up_to_date(chapter: ChapterLike, quality: str, root: Path, media_dir: Path) -> bool:
    """The clip exists, is the one last rendered, and its inputs are unchanged."""
    mp4, srt = chapter_outputs(chapter, quality, media_dir=media_dir)
    record = load_state(media_dir)["chapters"].get(_state_key(chapter, quality))
    return (
        isinstance(record, dict)
        and signature(mp4) is not None
        and record.get("mp4") == signature(mp4)
        and record.get("srt") == signature(srt)
        and record.get("story") == signature(story_path(mp4))
        and record.get("fingerprint") == fingerprint(chapter, quality, root)
    )


@contextmanager
def state_locked(media_dir: Path) -> Iterator[None]:
    """Hold the media folder's render-state lock: one read-modify-write at a time.

    Chapters rendered concurrently (``relu-anim video --jobs N``, or two
    commands at once) each record their render; without the lock one record
    could overwrite another's.
    """
    with held(media_dir / _STATE_LOCK):
        yield


def record_render(chapter: ChapterLike, quality: str, root: Path, media_dir: Path) -> None:
    """Remember that a chapter was just rendered from its current inputs."""
    mp4, srt = chapter_outputs(chapter, quality, media_dir=media_dir)
    record = {
        "fingerprint": fingerprint(chapter, quality, root),
        "mp4": signature(mp4),
        "srt": signature(srt),
        "story": signature(story_path(mp4)),
    }
    with state_locked(media_dir):
        state = load_state(media_dir)
        state["chapters"][_state_key(chapter, quality)] = record
        save_state(media_dir, state)
