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
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from manim import UL, DecimalNumber, Integer, MathTex, Scene, SingleStringMathTex, Tex, Text, config
from manim.animation.animation import prepare_animation
from manim.utils.exceptions import EndSceneEarlyException

from .theme import Theme, current_theme
from ..errors import ReluAnimError

__all__ = ["BEAT_ENV", "ChapterScene", "READING_WORDS_PER_SECOND", "STORY_SUFFIX", "STORY_VERSION"]

#: Set to a beat's title to render that beat only: ``RELU_ANIM_BEAT="Let the kinks move" manim -pql scenes/x2.py``.
BEAT_ENV = "RELU_ANIM_BEAT"

#: The storyboard record of a render: ``<Scene>.story.json`` beside ``<Scene>.mp4``.
STORY_SUFFIX = ".story.json"
#: Version of the storyboard record's layout.
STORY_VERSION = 1

#: Narration is held on screen at least this long: 2.8 words a second is 168 words a
#: minute, inside the 160–180 a minute that broadcast subtitles are paced at.
READING_WORDS_PER_SECOND = 2.8

#: Text classes whose default colour follows the theme while a chapter renders.
_TEXT_CLASSES = (MathTex, SingleStringMathTex, Tex, Text, DecimalNumber, Integer)


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
        """Read the theme, paint the background, colour text by default."""
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
        self.camera.background_color = self.theme.background
        for cls in _TEXT_CLASSES:
            cls.set_default(color=self.theme.text)

    def tear_down(self) -> None:
        """End the last beat, write the storyboard record beside the video, restore text colours."""
        if self.beats:
            self.beat_ended(len(self.beats) - 1, self.beats[-1])
        if self.preview_beat is not None and self._preview_start is None:
            for cls in _TEXT_CLASSES:
                cls.set_default()
            known = "; ".join(repr(b) for b in self.beats)
            raise ReluAnimError(f"{BEAT_ENV}: {type(self).__name__} has no beat {self.preview_beat!r}; "
                                f"its beats: {known}")
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
            super().play(*args, **kwargs)
            return
        self._check_narrated("play")
        start = self.time
        super().play(*args, **kwargs)
        self.timeline.append(("play", start, self.time, self._narrating))

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
        self.beats.append(title)
        self.beat_starts.append(self.time)
        skip = self.preview_beat is not None and title.casefold() != self.preview_beat.casefold()
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
        if self.preview_beat is None:
            self.add_subcaption(text, duration=shown, offset=-shown)
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
