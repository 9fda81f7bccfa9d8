"""relu-anim: exact ReLU networks for explainer videos.

The package builds, trains and analyses small networks and hands their numbers
to the Manim scenes in ``scenes/``. Importing it loads numpy only: torch is
imported by :mod:`relu_anim.torch_adapter` and manim by :mod:`relu_anim.visual`,
each when first used.

Examples
--------
>>> from relu_anim import optimal_x2
>>> net = optimal_x2(5)
>>> f = net.piecewise(0, 2)
>>> len(f.breakpoints)
5
"""

from .errors import ReluAnimError
from .network import ACTIVATIONS, Layer, Network
from .piecewise import PiecewiseLinear, analyse

__all__ = [
    "ACTIVATIONS",
    "Layer",
    "Network",
    "PiecewiseLinear",
    "ReluAnimError",
    "analyse",
]
__version__ = "0.1.0"
