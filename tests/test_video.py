"""The render pipeline on tiny throwaway chapters (not the real ones).

Two one-second scenes are rendered once at -ql into a temporary media folder and
joined; the tests read the joined video, its chapter markers, the WebVTT chapters
and the combined subtitles. Clips with other codec settings or with sound are
made directly with PyAV, which is much faster than manim.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from relu_anim import ReluAnimError
from relu_anim.render.chapter import render_chapter
from relu_anim.render.clips import MANIM_FLAGS, QUALITIES, ChapterClip, chapter_outputs
from relu_anim.render.join import join_clips
from relu_anim.render.chapters import REPO_ROOT
from relu_anim.render.fingerprint import is_up_to_date, load_state
from relu_anim.render.video import VIDEO_NAME, render_video

from .scenes import FakeChapter

FPS = 15  # -ql
FRAME = 1 / FPS

SCENE = """\
from manim import *


class {scene}(Scene):
    def construct(self):
        self.add({shape}())
        self.add_subcaption({caption!r}, duration={caption_seconds})
        self.wait({seconds})
"""

FAILING_SCENE = """\
from manim import *


class Broken(Scene):
    def construct(self):
        self.wait(0.2)
        raise RuntimeError("boom in the broken scene")
"""


def write_scene(folder: Path, name: str, scene: str, title: str, **kw) -> FakeChapter:
    fields = {"shape": "Square", "caption": "hello", "caption_seconds": 1, "seconds": 1, **kw}
    path = folder / f"{name}.py"
    path.write_text(SCENE.format(scene=scene, **fields), encoding="utf-8")
    return FakeChapter(name, scene, title, path)


def outputs(media: Path) -> tuple[Path, Path, Path]:
    return tuple(media / f"{VIDEO_NAME}{ext}" for ext in (".mp4", ".srt", ".chapters.vtt"))


def mtimes(*paths: Path) -> list[int]:
    return [p.stat().st_mtime_ns for p in paths]


def srt_cues(path: Path) -> list[tuple[str, str, str, str]]:
    pattern = r"(\d+)\n(\S+) --> (\S+)\n(.+?)\n(?:\n|$)"
    return re.findall(pattern, path.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture(scope="module")
def chapters(tmp_path_factory) -> list[FakeChapter]:
    folder = tmp_path_factory.mktemp("scenes")
    return [
        write_scene(folder, "first", "First", "The first chapter"),
        write_scene(
            folder, "second", "Second", "Second & <last>",
            shape="Circle", caption="world", caption_seconds=0.5, seconds=1.4,
        ),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def media(tmp_path_factory, chapters) -> Path:
    """A media folder where both chapters were rendered and joined, once."""
    media = tmp_path_factory.mktemp("media")
    render_video("l", chapters=chapters, progress=False, media_dir=media)
    return media


@pytest.fixture(scope="module")
def clips(media, chapters) -> list[ChapterClip]:
    return [render_chapter(ch, "l", media_dir=media) for ch in chapters]


# --------------------------------------------------------------------------- #
# quality and output paths
# --------------------------------------------------------------------------- #


def test_qualities_are_manims_output_folders():
    from manim.constants import QUALITIES as MANIM

    folders = {q["flag"]: f"{q['pixel_height']}p{q['frame_rate']}" for q in MANIM.values()}
    for flag, folder in QUALITIES.items():
        if flag != "t":  # the thumbnail quality is ours, not manim's
            assert folders[flag] == folder
    assert MANIM_FLAGS["t"][MANIM_FLAGS["t"].index("--resolution") + 1] == "320,180"
    assert QUALITIES["t"] == "180p5"


def test_clips_land_where_chapter_outputs_says(media, chapters, clips):
    for ch, clip in zip(chapters, clips):
        mp4, srt = chapter_outputs(ch, "l", media_dir=media)
        assert mp4 == media / "videos" / ch.name / "480p15" / f"{ch.scene}.mp4"
        assert (clip.mp4, clip.srt) == (mp4, srt)
        assert mp4.is_file() and srt.is_file()
    assert [c.duration for c in clips] == pytest.approx([1.0, 1.4], abs=FRAME)


@pytest.mark.parametrize("quality", ["x", "", "p", "L"])
def test_unknown_quality_is_refused(quality, chapters, tmp_path):
    message = f"quality: expected one of l, m, h, k, t (got {quality!r})"
    with pytest.raises(ReluAnimError, match=re.escape(message)):
        render_video(quality, chapters=chapters, progress=False, media_dir=tmp_path)
    with pytest.raises(ReluAnimError, match=re.escape(message)):
        render_chapter(chapters[0], quality, media_dir=tmp_path)
    assert not list(tmp_path.iterdir())  # refused before anything was rendered


# --------------------------------------------------------------------------- #
# the joined video
# --------------------------------------------------------------------------- #


def test_joined_video_is_the_clips_end_to_end(media, clips):
    with av.open(str(outputs(media)[0])) as joined:
        video = joined.streams.video[0]
        duration = float(video.duration * video.time_base)
        frames = sum(1 for p in joined.demux(video) if p.dts is not None)
        size = (video.codec_context.width, video.codec_context.height)
        codec = video.codec_context.name
        assert len(joined.streams.audio) == 0
    assert duration == pytest.approx(sum(c.duration for c in clips), abs=FRAME)
    assert frames == round(sum(c.duration for c in clips) * FPS)
    assert (codec, size) == ("h264", (854, 480))


def test_joined_video_decodes_every_frame(media, clips):
    with av.open(str(outputs(media)[0])) as joined:
        times = [frame.time for frame in joined.decode(video=0)]
    assert len(times) == round(sum(c.duration for c in clips) * FPS)
    assert np.all(np.diff(times) > 0)
    assert times[-1] == pytest.approx(sum(c.duration for c in clips) - FRAME, abs=1e-3)


def test_chapter_markers_are_embedded(media, chapters, clips):
    with av.open(str(outputs(media)[0])) as joined:
        markers = joined.chapters()
    assert [m["metadata"]["title"] for m in markers] == [ch.title for ch in chapters]
    starts = [float(m["start"] * m["time_base"]) for m in markers]
    ends = [float(m["end"] * m["time_base"]) for m in markers]
    first = clips[0].duration
    assert starts == pytest.approx([0.0, first], abs=1e-3)
    assert ends == pytest.approx([first, first + clips[1].duration], abs=1e-3)


def test_webvtt_chapters(media):
    text = outputs(media)[2].read_text(encoding="utf-8")
    assert text == (
        "WEBVTT\n"
        "\n"
        "first\n"
        "00:00:00.000 --> 00:00:01.000\n"
        "The first chapter\n"
        "\n"
        "second\n"
        "00:00:01.000 --> 00:00:02.400\n"
        "Second &amp; &lt;last&gt;\n"
    )


def test_combined_subtitles_follow_the_joined_video(media, clips):
    assert clips[0].duration == pytest.approx(1.0, abs=1e-9)
    assert srt_cues(outputs(media)[1]) == [
        ("1", "00:00:00,000", "00:00:01,000", "hello"),
        ("2", "00:00:01,000", "00:00:01,500", "world"),
    ]


def test_chapter_without_subtitles_contributes_none(clips, tmp_path):
    silent_first = [replace(clips[0], srt=None), clips[1]]
    mp4, srt, vtt = outputs(tmp_path)
    join_clips(silent_first, mp4, srt, vtt)
    assert srt_cues(srt) == [("1", "00:00:01,000", "00:00:01,500", "world")]


def test_join_leaves_no_temporary_files(clips, tmp_path):
    join_clips(clips, *outputs(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in outputs(tmp_path))


def test_join_needs_clips(tmp_path):
    with pytest.raises(ReluAnimError, match="no chapters"):
        join_clips([], *outputs(tmp_path))


# --------------------------------------------------------------------------- #
# up to date: nothing rendered or joined again
# --------------------------------------------------------------------------- #


def test_second_run_renders_nothing(media, chapters):
    def run() -> Path:
        return render_video("l", chapters=chapters, progress=False, media_dir=media)

    run()  # in sync, even if relu_anim/*.py was edited since the fixture ran
    clip_files = [chapter_outputs(ch, "l", media_dir=media)[0] for ch in chapters]
    before = mtimes(*clip_files, *outputs(media))
    assert run() == outputs(media)[0]
    assert mtimes(*clip_files, *outputs(media)) == before
    assert [render_chapter(ch, "l", media_dir=media).rendered for ch in chapters] == [False] * 2


def test_other_chapter_list_joins_again(media, chapters, tmp_path):
    copy = tmp_path / "media"
    shutil.copytree(media, copy)  # keeps mtimes: the copy is up to date too
    out = outputs(copy)
    before = mtimes(*out)
    render_video("l", chapters=chapters, progress=False, media_dir=copy)
    assert mtimes(*out) == before
    render_video("l", chapters=chapters[:1], progress=False, media_dir=copy)
    with av.open(str(out[0])) as joined:
        assert [m["metadata"]["title"] for m in joined.chapters()] == [chapters[0].title]


@pytest.fixture
def lone_chapter(tmp_path) -> FakeChapter:
    """A chapter rendered once in its own media folder ``tmp_path / 'media'``."""
    ch = write_scene(tmp_path, "lone", "Lone", "Alone")
    assert render_chapter(ch, "l", media_dir=tmp_path / "media").rendered
    return ch


def test_changing_the_scene_renders_again(lone_chapter, tmp_path):
    media = tmp_path / "media"
    assert not render_chapter(lone_chapter, "l", media_dir=media).rendered
    write_scene(tmp_path, "lone", "Lone", "Alone", seconds=0.6)
    clip = render_chapter(lone_chapter, "l", media_dir=media)
    assert clip.rendered
    assert clip.duration == pytest.approx(0.6, abs=FRAME)
    assert not render_chapter(lone_chapter, "l", media_dir=media).rendered


def test_changing_the_theme_or_forcing_renders_again(lone_chapter, tmp_path, monkeypatch):
    media = tmp_path / "media"
    monkeypatch.setenv("RELU_ANIM_THEME", "light")
    assert render_chapter(lone_chapter, "l", media_dir=media).rendered
    assert render_chapter(lone_chapter, "l", media_dir=media, force=True).rendered


def test_a_clip_replaced_behind_our_back_renders_again(lone_chapter, tmp_path):
    media = tmp_path / "media"
    mp4, _ = chapter_outputs(lone_chapter, "l", media_dir=media)
    mp4.write_bytes(b"not the clip we rendered")
    clip = render_chapter(lone_chapter, "l", media_dir=media)
    assert clip.rendered and clip.duration == pytest.approx(1.0, abs=FRAME)


# --------------------------------------------------------------------------- #
# failures
# --------------------------------------------------------------------------- #


def test_failing_scene_names_the_chapter_and_its_log(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text(FAILING_SCENE, encoding="utf-8")
    ch = FakeChapter("broken", "Broken", "Broken", path)
    with pytest.raises(ReluAnimError) as err:
        render_video("l", chapters=[ch], progress=False, media_dir=tmp_path / "media")
    message = str(err.value)
    assert message.startswith("render: chapter 'broken' failed")
    log = tmp_path / "media" / "logs" / "render-broken-l.log"
    assert str(log) in message and log.is_file()
    assert "boom in the broken scene" in message  # the log's last lines


TEX_SCENE = """\
from manim import *
import relu_anim.visual.hooks  # the shared, locked TeX cache


