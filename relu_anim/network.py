"""Dense networks as plain numpy: :class:`Layer` and :class:`Network`.

A network is a stack of affine layers, each followed by an activation that is
piecewise linear with at most one kink at zero: ``relu``, ``leaky_relu`` or
``linear``. That is all the exact analysis in :mod:`relu_anim.piecewise` needs.

Nothing here imports torch: :func:`relu_anim.torch_adapter.network_from_torch`
and :func:`relu_anim.torch_adapter.network_to_torch` convert to and from
``torch.nn``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from .errors import ReluAnimError
from .piecewise import PiecewiseLinear, analyse

__all__ = ["ACTIVATIONS", "Layer", "Network"]

#: The activations a layer may have; each is linear on both sides of zero.
ACTIVATIONS = ("relu", "leaky_relu", "linear")


@dataclass(frozen=True, eq=False)
class Layer:
    """One dense layer: ``activation(weight @ x + bias)``.

    Parameters
    ----------
    weight
        Matrix of shape ``(out_features, in_features)``, as in ``torch.nn.Linear``.
    bias
        Vector of length ``out_features``.
    activation
        ``"relu"``, ``"leaky_relu"`` or ``"linear"``.
    negative_slope
        Slope left of zero for ``leaky_relu`` (ignored otherwise).

    Examples
    --------
    >>> layer = Layer([[2.0]], [-1.0], "relu")
    >>> layer(np.array([[0.0], [1.0]])).ravel().tolist()
    [0.0, 1.0]
    """

    weight: np.ndarray
    bias: np.ndarray
    activation: str = "linear"
    negative_slope: float = 0.01
    name: str = field(default="layer", compare=False, repr=False)

    def __post_init__(self) -> None:
        where = self.name
        try:
            weight = np.array(self.weight, dtype=float)
            bias = np.array(self.bias, dtype=float)
        except (TypeError, ValueError):
            raise ReluAnimError(f"{where}: weight and bias must be arrays of numbers") from None
        if weight.ndim != 2 or weight.shape[0] == 0 or weight.shape[1] == 0:
            raise ReluAnimError(f"{where}.weight: must be a non-empty matrix, got shape {weight.shape}")
        if bias.shape != (weight.shape[0],):
            raise ReluAnimError(
                f"{where}.bias: length {bias.shape} does not match the weight's {weight.shape[0]} rows"
            )
        for name, values in (("weight", weight), ("bias", bias)):
            bad = np.argwhere(~np.isfinite(values))
            if len(bad):
                at = ", ".join(str(int(i)) for i in bad[0])
                raise ReluAnimError(
                    f"{where}.{name}: contains non-finite numbers ({values[tuple(bad[0])]} at [{at}]); "
                    "every weight and bias must be a finite number"
                )
        if self.activation not in ACTIVATIONS:
            raise ReluAnimError(
                f"{where}.activation: unknown activation {self.activation!r} "
                f"(expected one of {', '.join(ACTIVATIONS)}; the exact analysis needs piecewise-linear ones)"
            )
        try:
            slope = float(self.negative_slope)
        except (TypeError, ValueError):
            slope = float("nan")
        if not np.isfinite(slope):
            raise ReluAnimError(f"{where}.negative_slope: must be finite")
        weight.setflags(write=False)
        bias.setflags(write=False)
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "bias", bias)
        object.__setattr__(self, "negative_slope", slope)

    @property
    def in_features(self) -> int:
        """Width of the layer's input."""
        return self.weight.shape[1]

    @property
    def out_features(self) -> int:
        """Number of units."""
        return self.weight.shape[0]

    @property
    def is_linear(self) -> bool:
        """True when the activation is the identity."""
        return self.activation == "linear"

    @property
    def slopes(self) -> tuple[float, float]:
        """The activation's slope left and right of zero."""
        if self.activation == "relu":
            return 0.0, 1.0
        if self.activation == "leaky_relu":
            return self.negative_slope, 1.0
        return 1.0, 1.0

    def preactivation(self, x: np.ndarray) -> np.ndarray:
        """``x @ weight.T + bias`` for a batch ``x`` of shape ``(N, in_features)``."""
        return x @ self.weight.T + self.bias

    def activate(self, z: np.ndarray) -> np.ndarray:
        """Apply the activation elementwise."""
        left, right = self.slopes
        if left == right:
            return z * right
        return np.where(z > 0, z * right, z * left) + 0.0  # + 0.0: no -0.0 from relu

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.activate(self.preactivation(x))

    def to_dict(self) -> dict[str, Any]:
        """The layer as plain JSON-ready data (see DESIGN.md's network format)."""
        data: dict[str, Any] = {
            "weight": self.weight.tolist(),
            "bias": self.bias.tolist(),
            "activation": self.activation,
        }
        if self.activation == "leaky_relu":
            data["negative_slope"] = self.negative_slope
        return data


