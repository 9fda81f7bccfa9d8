"""Tests for relu_anim.io.network_file: the network JSON file (format version 1)."""

from __future__ import annotations

import copy
import json
import os
import re
import stat
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim.io import network_file as export
from relu_anim.io import reading
from relu_anim.io.json_text import looks_like_json
from relu_anim.errors import ReluAnimError
from relu_anim.io.network_file import (
    FORMAT,
    VERSION,
    NetworkFile,
    load_network,
    network_from_dict,
    network_to_dict,
    save_network,
)
from relu_anim.io.schema import network_schema, schema_problem
from relu_anim.network import ACTIVATIONS, Layer, Network


# ------------------------------------------------------------------ networks
def two_relus() -> Network:
    """ReLU(x) + ReLU(x - 1): one kink at 1 on [0, 2]."""
    return Network([Layer([[1.0], [1.0]], [0.0, -1.0], "relu"), Layer([[1.0, 1.0]], [0.0])])


def leaky() -> Network:
    """Three shifted leaky ReLUs with negative_slope 0.2, awkward decimals."""
    return Network([
        Layer([[1.0], [-0.7], [0.3]], [-0.1, 0.35, 0.2], "leaky_relu", negative_slope=0.2),
        Layer([[0.1, -1.3, 2.0 / 3.0]], [1e-3]),
    ])


def mixed() -> Network:
    """1 -> 3 relu -> 2 leaky_relu -> 1: kinks at 0, 0.5 and 1 on [-1, 2]."""
    return Network([
        Layer([[1.0], [1.0], [-1.0]], [0.0, -0.5, 1.0], "relu"),
        Layer([[1.0, -2.0, 0.5], [0.5, 1.0, -1.0]], [0.0, 0.25], "leaky_relu", 0.1),
        Layer([[1.0, -1.0]], [0.5]),
    ])


def deep(seed: int = 7) -> Network:
    """Random 1-4-4-3-1 network with relu, leaky_relu and relu hidden layers."""
    rng = np.random.default_rng(seed)
    widths = [1, 4, 4, 3, 1]
    acts = ["relu", "leaky_relu", "relu", "linear"]
    return Network(
        Layer(rng.normal(size=(m, n)), rng.normal(size=m), act, negative_slope=0.05)
        for n, m, act in zip(widths[:-1], widths[1:], acts)
    )


def tent(depth: int) -> Network:
    """The tent map on [0, 1] composed ``depth`` times: 2**depth pieces."""
    first = Layer([[1.0], [1.0]], [0.0, -0.5], "relu")
    inner = Layer([[2.0, -4.0], [2.0, -4.0]], [0.0, -0.5], "relu")
    return Network([first] + [inner] * (depth - 1) + [Layer([[2.0, -4.0]], [0.0])])


def two_in_three_out() -> Network:
    return Network([
        Layer([[1.0, -2.0], [0.5, 0.25], [-1.0, 3.0]], [0.1, 0.0, -0.2], "relu"),
        Layer([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5], [-0.0, 5e-324, 1e300]], [0.0, 1.0, -1.0]),
    ])


SCALAR_NETS = {
    "two_relus": (two_relus, (0.0, 2.0)),
    "leaky": (leaky, (-1.0, 1.5)),
    "mixed": (mixed, (-1.0, 2.0)),
    "deep": (deep, (-3.0, 3.0)),
    "tent3": (lambda: tent(3), (0.0, 1.0)),
}


def assert_same_layers(got: Network, want: Network) -> None:
    assert len(got.layers) == len(want.layers)
    for g, w in zip(got.layers, want.layers):
        assert g.weight.tobytes() == w.weight.tobytes()  # bit-identical, -0.0 included
        assert g.weight.shape == w.weight.shape
        assert g.bias.tobytes() == w.bias.tobytes()
        assert g.activation == w.activation
        if w.activation == "leaky_relu":
            assert g.negative_slope == w.negative_slope


# ----------------------------------------------------------------- round trip
@pytest.mark.parametrize("name", sorted(SCALAR_NETS))
def test_round_trip_is_lossless(tmp_path, name):
    make, domain = SCALAR_NETS[name]
    net = make()
    path = save_network(tmp_path / f"{name}.json", net, domain, target="x**2",
                        metrics={"mse": 0.125, "max_error": 1 / 3})
    loaded = load_network(path)

    assert isinstance(loaded, NetworkFile)
    assert_same_layers(loaded.network, net)
    assert loaded.domain == domain
    want = net.piecewise(*domain)
    np.testing.assert_array_equal(loaded.piecewise.breakpoints, want.breakpoints)
    np.testing.assert_array_equal(loaded.piecewise.values, want.values)
    np.testing.assert_array_equal(loaded.piecewise.slopes, want.slopes)
    np.testing.assert_array_equal(loaded.piecewise.active, want.active)
    # The stored numbers are exactly the analysis' numbers.
    raw = json.loads(path.read_text())
    assert raw["breakpoints"]["x"] == want.breakpoints.tolist()
    assert raw["breakpoints"]["y"] == want.values.tolist()
    assert raw["pieces"]["intercept"] == want.intercepts.tolist()
    assert raw["pieces"]["active"] == want.active.tolist()
    assert len(raw["pieces"]["slope"]) == len(raw["breakpoints"]["x"]) + 1
    assert loaded.target == "x**2"
    assert loaded.metrics == {"mse": 0.125, "max_error": 1 / 3}
    assert loaded.history == []
    grid = np.linspace(*domain, 257)
    np.testing.assert_array_equal(loaded.network(grid), net(grid))


