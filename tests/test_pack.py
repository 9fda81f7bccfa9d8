"""The course pack, built from two tiny chapters and checked in a real Chromium.

The pack is built once (quality ``t``) from two three-second ChapterScene
chapters. Its files are checked directly (streamable MP4, VP9 WebM, captions,
beats, posters, GIFs, manifest hashes), then ``index.html`` is opened in
Debian's Chromium driven by Playwright — served by ``http.server`` on
127.0.0.1 and again from ``file://`` — and every video, track, chapter button
and transcript cue is exercised.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import av
import pytest
from playwright.sync_api import sync_playwright

from relu_anim.errors import ReluAnimError
from relu_anim.render.captions import parse_srt
from relu_anim.render.pack import GIF_LIMIT, build_pack

from .scenes import FakeChapter

CHROMIUM = "/usr/bin/chromium"

SCENE = '''
from manim import Circle, Create, Square, Transform
from relu_anim.visual import ChapterScene


class {scene}(ChapterScene):
    def construct(self):
        self.beat("A square")
        square = Square()
        self.narrate("{first}", Create(square), run_time=1.0, wait=0.2, fill=False)
        self.beat("A circle")
        self.narrate("It turns round.", Transform(square, Circle()), run_time=1.0, wait=0.2, fill=False)
        self.narrate("That is all.", square.animate.shift([1, 0, 0]), run_time=0.6, wait=0.2, fill=False)
'''


@pytest.fixture(scope="module")
def chapters(tmp_path_factory) -> list[FakeChapter]:
    folder = tmp_path_factory.mktemp("scenes")
    made = []
    for name, scene, title, first in (("alpha", "Alpha", "Alpha & <one>", "First, a square."),
                                      ("beta", "Beta", "Beta", "Again a square.")):
        (folder / f"{name}.py").write_text(SCENE.format(scene=scene, first=first))
        made.append(FakeChapter(name, scene, title, folder / f"{name}.py"))
    return made


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def pack(chapters, media) -> Path:
    return build_pack("t", "dark", chapters=chapters, progress=False, media_dir=media)


@pytest.fixture(scope="module")
def manifest(pack) -> dict:
    return json.loads((pack / "manifest.json").read_text())


# ------------------------------------------------------------------ the files
def _top_level_boxes(path: Path) -> list[str]:
    data, boxes, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        boxes.append(data[at + 4:at + 8].decode("ascii"))
        at += size if size >= 8 else len(data)
    return boxes


def test_every_file_of_the_pack_is_there(pack):
    names = {p.relative_to(pack).as_posix() for p in pack.rglob("*") if p.is_file()}
    for stem in ("01-alpha", "02-beta"):
        for ext in (".mp4", ".webm", ".vtt", ".srt", ".chapters.vtt", ".jpg", ".gif"):
            assert stem + ext in names
        assert f"embed/{stem}.html" in names
    for ext in (".mp4", ".vtt", ".srt", ".chapters.vtt"):
        assert "relu_explainer" + ext in names
    assert {"index.html", "manifest.json"} <= names
    assert not [p for p in pack.parent.iterdir() if ".building-" in p.name or ".old-" in p.name]


def test_mp4s_stream_and_webms_are_vp9(pack):
    for mp4 in pack.glob("*.mp4"):
        boxes = _top_level_boxes(mp4)
        assert boxes.index("moov") < boxes.index("mdat"), mp4.name  # index first: plays while downloading
        with av.open(str(mp4)) as c:
            v = c.streams.video[0]
            assert (v.codec_context.name, v.codec_context.pix_fmt) == ("h264", "yuv420p")
    for webm in pack.glob("*.webm"):
        with av.open(str(webm)) as c, av.open(str(webm.with_suffix(".mp4"))) as m:
            assert c.streams.video[0].codec_context.name == "vp9"
            frames = sum(1 for _ in c.decode(video=0))
            assert frames == sum(1 for _ in m.decode(video=0))


def test_captions_beats_posters_and_previews(pack, manifest):
    for entry in manifest["chapters"]:
        stem = entry["id"]
        srt = parse_srt((pack / f"{stem}.srt").read_text())
        vtt = (pack / f"{stem}.vtt").read_text()
        assert vtt.startswith("WEBVTT") and vtt.count(" --> ") == len(srt) == 3
        beats = (pack / f"{stem}.chapters.vtt").read_text()
        assert beats.count(" --> ") == len(entry["beats"]) == 2
        assert [b["title"] for b in entry["beats"]] == ["A square", "A circle"]
        with av.open(str(pack / f"{stem}.jpg")) as poster:
            frame = next(poster.decode(video=0)).to_ndarray(format="gray")
        assert frame.std() > 5  # a frame with a drawing on it, not an empty one
        assert (pack / f"{stem}.gif").stat().st_size <= GIF_LIMIT


def test_manifest_lists_every_file_with_its_hash(pack, manifest):
    files = {p.relative_to(pack).as_posix() for p in pack.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == files
    for name, meta in manifest["files"].items():
        data = (pack / name).read_bytes()
        assert meta == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert manifest["theme"] == "dark" and manifest["quality"] == "t"
    assert [c["title"] for c in manifest["chapters"]] == ["Alpha & <one>", "Beta"]
    assert manifest["duration"] == pytest.approx(sum(c["duration"] for c in manifest["chapters"]), abs=1e-3)


# ------------------------------------------------------------------ bad input
def test_a_failed_build_leaves_the_previous_pack_untouched(pack, chapters, media, tmp_path):
    before = {p: p.read_bytes() for p in pack.rglob("*") if p.is_file()}
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('broken chapter')\n")
    bad = FakeChapter("broken", "Broken", "Broken", broken)
    with pytest.raises(ReluAnimError, match="chapter 'broken' failed"):
        build_pack("t", "dark", chapters=[chapters[0], bad], progress=False, media_dir=media, out=pack)
    assert {p: p.read_bytes() for p in pack.rglob("*") if p.is_file()} == before
    assert not [p for p in pack.parent.iterdir() if ".building-" in p.name]


def test_an_output_that_cannot_be_a_folder_is_refused_in_one_line(chapters, media, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ReluAnimError) as err:
        build_pack("t", "dark", chapters=chapters, progress=False, media_dir=media, out=blocker / "pack")
    assert "\n" not in str(err.value)
    assert str(err.value) == f"pack: {blocker / 'pack'}: cannot be built there ({blocker} is not a folder one can write in)"
    with pytest.raises(ReluAnimError, match="unknown theme"):
        build_pack("t", "sepia", chapters=chapters, progress=False, media_dir=media)


# ------------------------------------------------------------------ in Chromium
class _StaticHost(http.server.SimpleHTTPRequestHandler):
    """http.server with byte ranges, as every static host serves video (browsers seek with them)."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if match is None or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        if start > end:
            self.send_error(416)
            return None
        with path.open("rb") as f:
            f.seek(start)
            data = f.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return io.BytesIO(data)