class Network:
    """A stack of :class:`Layer` objects evaluated in order.

    Parameters
    ----------
    layers
        The layers; each one's ``in_features`` must equal the previous one's
        ``out_features``.

    Examples
    --------
    A single shifted ReLU, ``2·ReLU(x − 1)``:

    >>> net = Network([Layer([[1.0]], [-1.0], "relu"), Layer([[2.0]], [0.0])])
    >>> net(np.array([0.0, 1.5, 3.0])).tolist()
    [0.0, 1.0, 4.0]
    >>> net.piecewise(0, 3).breakpoints.tolist()
    [1.0]
    """

    def __init__(self, layers: Iterable[Layer]) -> None:
        layers = tuple(layers)
        if not layers:
            raise ReluAnimError("layers: a network needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise ReluAnimError(f"layers[{i}]: expected a Layer, got {type(layer).__name__}")
        for i in range(1, len(layers)):
            if layers[i].in_features != layers[i - 1].out_features:
                raise ReluAnimError(
                    f"layers[{i}].weight: takes {layers[i].in_features} inputs but "
                    f"layers[{i - 1}] has {layers[i - 1].out_features} units"
                )
        self.layers: tuple[Layer, ...] = layers

    # ------------------------------------------------------------------ shape
    @property
    def in_features(self) -> int:
        """Width of the input."""
        return self.layers[0].in_features

    @property
    def out_features(self) -> int:
        """Width of the output."""
        return self.layers[-1].out_features

    @property
    def widths(self) -> list[int]:
        """Input width, then every layer's width: ``[1, 20, 1]`` for 1-20-1."""
        return [self.in_features] + [layer.out_features for layer in self.layers]

    @property
    def hidden_units(self) -> int:
        """Number of units whose activation has a kink (relu or leaky_relu)."""
        return sum(layer.out_features for layer in self.layers if not layer.is_linear)

    def __len__(self) -> int:
        return len(self.layers)

    def __repr__(self) -> str:
        acts = ", ".join(layer.activation for layer in self.layers)
        return f"Network(widths={self.widths}, activations=[{acts}])"

    # ------------------------------------------------------------- evaluation
    def forward(self, x: np.ndarray) -> np.ndarray:
        """Evaluate a batch ``x`` of shape ``(N, in_features)``; returns ``(N, out_features)``."""
        h = np.asarray(x, dtype=float)
        for layer in self.layers:
            h = layer(h)
        return h

    def __call__(self, x: Any) -> np.ndarray:
        """Evaluate the network, vectorised.

        For a scalar-input network a 1-D array (or a number) of inputs is accepted;
        for a scalar-output network the output is then squeezed to the same shape.
        """
        x = np.asarray(x, dtype=float)
        scalar_io = self.in_features == 1 and x.ndim <= 1
        if scalar_io:
            shape = x.shape
            out = self.forward(x.reshape(-1, 1))
            if self.out_features == 1:
                return out.reshape(shape)
            return out.reshape(shape + (self.out_features,))
        if x.ndim == 1:
            x = x.reshape(1, -1)
        if x.shape[-1] != self.in_features:
            raise ReluAnimError(
                f"input: expected {self.in_features} features per row, got {x.shape[-1]}"
            )
        return self.forward(x)

    # ------------------------------------------------------------- structure
    def collapse(self) -> Layer:
        """The single affine layer equal to an all-linear stack.

        ``W = W_L ⋯ W_1`` and ``b = W_L(⋯(W_2 b_1 + b_2)⋯) + b_L``.

        Raises
        ------
        ReluAnimError
            If any layer has a non-linear activation.

        Examples
        --------
        >>> f = Layer([[2.0]], [1.0]); g = Layer([[3.0]], [-1.0])
        >>> h = Network([f, g]).collapse()
        >>> h.weight.tolist(), h.bias.tolist()
        ([[6.0]], [2.0])
        """
        for i, layer in enumerate(self.layers):
            if not layer.is_linear:
                raise ReluAnimError(
                    f"layers[{i}]: has activation {layer.activation!r}; only an all-linear "
                    "stack collapses to one affine layer"
                )
        weight = self.layers[0].weight
        bias = self.layers[0].bias
        for layer in self.layers[1:]:
            weight = layer.weight @ weight
            bias = layer.weight @ bias + layer.bias
        return Layer(weight, bias, "linear")

    def piecewise(self, a: float, b: float) -> "PiecewiseLinear":
        """Exact piecewise-linear form on ``[a, b]`` of a scalar-in, scalar-out network.

        See :func:`relu_anim.piecewise.analyse`.
        """
        return analyse(self, a, b)

    def to_dict(self) -> dict[str, Any]:
        """The layers as JSON-ready data: ``{"layers": [...]}``."""
        return {"layers": [layer.to_dict() for layer in self.layers]}

    @classmethod
    def from_layers(cls, layers: Sequence[dict[str, Any]]) -> "Network":
        """Build from the ``layers`` list of the JSON format (already validated)."""
        return cls(
            Layer(
                d["weight"],
                d["bias"],
                d.get("activation", "linear"),
                d.get("negative_slope", 0.01),
                name=f"layers[{i}]",
            )
            for i, d in enumerate(layers)
        )
