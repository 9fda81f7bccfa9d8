"""Several manim processes can share one TeX cache (relu_anim.visual.tex)."""

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
from relu_anim.visual import tex

ROOT = Path(__file__).resolve().parents[1]


def test_compiling_holds_the_cache_lock(tmp_path, monkeypatch):
    """While manim compiles, another open of the lock file cannot take it."""
    seen = []

    def compile_(expression, environment, template):
        with open(tmp_path / "Tex" / ".lock", "a") as other:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        seen.append(expression)
        return tmp_path / "fake.svg"

    monkeypatch.setattr(tex, "_compile", compile_)
    with tempconfig({"tex_dir": str(tmp_path / "Tex")}):
        assert tex.locked_tex_to_svg_file("x^2") == tmp_path / "fake.svg"
    assert seen == ["x^2"]
    with open(tmp_path / "Tex" / ".lock", "a") as after:  # released afterwards
        fcntl.flock(after, fcntl.LOCK_EX | fcntl.LOCK_NB)


WORKER = """
import sys
from manim import MathTex, tempconfig
import relu_anim.visual
tag, tex_dir = sys.argv[1], sys.argv[2]
with tempconfig({"tex_dir": tex_dir}):
    for k in range(6):
        MathTex(rf"\\frac{{{k}}}{{{tag}}} + x_{{{k}}}")
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
