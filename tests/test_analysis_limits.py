"""Time and memory stay within the documented limits, or end in a prompt one-line refusal.

One hidden layer is analysed in O(N log N) time and O(N) memory; deeper networks
are refused before the layer that would exceed MAX_PIECES, MAX_CELLS or
MAX_WORK is allocated; construct at MAX_UNITS is linear. Memory is measured with
tracemalloc (numpy reports its buffers to it); no assertion is on wall time.
"""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim import Layer, Network, ReluAnimError
from relu_anim.construct import MAX_UNITS, construct, random_network, tent_map
from relu_anim.piecewise import MAX_CELLS, MAX_PIECES, MAX_WORK

from .cli_subprocess import assert_refused, run_cli

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

MB = 2**20


def peak_memory(call) -> tuple[object, float]:
    """Result of ``call()`` (or the error it raised) and its peak traced memory in MB."""
    tracemalloc.start()
    try:
        try:
            result = call()
        except ReluAnimError as err:
            result = err
        return result, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("n", [20_000, 200_000])
def test_one_wide_layer_takes_memory_linear_in_its_width(n):
    net = random_network([1, n, 1], seed=5)
    w, b = net.layers[0].weight[:, 0], net.layers[0].bias
    f, peak = peak_memory(lambda: net.piecewise(-1, 1))
    # a few dozen float arrays of length n; the old (n + 1) × n matrices took n²·8 bytes
    assert peak < 60 * 8 * n / MB + 2
    roots = np.unique(-b / w + 0.0)
    np.testing.assert_array_equal(f.breakpoints, roots[(roots > -1) & (roots < 1)])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 400), seed=st.integers(0, 2**32 - 1))
def test_wide_layers_keep_every_distinct_root(n, seed):
    net = random_network([1, n, 1], seed=seed)
    w, b = net.layers[0].weight[:, 0], net.layers[0].bias
    f = net.piecewise(-1, 1)
    roots = np.unique(-b / w + 0.0)
    np.testing.assert_array_equal(f.breakpoints, roots[(roots > -1) & (roots < 1)])
    assert f.num_pieces == len(f.breakpoints) + 1


def test_a_deep_sawtooth_is_exact_up_to_its_limit():
    f = tent_map(16).piecewise(0, 1)
    assert f.num_pieces == 2**16
    np.testing.assert_array_equal(f.breakpoints, np.arange(1, 2**16) / 2**16)


@pytest.mark.parametrize("m", [20, 30])
def test_a_deeper_sawtooth_is_refused_before_it_is_built(m):
    result, peak = peak_memory(lambda: tent_map(m).piecewise(0, 1))
    assert isinstance(result, ReluAnimError)
    assert f"into 1,048,575 linear pieces, more than the {MAX_PIECES:,}" in str(result)
    assert "layers[19]" in str(result)
    # it stopped at 2¹⁹ pieces of two units: a few hundred bytes each
    assert peak < 600 * 2**19 / MB


def test_too_many_piece_unit_pairs_are_refused_before_allocation():
    net = random_network([1, 3000, 3000, 1], seed=1)
    result, peak = peak_memory(lambda: net.piecewise(-1, 1))
    assert isinstance(result, ReluAnimError)
    assert f"more than the {MAX_CELLS:,} the exact analysis supports" in str(result)
    assert peak < 200 * MAX_CELLS / MB


def test_too_much_work_is_refused_before_it_is_done():
    net = random_network([1, 2000, 2000, 1], seed=1)
    result, peak = peak_memory(lambda: net.piecewise(-1, 1))
    assert isinstance(result, ReluAnimError)
    assert f"needs more than the {MAX_WORK:,} multiply-adds" in str(result)
    assert peak < 200 * MAX_CELLS / MB


def test_ordinary_deep_networks_are_well_inside_the_limits():
    for widths in ([1, 64, 64, 64, 64, 1], [1, 500, 500, 1], [1] + [20] * 8 + [1]):
        f, peak = peak_memory(lambda: random_network(widths, seed=2).piecewise(-1, 1))
        assert not isinstance(f, ReluAnimError)
        assert peak < 100


def test_construct_at_max_units_is_linear_in_memory():
    net, peak = peak_memory(lambda: construct(lambda x: x * x, (0.0, 2.0), MAX_UNITS))
    assert net.hidden_units == MAX_UNITS
    assert peak < 200  # MB: the quadrature and sample grids are O(units); N² would be 800 MB


def _sawtooth_file(tmp_path, m: int):
    path = tmp_path / "saw.json"
    layers = [{"weight": [[1.0], [1.0]], "bias": [0.0, -0.5], "activation": "relu"}]
    layers += [{"weight": [[2.0, -4.0], [2.0, -4.0]], "bias": [0.0, -0.5], "activation": "relu"}] * (m - 1)
    layers += [{"weight": [[2.0, -4.0]], "bias": [0.0], "activation": "linear"}]
    path.write_text(json.dumps({"format": "relu-anim/network", "version": 1, "layers": layers}, separators=(",", ":")))
    return path


def test_cli_refuses_a_small_file_with_a_huge_analysis(tmp_path):
    model = _sawtooth_file(tmp_path, 30)
    assert model.stat().st_size < 2500  # bytes
    output = tmp_path / "out.json"
    assert_refused(run_cli("breakpoints", model, "--domain", 0, 1, "-o", output),
                   r"more than the 1,000,000 the exact analysis supports", output)


def test_cli_fit_at_max_units_succeeds(tmp_path):
    output = tmp_path / "x2.json"
    done = run_cli("fit", "x**2", "--domain", 0, 2, "--units", MAX_UNITS, "-o", output)
    assert done.returncode == 0, done.stderr
    data = json.loads(output.read_text())
    assert len(data["breakpoints"]["x"]) == MAX_UNITS


def test_layers_of_any_width_go_through_the_fast_path():
    # leading and trailing linear layers do not force the layer-by-layer path
    rng = np.random.default_rng(0)
    n = 50_000
    net = Network([Layer([[2.0]], [0.5], "linear"), Layer(rng.normal(size=(n, 1)), rng.normal(size=n), "relu"),
                   Layer(rng.normal(size=(3, n)), rng.normal(size=3), "linear"), Layer([[1.0, -1.0, 0.5]], [0.0])])
    f, peak = peak_memory(lambda: net.piecewise(-1, 1))
    assert not isinstance(f, ReluAnimError)
    assert peak < 60 * 8 * n / MB + 2
