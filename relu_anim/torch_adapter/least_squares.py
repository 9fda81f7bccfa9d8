"""The output layer solved exactly: least squares on the training points and on the domain.

:func:`train` (variable projection) never lets Adam move the output layer: at
every step :func:`solve_output` (any depth) or :class:`OneLayer` (one hidden
layer, in O(N + n²) instead of O(N·n²)) gives the output weights that minimise
the mean squared error on the training points for the current hidden layers,
and at the end :func:`continuous_output` re-solves them in the continuous L²
sense on the whole domain.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..metrics import Function, quadrature
from ..network import Layer, Network
from .tensors import DTYPE

__all__ = ["MAX_CONTINUOUS_WORK", "OneLayer", "continuous_output", "prefix_sums", "solve_normal",
           "solve_output"]

#: The continuous re-solve is skipped (the trained output layer kept) when its
#: least-squares problem, 2·pieces × (width + 1), would cost more multiply-adds
#: than this: about a second (1,000 units on about 1,000 pieces).
MAX_CONTINUOUS_WORK = 4e9


def solve_normal(gram: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor | None:
    """Solve ``gram @ θ = rhs`` by Cholesky with a relative ridge of 1e-12 (dead units)."""
    ridge = 1e-12 * (torch.diagonal(gram).mean() + 1e-300)
    gram = gram + ridge * torch.eye(gram.shape[0], dtype=gram.dtype)
    chol, info = torch.linalg.cholesky_ex(gram)
    if int(info) != 0:
        return None
    return torch.cholesky_solve(rhs[:, None], chol)[:, 0]


def solve_output(features: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Least-squares output weights and bias (last entry) for ``features``, exactly.

    Normal equations solved by Cholesky; a rank-revealing solver if that fails.
    """
    design = torch.cat([features, torch.ones_like(features[:, :1])], dim=1)
    theta = solve_normal(design.T @ design, design.T @ y)
    if theta is None:
        theta = torch.linalg.lstsq(design, y[:, None], driver="gelsd").solution[:, 0]
    return theta


