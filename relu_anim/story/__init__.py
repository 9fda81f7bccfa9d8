"""The numpy companions of the chapters: the story's own constructions, and how it writes numbers.

Each module here computes what one or more chapters show (hats, a single
neuron, activations and their gradients, step functions of slope and active
units, folds of the plane, depth, training histories, fits), from the math core
only: no manim, no torch. :mod:`~relu_anim.story.numbers` is the one home of the
number style (captions, on-screen text, TeX). Scenes and the visual layer
import these; nothing in the core imports them.
"""
