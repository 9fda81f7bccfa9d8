"""The bench scripts start, and refuse bad arguments the way argparse does.

A bench script is run by hand, seldom; one that no longer imports (a module
moved, a name renamed) goes unnoticed until somebody needs its figures. So each
one is started here with ``--help``, and a bad argument must end in argparse's
usage, one error line and exit status 2, before anything is computed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from .hostile import ROOT, TIMEOUT, cli_env

BENCH = ROOT / "bench"
#: Modules the scripts import, not scripts themselves.
HELPERS = {"arguments.py", "timing.py"}
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if p.name not in HELPERS)

sys.path.insert(0, str(BENCH))
from arguments import number_between, whole_number  # noqa: E402


def run_bench(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH / script), *args], cwd=ROOT, env=cli_env(),
                          capture_output=True, text=True, timeout=TIMEOUT)


def test_every_script_is_covered():
    """The list is the folder's: a new script is started by the test below without being named here."""
    assert {"render_scale.py", "morph_speed.py", "breakpoints.py"} <= set(SCRIPTS)
    assert all((BENCH / name).read_text().count("def main(") == 1 for name in SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_imports_and_answers_help(script):
    done = run_bench(script, "--help")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("usage: "), done.stdout[:200]


@pytest.mark.parametrize("script, args, says", [
    ("breakpoints.py", ["--repeats", "0"], r"--repeats: '0' is not a whole number from 1 to 1000"),
    ("regions.py", ["--grid", "99999"], r"--grid: '99999' is not a whole number from 2 to 2000"),
    ("fit_quality.py", ["--steps", "-5"], r"--steps: '-5' is not a whole number from 1 to 100000"),
    ("morph_speed.py", ["--naive-step", "0"], r"--naive-step: '0' is not a number from 0.0001 to 2"),
    ("morph_speed.py", ["--naive-step", "nan"], r"--naive-step: 'nan' is not a number"),
    ("render_scale.py", ["--sections", "jobs,nope"], r"unknown section\(s\) nope"),
    ("render_scale.py", ["--chapters", ","], r"--chapters ',' names no chapter"),
    ("video_floor.py", ["--chapters", "nope"], r"unknown chapter 'nope'"),
    ("encoder.py", ["--only", "no such setting"], r"--only 'no such setting' matches no setting"),
    ("encoder.py", ["--beats", "3:1"], r"expected START:STOP"),
])
def test_bad_arguments_end_in_usage_and_status_2(script, args, says):
    done = run_bench(script, *args)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("usage: ") and "Traceback" not in done.stderr, done.stderr[-2000:]
    error = [line for line in lines if line.startswith(f"{script}: error: ")]
    assert len(error) == 1, done.stderr
    assert done.stdout == ""  # nothing computed, nothing printed
    assert re.search(says, error[0]), error[0]


@given(st.integers(-10**6, 10**6), st.integers(-1000, 1000), st.integers(0, 1000))
def test_whole_number_accepts_exactly_its_range(value, low, width):
    parse = whole_number(low, low + width)
    if low <= value <= low + width:
        assert parse(str(value)) == value
    else:
        with pytest.raises(argparse.ArgumentTypeError, match=f"from {low} to {low + width}"):
            parse(str(value))


@pytest.mark.parametrize("text", ["", "1.5", "1e3", "0x10", "ten", "9" * 5000])
def test_whole_number_refuses_what_is_not_one(text):
    with pytest.raises(argparse.ArgumentTypeError):
        whole_number(-10**9, 10**9)(text)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_number_between_accepts_exactly_finite_values_in_range(value):
    parse = number_between(1e-4, 2.0)
    if 1e-4 <= value <= 2.0:
        assert parse(repr(value)) == value
    else:
        with pytest.raises(argparse.ArgumentTypeError):
            parse(repr(value))


@pytest.mark.parametrize("module, scene", [("morph_speed", "ExactMorph"), ("morph_speed", "NaiveRedraw"),
                                           ("morph_speed", "StillFloor")])
def test_the_morph_scenes_keep_the_chapter_rules_and_last_14_seconds(module, scene):
    """A bench scene is a ChapterScene: it must play under a narration (it once did not, and failed at once)."""
    from .scenes import storyboard

    bench = __import__(module)
    played = storyboard(getattr(bench, scene))
    assert [text for _, _, text in played.narration] and played.renderer.skip_animations
    expected = (len(bench.UNITS) - 1) * (bench.STEP_SECONDS + bench.HOLD_SECONDS)
    assert abs(played.time - expected) <= 1 / played.camera.frame_rate + 1e-9, played.time


def test_the_encoding_floor_scene_lasts_as_many_frames_as_asked(monkeypatch):
    from .scenes import storyboard

    import video_floor

    # more frames than the caption's reading time (about 2 s), which would otherwise lengthen the hold
    frames = 601
    monkeypatch.setenv(video_floor.FRAMES_ENV, str(frames))
    played = storyboard(video_floor.EncodingFloor)
    assert played.time > played.reading_time(played.narration[0][2])
    # a still wait writes int(seconds · fps) frames (the scene asks for half a frame more)
    assert int(played.time * played.camera.frame_rate) == frames, played.time
