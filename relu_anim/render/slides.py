"""Lecture slides: every beat of a chapter is one slide, as PowerPoint and as a web page.

:func:`build_slides` (``relu-anim slides``, ``make slides``) cuts each chapter's
clip at its beats (the storyboard record gives their times; every beat starts
on a keyframe, because manim encodes each play as its own segment, so the cut
copies packets and re-encodes nothing) and writes, per chapter ``NN-name``:

- ``NN-name.pptx``: one slide per beat, the beat's clip on it (its last frame as
  poster), the beat's title on the slide and its narration in the speaker notes
  (python-pptx, offline);
- ``NN-name.html``: the same slides as a self-contained page, arrow keys or
  space to advance, each beat playing when its slide shows;
- ``NN-name/beat-KK.mp4`` and ``.jpg``: the clips and posters both use.

manim-slides was the first choice, but its 5.7 release cannot render with
manim 0.22 (it sets ``config["write_to_movie"]``, which 0.22 removed); the
storyboard record already holds every beat, so cutting the chapter's own clip
needs no second render.
"""

from __future__ import annotations

import html
import json
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import av

from ..errors import ReluAnimError
from ..io.atomic import atomic_folder, check_folder_target
from .chapters import CHAPTERS, REPO_ROOT
from .clips import ChapterClip, ChapterLike, check_quality, media_folder, story_path
from .stills import frame_at
from .video import render_chapters

__all__ = ["SLIDES_FOLDER", "build_slides", "cut_beats", "write_slides"]

#: Where slides go, inside the media folder.
SLIDES_FOLDER = "slides"


def cut_beats(mp4: Path, starts: Sequence[float], out: Sequence[Path]) -> list[Path]:
    """Cut ``mp4`` at ``starts`` (seconds, the first 0) into ``out``, copying packets.

    A beat starts at the frame nearest its recorded start: manim joins its
    partial movies with timestamps rounded to the stream's time base, so a
    frame can sit a few ticks off the scene clock (never half a frame).

    Raises
    ------
    ReluAnimError
        A cut that does not fall on a keyframe (it could not be copied exactly).
    """
    with av.open(str(mp4)) as source:
        video = source.streams.video[0]
        base = video.time_base
        packets = [p for p in source.demux(video) if p.dts is not None]
        packets.sort(key=lambda p: p.dts)
        ticks = [_nearest_frame(packets, Fraction(s).limit_denominator(10**6) / base, video) for s in starts]
        ticks.append(None)
        # partitioned before any is muxed: muxing shifts a packet's timestamps in place
        parts = [[p for p in packets if p.pts >= ticks[k] and (ticks[k + 1] is None or p.pts < ticks[k + 1])]
                 for k in range(len(out))]
        for k, (path, mine) in enumerate(zip(out, parts)):
            if not mine:
                raise ReluAnimError(f"slides: {mp4.name} has no frames in beat {k + 1}")
            first = min(mine, key=lambda p: p.dts)
            if not first.is_keyframe:
                raise ReluAnimError(f"slides: {mp4.name}: beat {k + 1} does not start on a keyframe")
            with av.open(str(path), "w", format="mp4", container_options={"movflags": "+faststart"}) as target:
                stream = target.add_stream_from_template(video)
                shift = first.dts
                for packet in mine:
                    packet.dts -= shift
                    packet.pts -= shift
                    packet.stream = stream
                    target.mux(packet)
    return list(out)


def _nearest_frame(packets: Sequence[av.Packet], tick: Fraction, video: av.video.stream.VideoStream) -> int:
    """The timestamp of the frame nearest ``tick``; refused if none is within half a frame."""
    nearest = min((p.pts for p in packets), key=lambda pts: abs(pts - tick))
    half_frame = 1 / (2 * video.average_rate * video.time_base)
    if abs(nearest - tick) >= half_frame:
        raise ReluAnimError(f"slides: no frame within half a frame of {float(tick * video.time_base):.3f} s")
    return nearest


