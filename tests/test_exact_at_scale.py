"""Kink counts stay exact at every scale: wide domains, huge and tiny weights, or a refusal.

The oracle for one hidden layer (``1 → N → 1``) is rational arithmetic: the kinks
are the distinct ``fl(−b/w)`` strictly inside the domain whose units' exact
``Σ v·|w|`` is not zero (and the activation bends). Deeper networks are checked
against scaling by powers of two, which is exact in floating point.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from relu_anim import Layer, Network, ReluAnimError
from relu_anim.construct import shifted_relu_sum, tent_map, yarotsky_x2
from relu_anim.io.network_file import save_network
from relu_anim.piecewise import MAX_VALUE, _by_layers, _one_hidden_layer

from .cli_subprocess import assert_refused, run_cli
from .strategies import scalar_networks

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

U = 2.0**-53


def oracle_kinks(w: np.ndarray, b: np.ndarray, v: np.ndarray, lo: float, hi: float, jump: float) -> list[float]:
    """Distinct fl(−b/w) in (lo, hi) whose units' exact Σ v·|w| is not zero."""
    if jump == 0:
        return []
    change: dict[float, Fraction] = {}
    for wj, bj, vj in zip(w.tolist(), b.tolist(), v.tolist()):
        if wj == 0:
            continue
        r = -bj / wj + 0.0
        if lo < r < hi:
            change[r] = change.get(r, Fraction(0)) + Fraction(vj) * abs(Fraction(wj))
    return sorted(r for r, total in change.items() if total != 0)


def value_bound(w, b, v, reach) -> float:
    """Exact bound on what the analysis holds: every hidden unit's slope, offset and
    value on the domain, and the output's (Σ |v|·|w|, Σ |v|·|b|, ...), as a float."""
    f = [(abs(Fraction(wj)), abs(Fraction(bj)), abs(Fraction(vj))) for wj, bj, vj in zip(w.tolist(), b.tolist(),
                                                                                        v.tolist())]
    r = Fraction(reach)
    slope = sum(vj * wj for wj, _, vj in f)
    offset = sum(vj * bj for _, bj, vj in f)
    total = max([slope, offset, slope * r + offset] + [max(wj, bj, wj * r + bj) for wj, bj, _ in f])
    return float(total) if total < Fraction(2) ** 1023 else float("inf")


@st.composite
def one_layer(draw):
    """A 1 → N → 1 network with units at scales 10^k, repeated roots and cancelling weights."""
    n = draw(st.integers(1, 24))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kw, kb, kv = (draw(st.integers(-300, 300)) for _ in range(3))
    w = rng.normal(size=n) * 10.0**kw
    b = rng.normal(size=n) * 10.0**kb
    v = rng.normal(size=n) * 10.0**kv
    w[rng.random(n) < 0.1] = 0.0
    v[rng.random(n) < 0.1] = 0.0
    # copies of a unit scaled by a power of two share its root exactly; half of
    # them cancel its output weight exactly
    for j in range(1, n):
        if rng.random() < 0.3:
            i = int(rng.integers(0, j))
            scale = 2.0 ** int(rng.integers(-4, 5))
            w[j], b[j] = w[i] * scale, b[i] * scale
            if rng.random() < 0.5:
                v[j] = -v[i] / scale
    act = draw(st.sampled_from(["relu", "leaky_relu"]))
    slope = draw(st.sampled_from([0.01, 0.5, 1.0, -2.0]))
    net = Network([Layer(w[:, None], b, act, slope), Layer(v[None, :], [draw(st.floats(-1e3, 1e3))])])
    kd = draw(st.integers(-300, 300))
    a, width = draw(st.floats(-3, 2)), draw(st.floats(0.01, 6))
    lo, hi = a * 10.0**kd, (a + width) * 10.0**kd
    assume(lo < hi)
    return net, w, b, v, lo, hi


