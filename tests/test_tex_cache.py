"""Several manim processes can share one TeX and text cache (relu_anim.visual.caches)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest
import manim.mobject.text.numbers as numbers
import manim.utils.tex_file_writing as tex_file_writing
from manim import DecimalNumber, MathTex, Tex, tempconfig

import relu_anim.visual.hooks  # noqa: F401  (installs the lock)
from relu_anim.visual import caches as tex
from relu_anim.visual import tex_batch
from relu_anim.visual.caches import recording
from relu_anim.visual.protocol import TEX_STRINGS_NAME

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
import relu_anim.visual.hooks  # what a chapter gets from any relu_anim.visual name it uses
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


# ----------------------------------------------------------------- batches
BATCHED = [  # what the chapters typeset: maths, text, fractions, sums, digits, a Tex paragraph
    lambda: MathTex(r"y = 1.6\,\mathrm{ReLU}(x - 0.4) + 0.08"),
    lambda: MathTex(r"\text{best possible } \tfrac{2}{(2n+1)^2}", "=", r"4.95 \times 10^{-5}"),
    lambda: MathTex(r"y = c + \sum_{i=1}^{n} a_i\,\mathrm{ReLU}(x - h_i)"),
    lambda: DecimalNumber(-12.5, num_decimal_places=1),
    lambda: Tex(r"$n$ kinks: $n+1$ pieces"),
]


def _points(make, tex_dir):
    with tempconfig({"tex_dir": str(tex_dir)}):
        return [m.points.copy() for m in make().family_members_with_points()]


def test_a_batch_compiles_what_manim_would_and_the_glyphs_are_the_same(tmp_path, monkeypatch):
    """The strings compiled as pages of one document give the same outlines, point for point,
    as manim's one-document-per-string compile; afterwards manim compiles nothing more."""
    numbers.string_to_mob_map.clear()  # DecimalNumber's glyphs: typeset again in each folder
    with tempconfig({"tex_dir": str(tmp_path / "single")}), recording() as used:
        singles = [[m.points.copy() for m in make().family_members_with_points()] for make in BATCHED]
    strings = list(used)
    assert len(strings) >= 9  # five mobjects, the number's four glyphs

    latex_runs = []
    real = tex_file_writing.compile_tex
    monkeypatch.setattr(tex_file_writing, "compile_tex", lambda *a: latex_runs.append(a) or real(*a))
    numbers.string_to_mob_map.clear()
    with tempconfig({"tex_dir": str(tmp_path / "batch")}):
        assert tex_batch.compile_batch(strings) == len(strings)
        assert tex_batch.compile_batch(strings) == 0  # all cached now
        batched = [[m.points.copy() for m in make().family_members_with_points()] for make in BATCHED]
    numbers.string_to_mob_map.clear()
    assert latex_runs == []  # manim found every string compiled
    for one, many in zip(singles, batched, strict=True):
        assert len(one) == len(many)
        for a, b in zip(one, many):
            np.testing.assert_array_equal(a, b)
    assert {p.name for p in (tmp_path / "batch").iterdir()} == {p.name for p in (tmp_path / "single").iterdir()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch", "batch.lock", "single", "single.lock"]


def test_a_batch_with_a_string_tex_rejects_leaves_every_string_to_manim(tmp_path):
    with tempconfig({"tex_dir": str(tmp_path / "Tex")}):
        assert tex_batch.compile_batch([("x^2", "align*"), (r"\undefinedmacro{", "align*")]) == 0
    assert not list((tmp_path / "Tex").glob("*.svg"))


def test_warm_reads_the_chapter_list_beside_the_scene_file(tmp_path):
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    (scenes / "demo.py").write_text("")
    with tempconfig({"tex_dir": str(tmp_path / "Tex")}):
        assert tex_batch.warm(scenes / "demo.py") == 0  # no list: nothing, no error
        (scenes / TEX_STRINGS_NAME).write_text("{not json")
        assert tex_batch.warm(scenes / "demo.py") == 0
        (scenes / TEX_STRINGS_NAME).write_text('{"demo": [["a", 1, 2]]}')
        assert tex_batch.warm(scenes / "demo.py") == 0
        (scenes / TEX_STRINGS_NAME).write_text(json.dumps({"demo": [["x^2", "align*"], ["y", "align*"]],
                                                                  "other": [["z", "align*"]]}))
        assert tex_batch.warm(scenes / "demo.py") == 2
        assert tex_batch.warm(scenes / "demo.py") == 0
        (scenes / TEX_STRINGS_NAME).unlink()
        os.mkfifo(scenes / TEX_STRINGS_NAME)  # nobody writes: reading it would block forever
        assert tex_batch.warm(scenes / "demo.py") == 0
        (scenes / TEX_STRINGS_NAME).unlink()
        (scenes / TEX_STRINGS_NAME).symlink_to("/dev/zero")  # endless
        assert tex_batch.warm(scenes / "demo.py") == 0
        (scenes / TEX_STRINGS_NAME).unlink()
        (scenes / TEX_STRINGS_NAME).write_text(json.dumps({"demo": [["w", "align*"]]})
                                                      + " " * tex_batch.MAX_MANIFEST_BYTES)
        assert tex_batch.warm(scenes / "demo.py") == 0  # too big: not read
    assert len(list((tmp_path / "Tex").glob("*.svg"))) == 2