def _pptx(title: str, beats: Sequence[dict], clips: Sequence[Path], posters: Sequence[Path], out: Path) -> None:
    # lazy: python-pptx is the optional "pack" extra, needed by slides only
    from pptx import Presentation
    from pptx.util import Emu, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    blank = deck.slide_layouts[6]
    width = deck.slide_width
    height = width * 9 // 16
    for beat, clip, poster in zip(beats, clips, posters):
        slide = deck.slides.add_slide(blank)
        slide.shapes.add_movie(str(clip), 0, (deck.slide_height - height) // 2, width, height,
                               poster_frame_image=str(poster), mime_type="video/mp4")
        slide.name = beat["title"]
        notes = slide.notes_slide.notes_text_frame
        notes.text = f"{title} — {beat['title']}\n\n" + "\n".join(beat["narration"])
        for paragraph in notes.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(14)
    deck.core_properties.title = title
    deck.save(str(out))


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; background: #000; color: #eceff4; font: 18px/1.4 system-ui, sans-serif; }}
section {{ display: none; height: 100%; flex-direction: column; align-items: center; justify-content: center; }}
section.shown {{ display: flex; }}
video {{ max-width: 100vw; max-height: 88vh; }}
p {{ margin: .4rem 1rem; }}
.count {{ color: #a7b1bd; }}
</style></head><body>
<main aria-live="polite">
{slides}
</main>
<script>
const slides = [...document.querySelectorAll('section')];
let now = 0;
function show(k) {{
  now = Math.max(0, Math.min(slides.length - 1, k));
  slides.forEach((s, i) => {{
    s.classList.toggle('shown', i === now);
    const v = s.querySelector('video');
    if (i === now) {{ v.currentTime = 0; v.play().catch(() => {{}}); }} else {{ v.pause(); }}
  }});
}}
document.addEventListener('keydown', e => {{
  if (['ArrowRight', 'PageDown', ' '].includes(e.key)) {{ show(now + 1); e.preventDefault(); }}
  if (['ArrowLeft', 'PageUp'].includes(e.key)) {{ show(now - 1); e.preventDefault(); }}
  if (e.key === 'Home') show(0);
  if (e.key === 'End') show(slides.length - 1);
}});
show(0);
</script></body></html>
"""


def _html(title: str, beats: Sequence[dict], clips: Sequence[str], posters: Sequence[str]) -> str:
    e = html.escape
    slides = "\n".join(
        f'<section aria-label="Slide {k + 1} of {len(beats)}: {e(b["title"])}">'
        f'<video src="{e(c)}" poster="{e(p)}" muted playsinline preload="auto"></video>'
        f'<p>{e(b["title"])} <span class="count">{k + 1} / {len(beats)}</span></p></section>'
        for k, (b, c, p) in enumerate(zip(beats, clips, posters)))
    return _PAGE.format(title=e(title), slides=slides)


def _chapter_slides(i: int, clip: ChapterClip, folder: Path) -> dict:
    ch = clip.chapter
    stem = f"{i + 1:02d}-{ch.name}"
    record = story_path(clip.mp4)
    if not record.is_file():
        raise ReluAnimError(f"slides: chapter {ch.name!r} has no storyboard record {record}; render it again")
    story = json.loads(record.read_text(encoding="utf-8"))
    beats = [{"title": b["title"], "start": b["start"], "end": b["end"],
              "narration": [n["text"] for n in story["narration"] if b["start"] - 1e-6 <= n["start"] < b["end"] - 1e-6]}
             for b in story["beats"]]
    (folder / stem).mkdir()
    clips = cut_beats(clip.mp4, [b["start"] for b in beats],
                      [folder / stem / f"beat-{k + 1:02d}.mp4" for k in range(len(beats))])
    posters = []
    for path in clips:
        poster = path.with_suffix(".jpg")
        with av.open(str(path)) as c:
            length = float(c.duration or 0) / 1e6
        frame_at(path, length).save(poster, quality=90)
        posters.append(poster)
    title = f"{ch.title}"
    _pptx(title, beats, clips, posters, folder / f"{stem}.pptx")
    rel = [p.relative_to(folder).as_posix() for p in clips]
    (folder / f"{stem}.html").write_text(
        _html(title, beats, rel, [p.relative_to(folder).as_posix() for p in posters]), encoding="utf-8")
    return {"id": stem, "title": ch.title, "beats": [b["title"] for b in beats]}


def write_slides(clips: Sequence[ChapterClip], folder: Path) -> list[dict]:
    """Write every chapter's slides (``.pptx``, ``.html``, beat clips) into ``folder``; their index.

    ``clips`` are rendered chapters with their storyboard records beside them.
    """
    index = [_chapter_slides(i, clip, folder) for i, clip in enumerate(clips)]
    (folder / "slides.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return index


def build_slides(quality: str = "l", *, out: Path | str | None = None, chapters: Sequence[ChapterLike] = CHAPTERS,
                 jobs: int | None = None, progress: bool = True, root: Path | str = REPO_ROOT,
                 media_dir: Path | str | None = None) -> Path:
    """Render what is stale, then write one slide per beat for every chapter; the slides' folder.

    Parameters as for :func:`~relu_anim.render.pack.build_pack` (the theme is
    ``RELU_ANIM_THEME``'s). The folder is replaced only when complete.

    Examples
    --------
    >>> build_slides("x")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: quality: expected one of l, m, h, k, t (got 'x')
    """
    check_quality(quality)
    media = media_folder(Path(root).resolve(), media_dir)
    target = Path(out) if out is not None else media / SLIDES_FOLDER
    try:
        check_folder_target(target)  # a bad --out fails before any rendering
        clips = render_chapters(quality, chapters=chapters, jobs=jobs, progress=progress, root=root,
                                media_dir=media)
        with atomic_folder(target) as building:
            write_slides(clips, building)
    except ReluAnimError as err:
        if str(err).startswith(str(target)):  # from the folder checks: say which command
            raise ReluAnimError(f"slides: {err}") from None
        raise
    except OSError as err:
        raise ReluAnimError(f"slides: cannot write {target}: {err.strerror or err}") from None
    return target
