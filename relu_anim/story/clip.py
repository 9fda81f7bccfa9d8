"""What a clip of any network shows, as numbers and words: :func:`clip_story`.

``relu-anim render`` makes a short clip of a user's network. This module decides
what the clip shows from what the source holds, and computes every number and
every caption it needs; :mod:`relu_anim.visual.clip` only draws them.

- one input: the output drawn exactly through its kinks, the slope of every
  piece and how many hidden units are active along x (switch points: the exact
  zeros of every unit's pre-activation); with one hidden layer the units'
  shifted, scaled ReLUs and their running sum; with more, which layer's units
  switch where;
- a target: the error band, the max error and the mean squared error (for x²
  on [0, 2] beside the best possible, :mod:`relu_anim.metrics`);
- more fits of the same target (several unit counts): one after another;
- two inputs: the exact linear regions over the square ``domain × domain``.

numpy only, like the rest of the core.

Examples
--------
>>> from relu_anim.construct import optimal_x2
>>> story = clip_story([ClipSource(optimal_x2(3), (0.0, 2.0), target="x**2")])
>>> story.kind, len(story.function.breakpoints), [len(s) for s in story.switches]
('scalar', 3, [3])
>>> story.active_counts.tolist()
[0, 1, 2, 3]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ..checks import check_domain
from ..errors import ReluAnimError
from ..metrics import fit_metrics
from ..network import Layer, Network
from ..piecewise import PiecewiseLinear
from ..regions import Region, linear_regions, unit_lines
from ..target import Target, parse_target
from .history import snapshot_network
from .numbers import format_text

__all__ = [
    "MAX_FITS",
    "MAX_SNAPSHOTS",
    "MAX_SHOWN_UNITS",
    "MAX_SHOWN_PIECES",
    "ClipSource",
    "ClipStory",
    "FitStep",
    "check_source",
    "clip_story",
    "unit_terms",
    "unit_switches",
    "zeros",
]

#: With at most this many hidden units (one layer), each unit's ReLU is drawn.
MAX_SHOWN_UNITS = 8
#: At most this many fits (unit counts) in one clip, so that it stays under 90 s.
MAX_FITS = 8
#: A training history is played back through at most this many snapshots.
MAX_SNAPSHOTS = 16
#: With at most this many pieces, each piece's slope is labelled and visited.
MAX_SHOWN_PIECES = 12


@dataclass(frozen=True, eq=False)
class ClipSource:
    """A network to show and what came with it.

    Attributes
    ----------
    network
        One or two inputs, one output.
    domain
        ``(a, b)``: the x range, or both axes' range for two inputs.
    target
        The expression fitted (text), if any.
    history
        Training snapshots ``{"step", "loss", "layers"}``, if any.
    name
        What the clip's title calls it (a file name).
    """

    network: Network
    domain: tuple[float, float]
    target: str | None = None
    history: Sequence[Any] | None = None
    name: str = "network"


def check_source(source: ClipSource) -> ClipSource:
    """Refuse what a clip cannot show: not one or two inputs, not one output, a bad domain or history.

    Examples
    --------
    >>> check_source(ClipSource(Network([Layer(np.ones((2, 3)), np.zeros(2)), Layer(np.ones((1, 2)), [0.0])]),
    ...                         (0.0, 1.0), name="m.json"))
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: m.json: a clip shows networks of one or two inputs; this one has 3 (3 -> 1)
    """
    net = source.network
    if net.in_features not in (1, 2):
        raise ReluAnimError(f"{source.name}: a clip shows networks of one or two inputs; this one has "
                            f"{net.in_features} ({net.in_features} -> {net.out_features})")
    if net.out_features != 1:
        raise ReluAnimError(f"{source.name}: a clip shows networks with one output; this one has "
                            f"{net.out_features} ({net.in_features} -> {net.out_features})")
    check_domain(*source.domain)
    if source.target is not None and net.in_features != 1:
        raise ReluAnimError(f"{source.name}: a target goes with a one-input network")
    shapes = [layer.weight.shape for layer in net.layers]
    for i, snapshot in enumerate(source.history or ()):
        layers = snapshot.get("layers") if isinstance(snapshot, dict) else None
        if isinstance(layers, Network):
            got = [layer.weight.shape for layer in layers.layers]
        else:
            got = [np.shape(layer.get("weight")) if isinstance(layer, dict) else None for layer in layers or ()]
        if got != shapes:
            raise ReluAnimError(f"{source.name}: history[{i}]: layer shapes {got} differ from the network's "
                                f"{shapes}; a history keeps one shape through training")
    return source


def zeros(g: PiecewiseLinear) -> np.ndarray:
    """Where ``g`` crosses zero strictly inside its domain, exactly from its pieces.

    A piece lying on zero gives no crossing (the unit is at its kink all along).

    Examples
    --------
    >>> zeros(PiecewiseLinear.from_points([0, 1, 2, 3], [-1, 1, 1, -2])).tolist()
    [0.5, 2.3333333333333335]
    """
    xs, vs = g.knots, g.knot_values
    found = []
    for i, slope in enumerate(g.slopes):
        if vs[i] == 0 and 0 < i:
            if vs[i - 1] * vs[i + 1] < 0:  # through zero, not touching it
                found.append(xs[i])
        elif vs[i] * vs[i + 1] < 0:
            found.append(xs[i] - vs[i] / slope)
    return np.array(sorted(x for x in found if xs[0] < x < xs[-1]))


def _unit_function(net: Network, layer: int, unit: int, a: float, b: float) -> PiecewiseLinear:
    """Unit ``unit`` of hidden layer ``layer``'s pre-activation, exactly, on [a, b]."""
    last = net.layers[layer]
    head = Layer(last.weight[unit:unit + 1], last.bias[unit:unit + 1], "linear", name=f"layers[{layer}]")
    return Network([*net.layers[:layer], head]).piecewise(a, b)


