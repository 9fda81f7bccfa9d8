"""The base class of every chapter: :class:`ChapterScene`.

A chapter is a storyboard of short *beats*. :meth:`ChapterScene.beat` starts one
(a manim section, so ``--save_sections`` writes one clip per beat) and
:meth:`ChapterScene.narrate` plays its animations with the narration as a
subcaption, so every clip gets an ``.srt`` beside the video and no beat is
silent. The theme (:func:`~relu_anim.visual.theme.current_theme`) sets the
background and the default colour of text, so light and dark renders differ by
one environment variable only.

While it renders, a chapter keeps its own storyboard record: the beats with
their start times, every narration cue, and every ``play``/``wait`` with its
times and the narration it played under (``None`` outside :meth:`narrate`).
A render that writes a video also writes that record beside it, as
``<Scene>.story.json`` (:data:`STORY_SUFFIX`), so tests and tools read what the
film did without running the scene again.

Picture and words stay in step by construction: every ``play`` and ``wait``
happens inside a narration (:meth:`ChapterScene.narrate`, or
:meth:`ChapterScene.narrating` for several plays under one caption) and a play
outside one raises :class:`~relu_anim.errors.ReluAnimError`. By default a
narration's animations are stretched to last while its words are read
(``fill``), so the picture moves under the words instead of freezing after a
quick animation. Two hooks, :meth:`ChapterScene.beat_ended` and
:meth:`ChapterScene.narration_ended`, let tests look at the real scene at the
end of every beat and narration (golden frames, text layout, quoted numbers).

To preview one beat, set ``RELU_ANIM_BEAT`` to its title: the beats before it
run as manim sections with ``skip_animations`` (the scene's state is built, no
frame is drawn), the beat is rendered with its captions starting at 0, and the
scene ends where the next beat would begin. An unknown title fails with the
list of the chapter's beats.

To render a *slice* of a chapter (a range of its beats, as ``relu-anim video
--slices N`` does, each slice in its own process), set ``RELU_ANIM_SLICE`` to
``START:STOP`` (0-based beat indices, ``STOP`` excluded; ``START:`` runs to the
end): the beats before ``START`` run skipped, as for a preview, the slice's
beats are drawn, and the scene ends where beat ``STOP`` would begin. Unlike a
preview, a slice keeps the chapter's clock: while a beat is skipped the clock
advances exactly as a drawn render's would (frame by frame), so the slice's
subcaptions and its storyboard record carry the times of the whole chapter, bit
for bit, and the slices' clips, captions and records join into what one process
would have written (:mod:`relu_anim.render.slices`).

Examples
--------
A chapter reads like its storyboard::

    class Hello(ChapterScene):
        def construct(self):
            self.beat("The target")
            curve = target_graph(make_axes((0, 2, 1), (0, 4, 1)), lambda x: x**2)
            self.narrate("This is the curve we want to fit.", Create(curve))
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np
from manim import UL, DecimalNumber, Integer, MathTex, Scene, SingleStringMathTex, Tex, Text, config
from manim.animation.animation import prepare_animation
from manim.utils.exceptions import EndSceneEarlyException

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from . import manim_cli, tex_batch
from .protocol import BEAT_ENV, SLICE_ENV, STORY_SUFFIX, STORY_VERSION, SettingError
from .theme import Theme, current_theme
from ..errors import ReluAnimError

__all__ = ["BEAT_ENV", "ChapterScene", "READING_WORDS_PER_SECOND", "SLICE_ENV", "STORY_SUFFIX", "STORY_VERSION",
           "beat_slice"]

_SLICE = re.compile(r"\s*(\d{1,9})\s*:\s*(\d{0,9})\s*")  # a chapter has tens of beats, not billions

#: Narration is held on screen at least this long: 2.8 words a second is 168 words a
#: minute, inside the 160–180 a minute that broadcast subtitles are paced at.
READING_WORDS_PER_SECOND = 2.8

#: Text classes whose default colour follows the theme while a chapter renders.
_TEXT_CLASSES = (MathTex, SingleStringMathTex, Tex, Text, DecimalNumber, Integer)


def beat_slice(value: str | None) -> tuple[int, int | None] | None:
    """The beat range ``(start, stop)`` a :data:`SLICE_ENV` value names; ``None`` when unset.

    Examples
    --------
    >>> beat_slice("2:5"), beat_slice("3:"), beat_slice("")
    ((2, 5), (3, None), None)
    >>> beat_slice("5:2")
    Traceback (most recent call last):
    ...
    relu_anim.visual.protocol.SettingError: RELU_ANIM_SLICE: expected START:STOP beat indices with START < STOP, like 2:5 or 3: (got '5:2')
    """
    if value is None or not value.strip():
        return None
    match = _SLICE.fullmatch(value)
    start, stop = (int(match.group(1)), int(match.group(2)) if match.group(2) else None) if match else (0, 0)
    if match is None or (stop is not None and stop <= start):
        raise SettingError(f"{SLICE_ENV}: expected START:STOP beat indices with START < STOP, "
                            f"like 2:5 or 3: (got {value[:40]!r}{'…' if len(value) > 40 else ''})")
    return start, stop


class ChapterScene(Scene):
    """A :class:`~manim.Scene` with a theme and storyboard helpers.

    Attributes
    ----------
    theme
        The :class:`~relu_anim.visual.theme.Theme` of this render, read in :meth:`setup`.
    beats
        Titles of the beats started so far, in order.
    narration
        ``(start time, duration, text)`` of every subcaption added by :meth:`narrate`.
    beat_starts
        The time each beat began, parallel to ``beats``.
    timeline
        ``(kind, start, end, narration)`` of every ``play`` and ``wait``: kind
        ``"play"`` or ``"wait"``, and the text being narrated (``None`` outside
        :meth:`narrate`).
    """

    theme: Theme

    def setup(self) -> None:
        """Read the theme, paint the background, colour text by default, compile the chapter's TeX."""
        manim_cli.install()  # before any setting is read: every SettingError comes from here or tear_down
        super().setup()
        self.theme = current_theme()
        self.frame_rate: float = config.frame_rate  # the clock moves in steps of 1 / frame_rate
        self.beats: list[str] = []
        self.beat_starts: list[float] = []
        self.narration: list[tuple[float, float, str]] = []
        self.timeline: list[tuple[str, float, float, str | None]] = []
        self._narrating: str | None = None
        self._waiting = False
        self.preview_beat: str | None = os.environ.get(BEAT_ENV, "").strip() or None
        self._preview_start: float | None = None  # when the previewed beat began
        self.slice: tuple[int, int | None] | None = beat_slice(os.environ.get(SLICE_ENV))
        if self.slice is not None and self.preview_beat is not None:
            raise SettingError(f"set {BEAT_ENV} or {SLICE_ENV}, not both")
        self._frozen = False  # whether manim's current play holds one frame (a plain wait)
        if self.slice is not None and self.slice[0] > 0:  # anything before the first beat is not ours
            self.next_section("before the slice", skip_animations=True)
        self.camera.background_color = self.theme.background
        for cls in _TEXT_CLASSES:
            cls.set_default(color=self.theme.text)
        if config.input_file:  # this chapter's TeX strings in one latex run, before any is needed
            tex_batch.warm(config.input_file)

    def tear_down(self) -> None:
        """End the last beat, write the storyboard record beside the video, restore text colours."""
        if self.beats:
            self.beat_ended(len(self.beats) - 1, self.beats[-1])
        if self.preview_beat is not None and self._preview_start is None:
            for cls in _TEXT_CLASSES:
                cls.set_default()
            known = "; ".join(repr(b) for b in self.beats)
            raise SettingError(f"{BEAT_ENV}: {type(self).__name__} has no beat {self.preview_beat!r}; "
                                f"its beats: {known}")
        if self.slice is not None and len(self.beats) <= self.slice[0]:
            for cls in _TEXT_CLASSES:
                cls.set_default()
            raise SettingError(f"{SLICE_ENV}: {type(self).__name__} has {len(self.beats)} beats; a slice "
                                f"from beat {self.slice[0]} (counted from 0) is empty")
        for cls in _TEXT_CLASSES:
            cls.set_default()
        self._write_story()
        super().tear_down()

    def story(self) -> dict[str, Any]:
        """The storyboard record so far, as JSON-ready data.

        Keys: ``version``, ``scene``, ``duration``, ``frame_rate``,
        ``beats`` (``title``, ``start``, ``end``), ``narration`` (``start``,
        ``duration``, ``text``) and ``timeline`` (``kind``, ``start``, ``end``,
        ``narration``).
        """
        ends = [*self.beat_starts[1:], self.time]
        return {
            "version": STORY_VERSION,
            "scene": type(self).__name__,
            "duration": self.time,
            "frame_rate": config.frame_rate,
            "beats": [{"title": t, "start": a, "end": b} for t, a, b in zip(self.beats, self.beat_starts, ends)],
            "narration": [{"start": a, "duration": d, "text": t} for a, d, t in self.narration],
            "timeline": [{"kind": k, "start": a, "end": b, "narration": n} for k, a, b, n in self.timeline],
        }

    def _write_story(self) -> None:
        if config.dry_run or self.preview_beat is not None:  # a preview is not the chapter
            return
        try:
            movie = Path(self.renderer.file_writer.movie_file_path)
        except AttributeError:  # no file writer, or a PNG/GIF render: no video to sit beside
            return
        target = movie.with_name(movie.stem + STORY_SUFFIX)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=target.name, dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(self.story(), out, indent=1)
        os.replace(temporary, target)

    # ------------------------------------------------------------- timeline
    def _check_narrated(self, what: str) -> None:
        if self._narrating is None:
            raise ReluAnimError(f"{type(self).__name__}: {what} outside narrate() at {self.time:.2f} s "
                                f"(beat {self.beats[-1] if self.beats else 'none'!r}); every animation "
                                "plays under the narration that describes it")

    def play(self, *args: Any, **kwargs: Any) -> None:
        """:meth:`manim.Scene.play`, recorded in :attr:`timeline`; only inside a narration."""
        if self._waiting:  # manim's wait() plays a Wait animation: recorded once, as the wait
            self._play_on_the_clock(*args, **kwargs)
            return
        self._check_narrated("play")
        start = self.time
        self._play_on_the_clock(*args, **kwargs)
        self.timeline.append(("play", start, self.time, self._narrating))

    def is_current_animation_frozen_frame(self) -> bool:
        """manim's test (a wait with nothing moving: one frame held), remembered for the slice clock."""
        self._frozen = super().is_current_animation_frozen_frame()
        return self._frozen

    def _play_on_the_clock(self, *args: Any, **kwargs: Any) -> None:
        """``Scene.play``; in a slice, a skipped play moves the clock as a drawn one would.

        manim adds a skipped play's run time to the clock at once, but a drawn
        play adds ``1 / frame_rate`` once per frame (a held frame: frames × that),
        which rounds differently; a slice must keep the drawn chapter's clock.
        """
        before = self.renderer.time
        super().play(*args, **kwargs)
        if self.slice is None or not self.renderer.skip_animations:
            return
        if self.stop_condition is not None:
            raise ReluAnimError(f"{SLICE_ENV}: {type(self).__name__} waits on a condition (wait_until) "
                                "before its slice; render it whole")
        dt = 1 / self.camera.frame_rate
        if self._frozen:  # CairoRenderer.freeze_current_frame
            self.renderer.time = before + int(self.duration / dt) * dt
            return
        clock = before
        for _ in range(len(np.arange(0, self.duration, 1 / config["frame_rate"]))):  # Scene.get_time_progression
            clock += dt  # CairoRenderer.add_frame, once per frame
        self.renderer.time = clock

    def wait(self, *args: Any, **kwargs: Any) -> None:
        """:meth:`manim.Scene.wait`, recorded in :attr:`timeline`; only inside a narration."""
        self._check_narrated("wait")
        start = self.time
        self._waiting = True
        try:
            super().wait(*args, **kwargs)
        finally:
            self._waiting = False
        self.timeline.append(("wait", start, self.time, self._narrating))

    # ----------------------------------------------------------- storyboard
    def chapter_title(self, text: str, *, font_size: float = 40, buff: float = 0.35) -> Tex:
        """The chapter's title (TeX text), in the theme's text colour, in the top-left corner."""
        return Tex(text, font_size=font_size, color=self.theme.text).to_corner(UL, buff=buff)

    def beat(self, title: str) -> None:
        """Start the beat ``title``: a new section, one clip with ``--save_sections``."""
        if self.beats:
            self.beat_ended(len(self.beats) - 1, self.beats[-1])
        if self._preview_start is not None:  # the previewed beat is over
            raise EndSceneEarlyException()
        index = len(self.beats)
        if self.slice is not None and self.slice[1] is not None and index >= self.slice[1]:
            raise EndSceneEarlyException()  # the slice is over
        self.beats.append(title)
        self.beat_starts.append(self.time)
        skip = self.preview_beat is not None and title.casefold() != self.preview_beat.casefold()
        skip = skip or (self.slice is not None and index < self.slice[0])
        if self.preview_beat is not None and not skip:
            self._preview_start = self.time
        self.next_section(title, skip_animations=skip)

    @staticmethod
    def reading_time(text: str) -> float:
        """Seconds a viewer needs to read ``text`` at :data:`READING_WORDS_PER_SECOND`."""
        return len(text.split()) / READING_WORDS_PER_SECOND

    def beat_ended(self, index: int, title: str) -> None:
        """Called when beat ``index`` (``title``) ends: before the next begins, and at the end.

        Does nothing; tests override it to look at the scene as the beat leaves it.
        """

    def narration_ended(self, text: str) -> None:
        """Called when the narration ``text`` ends (its animations and hold are done).

        Does nothing; tests override it to check what is on screen as it is said.
        """

    @contextmanager
    def narrating(self, text: str, *, wait: float = 0.6) -> Iterator[None]:
        """Play several animations, one after another, under the one subcaption ``text``.

        Inside the ``with`` block ``play`` and ``wait`` may be called freely;
        on leaving it the scene holds ``wait`` seconds, longer if the text
        needs more reading time than the block took.

        Examples
        --------
        ::

            with self.narrating("Each unit in turn adds its kink."):
                for kink in kinks:
                    self.play(GrowFromCenter(kink), run_time=0.8)
        """
        if self._narrating is not None:
            raise ReluAnimError(f"{type(self).__name__}: narration {text!r} starts inside {self._narrating!r}")
        start = self.time
        self._narrating = text
        try:
            yield
            played = self.time - start
            hold = max(wait, self.reading_time(text) - played)
            if hold > 0:
                self.wait(hold)
        finally:
            self._narrating = None
        # measured, not computed: the clock advances in whole frames, and the
        # caption must end exactly where the next one may begin
        shown = self.time - start
        if self.preview_beat is None and (self.slice is None or max(len(self.beats) - 1, 0) >= self.slice[0]):
            self.add_subcaption(text, duration=shown, offset=-shown)  # a slice's: on the chapter's clock
        elif self._preview_start is not None:  # the previewed beat's video starts at 0
            self.add_subcaption(text, duration=shown, offset=-shown - self._preview_start)
        self.narration.append((start, shown, text))
        self.narration_ended(text)

    def narrate(self, text: str, *animations: Any, run_time: float | None = None,
                wait: float = 0.6, fill: bool = True, **play_kwargs: Any) -> None:
        """Play ``animations`` while ``text`` is the subcaption, then hold.

        The subcaption covers the animations and the hold after them; the hold
        is lengthened so the text stays up for at least its reading time.

        Parameters
        ----------
        text
            The narration, in one or two short sentences.
        animations
            Passed to :meth:`~manim.Scene.play`; none means the scene just holds.
        run_time
            Duration of the animations (their own when omitted).
        wait
            Seconds to hold after the animations (at least).
        fill
            Stretch the animations so that they last while the text is read
            (its reading time less ``wait``): the picture moves under the words.
        play_kwargs
            More keyword arguments for :meth:`~manim.Scene.play` (``rate_func``, …).
        """
        with self.narrating(text, wait=wait):
            if animations:
                animations = tuple(prepare_animation(a) for a in animations)  # `.animate` builders too
                if fill:
                    own = run_time if run_time is not None else max(a.run_time for a in animations)
                    run_time = max(own, self.reading_time(text) - wait)
                if run_time is not None:
                    play_kwargs["run_time"] = run_time
                self.play(*animations, **play_kwargs)