class {scene}(Scene):
    def construct(self):
        self.add(MathTex(r"c + \\sum_i a_i \\, \\mathrm{{ReLU}}(x - h_i)", r"{own}"))
        self.wait(0.4)
"""


def test_concurrent_renders_of_chapters_sharing_tex_succeed(tmp_path):
    """Two chapters compile the same TeX into one cold cache at the same time, as --jobs 2 does."""
    chapters = []
    for name, own in (("left", "y_1"), ("right", "y_2")):
        path = tmp_path / f"{name}.py"
        path.write_text(TEX_SCENE.format(scene=name.title(), own=own), encoding="utf-8")
        chapters.append(FakeChapter(name, name.title(), name, path))
    media = tmp_path / "media"
    out = render_video("l", chapters=chapters, progress=False, jobs=2, media_dir=media)
    assert out.is_file()
    state = load_state(media)["chapters"]
    assert {key.split("|")[0] for key in state} == {"left", "right"}  # neither record lost the other
    assert all(is_up_to_date(ch, "l", REPO_ROOT, media) for ch in chapters)
    assert sorted(p.name for p in (media / "Tex").glob("*.svg"))  # compiled once, shared


def test_one_job_and_two_jobs_give_the_same_frames(chapters, media, tmp_path):
    serial = render_video("l", chapters=chapters, progress=False, jobs=1, force=True, media_dir=tmp_path)

    def frames(path: Path) -> list[str]:
        with av.open(str(path)) as container:
            return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest()
                    for f in container.decode(video=0)]

    assert frames(serial) == frames(outputs(media)[0])


@pytest.mark.parametrize("jobs", [0, -1, True, 1.5])
def test_jobs_must_be_a_whole_number_of_at_least_one(jobs, chapters, tmp_path):
    with pytest.raises(ReluAnimError, match="jobs must be a whole number of at least 1"):
        render_video("l", chapters=chapters, progress=False, jobs=jobs, media_dir=tmp_path)
    assert not list(tmp_path.iterdir())


def encode_clip(
    path: Path,
    *,
    codec: str = "libx264",
    size: tuple[int, int] = (854, 480),
    fps: int = FPS,
    frames: int = FPS,
    audio: bool = False,
) -> Path:
    """A clip of grey frames (and silence), made with PyAV."""
    with av.open(str(path), "w") as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        sound = out.add_stream("aac", rate=44100, layout="mono") if audio else None
        for i in range(frames):
            image = np.full((size[1], size[0], 3), 40 + 3 * i, dtype=np.uint8)
            out.mux(video.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(video.encode())
        if sound is not None:
            samples = 44100 * frames // fps
            for start in range(0, samples, 1024):
                frame = av.AudioFrame.from_ndarray(
                    np.zeros((1, min(1024, samples - start)), dtype=np.float32),
                    format="fltp",
                    layout="mono",
                )
                frame.sample_rate, frame.pts = 44100, start
                out.mux(sound.encode(frame))
            out.mux(sound.encode())
    return path


def made_clip(path: Path, name: str, **kw) -> ChapterClip:
    ch = FakeChapter(name, name.title(), name.title(), Path(f"{name}.py"))
    return ChapterClip(ch, encode_clip(path / f"{name}.mp4", **kw), None, 1.0)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"size": (640, 360)}, "width 640"),
        ({"size": (854, 240)}, "height 240"),
        ({"fps": 30, "frames": 30}, "fps 30"),
        ({"codec": "mpeg4"}, "codec mpeg4"),
    ],
)
def test_mismatched_clips_are_refused(clips, tmp_path, settings, field):
    other = made_clip(tmp_path, "other", **settings)
    with pytest.raises(ReluAnimError, match=f"chapter 'other' has {field} but chapter 'first'"):
        join_clips([clips[0], other], *outputs(tmp_path))
    assert not outputs(tmp_path)[0].exists()


def test_sound_is_carried_when_every_chapter_has_it(tmp_path):
    loud = [made_clip(tmp_path, name, audio=True) for name in ("one", "two")]
    mp4 = join_clips(loud, *outputs(tmp_path))
    with av.open(str(mp4)) as joined:
        audio = joined.streams.audio[0]
        assert float(audio.duration * audio.time_base) == pytest.approx(2.0, abs=0.05)
        assert float(joined.streams.video[0].duration * joined.streams.video[0].time_base) == (
            pytest.approx(2.0, abs=FRAME)
        )
        assert sum(1 for _ in joined.decode(audio=0)) > 0


def test_sound_in_some_chapters_only_is_refused(tmp_path):
    mixed = [made_clip(tmp_path, "one", audio=True), made_clip(tmp_path, "two")]
    with pytest.raises(ReluAnimError, match="'two' have none"):
        join_clips(mixed, *outputs(tmp_path))


def test_time_bases_are_exact():
    # chapter markers are in milliseconds; the clips' starts are exact fractions
    from relu_anim.render.join import _bounds, _chapter_markers

    bounds = _bounds([Fraction(41, 1), Fraction(3, 15)])
    markers = _chapter_markers(["a", "b"], bounds)
    assert [(m["start"], m["end"]) for m in markers] == [(0, 41000), (41000, 41200)]


def test_missing_scene_file_names_the_chapter(tmp_path):
    ch = FakeChapter("ghost", "Ghost", "Ghost", tmp_path / "ghost.py")
    with pytest.raises(ReluAnimError, match="chapter 'ghost': no scene file"):
        render_video("l", chapters=[ch], progress=False, media_dir=tmp_path)


def test_two_commands_rendering_one_chapter_at_once_render_it_once(tmp_path):
    """Two renders of the same chapter into one media folder (two commands at once) would overwrite each
    other's partial movies; the second waits for the first and reuses its clip."""
    ch = write_scene(tmp_path, "twice", "Twice", "Twice")
    media = tmp_path / "media"
    start = threading.Barrier(2)

    def render() -> ChapterClip:
        start.wait()
        return render_chapter(ch, "l", media_dir=media)

    with ThreadPoolExecutor(max_workers=2) as pool:
        clips = list(pool.map(lambda _: render(), range(2)))
    assert sorted(clip.rendered for clip in clips) == [False, True]
    assert clips[0].mp4 == clips[1].mp4 and clips[0].duration == clips[1].duration
    assert is_up_to_date(ch, "l", REPO_ROOT, media)
