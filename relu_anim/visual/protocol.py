"""What the render pipeline and a :class:`~relu_anim.visual.scene.ChapterScene` agree on, without manim.

The environment variables that choose what a render draws, and the name of
the storyboard record a render writes beside its video. The pipeline
(:mod:`relu_anim.render`) sets and reads them in processes that never draw, so
they live here, where importing them loads no manim.

Examples
--------
>>> BEAT_ENV, SLICE_ENV, STORY_SUFFIX
('RELU_ANIM_BEAT', 'RELU_ANIM_SLICE', '.story.json')
"""

from __future__ import annotations

from ..errors import ReluAnimError

__all__ = ["BEAT_ENV", "SLICE_ENV", "STORY_SUFFIX", "STORY_VERSION", "TEX_STRINGS_NAME", "SettingError"]

#: Render only this beat (its title); the beats before it are built without drawing.
BEAT_ENV = "RELU_ANIM_BEAT"
#: Render only the beats ``START:STOP`` (indices from 0); the beats before are built without drawing.
SLICE_ENV = "RELU_ANIM_SLICE"
#: The storyboard record of a render: ``<Scene>.story.json`` beside ``<Scene>.mp4``.
STORY_SUFFIX = ".story.json"
#: Version of the storyboard record's layout.
STORY_VERSION = 1
#: The file beside the chapter files that lists each chapter's TeX strings, read by
#: :func:`relu_anim.visual.tex_batch.warm`: ``{"<chapter file stem>": [[expression, environment], …], …}``.
TEX_STRINGS_NAME = "tex_strings.json"


class SettingError(ReluAnimError):
    """A :data:`BEAT_ENV` or :data:`SLICE_ENV` value a scene cannot follow (a user's input, not a bug).

    Under a bare ``manim`` command it is reported as the ``relu-anim`` commands
    report bad input: one line, exit status 2 (:mod:`relu_anim.visual.manim_cli`).
    """