@pytest.fixture(scope="module")
def server(pack):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_StaticHost, directory=str(pack)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
        yield chromium
        chromium.close()


_VIDEOS = """() => Promise.all([...document.querySelectorAll('video')].map(v => new Promise((done, fail) => {
  setTimeout(() => fail(new Error('no metadata or cues after 30 s: ' + v.currentSrc)), 30000);
  const report = () => done({duration: v.duration, tracks: [...v.textTracks].map(t => [t.kind, t.mode, t.cues ? t.cues.length : -1])});
  const ready = () => [...v.textTracks].every(t => t.cues !== null) ? report() : setTimeout(ready, 20);
  if (v.readyState >= 1) ready(); else v.addEventListener('loadedmetadata', ready, {once: true});
})))"""

_SEEK = """(to) => Promise.all([...document.querySelectorAll('video')].map(v => new Promise((done, fail) => {
  setTimeout(() => fail(new Error('no seek after 30 s: ' + v.currentSrc)), 30000);
  v.addEventListener('seeked', () => done(v.currentTime), {once: true}); v.currentTime = to;
})))"""


@pytest.mark.parametrize("where", ["http", "file"])
def test_the_page_plays_seeks_and_follows_in_chromium(where, pack, manifest, server, browser):
    url = f"{server}/index.html" if where == "http" else (pack / "index.html").as_uri()
    page = browser.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    assert page.evaluate("document.documentElement.lang") == "en"
    videos = page.evaluate(_VIDEOS)
    expected = [manifest["duration"], *[c["duration"] for c in manifest["chapters"]]]
    assert [v["duration"] for v in videos] == pytest.approx(expected, abs=0.1)
    srt_counts = [len(parse_srt((pack / f"{stem}.srt").read_text()))
                  for stem in ["relu_explainer", *[c["id"] for c in manifest["chapters"]]]]
    beat_counts = [len(manifest["chapters"]), *[len(c["beats"]) for c in manifest["chapters"]]]
    for video, cues, beats in zip(videos, srt_counts, beat_counts):
        assert video["tracks"] == [["captions", "showing", cues], ["chapters", "hidden", beats]]
    assert page.evaluate(_SEEK, 1.0) == pytest.approx([1.0] * len(videos), abs=0.25)
    # a chapter button and a transcript cue of the second chapter's player seek to their start
    section = page.locator("section[data-video='02-beta']")
    beat = manifest["chapters"][1]["beats"][1]
    section.locator("nav button").nth(1).click()
    assert section.locator("video").evaluate("v => v.currentTime") == pytest.approx(beat["start"], abs=0.05)
    cue = parse_srt((pack / "02-beta.srt").read_text())[2]
    section.locator(".transcript button").nth(2).click()
    assert section.locator("video").evaluate("v => v.currentTime") == pytest.approx(cue[0] / 1000, abs=0.05)
    page.wait_for_function("document.querySelector(\"section[data-video='02-beta'] .transcript button.now\") !== null")
    assert "That is all." in section.locator(".transcript button.now").inner_text()
    # keyboard: the chapter buttons are reachable and work with Enter
    section.locator("nav button").first.focus()
    page.keyboard.press("Enter")
    assert section.locator("video").evaluate("v => v.currentTime") == pytest.approx(0.0, abs=0.05)
    assert errors == []
    allowed = ("http://127.0.0.1:", "file://", "data:")
    assert all(r.startswith(allowed) for r in requests), [r for r in requests if not r.startswith(allowed)]
    if where == "http":
        assert any(urlparse(r).path.endswith(".mp4") for r in requests)
        page.screenshot(path=str(pack.parent / "pack-screenshot.png"), full_page=False)
    page.close()


def test_embed_pages_play_their_chapter(pack, manifest, server, browser):
    for entry in manifest["chapters"]:
        page = browser.new_page()
        page.goto(f"{server}/embed/{entry['id']}.html")
        (video,) = page.evaluate(_VIDEOS)
        assert video["duration"] == pytest.approx(entry["duration"], abs=0.1)
        assert video["tracks"][0][:2] == ["captions", "showing"]
        page.close()