def test_tent_map_breakpoints_are_stored_exactly():
    data = network_to_dict(tent(3), (0, 1))
    assert data["breakpoints"]["x"] == [k / 8 for k in range(1, 8)]
    assert data["breakpoints"]["y"] == [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    assert data["pieces"]["slope"] == [8.0, -8.0] * 4
    assert data["domain"] == [0.0, 1.0]


def test_leaky_negative_slope_is_stored():
    data = network_to_dict(leaky(), (-1, 1.5))
    assert data["layers"][0]["negative_slope"] == 0.2
    assert "negative_slope" not in data["layers"][1]
    assert data["layers"][0]["activation"] == "leaky_relu"


def test_multi_output_network_without_domain(tmp_path):
    net = two_in_three_out()
    loaded = load_network(save_network(tmp_path / "m.json", net))
    assert_same_layers(loaded.network, net)
    assert loaded.domain is None and loaded.piecewise is None
    raw = json.loads((tmp_path / "m.json").read_text())
    assert set(raw) == {"format", "version", "layers"}
    assert raw["format"] == FORMAT and raw["version"] == VERSION == 1


def test_domain_refused_for_a_network_with_two_inputs():
    with pytest.raises(ReluAnimError, match=r"^domain: only a network with one input and one output"):
        network_to_dict(two_in_three_out(), (0, 1))


@pytest.mark.parametrize("domain, message", [
    ((2, 1), r"^domain: a must be smaller than b"),
    ((0, float("inf")), r"^domain: ends must be finite"),
    ((0, 1, 2), r"^domain: must be \(a, b\)"),
    (5, r"^domain: must be \(a, b\)"),
])
def test_network_to_dict_refuses_bad_domains(domain, message):
    with pytest.raises(ReluAnimError, match=message):
        network_to_dict(two_relus(), domain)


def test_network_to_dict_checks_what_it_returns():
    with pytest.raises(ReluAnimError, match=r"^network: metrics\.mse: not a finite number"):
        network_to_dict(two_relus(), metrics={"mse": float("nan")})
    with pytest.raises(ReluAnimError, match=r"^network: history\[0\]\.step: must be a whole number"):
        network_to_dict(two_relus(), history=[{"step": -1, "loss": 0.5, "layers": two_relus()}])
    with pytest.raises(ReluAnimError, match=r"^network: target: must be a string, got number"):
        network_to_dict(two_relus(), target=3)
    with pytest.raises(ReluAnimError, match=r"^network: expected a Network, got list"):
        network_to_dict([two_relus()])


def test_history_accepts_networks_layer_lists_and_layer_dicts(tmp_path):
    final = mixed()
    early = deep(seed=1)
    layer_dicts = [
        {**layer.to_dict(), "weight": layer.weight.copy(), "bias": layer.bias.copy()}
        for layer in early.layers
    ]  # numpy arrays in layer dicts are accepted too
    history = [
        {"step": np.int64(0), "loss": np.float32(2.5), "layers": early},
        {"step": 5, "loss": 1.25, "layers": list(early.layers)},
        {"step": 10, "loss": 0.5, "layers": layer_dicts},
        {"step": 20, "loss": 0.25, "layers": final.to_dict()["layers"]},
    ]
    data = network_to_dict(final, (-1, 2), history=history)
    stored = data["history"]
    assert stored[0]["layers"] == stored[1]["layers"] == stored[2]["layers"] == early.to_dict()["layers"]
    assert [h["step"] for h in stored] == [0, 5, 10, 20]
    assert type(stored[0]["step"]) is int and type(stored[0]["loss"]) is float
    assert stored[0]["loss"] == 2.5

    loaded = load_network(save_network(tmp_path / "h.json", final, (-1, 2), history=history))
    assert [h["step"] for h in loaded.history] == [0, 5, 10, 20]
    assert [h["loss"] for h in loaded.history] == [2.5, 1.25, 0.5, 0.25]
    for snapshot in loaded.history[:3]:
        assert isinstance(snapshot["layers"], Network)
        assert_same_layers(snapshot["layers"], early)
    assert_same_layers(loaded.history[3]["layers"], final)


def test_history_entry_with_unknown_key_is_refused_when_saving():
    with pytest.raises(ReluAnimError, match=r"^network: history\[0\]: unknown key 'lr'"):
        network_to_dict(two_relus(), history=[{"step": 0, "loss": 1.0, "lr": 0.1, "layers": two_relus()}])


# ---------------------------------------------------------- file properties
def test_same_input_gives_identical_bytes(tmp_path):
    kwargs = dict(target="x**2", metrics={"mse": 0.01, "max_error": 0.1},
                  history=[{"step": 0, "loss": 1.0, "layers": deep(3)}])
    first = save_network(tmp_path / "a.json", deep(), (-3, 3), **kwargs).read_bytes()
    second = save_network(tmp_path / "b.json", deep(), (-3, 3), **kwargs).read_bytes()
    assert first == second
    # Saving what was loaded gives the same bytes again.
    loaded = load_network(tmp_path / "a.json")
    history = [dict(h) for h in loaded.history]
    third = save_network(tmp_path / "c.json", loaded.network, loaded.domain, target=loaded.target,
                         metrics=loaded.metrics, history=history).read_bytes()
    assert third == first


def test_keys_are_sorted_and_layout_is_fixed(tmp_path):
    path = save_network(tmp_path / "s.json", mixed(), (-1, 2), target="x", metrics={"z": 1.0, "a": 2.0},
                        history=[{"step": 0, "loss": 1.0, "layers": mixed()}])
    text = path.read_text()
    orders: list[list[str]] = []
    json.loads(text, object_pairs_hook=lambda pairs: orders.append([k for k, _ in pairs]) or dict(pairs))
    assert any(order == ["a", "z"] for order in orders)
    assert all(order == sorted(order) for order in orders)
    assert orders[-1] == sorted(orders[-1]) and "breakpoints" in orders[-1]
    assert text.endswith("}\n") and text.startswith('{\n "breakpoints": {\n  "x": [\n')
    assert text.isascii()


def test_save_refuses_invalid_content_and_writes_nothing(tmp_path):
    with pytest.raises(ReluAnimError, match=r"metrics\.mse: not a finite number"):
        save_network(tmp_path / "bad.json", two_relus(), metrics={"mse": float("inf")})
    assert list(tmp_path.iterdir()) == []


def test_save_writes_a_temporary_file_beside_the_destination(tmp_path, monkeypatch):
    renames = []
    real_replace = os.replace

    def recording_replace(src, dst):
        renames.append((Path(src), Path(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(export.os, "replace", recording_replace)
    path = save_network(tmp_path / "n.json", two_relus(), (0, 2))
    assert len(renames) == 1
    src, dst = renames[0]
    assert dst == path and src.parent == tmp_path and src != path
    assert not src.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["n.json"]


@pytest.mark.parametrize("target, exc", [("replace", OSError), ("fsync", OSError), ("chmod", OSError)])
def test_failed_save_leaves_the_original_untouched(tmp_path, monkeypatch, target, exc):
    path = tmp_path / "model.json"
    save_network(path, two_relus(), (0, 2))
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise exc(5, "Input/output error")

    monkeypatch.setattr(export.os, target, boom)
    with pytest.raises(ReluAnimError, match=r"model\.json: cannot write \(Input/output error\)"):
        save_network(path, deep(), (-3, 3))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def test_failed_serialisation_leaves_the_original_untouched(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    path.write_text("original\n")

    def boom(*args, **kwargs):
        raise RuntimeError("serialiser broke")

    monkeypatch.setattr(export.json, "dumps", boom)
    with pytest.raises(RuntimeError, match="serialiser broke"):
        save_network(path, two_relus(), (0, 2))
    assert path.read_text() == "original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def test_interrupted_write_removes_the_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    path.write_text("original\n")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_network(path, two_relus(), (0, 2))
    assert path.read_text() == "original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def test_save_into_missing_directory_fails_cleanly(tmp_path):
    with pytest.raises(ReluAnimError, match=r"nowhere/n\.json: cannot write \(No such file or directory\)"):
        save_network(tmp_path / "nowhere" / "n.json", two_relus())


def test_file_permissions_follow_umask_or_the_old_file(tmp_path):
    old = os.umask(0o027)
    try:
        new = save_network(tmp_path / "new.json", two_relus())
    finally:
        os.umask(old)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640  # not the temporary file's 0o600
    existing = tmp_path / "existing.json"
    existing.write_text("{}")
    existing.chmod(0o604)
    save_network(existing, two_relus())
    assert stat.S_IMODE(existing.stat().st_mode) == 0o604


def test_save_returns_a_path_and_accepts_strings(tmp_path):
    path = save_network(str(tmp_path / "p.json"), two_relus(), [0, 2])
    assert isinstance(path, Path) and path == tmp_path / "p.json"
    assert load_network(str(path)).domain == (0.0, 2.0)


# ------------------------------------------------------------------ loading
def test_file_with_domain_only_recomputes_the_pieces():
    data = network_to_dict(mixed())
    data["domain"] = [-1, 2]
    loaded = network_from_dict(data)
    assert loaded.domain == (-1.0, 2.0)
    assert loaded.piecewise.breakpoints.tolist() == [0.0, 0.5, 1.0]


def test_leaky_relu_without_negative_slope_uses_the_default():
    data = network_to_dict(leaky())
    del data["layers"][0]["negative_slope"]
    assert network_from_dict(data).network.layers[0].negative_slope == 0.01


def test_breakpoints_within_tolerance_are_accepted_and_recomputed():
    data = network_to_dict(mixed(), (-1, 2))
    data["breakpoints"]["x"][1] += 1e-12
    data["breakpoints"]["y"][1] *= 1 + 1e-12
    loaded = network_from_dict(data)
    assert loaded.piecewise.breakpoints[1] == 0.5  # the recomputed value, not the file's
    data["breakpoints"]["x"][1] += 1e-6
    with pytest.raises(ReluAnimError, match=r"breakpoints\.x\[1\]: "):
        network_from_dict(data)


def test_integers_are_numbers():
    data = {"format": FORMAT, "version": 1,
            "layers": [{"weight": [[1], [1]], "bias": [0, -1], "activation": "relu"},
                       {"weight": [[1, 1]], "bias": [0], "activation": "linear"}],
            "domain": [0, 2], "breakpoints": {"x": [1], "y": [1]},
            "pieces": {"slope": [1, 2], "intercept": [0, -1], "active": [1, 2]}}
    loaded = network_from_dict(data)
    assert loaded.network.layers[0].weight.dtype == float
    assert loaded.piecewise.breakpoints.tolist() == [1.0]


# ----------------------------------------------------------------- validation
def valid() -> dict:
    """A valid dict using every key: 3 kinks (0, 0.5, 1) on [-1, 2], two snapshots."""
    return network_to_dict(
        mixed(), (-1, 2), target="x**2", metrics={"mse": 0.1, "max_error": 0.3},
        history=[{"step": 0, "loss": 1.0, "layers": deep(2)}, {"step": 10, "loss": 0.5, "layers": mixed()}],
    )


def test_valid_dict_is_valid():
    loaded = network_from_dict(valid())
    assert loaded.piecewise.breakpoints.tolist() == [0.0, 0.5, 1.0]
    assert len(loaded.history) == 2


def _walk(data, path):
    for key in path[:-1]:
        data = data[key]
    return data, path[-1]


def put(*path_and_value):
    *path, value = path_and_value

    def mutate(data):
        parent, key = _walk(data, path)
        parent[key] = value
        return data
    return mutate


def drop(*path):
    def mutate(data):
        parent, key = _walk(data, path)
        del parent[key]
        return data
    return mutate


def both(*mutations):
    def mutate(data):
        for m in mutations:
            data = m(data)
        return data
    return mutate


def scale(factor, *path):
    def mutate(data):
        parent, key = _walk(data, path)
        parent[key] = parent[key] * factor
        return data
    return mutate


def swap_breakpoints(data):
    x = data["breakpoints"]["x"]
    x[0], x[1] = x[1], x[0]
    return data


NAN, INF = float("nan"), float("inf")

INVALID = [
    # top level, format, version, keys
    ("top-level list", lambda d: [d], "top level: must be an object, got list"),
    ("format missing", drop("format"), "format: missing (expected 'relu-anim/network')"),
    ("format wrong", put("format", "relu-anim/other"),
     "format: expected 'relu-anim/network', got \"relu-anim/other\""),
    ("version missing", drop("version"), "version: missing (this relu-anim reads version 1)"),
    ("version 2", put("version", 2), "version: unsupported version 2 (this relu-anim reads version 1)"),
    ("version string", put("version", "1"), "version: unsupported version \"1\""),
    ("version bool", put("version", True), "version: unsupported version true"),
    ("version float", put("version", 1.0), "version: unsupported version 1.0"),
    ("unknown key", put("foo", 1), "top level: unknown key 'foo' (allowed: format, version, layers, domain,"),
    # layers
    ("layers missing", drop("layers"), "layers: missing"),
    ("layers empty", put("layers", []), "layers: must not be empty"),
    ("layers object", put("layers", {}), "layers: must be a list, got object"),
    ("layer not object", put("layers", 1, [[1.0]]), "layers[1]: must be an object, got list"),
    ("layer unknown key", put("layers", 0, "weights", [[1.0]]), "layers[0]: unknown key 'weights'"),
    ("weight missing", drop("layers", 0, "weight"), "layers[0].weight: missing"),
    ("bias missing", drop("layers", 1, "bias"), "layers[1].bias: missing"),
    ("activation missing", drop("layers", 2, "activation"), "layers[2].activation: missing"),
    ("weight ragged", put("layers", 1, "weight", [[1.0, 2.0, 3.0], [1.0, 2.0]]),
     "layers[1].weight: ragged rows (row 0 has 3 numbers, row 1 has 2)"),
    ("weight empty", put("layers", 0, "weight", []), "layers[0].weight: must not be empty"),
    ("weight empty row", put("layers", 0, "weight", [[], [], []]), "layers[0].weight[0]: must not be empty"),
    ("weight string", put("layers", 0, "weight", "[[1.0]]"), "layers[0].weight: must be a list, got string"),
    ("weight 1-D", put("layers", 0, "weight", [1.0, 1.0, -1.0]),
     "layers[0].weight[0]: must be a list, got number"),
    ("weight 3-D", put("layers", 0, "weight", [[[1.0]], [[1.0]], [[-1.0]]]),
     "layers[0].weight[0][0]: must be a number, got list"),
    ("weight string entry", put("layers", 1, "weight", 1, 2, "1.0"),
     "layers[1].weight[1][2]: must be a number, got string"),
    ("weight bool", put("layers", 0, "weight", 0, 0, True), "layers[0].weight[0][0]: must be a number, got boolean"),
    ("weight null", put("layers", 2, "weight", 0, 1, None), "layers[2].weight[0][1]: must be a number, got null"),
    ("weight inf", put("layers", 1, "weight", 0, 1, INF), "layers[1].weight[0][1]: not a finite number"),
    ("weight -inf", put("layers", 1, "weight", 0, 1, -INF), "layers[1].weight[0][1]: not a finite number"),
    ("bias nan", put("layers", 0, "bias", 2, NAN), "layers[0].bias[2]: not a finite number"),
    ("bias bool", put("layers", 0, "bias", 1, False), "layers[0].bias[1]: must be a number, got boolean"),
    ("bias number", put("layers", 0, "bias", 0.5), "layers[0].bias: must be a list, got number"),
    ("bias short", put("layers", 0, "bias", [0.0, 1.0]),
     "layers[0].bias: length (2,) does not match the weight's 3 rows"),
    ("bias long", put("layers", 2, "bias", [0.0, 1.0]),
     "layers[2].bias: length (2,) does not match the weight's 1 rows"),
    ("activation unknown", put("layers", 0, "activation", "tanh"),
     'layers[0].activation: must be one of "relu", "leaky_relu", "linear", got "tanh"'),
    ("activation not string", put("layers", 0, "activation", 1), "layers[0].activation: must be one of \"relu\", \"leaky_relu\", \"linear\", got 1"),
    ("activation case", put("layers", 0, "activation", "ReLU"), "layers[0].activation: must be one of \"relu\", \"leaky_relu\", \"linear\", got \"ReLU\""),
    ("negative_slope nan", put("layers", 1, "negative_slope", NAN), "layers[1].negative_slope: not a finite number"),
    ("negative_slope string", put("layers", 1, "negative_slope", "0.1"),
     "layers[1].negative_slope: must be a number, got string"),
    ("negative_slope on relu", put("layers", 0, "negative_slope", 0.1),
     'layers[0].activation: must be "leaky_relu" when negative_slope is given, got "relu"'),
    ("shapes: fewer inputs", put("layers", 2, "weight", [[1.0, -1.0, 0.0]]),
     "layers[2].weight: takes 3 inputs but layers[1] has 2 units"),
    ("shapes: more units", both(put("layers", 1, "weight", [[1.0, 0.0, 0.0]] * 4),
                                put("layers", 1, "bias", [0.0] * 4)),
     "layers[2].weight: takes 2 inputs but layers[1] has 4 units"),
    # domain
    ("domain number", put("domain", 2.0), "domain: must be a list, got number"),
    ("domain three", put("domain", [-1.0, 0.0, 2.0]), "domain: must have exactly 2 entries, got 3"),
    ("domain reversed", put("domain", [2.0, -1.0]), "domain: a must be smaller than b (got 2 >= -1)"),
    ("domain empty interval", put("domain", [1.0, 1.0]), "domain: a must be smaller than b (got 1 >= 1)"),
    ("domain nan", put("domain", 1, NAN), "domain[1]: not a finite number"),
    ("domain string", put("domain", 0, "-1"), "domain[0]: must be a number, got string"),
    ("domain, two inputs", put("layers", 0, "weight", [[1.0, 0.0], [1.0, 0.0], [-1.0, 0.0]]),
     "domain: only a network with one input and one output has one (this one maps 2 -> 1)"),
    # breakpoints
    ("breakpoints without domain", drop("domain"), "breakpoints: needs 'domain' alongside"),
    ("pieces without domain", both(drop("domain"), drop("breakpoints")), "pieces: needs 'domain' alongside"),
    ("pieces without breakpoints", drop("breakpoints"), "pieces: needs 'breakpoints' alongside"),
    ("breakpoints list", put("breakpoints", [0.0, 0.5, 1.0]), "breakpoints: must be an object, got list"),
    ("breakpoints.x missing", drop("breakpoints", "x"), "breakpoints.x: missing"),
    ("breakpoints.y missing", drop("breakpoints", "y"), "breakpoints.y: missing"),
    ("breakpoints unknown key", put("breakpoints", "z", []), "breakpoints: unknown key 'z'"),
    ("breakpoints.x string", put("breakpoints", "x", "0 0.5 1"), "breakpoints.x: must be a list, got string"),
    ("breakpoints.x entry", put("breakpoints", "x", 1, "0.5"), "breakpoints.x[1]: must be a number, got string"),
    ("breakpoints.y nan", put("breakpoints", "y", 0, NAN), "breakpoints.y[0]: not a finite number"),
    ("breakpoints.y inf", put("breakpoints", "y", 2, -INF), "breakpoints.y[2]: not a finite number"),
    ("breakpoints lengths", put("breakpoints", "y", [1.075, 1.25]),
     "breakpoints.y: has 2 numbers but breakpoints.x has 3"),
    ("breakpoints decreasing", swap_breakpoints, "breakpoints.x[1]: not strictly increasing (0.0 after 0.5)"),
    ("breakpoints repeated", put("breakpoints", "x", 1, 0.0),
     "breakpoints.x[1]: not strictly increasing (0.0 after 0.0)"),
    ("breakpoint on the domain's end", put("breakpoints", "x", 0, -1.0),
     "breakpoints.x[0]: -1.0 is not strictly inside the domain (-1.0, 2.0)"),
    ("breakpoint beyond the domain", put("breakpoints", "x", 2, 5.0),
     "breakpoints.x[2]: 5.0 is not strictly inside the domain (-1.0, 2.0)"),
    ("breakpoints: one missing",
     both(put("breakpoints", "x", [0.0, 0.5]), put("breakpoints", "y", [1.075, 1.25])),
     "breakpoints.x: do not match the network's kinks (file has 2, network has 3)"),
    ("breakpoints: one extra",
     both(put("breakpoints", "x", [0.0, 0.5, 1.0, 1.5]), put("breakpoints", "y", [1.075, 1.25, -0.75, -1.55])),
     "breakpoints.x: do not match the network's kinks (file has 4, network has 3)"),
    ("breakpoint moved", put("breakpoints", "x", 1, 0.5001),
     "breakpoints.x[1]: 0.5001 does not match the network's kink at 0.5"),
    ("breakpoint value wrong", put("breakpoints", "y", 2, -0.7),
     "breakpoints.y[2]: -0.7 does not match the network's value -0.75 there"),
    # pieces
    ("pieces list", put("pieces", []), "pieces: must be an object, got list"),
    ("pieces.slope missing", drop("pieces", "slope"), "pieces.slope: missing"),
    ("pieces.active missing", drop("pieces", "active"), "pieces.active: missing"),
    ("pieces unknown key", put("pieces", "values", []), "pieces: unknown key 'values'"),
    ("pieces.slope short", put("pieces", "slope", [-0.6, 0.35, -4.0]),
     "pieces.slope: has 3 entries but 3 breakpoints make 4 pieces"),
    ("pieces.intercept long", put("pieces", "intercept", [1.0] * 5),
     "pieces.intercept: has 5 entries but 3 breakpoints make 4 pieces"),
    ("pieces.active short", put("pieces", "active", [2, 3, 5]),
     "pieces.active: has 3 entries but 3 breakpoints make 4 pieces"),
    ("pieces.slope nan", put("pieces", "slope", 3, NAN), "pieces.slope[3]: not a finite number"),
    ("pieces.active negative", put("pieces", "active", 0, -1), "pieces.active[0]: must be a whole number >= 0, got -1"),
    ("pieces.active float", put("pieces", "active", 1, 3.5), "pieces.active[1]: must be a whole number >= 0, got 3.5"),
    ("pieces.active bool", put("pieces", "active", 1, True), "pieces.active[1]: must be a whole number >= 0, got true"),
    ("pieces.slope wrong", put("pieces", "slope", 2, -3.0),
     "pieces.slope[2]: -3.0 does not match the network's slope -4.0"),
    ("pieces.intercept wrong", scale(1.001, "pieces", "intercept", 0),
     "pieces.intercept[0]: 1.076075 does not match the network's intercept 1.075"),
    ("pieces.active wrong", put("pieces", "active", 2, 4),
     "pieces.active[2]: 4 does not match the network's 5 active units"),
    # target, metrics
    ("target number", put("target", 2), "target: must be a string, got number"),
    ("target null", put("target", None), "target: must be a string, got null"),
    ("metrics list", put("metrics", [0.1]), "metrics: must be an object, got list"),
    ("metrics nan", put("metrics", "mse", NAN), "metrics.mse: not a finite number"),
    ("metrics inf", put("metrics", "max_error", INF), "metrics.max_error: not a finite number"),
    ("metrics string", put("metrics", "mse", "0.1"), "metrics.mse: must be a number, got string"),
    ("metrics bool", put("metrics", "mse", True), "metrics.mse: must be a number, got boolean"),
    # history
    ("history object", put("history", {}), "history: must be a list, got object"),
    ("history entry list", put("history", 0, []), "history[0]: must be an object, got list"),
    ("history entry unknown key", put("history", 0, "lr", 0.1), "history[0]: unknown key 'lr'"),
    ("history step missing", drop("history", 1, "step"), "history[1].step: missing"),
    ("history loss missing", drop("history", 1, "loss"), "history[1].loss: missing"),
    ("history layers missing", drop("history", 0, "layers"), "history[0].layers: missing"),
    ("history step negative", put("history", 0, "step", -1), "history[0].step: must be a whole number >= 0, got -1"),
    ("history step float", put("history", 1, "step", 1.5), "history[1].step: must be a whole number >= 0, got 1.5"),
    ("history step bool", put("history", 0, "step", False), "history[0].step: must be a whole number >= 0, got false"),
    ("history step string", put("history", 0, "step", "0"), "history[0].step: must be a whole number >= 0, got \"0\""),
    ("history steps not increasing", put("history", 1, "step", 0),
     "history[1].step: 0 does not come after the previous snapshot's step 0"),
    ("history loss nan", put("history", 0, "loss", NAN), "history[0].loss: not a finite number"),
    ("history loss string", put("history", 1, "loss", "low"), "history[1].loss: must be a number, got string"),
    ("history layers empty", put("history", 1, "layers", []), "history[1].layers: must not be empty"),
    ("history weight ragged", put("history", 0, "layers", 1, "weight", [[1.0] * 4, [1.0] * 4, [1.0] * 3, [1.0] * 4]),
     "history[0].layers[1].weight: ragged rows (row 0 has 4 numbers, row 2 has 3)"),
    ("history bias nan", put("history", 1, "layers", 0, "bias", 1, NAN), "history[1].layers[0].bias[1]: not a finite number"),
    ("history shapes", put("history", 1, "layers", 2, "weight", [[1.0, 2.0, 3.0]]),
     "history[1].layers[2].weight: takes 3 inputs but layers[1] has 2 units"),
    ("history activation", put("history", 0, "layers", 0, "activation", "gelu"),
     'history[0].layers[0].activation: must be one of "relu", "leaky_relu", "linear", got "gelu"'),
]


@pytest.mark.parametrize("mutate, message", [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_data_is_refused_with_its_key_path(mutate, message):
    data = mutate(copy.deepcopy(valid()))
    with pytest.raises(ReluAnimError, match="^network: " + re.escape(message)) as info:
        network_from_dict(data)
    assert "\n" not in str(info.value)


def test_validation_cases_are_distinct():
    assert len({case[0] for case in INVALID}) == len(INVALID)


def test_source_names_the_origin():
    data = valid()
    data["layers"][1]["weight"] = [[1.0, 2.0, 3.0], [1.0, 2.0]]
    with pytest.raises(ReluAnimError, match=r"^model\.json: layers\[1\]\.weight: ragged rows"):
        network_from_dict(data, source="model.json")


# -------------------------------------------------------------- file errors
def write(tmp_path: Path, content: str | bytes, name: str = "model.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def expect_load_error(path: Path, message: str) -> ReluAnimError:
    with pytest.raises(ReluAnimError, match="^" + re.escape(f"{path}: {message}")) as info:
        load_network(path)
    assert "\n" not in str(info.value)
    return info.value


def test_missing_file(tmp_path):
    expect_load_error(tmp_path / "absent.json", "no such file")


def test_directory_instead_of_file(tmp_path):
    expect_load_error(tmp_path, "is a directory, not a network file")


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, json.dumps(valid()))

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # chmod means nothing to root; tests/test_hostile_input_files.py runs as nobody
    monkeypatch.setattr(reading.os, "open", denied)
    expect_load_error(path, "cannot read (Permission denied)")


def test_not_utf8(tmp_path):
    text = json.dumps(valid()).encode()
    path = write(tmp_path, text[:10] + b"\xff" + text[10:])
    expect_load_error(path, "not UTF-8 text (byte 0xff at offset 10)")


@pytest.mark.parametrize("text, message", [
    ('{\n "format": "relu-anim/network",\n "version" 1\n}', "line 3, column 12: invalid JSON (Expecting ':' delimiter)"),
    ('{"format": "relu-anim/network",}', "line 1, column 32: invalid JSON (Expecting property name"),
    ("", "line 1, column 1: invalid JSON (Expecting value)"),
    ('{"version": 1', "line 1, column 14: invalid JSON"),
    ('{"layers": [1' + "0" * 5000 + "]}", "invalid JSON (Exceeds the limit"),
])
def test_malformed_json_reports_line_and_column(tmp_path, text, message):
    expect_load_error(write(tmp_path, text), message)


@pytest.mark.parametrize("literal, shown", [("NaN", "NaN"), ("Infinity", "Infinity"),
                                            ("-Infinity", "-Infinity"), ("1e400", "inf")])
def test_non_finite_literals_are_reported_at_their_key(tmp_path, literal, shown):
    data = valid()
    data["layers"][0]["bias"][2] = "PLACEHOLDER"
    text = json.dumps(data).replace('"PLACEHOLDER"', literal)
    expect_load_error(write(tmp_path, text), f"layers[0].bias[2]: not a finite number (got {shown})")


def test_python_nan_written_by_json_dumps_is_caught(tmp_path):
    data = valid()
    data["metrics"]["mse"] = float("nan")
    path = write(tmp_path, json.dumps(data))  # Python writes the NaN literal by default
    assert "NaN" in path.read_text()
    expect_load_error(path, "metrics.mse: not a finite number")


def test_top_level_not_an_object(tmp_path):
    expect_load_error(write(tmp_path, "[1, 2]"), "top level: must be an object, got list")


def test_duplicate_keys_are_refused(tmp_path):
    text = json.dumps(valid()["layers"][2])  # {"weight": ..., "bias": ..., "activation": ...}
    doubled = text[:-1] + ', "bias": [0.0]}'
    data = valid()
    data["layers"][2] = "PLACEHOLDER"
    path = write(tmp_path, json.dumps(data).replace('"PLACEHOLDER"', doubled))
    expect_load_error(path, "layers[2]: duplicate key 'bias'")


def test_wrong_version_in_file(tmp_path):
    data = valid()
    data["version"] = 7
    expect_load_error(write(tmp_path, json.dumps(data)),
                      "version: unsupported version 7 (this relu-anim reads version 1)")


# ------------------------------------------------------------------ property
finite = st.floats(min_value=-4.0, max_value=4.0, allow_nan=False, allow_infinity=False)


@st.composite
def scalar_networks(draw):
    """Random scalar networks of depth 1-4 and widths 1-4 with weights from ``finite``."""
    hidden = draw(st.lists(st.integers(1, 4), min_size=0, max_size=3))
    widths = [1] + hidden + [1]
    layers = []
    for i, (n, m) in enumerate(zip(widths[:-1], widths[1:])):
        last = i == len(widths) - 2
        activation = "linear" if last else draw(st.sampled_from(ACTIVATIONS))
        weight = draw(st.lists(st.lists(finite, min_size=n, max_size=n), min_size=m, max_size=m))
        bias = draw(st.lists(finite, min_size=m, max_size=m))
        slope = draw(st.floats(min_value=-1.0, max_value=1.0, allow_nan=False))
        layers.append(Layer(weight, bias, activation, negative_slope=slope))
    return Network(layers)


@given(net=scalar_networks(),
       a=st.floats(min_value=-5.0, max_value=5.0, allow_nan=False),
       width=st.floats(min_value=0.01, max_value=10.0, allow_nan=False))
@settings(max_examples=80, deadline=None, derandomize=True)
def test_round_trip_property(tmp_path_factory, net, a, width):
    domain = (a, a + width)
    path = tmp_path_factory.getbasetemp() / "property.json"
    save_network(path, net, domain, metrics={"mse": width})
    loaded = load_network(path)

    assert_same_layers(loaded.network, net)
    grid = np.linspace(*domain, 101)
    np.testing.assert_array_equal(loaded.network(grid), net(grid))
    want = net.piecewise(*domain)
    np.testing.assert_array_equal(loaded.piecewise.breakpoints, want.breakpoints)
    np.testing.assert_array_equal(loaded.piecewise.values, want.values)
    assert json.loads(path.read_text())["breakpoints"]["x"] == want.breakpoints.tolist()
    assert loaded.metrics == {"mse": width}



# ------------------------------------------------------------- the schema
ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "relu_anim" / "io" / "network.schema.json"
DOC_PATH = ROOT / "docs" / "network-file.md"


def standard_validator():
    """The schema read from its file by an unmodified jsonschema validator."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


def test_schema_is_a_valid_draft_2020_12_schema_read_from_the_package():
    from jsonschema import Draft202012Validator

    schema = network_schema()
    assert schema == json.loads(SCHEMA_PATH.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["layer"]["properties"]["activation"]["enum"] == list(ACTIVATIONS)
    assert schema["properties"]["format"]["const"] == FORMAT
    assert schema["properties"]["version"]["const"] == VERSION


def _schema_keys(schema: dict) -> set[str]:
    """Every property name the schema defines, at any depth."""
    keys = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return keys


def test_the_document_links_the_one_schema_file_and_documents_every_key():
    doc = DOC_PATH.read_text()
    link = re.search(r"\]\((\.\./relu_anim/io/network\.schema\.json)\)", doc)
    assert link, "docs/network-file.md must link the schema shipped in the package"
    assert (DOC_PATH.parent / link.group(1)).resolve() == SCHEMA_PATH
    assert not (ROOT / "docs" / "network.schema.json").exists()  # one real file, no copy to drift
    documented = set(re.findall(r"^\| `(\w+)` \|", doc, flags=re.MULTILINE))
    assert documented == _schema_keys(network_schema())


@pytest.mark.parametrize("mutate", [case[1] for case in INVALID] + [lambda d: d],
                         ids=[case[0] for case in INVALID] + ["valid"])
def test_the_fast_validator_agrees_with_a_standard_one(mutate):
    """The shortcut for long number lists changes speed, never the verdict."""
    data = mutate(copy.deepcopy(valid()))
    standard = not any(True for _ in standard_validator().iter_errors(data))
    assert (schema_problem(data) is None) == standard


def test_saved_files_satisfy_the_schema_as_a_standalone_document(tmp_path):
    history = [{"step": 0, "loss": 1.0, "layers": deep(2)}]
    path = save_network(tmp_path / "s.json", leaky(), (-1, 1.5), target="x", metrics={"mse": 0.5},
                        history=history)
    assert list(standard_validator().iter_errors(json.loads(path.read_text()))) == []


def test_integral_floats_are_whole_numbers_as_in_json_schema():
    data = valid()
    data["pieces"]["active"] = [float(n) for n in data["pieces"]["active"]]
    data["history"][1]["step"] = 10.0
    loaded = network_from_dict(data)
    assert [type(h["step"]) for h in loaded.history] == [int, int]
    assert loaded.history[1]["step"] == 10


def test_the_first_of_several_sibling_problems_is_reported():
    data = valid()
    data["layers"][1]["weight"] = [["a", 1.0, 1.0], [1.0, "b", 1.0]]
    with pytest.raises(ReluAnimError, match=re.escape("network: layers[1].weight[0][0]: must be a number")):
        network_from_dict(data)


def test_a_million_wrong_numbers_still_give_one_line():
    data = valid()
    data["layers"][0]["bias"] = ["x"] * 10**6
    with pytest.raises(ReluAnimError, match=re.escape("network: layers[0].bias[0]: must be a number, got string")):
        network_from_dict(data)


def test_non_string_keys_in_python_data_are_refused():
    with pytest.raises(ReluAnimError, match=r"^metrics: keys must be strings, got 1$"):
        network_to_dict(two_relus(), metrics={1: 0.5})


def test_saving_refuses_a_file_the_loader_would_refuse(tmp_path, monkeypatch):
    size = len(export.network_json(two_relus(), (0, 2)))
    monkeypatch.setattr(export, "MAX_FILE_BYTES", size - 1)
    with pytest.raises(ReluAnimError, match=f"^network: the file would have {size:,} bytes; "
                                            f"a network file may have at most {size - 1:,} bytes$"):
        save_network(tmp_path / "big.json", two_relus(), (0, 2))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("encode", [
    lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    lambda text: (" \n\t\r" * 100 + text).encode("utf-8"),
    lambda text: text.encode("utf-16"),
    lambda text: text.encode("utf-16-le"),
    lambda text: text.encode("utf-16-be"),
    lambda text: text.encode("utf-32"),
], ids=["utf-8 bom", "leading blanks", "utf-16 bom", "utf-16-le", "utf-16-be", "utf-32"])
def test_json_in_any_unicode_encoding_loads(tmp_path, encode):
    path = write(tmp_path, encode(json.dumps(valid(), indent=2)))
    assert looks_like_json(path.read_bytes())
    assert load_network(path).piecewise.breakpoints.tolist() == [0.0, 0.5, 1.0]


def test_an_integer_beyond_a_double_is_not_finite(tmp_path):
    data = valid()
    data["metrics"]["mse"] = 10**400  # a JSON integer with 401 digits: parsed, not a double
    expect_load_error(write(tmp_path, json.dumps(data)), "metrics.mse: not a finite number (too large for a double)")


def test_too_many_objects_are_refused_before_validating_them(monkeypatch):
    data = valid()  # 16 objects: top level, 3 layers, breakpoints, pieces, metrics, 2 snapshots of 4 + 3 layers
    monkeypatch.setattr(export, "MAX_OBJECTS", 15)
    with pytest.raises(ReluAnimError, match=re.escape(
            "network: history[1].layers[2]: more than 15 objects in the file; "
            "a network file may have at most 15")):
        network_from_dict(data)
    monkeypatch.setattr(export, "MAX_OBJECTS", 16)
    assert network_from_dict(data).history[1]["step"] == 10


def test_too_many_metrics_are_refused():
    data = valid()
    data["metrics"] = {f"m{i}": 1.0 for i in range(1001)}
    with pytest.raises(ReluAnimError, match=r"^network: metrics: must have at most 1,000 keys, got 1,001$"):
        network_from_dict(data)
