"""relu-anim: exact ReLU networks for explainer videos.

The package builds, trains and analyses small networks and hands their numbers
to the Manim scenes in ``scenes/``. ``import relu_anim`` loads nothing heavy:
the names below are imported on first use (numpy then; :func:`render`, which
renders a clip of any network, brings the command line's loaders), torch by
:mod:`relu_anim.torch_adapter` and manim by :mod:`relu_anim.visual`, each when
first used. That keeps ``python -m relu_anim`` and the ``relu-anim`` script,
which import this package before any of their own code runs, able to take over
Ctrl-C before the slow imports (see :mod:`relu_anim.__main__`).

Examples
--------
>>> from relu_anim import optimal_x2
>>> net = optimal_x2(5)
>>> f = net.piecewise(0, 2)
>>> len(f.breakpoints)
5
"""

from __future__ import annotations

import importlib
from typing import Any

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
    "render",
    "save_network",
    "shifted_relu_sum",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import the public names on first use (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module 'relu_anim' has no attribute {name!r}")
    if name == "render":
        # the render package, callable (relu_anim.render(source, out)); imported on first use by
        # name, so that the facade's own imports stay those of the core
        return importlib.import_module(f"{__name__}.render")
    # lazy: importing numpy and the core here would delay the CLI's Ctrl-C handler
    from .construct import construct, least_squares_output, optimal_x2, shifted_relu_sum
    from .errors import ReluAnimError
    from .io.network_file import load_network, save_network
    from .network import ACTIVATIONS, Layer, Network
    from .piecewise import PiecewiseLinear, analyse
    from .target import Target, parse_target

    names = locals()
    globals().update({key: names[key] for key in __all__ if key != "render"})  # render: the package, above
    return names[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