def unit_switches(net: Network, a: float, b: float) -> list[np.ndarray]:
    """For each hidden layer, the sorted x where one of its units switches (its pre-activation is 0).

    Examples
    --------
    >>> net = Network([Layer([[1.0], [1.0]], [-0.5, -1.0], "relu"), Layer([[1.0, 1.0]], [0.0])])
    >>> [s.tolist() for s in unit_switches(net, 0, 2)]
    [[0.5, 1.0]]
    """
    out = []
    for i, layer in enumerate(net.layers[:-1]):
        found = [zeros(_unit_function(net, i, j, a, b)) for j in range(layer.out_features)]
        out.append(np.sort(np.concatenate(found)) if found else np.zeros(0))
    return out


def _active(net: Network, x: np.ndarray) -> np.ndarray:
    """How many hidden units have a positive pre-activation at each x."""
    h = np.asarray(x, dtype=float).reshape(-1, 1)
    count = np.zeros(len(h), dtype=int)
    for layer in net.layers[:-1]:
        z = h @ layer.weight.T + layer.bias
        count += (z > 0).sum(axis=1)
        h = layer(h)
    return count


def unit_terms(net: Network, a: float, b: float) -> tuple[list[PiecewiseLinear], list[PiecewiseLinear], np.ndarray]:
    """One hidden layer: each unit's term ``v·act(w x + c)``, the running sums, and the units' kinks.

    Units are taken in the order of their kinks ``h = −c/w`` (a unit with
    ``w = 0`` has none and comes last). ``sums[k]`` is the output bias plus the
    first ``k + 1`` terms, so ``sums[-1]`` is the network itself.

    Examples
    --------
    >>> from relu_anim.construct import shifted_relu_sum
    >>> terms, sums, kinks = unit_terms(shifted_relu_sum([1.0, 1.0], [0.0, 1.0]), 0, 2)
    >>> kinks.tolist(), float(sums[-1](np.array([2.0]))[0])
    ([0.0, 1.0], 3.0)
    """
    hidden, out = net.layers
    w, c = hidden.weight[:, 0], hidden.bias
    with np.errstate(divide="ignore", invalid="ignore"):
        kinks = np.where(w != 0, -c / np.where(w != 0, w, 1.0), np.inf) + 0.0  # no -0.0
    order = np.argsort(kinks, kind="stable")
    terms, sums = [], []
    for k, i in enumerate(order):
        unit = Layer(hidden.weight[i:i + 1], hidden.bias[i:i + 1], hidden.activation, hidden.negative_slope)
        terms.append(Network([unit, Layer(out.weight[:, i:i + 1], [0.0])]).piecewise(a, b))
        first = order[:k + 1]
        partial = Layer(hidden.weight[first], hidden.bias[first], hidden.activation, hidden.negative_slope)
        sums.append(Network([partial, Layer(out.weight[:, first], out.bias)]).piecewise(a, b))
    return terms, sums, kinks[order]