@settings(max_examples=300, deadline=None)
@given(case=one_layer())
def test_one_layer_kinks_are_exactly_the_distinct_roots_with_a_nonzero_change(case):
    net, w, b, v, lo, hi = case
    layer = net.layers[0]
    left, right = layer.slopes
    expected = oracle_kinks(w, b, v, lo, hi, right - left)
    bound = value_bound(w, b, v, max(abs(lo), abs(hi))) * max(abs(left), abs(right))
    if bound > 2 * MAX_VALUE:
        with pytest.raises(ReluAnimError, match="overflow"):
            net.piecewise(lo, hi)
        return
    try:
        f = net.piecewise(lo, hi)
    except ReluAnimError as err:
        assert bound > MAX_VALUE / 2 and "overflow" in str(err)
        return
    assert f.breakpoints.tolist() == expected


@settings(max_examples=150, deadline=None)
@given(net=scalar_networks(max_depth=1, max_width=30),
       domain=st.tuples(st.floats(-10, 9), st.floats(0.1, 20)).map(lambda t: (t[0], t[0] + t[1])))
def test_the_n_log_n_path_agrees_with_the_layer_by_layer_path(net, domain):
    fast = _one_hidden_layer(net, *domain)
    general = _by_layers(net, *domain)
    np.testing.assert_array_equal(fast.breakpoints, general.breakpoints)
    np.testing.assert_array_equal(fast.region_breakpoints, general.region_breakpoints)
    np.testing.assert_array_equal(fast.active, general.active)
    np.testing.assert_array_equal(fast.region_active, general.region_active)
    # both are sums of at most width + 2 rounded terms of these sizes
    w, b = net.layers[0].weight[:, 0], net.layers[0].bias
    v = net.layers[1].weight[0]
    reach = max(abs(domain[0]), abs(domain[1]))
    n = len(w)
    slope_tol = 4 * (n + 4) * U * float(np.sum(np.abs(v * w)))
    np.testing.assert_allclose(fast.slopes, general.slopes, rtol=0, atol=slope_tol)
    value_tol = 4 * (n + 4) * U * float(np.sum(np.abs(v) * (np.abs(w) * reach + np.abs(b))) + abs(net.layers[1].bias[0]))
    np.testing.assert_allclose(fast.values, general.values, rtol=0, atol=value_tol)


@settings(max_examples=120, deadline=None)
@given(net=scalar_networks(max_depth=4, max_width=6), k=st.integers(-900, 900))
def test_deep_kinks_scale_exactly_with_the_domain(net, k):
    """Scaling x by 2^k (first weights by 2^−k) is exact: the kinks scale, none merge or appear."""
    s = 2.0**k
    first = net.layers[0]
    scaled = Network([Layer(first.weight / s, first.bias, first.activation, first.negative_slope)]
                     + list(net.layers[1:]))
    assume(np.all(first.weight / s != 0) and np.all(np.isfinite(first.weight / s)))
    f = net.piecewise(-3, 3)
    g = scaled.piecewise(-3 * s, 3 * s)
    np.testing.assert_array_equal(g.breakpoints, f.breakpoints * s)
    np.testing.assert_array_equal(g.active, f.active)


@pytest.mark.parametrize("reach", [1.0, 1e6, 1e13, 1e100, 1e290])
def test_ten_kinks_survive_any_domain_width(reach):
    net = shifted_relu_sum(np.linspace(1, 2, 10), np.arange(10.0))
    deep = Network([net.layers[0], Layer(np.eye(10), np.zeros(10), "relu"), net.layers[1]])
    for network in (net, deep):
        f = network.piecewise(-reach, reach + 10)
        assert f.breakpoints.tolist() == list(range(10))


