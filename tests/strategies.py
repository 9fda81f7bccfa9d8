"""Hypothesis strategies shared by the tests: random deep scalar networks."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from relu_anim import Layer, Network

__all__ = ["scalar_networks"]


@st.composite
def scalar_networks(draw, max_depth: int = 4, max_width: int = 8) -> Network:
    """A 1-input, 1-output network of 1..max_depth hidden layers (relu or leaky_relu)."""
    depth = draw(st.integers(1, max_depth))
    widths = [1] + [draw(st.integers(1, max_width)) for _ in range(depth)] + [1]
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    layers = []
    for i in range(len(widths) - 1):
        last = i == len(widths) - 2
        if last:
            activation = "linear"
        else:
            activation = draw(st.sampled_from(["relu", "leaky_relu"]))
        slope = draw(st.sampled_from([0.01, 0.1, 0.3])) if activation == "leaky_relu" else 0.01
        scale = 1.0 / np.sqrt(widths[i])
        layers.append(
            Layer(
                rng.normal(0.0, 1.5 * scale, (widths[i + 1], widths[i])),
                rng.normal(0.0, 1.0, widths[i + 1]),
                activation,
                slope,
            )
        )
    return Network(layers)