@dataclass(frozen=True, eq=False)
class FitStep:
    """One fit of the target: its network, exact function and metrics (``fit_metrics`` keys)."""

    network: Network
    function: PiecewiseLinear
    metrics: dict[str, float]


@dataclass(frozen=True, eq=False)
class ClipStory:
    """Everything a clip shows. See :func:`clip_story`.

    Attributes
    ----------
    kind
        ``"scalar"`` (one input) or ``"plane"`` (two inputs).
    source
        The first source.
    function
        Its exact output on the domain (``scalar``).
    switches
        Per hidden layer, where its units switch (``scalar``).
    cuts, active_counts
        All switch points in order, and the number of active hidden units
        between consecutive cuts (``len(cuts) + 1`` counts).
    terms, sums, unit_kinks
        One hidden layer with at most :data:`MAX_SHOWN_UNITS` units: see :func:`unit_terms`.
    target
        The parsed target, if any; ``fits`` one :class:`FitStep` per source.
    regions
        Two inputs: the exact linear regions and the output at each region's centroid.
    """

    kind: str
    source: ClipSource
    function: PiecewiseLinear | None = None
    switches: list[np.ndarray] = field(default_factory=list)
    cuts: np.ndarray = field(default_factory=lambda: np.zeros(0))
    active_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    terms: list[PiecewiseLinear] = field(default_factory=list)
    sums: list[PiecewiseLinear] = field(default_factory=list)
    unit_kinks: np.ndarray = field(default_factory=lambda: np.zeros(0))
    target: Target | None = None
    fits: list[FitStep] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    region_values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    extremes: tuple[float, float] = (0.0, 0.0)
    lines: list[list[list[np.ndarray]]] = field(default_factory=list)
    snapshots: list[tuple[int, float, PiecewiseLinear]] = field(default_factory=list)

    @property
    def network(self) -> Network:
        return self.source.network

    @property
    def domain(self) -> tuple[float, float]:
        return self.source.domain

    @property
    def one_layer(self) -> bool:
        """One hidden layer, few enough units to draw each one."""
        return len(self.network.layers) == 2 and 0 < len(self.terms)

    # ----------------------------------------------------------- captions
    def widths_text(self) -> str:
        return "–".join(str(w) for w in self.network.widths)

    def intro(self) -> str:
        net = self.network
        layers = len(net.layers) - 1
        shape = (f"{net.hidden_units} hidden units in {layers} layers" if layers > 1
                 else f"{net.hidden_units} hidden units" if layers == 1 else "no hidden layer")
        if self.kind == "plane":
            return f"A network of two inputs with {shape}. Its output is a surface over the plane."
        return f"A network with {shape}. Its output is drawn exactly, straight between its kinks."

    def kinks_text(self) -> str:
        f = self.function
        n = len(f.breakpoints)
        if n == 0:
            return "It has no kink here: one straight piece, whatever its units do."
        return (f"It has {n} kink{'s' if n != 1 else ''}, so {f.num_pieces} straight pieces; "
                "a dot marks every kink.")

    def slopes_text(self) -> str:
        f = self.function
        if f.num_pieces <= MAX_SHOWN_PIECES:
            return "Each piece has its own slope; walking along x, the slope changes only at a kink."
        return ("Walking along x, the slope changes only at a kink, and the count of active units "
                "changes where a unit switches.")

    def active_text(self) -> str:
        lo, hi = int(self.active_counts.min()), int(self.active_counts.max())
        if lo == hi:
            return f"The same {lo} units stay active all along x: nothing switches here."
        return f"Along x the number of active units goes between {lo} and {hi}; it changes where a unit switches."

    def units_text(self) -> str:
        return (f"Each of the {len(self.terms)} units adds one shifted, scaled ReLU, bent at its own kink.")

    def sum_text(self) -> str:
        return "Added up, with the output bias, they give the network's output, kink by kink."

    def layers_text(self) -> str:
        counts = [len(s) for s in self.switches]
        said = ", ".join(f"layer {i + 1}: {n}" for i, n in enumerate(counts))
        return (f"Where units switch, layer by layer ({said}). Later layers bend again what earlier ones "
                "already bent.")

    def target_text(self) -> str:
        return f"Against its target {self.source.target}, the shaded band is the error."

    def metrics_text(self, step: FitStep) -> str:
        m = step.metrics
        text = (f"The max error is {format_text(m['max_error'])} and the mean squared error "
                f"{format_text(m['mse'])}")
        if "optimal_max_error" in m:
            text += f"; the best possible with {step.network.hidden_units} units: {format_text(m['optimal_max_error'])}"
        return text + "."

    def more_units_text(self, step: FitStep) -> str:
        n = step.network.hidden_units
        return (f"With {n} units: {len(step.function.breakpoints)} kinks, max error "
                f"{format_text(step.metrics['max_error'])}.")

    def training_text(self) -> str:
        (s0, l0, _), (s1, l1, _) = self.snapshots[0], self.snapshots[-1]
        return (f"Its training, played back from step {s0} to step {s1}: the loss falls from "
                f"{format_text(l0)} to {format_text(l1)} as the kinks move.")

    def regions_text(self) -> str:
        return (f"Over the square the output is flat on each of {len(self.regions)} linear regions, "
                "bent where a unit switches.")

    def lines_text(self) -> str:
        if len(self.lines) > 1:
            return ("The regions are cut where units switch: the first layer along straight lines, "
                    "later layers along lines bent where earlier units switch.")
        return "The regions are cut where units switch: each unit along one straight line."

    def range_text(self) -> str:
        lo, hi = self.extremes
        return (f"Each region is coloured by the output at its centre. Over the square the output goes "
                f"from {format_text(lo)} to {format_text(hi)}.")