@pytest.mark.parametrize("m", [3, 6])
@pytest.mark.parametrize("k", [-200, -40, 40, 200])
def test_tent_and_yarotsky_at_far_scales(m, k):
    s = 2.0**k
    for net, count in ((tent_map(m), 2**m - 1), (yarotsky_x2(m, scale=1.0), 2**m - 1)):
        first = net.layers[0]
        scaled = Network([Layer(first.weight / s, first.bias, "relu")] + list(net.layers[1:]))
        f = scaled.piecewise(0, s)
        assert len(f.breakpoints) == count
        np.testing.assert_array_equal(f.breakpoints, np.arange(1, 2**m) / 2**m * s)


def test_a_huge_or_wide_network_is_refused_not_miscounted():
    huge = shifted_relu_sum([1e300] * 10, np.arange(10.0))
    with pytest.raises(ReluAnimError, match=r"beyond 1.07e\+301 on \[-1e\+13, 1e\+13\].*overflow"):
        huge.piecewise(-1e13, 1e13)
    deep = Network([Layer([[1e200]], [0.0], "relu"), Layer([[1e200]], [-1.0], "relu"), Layer([[1.0]], [0.0])])
    with pytest.raises(ReluAnimError, match=r"layers\[1\] reaches slopes or values beyond"):
        deep.piecewise(-1, 1)
    with pytest.raises(ReluAnimError, match="overflow"):
        shifted_relu_sum([1.0], [0.0]).piecewise(-1e308, 1e308)


def test_denormal_and_tiny_weights_keep_their_kinks():
    # slope changes of 5e-324 and 1e-600 are not zero: the rational check keeps them
    denormal = Network([Layer([[5e-324], [1.0]], [5e-324, -0.5], "relu"), Layer([[1.0, 1.0]], [0.0])])
    assert denormal.piecewise(-2, 2).breakpoints.tolist() == [-1.0, 0.5]
    tiny = Network([Layer([[1e-300], [1e-300]], [0.0, -0.5e-300], "relu"), Layer([[1e-300, 1e-300]], [0.0])])
    assert tiny.piecewise(-2, 2).breakpoints.tolist() == [0.0, 0.5]
    # a sum that is exactly zero in rational arithmetic is not a kink, at any scale
    third = 1 / 3
    cancel = Network([Layer([[3.0], [1.0]], [-1.0, -third], "relu"), Layer([[1.0, -3.0]], [0.0])])
    assert cancel.piecewise(-2, 2).breakpoints.size == 0


def test_a_leaky_slope_of_one_bends_nowhere_and_a_huge_one_is_bounded():
    straight = Network([Layer([[1.0], [2.0]], [0.0, -1.0], "leaky_relu", 1.0), Layer([[1.0, 1.0]], [0.0])])
    assert straight.piecewise(-1, 1).breakpoints.size == 0
    with pytest.raises(ReluAnimError, match="overflow"):
        Network([Layer([[1.0]], [0.0], "leaky_relu", 1e300), Layer([[100.0]], [0.0])]).piecewise(-1e3, 1)


def test_breakpoints_command_on_a_wide_domain_reports_every_kink(tmp_path):
    model = tmp_path / "ten.json"
    save_network(model, shifted_relu_sum(np.linspace(1, 2, 10), np.arange(10.0)), (0.0, 10.0))
    done = run_cli("breakpoints", model, "--domain", "-1e13", "1e13")
    assert done.returncode == 0, done.stderr
    assert "10 kinks" in done.stdout


def test_breakpoints_command_refuses_huge_weights_in_one_line(tmp_path):
    model = tmp_path / "huge.json"
    data = {"format": "relu-anim/network", "version": 1,
            "layers": [{"weight": [[1e300], [1e300]], "bias": [0.0, -1e300], "activation": "relu"},
                       {"weight": [[1e300, -1e300]], "bias": [0.0], "activation": "linear"}]}
    model.write_text(json.dumps(data))
    output = tmp_path / "out.json"
    done = run_cli("breakpoints", model, "--domain", "-1e13", "1e13", "-o", output)
    assert_refused(done, r"overflow", output)
    assert "Warning" not in done.stderr
