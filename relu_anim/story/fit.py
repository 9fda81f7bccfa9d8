"""What a chapter shows, as numbers: :class:`Fit`.

A scene never computes: it asks for a :class:`Fit` (a network, its exact
piecewise-linear form on the domain, and its errors against the target) and
draws it. Tests check the drawing against the same object. numpy only, like
the rest of the core.

Examples
--------
>>> from relu_anim.construct import optimal_x2
>>> from relu_anim.metrics import x2_optimal_max_error
>>> fit = Fit.of(optimal_x2(5), lambda x: x**2, (0, 2), best_max_error=x2_optimal_max_error(5))
>>> fit.units, len(fit.function.breakpoints), round(fit.max_error / fit.best_max_error, 9)
(5, 5, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..metrics import Function, max_error, mse
from ..checks import check_domain
from ..network import Network
from ..piecewise import PiecewiseLinear

__all__ = ["Fit"]


@dataclass(frozen=True, eq=False)
class Fit:
    """A network fitted to a target on a domain, with the numbers a scene shows.

    Attributes
    ----------
    network
        The network (one input, one output).
    function
        Its exact :class:`~relu_anim.piecewise.PiecewiseLinear` form on ``domain``.
    target
        The fitted function.
    domain
        ``(a, b)``.
    units
        Hidden units of the network.
    max_error, mse
        Of ``function`` against ``target`` (:mod:`relu_anim.metrics`).
    best_max_error
        The best possible max error with this many units, when known.
    """

    network: Network
    function: PiecewiseLinear
    target: Function
    domain: tuple[float, float]
    units: int
    max_error: float
    mse: float
    best_max_error: float | None = None

    @classmethod
    def of(cls, network: Network, target: Function, domain: tuple[float, float],
           best_max_error: float | None = None) -> "Fit":
        """Analyse ``network`` on ``domain`` and measure it against ``target``."""
        a, b = check_domain(*domain)
        function = network.piecewise(a, b)
        return cls(network, function, target, (a, b), network.hidden_units,
                   max_error(function, target), mse(function, target), best_max_error)