def clip_story(sources: Sequence[ClipSource]) -> ClipStory:
    """What the clip of ``sources`` shows: the first network, and every fit when they share a target.

    Raises
    ------
    ReluAnimError
        What :func:`check_source` refuses.
    """
    if not sources:
        raise ReluAnimError("render: nothing to show")
    if len(sources) > MAX_FITS:
        raise ReluAnimError(f"--units: at most {MAX_FITS} unit counts in one clip (got {len(sources)})")
    for s in sources:
        check_source(s)
    first = sources[0]
    net, (a, b) = first.network, first.domain
    if net.in_features == 2:
        regions = linear_regions(net, (a, b, a, b))
        values = np.array([float(np.ravel(r(r.centroid[None, :]))[0]) for r in regions])
        corners = np.concatenate([np.ravel(r(r.vertices)) for r in regions])
        return ClipStory("plane", first, regions=regions, region_values=values,
                         extremes=(float(corners.min()), float(corners.max())),
                         lines=unit_lines(net, (a, b, a, b)))
    f = net.piecewise(a, b)
    switches = unit_switches(net, a, b)
    cuts = np.unique(np.concatenate([np.zeros(0), *switches]))
    edges = np.concatenate([[a], cuts, [b]])
    active = _active(net, (edges[:-1] + edges[1:]) / 2)
    terms: list[PiecewiseLinear] = []
    sums: list[PiecewiseLinear] = []
    kinks = np.zeros(0)
    if len(net.layers) == 2 and net.hidden_units <= MAX_SHOWN_UNITS:
        terms, sums, kinks = unit_terms(net, a, b)
    target = parse_target(first.target) if first.target is not None else None
    fits = []
    if target is not None:
        for s in sources:
            g = s.network.piecewise(a, b)
            fits.append(FitStep(s.network, g, fit_metrics(g, target, s.network.hidden_units, target.text)))
    snapshots = []
    history = list(first.history or ())
    if len(history) >= 2:
        picks = np.unique(np.linspace(0, len(history) - 1, min(len(history), MAX_SNAPSHOTS)).round().astype(int))
        for i in picks:
            entry = history[int(i)]
            net_i = snapshot_network(entry, f"history[{int(i)}]")
            loss = float(entry["loss"])
            if not (np.isfinite(loss) and loss > 0):
                raise ReluAnimError(f"{first.name}: history[{int(i)}].loss: {loss} is not a positive number")
            snapshots.append((int(entry["step"]), loss, net_i.piecewise(a, b)))
    return ClipStory("scalar", first, f, switches, cuts, active, terms, sums, kinks, target, fits,
                     snapshots=snapshots)
