"""The import rules of the layers, checked by reading the source (ast), not by importing it.

The folders are the layers (docs/DESIGN.md, "Layers"):

====================  ==========================================================
``relu_anim/*.py``    math core: numpy only (``relu_anim/__init__.py`` re-exports the core and io)
``relu_anim/story``   the chapters' numpy companions: the core and numpy
``relu_anim/io``      the network file: the core and the story
``relu_anim/torch_adapter``  the only importer of torch: the core, the story, io
``relu_anim/visual``  manim mobjects and the theme: the core and the story
``relu_anim/render``  chapters registry, manim runs, joining, captions, stills
``relu_anim/cli``     the command line: may use everything
``scenes/``           the story on screen: may use everything but the CLI
====================  ==========================================================

Every import counts, at module level or inside a function; only imports under
``if TYPE_CHECKING:`` are exempt, because they never run.
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "relu_anim"

#: Layer of each part of the package, in the order they may depend on each other.
LAYERS = ("core", "story", "io", "torch_adapter", "visual", "render", "cli", "scenes")

#: ``import relu_anim`` re-exports the core and the network file; it must stay
#: importable without torch or manim, so it counts as a layer of its own.
FACADE = "facade"

#: What each layer may import from relu_anim (besides itself).
ALLOWED_INTERNAL = {
    "core": set(),
    FACADE: {"core", "io"},
    "story": {"core"},
    "io": {"core", "story"},
    "torch_adapter": {"core", "story", "io"},  # io: reading a user's file safely
    "visual": {"core", "story"},
    "render": {"core", "story", "io", "visual", "torch_adapter"},  # torch_adapter: a user's .pt, on first use
    "cli": {"core", "story", "io", "torch_adapter", "visual", "render"},
    "scenes": {"core", "story", "io", "torch_adapter", "visual", "render"},
}

#: Third-party packages that only some layers may import.
RESTRICTED = {
    "torch": {"torch_adapter", "scenes"},
    "manim": {"visual", "render", "scenes"},
    "manimpango": {"visual", "render"},
    "cairo": {"visual", "render"},
    "av": {"visual", "render"},  # visual: its encoder hook hands manim's frames to PyAV (visual/encoder.py, convert.py)
    "PIL": {"render"},
    "click": {"cli"},
    "cloup": {"cli"},
    "rich": {"cli", "render", "torch_adapter"},
    "onnx": {"io"},  # optional readers of model files (relu-anim[clip])
    "safetensors": {"io"},
}

#: What the math core may import at all, besides the standard library and itself.
CORE_THIRD_PARTY = {"numpy"}


@dataclass(frozen=True)
class Import:
    """One import statement: the module it names, where, and whether it runs."""

    path: Path
    line: int
    module: str
    in_function: bool


def layer_of(path: Path) -> str:
    """The layer a source file belongs to, from its folder."""
    rel = path.relative_to(ROOT)
    if rel.parts[0] == "scenes":
        return "scenes"
    if rel.as_posix() == "relu_anim/__init__.py":
        return "facade"
    if rel.as_posix() == "relu_anim/__main__.py":
        return "cli"
    if len(rel.parts) == 2:
        return "core"
    return rel.parts[1]


def _resolve(path: Path, node: ast.ImportFrom) -> list[str]:
    """Absolute module names of a ``from ... import`` (relative ones resolved)."""
    if node.level == 0:
        base = node.module or ""
    else:
        # the package a file is in: its folder (for __init__.py too)
        package = list(path.relative_to(ROOT).with_suffix("").parts)[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    if node.module is None:
        return [f"{base}.{alias.name}" for alias in node.names]
    return [base]


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                for sub in ast.walk(child):
                    if hasattr(sub, "lineno"):
                        lines.add(sub.lineno)
    return lines


def imports_of(path: Path) -> list[Import]:
    """Every import in a file that can run, module level or in a function."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = _type_checking_lines(tree)
    function_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for sub in ast.walk(node):
                if hasattr(sub, "lineno") and sub is not node:
                    function_lines.add(sub.lineno)
    found = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = _resolve(path, node)
        else:
            continue
        for name in names:
            found.append(Import(path, node.lineno, name, node.lineno in function_lines))
    return found


def sources() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "scenes").glob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


def internal_layer(module: str) -> str | None:
    """The layer of a ``relu_anim...`` module name, or None for third-party modules."""
    parts = module.split(".")
    if parts[0] != "relu_anim":
        return None
    if len(parts) == 1:
        return "facade"
    if parts[1] in LAYERS:
        return parts[1]
    return "core"


