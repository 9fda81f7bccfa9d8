"""Several manim processes can share one TeX and text cache (relu_anim.visual.caches)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from manim import MathTex, tempconfig

import relu_anim.visual  # noqa: F401  (installs the lock)
from relu_anim.visual import caches as tex

ROOT = Path(__file__).resolve().parents[1]


def test_compiling_holds_the_cache_lock(tmp_path, monkeypatch):
    """While manim compiles, another open of the lock file cannot take it."""
    seen = []

    def compile_(expression, environment, template):
        with open(tmp_path / "Tex.lock", "a") as other:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        seen.append(expression)
        return tmp_path / "fake.svg"

    monkeypatch.setattr(tex, "_compile", compile_)
    with tempconfig({"tex_dir": str(tmp_path / "Tex")}):
        assert tex.locked_tex_to_svg_file("x^2") == tmp_path / "fake.svg"
    assert seen == ["x^2"]
    with open(tmp_path / "Tex.lock", "a") as after:  # released afterwards
        fcntl.flock(after, fcntl.LOCK_EX | fcntl.LOCK_NB)


WORKER = """
import sys
from manim import MathTex, Text, tempconfig
import relu_anim.visual
tag, tex_dir = sys.argv[1], sys.argv[2]
with tempconfig({"tex_dir": tex_dir, "text_dir": tex_dir + "-texts"}):
    for k in range(6):
        MathTex(rf"\\frac{{{k}}}{{{tag}}} + x_{{{k}}}")
        Text(f"{tag} number {k}")
print("ok")
"""


def test_two_processes_compile_the_same_strings_into_one_cache(tmp_path):
    """Two renders needing the same new TeX strings at once both succeed, and share the SVGs."""
    tag = uuid.uuid4().hex[:8]  # strings no cache has seen
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, tag, str(tmp_path / "Tex")], cwd=tmp_path,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err[-2000:]
        assert out.strip().endswith("ok")
    assert len(list((tmp_path / "Tex").glob("*.svg"))) == 6
    assert len(list((tmp_path / "Tex-texts").glob("*.svg"))) == 6


def test_svg_parsing_does_not_use_a_shared_temporary_name(tmp_path):
    """manim's own parse writes <name>_.svg beside the SVG, which another process may delete
    mid-parse; ours never touches that name (here it is a folder, so writing it would fail)."""
    from manim import SVGMobject

    svg = tmp_path / "square.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                   '<rect x="0" y="0" width="10" height="10"/></svg>')
    (tmp_path / "square_.svg").mkdir()
    mob = SVGMobject(str(svg))
    assert len(mob.family_members_with_points()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["square.svg", "square_.svg"]


def test_text_layout_holds_the_text_cache_lock(tmp_path, monkeypatch):
    """Laying out a Text holds text_dir's lock, so no process reads a half-written SVG."""
    from manim import Text

    held = []
    original = Text._text2svg.__wrapped__

    def spy(self, *args, **kwargs):
        with open(tmp_path / "texts.lock", "a") as other:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.append(True)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Text._text2svg, "__wrapped__", spy)
    monkeypatch.setattr(Text, "_text2svg", tex._locked_text2svg(spy))
    with tempconfig({"text_dir": str(tmp_path / "texts")}):
        Text("locked")
    assert held == [True]


def test_a_cached_text_svg_is_never_rewritten(tmp_path):
    """manim rewrites a text SVG in place after every Text(); a reader in another process
    could then find it empty. The shared cache writes it once and leaves it alone."""
    from manim import Text

    with tempconfig({"text_dir": str(tmp_path / "texts")}):
        first = Text("written once")
        path = Path(first.file_name)
        before = (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
        Text("written once")
        after = (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
    assert after == before
    assert b'Z M' not in before  # the clean-up happened once, under the lock


def test_remove_last_move_is_idempotent_and_atomic(tmp_path):
    svg = tmp_path / "t.svg"
    svg.write_text('<path d="M 0 0 L 1 1 Z M 2 2 "/>')
    tex.remove_last_move(str(svg))
    assert svg.read_text() == '<path d="M 0 0 L 1 1 Z "/>'
    inode = svg.stat().st_ino
    tex.remove_last_move(str(svg))
    assert svg.stat().st_ino == inode  # clean already: not written again
    assert [p.name for p in tmp_path.iterdir()] == ["t.svg"]  # no temporary left behind