class OneLayer:
    """Exact least squares and gradient for one hidden layer in O(N + n²), not O(N·n²).

    On sorted points each unit ``ReLU(w·u + b)`` is active on a run of consecutive
    points (one side of its kink), and so is any product of two units. So every
    entry of the normal equations is ``w_j w_k Σu² + (w_j b_k + w_k b_j) Σu + b_j b_k Σ1``
    over a run, read off prefix sums; the prediction is ``A(u)·u + B(u)`` with
    ``A, B`` changing only at run ends (a cumulative sum); and the gradient of the
    loss for unit ``j`` is ``θ_j`` times the sums of ``r`` and ``r·u`` over its run.
    The constant feature is a unit with ``w = 0, b = 1``.
    """

    def __init__(self, u: torch.Tensor, y: torch.Tensor) -> None:
        self.u, self.y = u, y
        self.p = [prefix_sums(torch.ones_like(u)), prefix_sums(u), prefix_sums(u * u)]
        self.q = [prefix_sums(y), prefix_sums(u * y)]

    def runs(self, w: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``[lo, hi)``: the points where ``w·u + b > 0``, per unit."""
        n = len(self.u)
        kink = -b / torch.where(w != 0, w, torch.ones_like(w))
        after = torch.searchsorted(self.u, kink, right=True)  # first point with u > kink
        before = torch.searchsorted(self.u, kink)  # number of points with u < kink
        lo = torch.where(w > 0, after, torch.zeros_like(after))
        hi = torch.where(w > 0, torch.full_like(after, n),
                         torch.where(w < 0, before, torch.where(b > 0, n, 0)))
        return lo, torch.maximum(hi, lo)

    def evaluate(self, weight: torch.Tensor, bias: torch.Tensor,
                 grad: bool) -> tuple[float, torch.Tensor] | None:
        """Loss with the exact LS output; sets the gradients; returns (loss, θ) or None."""
        n = len(self.u)
        w = torch.cat([weight.detach()[:, 0], torch.zeros(1, dtype=DTYPE)])
        b = torch.cat([bias.detach(), torch.ones(1, dtype=DTYPE)])
        lo, hi = self.runs(w, b)
        lo2 = torch.maximum(lo[:, None], lo[None, :])
        hi2 = torch.maximum(torch.minimum(hi[:, None], hi[None, :]), lo2)
        s0, s1, s2 = (p[hi2] - p[lo2] for p in self.p)
        wb = w[:, None] * b[None, :]
        gram = (w[:, None] * w[None, :]) * s2 + (wb + wb.T) * s1 + (b[:, None] * b[None, :]) * s0
        rhs = w * (self.q[1][hi] - self.q[1][lo]) + b * (self.q[0][hi] - self.q[0][lo])
        theta = solve_normal(gram, rhs)
        if theta is None:
            return None
        slope = torch.zeros(n + 1, dtype=DTYPE)
        slope.index_add_(0, lo, theta * w).index_add_(0, hi, -theta * w)
        offset = torch.zeros(n + 1, dtype=DTYPE)
        offset.index_add_(0, lo, theta * b).index_add_(0, hi, -theta * b)
        residual = torch.cumsum(slope, 0)[:n] * self.u + torch.cumsum(offset, 0)[:n] - self.y
        loss = float(torch.mean(residual * residual))
        if grad:
            r0, r1 = prefix_sums(residual), prefix_sums(residual * self.u)
            scale = (2.0 / n) * theta[:-1]
            lo, hi = lo[:-1], hi[:-1]
            weight.grad = (scale * (r1[hi] - r1[lo]))[:, None]
            bias.grad = scale * (r0[hi] - r0[lo])
        return loss, theta


def prefix_sums(values: torch.Tensor) -> torch.Tensor:
    """``[0, v₀, v₀+v₁, …]``: sums over runs ``[lo, hi)`` are ``p[hi] − p[lo]``."""
    return torch.cat([torch.zeros(1, dtype=values.dtype), torch.cumsum(values, 0)])


def continuous_output(net: Network, target: Function, a: float, b: float) -> Network | None:
    """``net`` with its output layer the continuous least-squares best on [a, b].

    Every hidden feature is linear between the network's activation-region
    breakpoints ("pieces"), so on a piece it is fixed by its values at the two
    ends, and ``∫ φ_j φ_k`` over the piece is the linear element's mass matrix
    ``(Δ/6)·[[2, 1], [1, 2]]`` applied to those values: exact, no quadrature.
    Factoring that 2×2 matrix as ``L·Lᵀ`` turns each piece into two rows of a
    least-squares problem, so the solve costs ``O(pieces·n²)`` and memory
    ``O(pieces·n)``, never ``O(nodes·n)``. Only ``∫ ψ·target`` (``ψ`` the two
    linear hats of a piece) needs quadrature: Gauss–Legendre panels that do not
    straddle a breakpoint, exact for polynomial targets of degree ≤ 14.

    Returns None (keep the trained output layer) if the target is not finite at
    the nodes, or if the solve would cost more than :data:`MAX_CONTINUOUS_WORK`.

    Examples
    --------
    >>> from relu_anim.construct import shifted_relu_sum
    >>> start = shifted_relu_sum([0.0], [1.0])  # ReLU(x − 1), output weight 0
    >>> net = continuous_output(start, lambda x: 2 * np.maximum(x - 1, 0) + 0.5, 0, 2)
    >>> [round(float(v), 12) for v in net([0.0, 1.0, 2.0])]  # the target is in the span: exact
    [0.5, 0.5, 2.5]
    """
    f = net.piecewise(a, b)
    knots = np.unique(np.concatenate([[a], f.region_breakpoints, [b]]))
    pieces, width = len(knots) - 1, net.layers[-1].in_features
    if 2 * pieces * (width + 1) ** 2 > MAX_CONTINUOUS_WORK:
        return None
    x, w, piece = quadrature(knots, panels=max(256, 4 * len(knots)))
    with np.errstate(all="ignore"):
        y = np.asarray(target(x), dtype=float) * np.ones_like(x)
    if not np.all(np.isfinite(y)):
        return None
    values = knots[:, None]
    for layer in net.layers[:-1]:
        values = layer(values)
    values = np.column_stack([values, np.ones(len(knots))])  # features at the knots, and the constant
    length = np.diff(knots)
    s = np.clip((x - knots[piece]) / length[piece], 0.0, 1.0)  # where a node lies in its piece
    m0 = np.bincount(piece, w * (1.0 - s) * y, minlength=pieces)  # ∫ ψ₀·target, ψ₀ = 1 − s
    m1 = np.bincount(piece, w * s * y, minlength=pieces)  # ∫ ψ₁·target, ψ₁ = s
    # (Δ/6)[[2, 1], [1, 2]] = L·Lᵀ with L = r·[[√2, 0], [1/√2, √(3/2)]], r = √(Δ/6)
    r = np.sqrt(length / 6.0)[:, None]
    design = np.empty((2 * pieces, width + 1))
    design[0::2] = r * (math.sqrt(2.0) * values[:-1] + values[1:] / math.sqrt(2.0))  # Lᵀ·[v_k; v_k+1]
    design[1::2] = r * math.sqrt(1.5) * values[1:]
    rhs = np.empty(2 * pieces)  # L⁻¹·[m0; m1], so that designᵀ·rhs = ∫ φ·target
    rhs[0::2] = m0 / (r[:, 0] * math.sqrt(2.0))
    rhs[1::2] = (m1 / r[:, 0] - rhs[0::2] / math.sqrt(2.0)) / math.sqrt(1.5)
    # SVD least squares, as rank-deficient designs (dead or coinciding units) need. Through
    # torch: numpy's lstsq ran 6-10x slower once torch was loaded. Not gelsy: MKL's
    # pivoted QR gave different last bits from run to run. torch's copies are 64-byte
    # aligned, so MKL takes the same code path every time.
    theta = torch.linalg.lstsq(torch.tensor(design), torch.tensor(rhs)[:, None],
                               driver="gelsd").solution[:, 0].numpy()
    output = Layer(theta[None, :-1], theta[-1:], "linear", name=f"layers[{len(net.layers) - 1}]")
    return Network(net.layers[:-1] + (output,))
