"""A beat rendered again on every save, from forks of a warm process (relu-anim preview --watch).

The watcher runs as a real process on the four-beat chapter of test_slices
(its scene file in a temporary folder) and reports each render on its output;
the test reads those lines to know when a render is done, edits the scene
file, and reads the next one.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

from relu_anim.render.chapters import REPO_ROOT
from relu_anim.render.preview import preview_beat

from .scenes import FakeChapter
from .test_slices import SCENE, frame_hashes

RUNAWAY = 300  # seconds: only a hung watcher takes this long

DRIVER = """
import signal
import sys
from pathlib import Path

from relu_anim.render.watch import watch_beat
from tests.scenes import FakeChapter

# Ctrl-C as a terminal delivers it: a suite started in the background by a shell without job
# control (`make test &`, nohup) inherits SIGINT ignored, and the watcher would never stop
signal.signal(signal.SIGINT, signal.default_int_handler)
chapter = FakeChapter("four", "Four", "Four beats", Path(sys.argv[1]))
try:
    watch_beat(chapter, sys.argv[2], "l", media_dir=Path(sys.argv[3]), poll=0.05,
               say=lambda text: print(text.splitlines()[0], flush=True))
except KeyboardInterrupt:
    sys.exit(130)
"""


def next_line(process: subprocess.Popen) -> str:
    ready, _, _ = select.select([process.stdout], [], [], RUNAWAY)
    assert ready, "the watcher said nothing"
    line = process.stdout.readline()
    assert line, f"the watcher ended (status {process.wait(timeout=RUNAWAY)})"
    return line.rstrip("\n")


def next_render(process: subprocess.Popen) -> str:
    """The next render's line (the watcher's other lines skipped)."""
    while True:
        line = next_line(process)
        if not line.startswith("preview: watching"):
            return line


def test_the_watcher_renders_again_after_each_save_as_a_fresh_process_would(tmp_path):
    scene = tmp_path / "four.py"
    scene.write_text(SCENE, encoding="utf-8")
    watcher = subprocess.Popen([sys.executable, "-c", DRIVER, str(scene), "Three", str(tmp_path / "media")],
                               cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        first = next_render(watcher)
        assert first.startswith("preview: ") and first.endswith(" s)"), first
        mp4 = Path(first.removeprefix("preview: ").rsplit(" (", 1)[0])
        watched = frame_hashes(mp4)
        fresh = preview_beat(FakeChapter("four", "Four", "Four beats", scene), "Three", "l",
                             media_dir=tmp_path / "fresh")
        assert watched == frame_hashes(fresh)  # a fork draws what a new process draws

        scene.write_text(SCENE.replace("A circle.", "A larger circle."), encoding="utf-8")
        second = next_render(watcher)
        assert second.rsplit(" (", 1)[0] == first.rsplit(" (", 1)[0], second  # the same preview file, again
        assert "A larger circle." in mp4.with_suffix(".srt").read_text(encoding="utf-8")

        scene.write_text(SCENE.replace("def construct(self):", "def construct(self):\n        1 / 0"),
                         encoding="utf-8")
        failed = next_render(watcher)
        assert failed.startswith("render: chapter 'four' failed"), failed
        assert watcher.poll() is None  # a failure after an edit: still watching

        scene.write_text(SCENE, encoding="utf-8")
        assert next_render(watcher).startswith("preview: ")
        assert frame_hashes(mp4) == watched  # back to the first scene, back to its frames
    finally:
        watcher.send_signal(signal.SIGINT)
        status = watcher.wait(timeout=RUNAWAY)
    assert status == 130


def test_a_wrong_beat_ends_the_watch_in_one_line_with_status_2():
    done = subprocess.run([sys.executable, "-m", "relu_anim", "preview", "relu_shift", "No such beat", "--watch"],
                          cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True,
                          text=True, timeout=RUNAWAY)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "has no beat" in lines[0] and "preview:" in lines[0]
