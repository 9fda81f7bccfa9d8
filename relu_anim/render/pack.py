"""The course pack: the explainer ready for web pages, course platforms and lectures.

:func:`build_pack` (``relu-anim pack``, ``make pack``) renders what is not up to
date, then writes ``media/pack/`` (``media/pack-light/`` for the light theme).
For each chapter ``NN-name``: ``.mp4`` (H.264, yuv420p, index first so it streams),
``.webm`` (VP9), ``.vtt`` and ``.srt`` captions, ``.chapters.vtt`` (a cue per
beat), ``.jpg`` poster, ``.gif`` looping preview (at most 3 MB); for the film:
``relu_explainer.mp4`` with its chapters, ``.vtt``, ``.srt``, ``.chapters.vtt``;
``index.html`` and ``embed/NN-name.html`` (:mod:`relu_anim.render.page`); and
``manifest.json`` (title, version, quality, theme, chapters with beats, every
file with its bytes and sha256).

The pack is written into a temporary folder beside the target and moved into
place only when complete: an interrupted or failed build leaves the previous
pack as it was.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from fractions import Fraction
from importlib import metadata
from pathlib import Path
from typing import Iterator, Sequence

import av

from ..errors import ReluAnimError
from ..io.atomic import atomic_folder, check_folder_target
from ..visual.theme import THEME_ENV, theme_named
from .captions import beat_chapters_vtt, milliseconds, parse_srt, srt_to_vtt
from .chapters import CHAPTERS, REPO_ROOT
from .clips import ChapterClip, ChapterLike, check_quality, media_folder, story_path
from .join import join_clips
from .page import PageVideo, embed_page, index_page, manifest_text
from .stills import save_gif, save_still
from .video import INFLIGHT_ENCODERS, VIDEO_NAME, render_chapters

__all__ = ["GIF_LIMIT", "PACK_TITLE", "build_pack", "pack_folder"]

#: The title of the pack's page and manifest.
PACK_TITLE = "Why ReLU makes neural networks non-linear"
#: A chapter's preview GIF is at most this many bytes.
GIF_LIMIT = 3 * 1024 * 1024
#: Seconds of a chapter in its preview GIF.
_GIF_SECONDS = 6.0


def pack_folder(theme: str, media_dir: Path) -> Path:
    """Where the pack of ``theme`` goes: ``media/pack`` (dark) or ``media/pack-light``.

    Examples
    --------
    >>> pack_folder("light", Path("media")).as_posix()
    'media/pack-light'
    """
    return media_dir / ("pack" if theme == "dark" else f"pack-{theme}")


@contextmanager
def _theme(theme: str) -> Iterator[None]:
    previous = os.environ.get(THEME_ENV)
    os.environ[THEME_ENV] = theme
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(THEME_ENV, None)
        else:
            os.environ[THEME_ENV] = previous


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _webm(mp4: Path, out: Path) -> None:
    """Re-encode ``mp4`` as VP9 in WebM (same size and frame rate, no sound)."""
    with av.open(str(mp4)) as source, av.open(str(out), "w", format="webm") as target:
        video = source.streams.video[0]
        stream = target.add_stream("libvpx-vp9", rate=video.average_rate)
        stream.width, stream.height, stream.pix_fmt = video.width, video.height, "yuv420p"
        # constant quality, the encoder's fastest good setting: these are flat diagrams
        stream.options = {"crf": "34", "b": "0", "deadline": "good", "cpu-used": "5", "row-mt": "1"}
        tick = 1 / Fraction(video.average_rate)
        for index, frame in enumerate(source.decode(video)):
            frame.pts, frame.time_base = index, tick  # frame by frame, as the source's frame rate
            for packet in stream.encode(frame):
                target.mux(packet)
        for packet in stream.encode():
            target.mux(packet)


def _gif(clip: ChapterClip, at: float, out: Path) -> None:
    """A looping preview around ``at`` seconds, shrunk until it is under :data:`GIF_LIMIT`."""
    start = max(0.0, min(at - _GIF_SECONDS / 2, clip.duration - _GIF_SECONDS))
    end = min(clip.duration, start + _GIF_SECONDS)
    for width, fps in ((400, 6), (320, 5), (240, 4)):
        save_gif(clip.mp4, start, end, out, width=width, fps=fps)
        if out.stat().st_size <= GIF_LIMIT:
            return
    raise ReluAnimError(f"pack: the preview of {clip.chapter.name!r} stays over {GIF_LIMIT} bytes")


def _beats(clip: ChapterClip) -> list[dict]:
    path = story_path(clip.mp4)
    if not path.is_file():
        raise ReluAnimError(f"pack: chapter {clip.chapter.name!r} has no storyboard record {path}; render it again")
    return [{"title": b["title"], "start": float(b["start"]), "end": float(b["end"])}
            for b in json.loads(path.read_text(encoding="utf-8"))["beats"]]


def _chapter_files(i: int, clip: ChapterClip, folder: Path) -> tuple[PageVideo, dict]:
    ch = clip.chapter
    stem = f"{i + 1:02d}-{ch.name}"
    mp4, srt = folder / f"{stem}.mp4", folder / f"{stem}.srt"
    with tempfile.TemporaryDirectory(dir=folder) as scratch:  # the single-chapter join's extras
        join_clips([clip], mp4, Path(scratch) / "x.srt", Path(scratch) / "x.vtt")
    srt_text = clip.srt.read_text(encoding="utf-8") if clip.srt is not None else ""
    srt.write_text(srt_text, encoding="utf-8")
    (folder / f"{stem}.vtt").write_text(srt_to_vtt(srt_text), encoding="utf-8")
    beats = _beats(clip)
    (folder / f"{stem}.chapters.vtt").write_text(beat_chapters_vtt(beats), encoding="utf-8")
    _webm(clip.mp4, folder / f"{stem}.webm")
    at = getattr(ch, "still_at", 0.6) * clip.duration
    save_still(clip.mp4, at, folder / f"{stem}.jpg", width=854)
    _gif(clip, at, folder / f"{stem}.gif")
    cues = parse_srt(srt_text)
    beat_cues = [(milliseconds(b["start"]), milliseconds(b["end"]), b["title"]) for b in beats]
    page = PageVideo(stem, ch.title, f"{stem}.mp4", f"{stem}.jpg", cues, beat_cues, clip.duration)
    return page, {"id": stem, "name": ch.name, "title": ch.title, "duration": clip.duration, "beats": beats}


def _film_files(clips: Sequence[ChapterClip], folder: Path, pages: Sequence[PageVideo]) -> PageVideo:
    mp4 = folder / f"{VIDEO_NAME}.mp4"
    srt, chapters = folder / f"{VIDEO_NAME}.srt", folder / f"{VIDEO_NAME}.chapters.vtt"
    join_clips(clips, mp4, srt, chapters)
    srt_text = srt.read_text(encoding="utf-8")
    (folder / f"{VIDEO_NAME}.vtt").write_text(srt_to_vtt(srt_text), encoding="utf-8")
    starts = [Fraction(0)]
    for clip in clips:
        starts.append(starts[-1] + Fraction(clip.duration))
    chapter_cues = [(milliseconds(a), milliseconds(b), c.chapter.title) for a, b, c in zip(starts, starts[1:], clips)]
    return PageVideo(VIDEO_NAME, "The whole explainer", mp4.name, pages[0].poster if pages else None,
                     parse_srt(srt_text), chapter_cues, float(starts[-1]))


def _write_pack(clips: Sequence[ChapterClip], folder: Path, quality: str, theme: str) -> None:
    pages, entries = [], []
    for i, clip in enumerate(clips):
        page, entry = _chapter_files(i, clip, folder)
        pages.append(page)
        entries.append(entry)
    film = _film_files(clips, folder, pages)
    version = metadata.version("relu-anim")
    about = f"relu-anim {version}, {quality} quality, {theme} theme"
    (folder / "index.html").write_text(index_page(PACK_TITLE, film, pages, about), encoding="utf-8")
    (folder / "embed").mkdir()
    for page in pages:
        (folder / "embed" / f"{page.id}.html").write_text(embed_page(page, PACK_TITLE), encoding="utf-8")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for entry in entries:
        entry["files"] = [p.name for p in files if p.name.startswith(entry["id"] + ".")]
    manifest = {
        "title": PACK_TITLE, "version": version, "quality": quality, "theme": theme,
        "duration": film.duration, "chapters": entries,
        "files": {p.relative_to(folder).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
                  for p in files},
    }  # fmt: skip
    (folder / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")


def build_pack(quality: str = "l", theme: str = "dark", *, out: Path | str | None = None,
               chapters: Sequence[ChapterLike] = CHAPTERS, jobs: int | None = None, progress: bool = True,
               root: Path | str = REPO_ROOT, media_dir: Path | str | None = None,
               max_inflight_encoders: int = INFLIGHT_ENCODERS) -> Path:
    """Render what is stale and write the course pack; the pack's folder.

    Parameters
    ----------
    quality
        Chapter quality: ``"l"``, ``"m"``, ``"h"``, ``"k"`` (or ``"t"`` for tests).
    theme
        ``"dark"`` or ``"light"``.
    out
        The pack's folder; default :func:`pack_folder` in the media folder.
    chapters, jobs, progress, root, media_dir, max_inflight_encoders
        As for :func:`~relu_anim.render.video.render_video`.

    Raises
    ------
    ReluAnimError
        Unknown quality or theme, a chapter that cannot be rendered, or an output
        folder that cannot be written (full, read-only): one line; the previous
        pack is left untouched.

    Examples
    --------
    >>> build_pack("l", "sepia")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: RELU_ANIM_THEME: unknown theme 'sepia' (expected one of 'dark', 'light')
    """
    check_quality(quality)
    theme = theme_named(theme).name
    root = Path(root).resolve()
    media = media_folder(root, media_dir)
    target = Path(out) if out is not None else pack_folder(theme, media)
    try:
        check_folder_target(target)  # a bad --out fails before any rendering
        target.parent.mkdir(parents=True, exist_ok=True)
        with _theme(theme):
            clips = render_chapters(quality, chapters=chapters, jobs=jobs, progress=progress, root=root,
                                    media_dir=media, max_inflight_encoders=max_inflight_encoders)
        with atomic_folder(target) as building:
            _write_pack(clips, building, quality, theme)
    except ReluAnimError as err:
        if str(err).startswith(str(target)):  # from atomic_folder: say which command
            raise ReluAnimError(f"pack: {err}") from None
        raise
    except OSError as err:
        full = " (the disk is full)" if err.errno == errno.ENOSPC else ""
        raise ReluAnimError(f"pack: cannot write {target}: {err.strerror or err}{full}") from None
    return target