def violations(path: Path) -> list[str]:
    """Every import rule a file breaks, one readable line each."""
    layer = layer_of(path)
    problems = []
    for imp in imports_of(path):
        top = imp.module.split(".")[0]
        where = f"{imp.path.relative_to(ROOT)}:{imp.line} imports {imp.module}"
        target = internal_layer(imp.module)
        if target is not None:
            if target == "facade":
                if layer != "scenes" and path.name != "__init__.py":
                    problems.append(f"{where}: import the module, not the relu_anim facade")
            elif target != layer and target not in ALLOWED_INTERNAL[layer]:
                problems.append(f"{where}: the {layer} layer may not depend on {target}")
            continue
        if top in RESTRICTED and layer not in RESTRICTED[top]:
            problems.append(f"{where}: only {sorted(RESTRICTED[top])} may import {top}")
        if layer in ("core", FACADE) and top not in CORE_THIRD_PARTY and not _is_stdlib(top):
            problems.append(f"{where}: the math core imports numpy and the standard library only")
    return problems


def _is_stdlib(name: str) -> bool:
    return name in sys.stdlib_module_names or name == "__future__"


def _package_sources() -> list[Path]:
    return [p for p in sources() if p.is_relative_to(PACKAGE) and p.name != "__init__.py"]


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layers(path):
    assert violations(path) == []


@pytest.mark.parametrize("path", _package_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_function_local_imports_say_why(path):
    """An import inside a function needs a comment on its line or the one above."""
    lines = path.read_text().splitlines()
    unexplained = []
    for imp in imports_of(path):
        if not imp.in_function:
            continue
        # a comment on the import's line, or above the run of imports it belongs to
        above = imp.line - 2
        while above >= 0 and lines[above].lstrip().startswith(("from ", "import ")):
            above -= 1
        explained = "#" in lines[imp.line - 1] or (above >= 0 and lines[above].lstrip().startswith("#"))
        if not explained:
            unexplained.append(f"{path.relative_to(ROOT)}:{imp.line} imports {imp.module} in a function")
    assert unexplained == []


def test_every_folder_is_a_known_layer():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= set(LAYERS), folders - set(LAYERS)


def test_the_checker_catches_what_it_should(tmp_path, monkeypatch):
    """The rules bite: a core module importing torch in a function, a story module importing
    manim, and the core importing the render pipeline are each reported."""
    fake_root = tmp_path
    (fake_root / "relu_anim" / "story").mkdir(parents=True)
    (fake_root / "scenes").mkdir()
    core = fake_root / "relu_anim" / "bad_core.py"
    core.write_text("def f():\n    import torch\n    from .render.video import render_video\n")
    story = fake_root / "relu_anim" / "story" / "bad_story.py"
    story.write_text("from manim import Axes\nfrom ..network import Network\n")
    typed = fake_root / "relu_anim" / "typed.py"
    typed.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import torch\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    core_problems = violations(core)
    story_problems = violations(story)
    typed_problems = violations(typed)
    assert any("torch" in p for p in core_problems)
    assert any("relu_anim.render.video" in p and "core layer may not depend on render" in p
               for p in core_problems)
    assert any("manim" in p for p in story_problems)
    assert not any("network" in p for p in story_problems)
    assert typed_problems == []


def test_the_visual_package_loads_manim_only_when_a_name_is_used():
    """``relu_anim.visual`` names its exports lazily; its ``TYPE_CHECKING`` imports (read by the render
    fingerprint) list exactly the lazy table, and importing the package, the theme or the render
    pipeline's names loads no manim."""
    import ast
    import subprocess
    import sys

    import relu_anim.visual as visual

    source = ast.parse((ROOT / "relu_anim" / "visual" / "__init__.py").read_text(encoding="utf-8"))
    declared = {alias.name: node.module for node in ast.walk(source) if isinstance(node, ast.ImportFrom)
                and node.level == 1 and node.module for alias in node.names}
    assert declared == visual._HOME
    assert set(visual.__all__) == set(visual._HOME)
    code = ("import sys, relu_anim.visual, relu_anim.visual.theme, relu_anim.visual.protocol, "
            "relu_anim.render.clips, relu_anim.render.preview; print('manim' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.stdout.strip() == "False", done.stderr
