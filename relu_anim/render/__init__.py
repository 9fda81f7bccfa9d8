"""The render pipeline: the chapter registry, rendering chapters with manim,
joining them into one video with chapters and captions, and stills."""
