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

from .construct import construct, least_squares_output, optimal_x2, shifted_relu_sum
from .errors import ReluAnimError
from .io.network_file import load_network, save_network
from .network import ACTIVATIONS, Layer, Network
from .piecewise import PiecewiseLinear, analyse
from .target import Target, parse_target

__all__ = [
    "ACTIVATIONS",
    "Layer",
    "Network",
    "PiecewiseLinear",
    "ReluAnimError",
    "Target",
    "analyse",
    "construct",
    "least_squares_output",
    "load_network",
    "optimal_x2",
    "parse_target",
    "save_network",
    "shifted_relu_sum",
]
__version__ = "0.1.0"
