"""The course pack's web pages: ``index.html`` and one embeddable page per chapter.

Both are self-contained: inline CSS and script, no CDN, no request beyond the
pack's own videos. Captions and beat chapters are embedded as ``data:`` URLs in
each ``<track>``: Chromium refuses a ``<track>`` file loaded from a page opened
with ``file://`` ("'file:' URLs are treated as unique security origins"), and a
data URL works from ``file://`` and from any static host alike. The ``.vtt``
files beside the videos remain for course platforms that take them separately.

:func:`index_page` writes the film and every chapter in a ``<video>`` with
captions on by default, a chapter list that seeks, and the transcript under
each player, whose cues seek when clicked and follow playback. Light and dark
follow ``prefers-color-scheme``; every control is a ``<button>`` (keyboard),
the page has ``lang`` and labels for screen readers.

Examples
--------
>>> entry = PageVideo("01-relu", "ReLU, shifted", "01-relu.mp4", "01-relu.jpg",
...                   [(0, 1500, "Hello.")], [(0, 1500, "Start")], 1.5)
>>> "<video" in embed_page(entry, "relu-anim")
True
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass
from typing import Sequence

from .captions import vtt_time

__all__ = ["PageVideo", "index_page", "embed_page", "data_vtt", "manifest_text"]

Cue = tuple[int, int, str]  # start ms, end ms, text


@dataclass(frozen=True)
class PageVideo:
    """One video of the pack as the page shows it."""

    id: str
    title: str
    src: str
    poster: str | None
    captions: Sequence[Cue]
    chapters: Sequence[Cue]
    duration: float


def data_vtt(cues: Sequence[Cue]) -> str:
    """A WebVTT file of ``cues`` as a ``data:`` URL, for a ``<track src>``."""
    body = ["WEBVTT"]
    for i, (start, end, text) in enumerate(cues, start=1):
        safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "→")
        body.append(f"{i}\n{vtt_time(start)} --> {vtt_time(end)}\n{safe}")
    encoded = base64.b64encode(("\n\n".join(body) + "\n").encode("utf-8")).decode("ascii")
    return f"data:text/vtt;charset=utf-8;base64,{encoded}"


_STYLE = """
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #5b6573; --accent: #1565c0;
        --panel: #f2f4f7; --now: #dbe9fb; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111418; --fg: #eceff4; --muted: #a7b1bd; --accent: #4fc3f7; --panel: #1b2027; --now: #23394d; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; }
video { width: 100%; background: #000; border-radius: 6px; }
nav ol, .transcript ol { list-style: none; padding: 0; margin: .5rem 0; }
nav li { display: inline-block; margin: .15rem; }
button { font: inherit; color: var(--fg); background: var(--panel); border: 1px solid var(--muted);
         border-radius: 4px; padding: .2rem .55rem; cursor: pointer; text-align: left; }
button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.transcript { max-height: 14rem; overflow-y: auto; background: var(--panel); border-radius: 6px; padding: .25rem .5rem; }
.transcript button { border: none; background: none; width: 100%; padding: .15rem .3rem; }
.transcript button.now { background: var(--now); }
.time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .5rem; }
footer { color: var(--muted); margin: 2rem 0 1rem; font-size: .9rem; }
"""

_SCRIPT = """
for (const section of document.querySelectorAll('section[data-video]')) {
  const video = section.querySelector('video');
  for (const track of video.textTracks) {  // a disabled track never loads: keep the beats at hand
    if (track.kind === 'chapters' && track.mode === 'disabled') { track.mode = 'hidden'; }
  }
  for (const button of section.querySelectorAll('button[data-start]')) {
    button.addEventListener('click', () => { video.currentTime = Number(button.dataset.start); video.focus(); });
  }
  const cues = [...section.querySelectorAll('.transcript button')];
  video.addEventListener('timeupdate', () => {
    const t = video.currentTime;
    for (const cue of cues) {
      const now = Number(cue.dataset.start) <= t && t < Number(cue.dataset.end);
      if (now && !cue.classList.contains('now')) { cue.scrollIntoView({block: 'nearest'}); }
      cue.classList.toggle('now', now);
      cue.setAttribute('aria-current', now ? 'true' : 'false');
    }
  });
}
"""


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}"


def _clock(ms: int) -> str:
    minutes, seconds = divmod(ms // 1000, 60)
    return f"{minutes}:{seconds:02d}"


def _player(video: PageVideo, heading: str, prefix: str = "") -> str:
    e = html.escape
    poster = f' poster="{e(prefix + video.poster)}"' if video.poster else ""
    chapters = "".join(
        f'<li><button type="button" data-start="{_seconds(a)}" aria-label="Go to {e(t)} at {_clock(a)}">'
        f'{e(t)}</button></li>' for a, _, t in video.chapters)
    cues = "".join(
        f'<li><button type="button" data-start="{_seconds(a)}" data-end="{_seconds(b)}">'
        f'<span class="time">{_clock(a)}</span>{e(t)}</button></li>' for a, b, t in video.captions)
    return (
        f'<section data-video="{e(video.id)}" aria-labelledby="h-{e(video.id)}">\n'
        f'<{heading} id="h-{e(video.id)}">{e(video.title)}</{heading}>\n'
        f'<video controls preload="metadata" src="{e(prefix + video.src)}"{poster} '
        f'aria-label="{e(video.title)}" data-duration="{video.duration:.3f}">\n'
        f'<track kind="captions" srclang="en" label="English" default src="{data_vtt(video.captions)}">\n'
        f'<track kind="chapters" srclang="en" label="Beats" src="{data_vtt(video.chapters)}">\n'
        f'</video>\n'
        f'<nav aria-label="Beats of {e(video.title)}"><ol>{chapters}</ol></nav>\n'
        f'<div class="transcript" role="region" aria-label="Transcript of {e(video.title)}" tabindex="0">'
        f'<ol>{cues}</ol></div>\n</section>\n'
    )


def _document(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n<link rel="icon" href="data:,">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"{body}<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


def index_page(title: str, film: PageVideo, chapters: Sequence[PageVideo], about: str) -> str:
    """The pack's ``index.html``: the film, then every chapter, each with beats and transcript."""
    body = (f"<main>\n<h1>{html.escape(title)}</h1>\n<p>{html.escape(about)}</p>\n"
            + _player(film, "h2") + "".join(_player(c, "h2") for c in chapters)
            + f'<footer>{html.escape(about)}. Captions: WebVTT files beside each video; '
              'SRT too.</footer>\n</main>\n')
    return _document(title, body)


def embed_page(video: PageVideo, title: str) -> str:
    """A minimal page for one chapter, to put in an ``<iframe>`` (its files are one folder up)."""
    return _document(f"{video.title} — {title}", "<main>\n" + _player(video, "h1", prefix="../") + "</main>\n")


def manifest_text(data: dict) -> str:
    """The manifest as stable, readable JSON."""
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
