"""``relu-anim render``: every source kind read the same way, the clip's numbers the package's, bad input refused.

The loaders (state_dict, safetensors, ONNX) must give the same network from one
model; the clip's story (what is drawn: kinks, pieces, switch points, unit
terms) must be the package's exact analysis; every refusal is one line, exit
status 2, and no output. The renders (slow: manim in a subprocess) are in
``test_clip_render.py``.
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import save_file as save_numpy
from safetensors.torch import save_file as save_torch
from torch import nn

from relu_anim.render.sources import clip_sources, load_model_file
from relu_anim.errors import ReluAnimError
from relu_anim.io.network_file import save_network
from relu_anim.io.onnx_file import load_onnx, network_from_onnx_bytes
from relu_anim.io.safetensors_file import load_safetensors
from relu_anim.io.state_dict import network_from_arrays
from relu_anim.network import Layer, Network
from relu_anim.render.clip import clip_format, clip_spec
from relu_anim.story.clip import ClipSource, check_source, clip_story, unit_terms, zeros
from relu_anim.torch_adapter import load_state_dict, network_from_torch

from .cli_subprocess import assert_refused, run_cli


def _model(seed: int = 0) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(1, 5), nn.ReLU(), nn.Linear(5, 3), nn.LeakyReLU(0.1), nn.Linear(3, 1))


def _same(a: Network, b: Network) -> bool:
    return len(a.layers) == len(b.layers) and all(
        np.array_equal(x.weight, y.weight) and np.array_equal(x.bias, y.bias)
        and x.activation == y.activation and (x.activation != "leaky_relu" or x.negative_slope == y.negative_slope)
        for x, y in zip(a.layers, b.layers))


def _onnx_bytes(model: nn.Module, inputs: int = 1) -> bytes:
    import io
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
        torch.onnx.export(model, torch.zeros(1, inputs), buffer, dynamo=False)
    return buffer.getvalue()


# ------------------------------------------------------------------ one network, four files
def test_state_dict_safetensors_and_onnx_give_the_same_network(tmp_path):
    model = _model()
    expected = network_from_torch(model)
    torch.save(model.state_dict(), tmp_path / "m.pt")
    save_torch(model.state_dict(), str(tmp_path / "m.safetensors"))
    (tmp_path / "m.onnx").write_bytes(_onnx_bytes(model))
    pt = load_model_file(tmp_path / "m.pt", "leaky_relu", 0.1)[0]
    st_net = load_model_file(tmp_path / "m.safetensors", "leaky_relu", 0.1)[0]
    onnx_net = load_model_file(tmp_path / "m.onnx")[0]
    assert _same(onnx_net, expected)  # ONNX records each activation, ReLU then LeakyReLU(0.1)
    # a state_dict records no activation: with ReLU between all layers, .pt and safetensors agree
    relu_pt = load_model_file(tmp_path / "m.pt")[0]
    relu_st = load_model_file(tmp_path / "m.safetensors")[0]
    assert _same(relu_pt, relu_st)
    assert [x.weight.tolist() for x in pt.layers] == [x.weight.tolist() for x in expected.layers]
    assert _same(pt, st_net)
    spec = [json.dumps(clip_spec([ClipSource(n, (-1.0, 1.0), name="x")], "same title"))
            for n in (relu_pt, relu_st)]
    assert spec[0] == spec[1]  # the whole input of the scene: same frames


def test_a_custom_modules_fc_keys_read_from_safetensors(tmp_path):
    torch.manual_seed(1)
    state = {"fc1.weight": torch.randn(4, 1), "fc1.bias": torch.randn(4),
             "fc2.weight": torch.randn(4, 4), "fc2.bias": torch.randn(4),
             "fc10.weight": torch.randn(1, 4), "fc10.bias": torch.randn(1)}
    save_torch(state, str(tmp_path / "fc.safetensors"))
    torch.save(state, tmp_path / "fc.pt")
    net = load_safetensors(tmp_path / "fc.safetensors")
    assert net.widths == [1, 4, 4, 1]  # fc10 last: numeric order, not the file's alphabetical one
    assert _same(net, load_state_dict(tmp_path / "fc.pt"))


def test_onnx_matmul_add_and_leaky_relu_chain():
    w1 = np.array([[1.0, -2.0, 0.5]], np.float32)  # MatMul's weight is (in, out)
    b1 = np.array([0.25, 1.0, -0.5], np.float32)
    w2 = np.array([[1.0], [2.0], [-1.0]], np.float64)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w1"], ["h"]), helper.make_node("Add", ["b1", "h"], ["hb"]),
         helper.make_node("LeakyRelu", ["hb"], ["a"], alpha=0.2), helper.make_node("Identity", ["a"], ["i"]),
         helper.make_node("MatMul", ["i", "w2"], ["y"])], "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 1])],
        initializer=[numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
                     numpy_helper.from_array(w2, "w2")])
    net = network_from_onnx_bytes(helper.make_model(graph).SerializeToString())
    expected = Network([Layer(w1.T.astype(float), b1.astype(float), "leaky_relu", 0.2),
                        Layer(w2.T, [0.0])])
    assert _same(net, expected)


def _graph(nodes, inputs=("x",), initializers=(), output="y"):
    return helper.make_model(helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info(i, TensorProto.FLOAT, [None, 1]) for i in inputs],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, [None, 1])],
        initializer=list(initializers))).SerializeToString()


_W = numpy_helper.from_array(np.ones((2, 1), np.float32), "w")
_V = numpy_helper.from_array(np.ones((1, 2), np.float32), "v")


@pytest.mark.parametrize("data, message", [
    (_graph([helper.make_node("Gemm", ["x", "w"], ["h"], transB=1), helper.make_node("Sigmoid", ["h"], ["s"]),
             helper.make_node("Gemm", ["s", "v"], ["y"], transB=1)], initializers=[_W, _V]),
     r"^node 1 \(op Sigmoid\): op Sigmoid is not supported \(an MLP uses Gemm, MatMul, Add, Relu, LeakyRelu, Identity\)$"),
    (_graph([helper.make_node("MatMul", ["x", "v"], ["h"]), helper.make_node("Add", ["h", "x"], ["y"])],
            initializers=[_V]),
     r"^node 1 \(op Add\): also takes 'x', made by the graph's input: a branch \(an MLP is one chain\)$"),
    (_graph([helper.make_node("Gemm", ["x", "w"], ["h"], transB=1), helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Gemm", ["h", "v"], ["y"], transB=1)], initializers=[_W, _V]),
     r"^node 2 \(op Gemm\): does not take the chain's tensor 'r' \(branches are not read"),
    (_graph([helper.make_node("Gemm", ["x", "w"], ["y"], transB=1)], inputs=("x", "z"), initializers=[_W]),
     r"^has 2 input tensors \('x', 'z'\); an MLP has exactly one$"),
    (_graph([helper.make_node("Gemm", ["x", "w"], ["y"], transA=1, transB=1)], initializers=[_W]),
     r"^node 0 \(op Gemm\): only Gemm\(x, W, b\) with transA = 0 is read$"),
    (_graph([helper.make_node("Gemm", ["x", "w"], ["y"], transB=1)]),
     r"^node 0 \(op Gemm\): its weight 'w' is not an initializer"),
    (b"\x08\x07garbage", r"^not an ONNX model"),
], ids=["unsupported op", "branch", "skip", "two inputs", "transA", "computed weight", "garbage"])
def test_onnx_refusals_name_the_node_and_op(data, message):
    with pytest.raises(ReluAnimError, match=message):
        network_from_onnx_bytes(data)


# ------------------------------------------------------------------ safetensors refusals
def _safetensors(tmp_path, arrays, name="m.safetensors"):
    path = tmp_path / name
    save_numpy(arrays, str(path))
    return path


def _raw(tmp_path, header: bytes, data: bytes = b"", name="raw.safetensors"):
    path = tmp_path / name
    path.write_bytes(struct.pack("<Q", len(header)) + header + data)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: _safetensors(p, {"0.bias": np.zeros(2), "2.weight": np.ones((1, 2))}),
     r"0\.bias: a bias without a weight \(0\.weight is missing\)$"),
    (lambda p: _safetensors(p, {"0.weight": np.ones((2, 1)), "0.bias": np.zeros(3), "2.weight": np.ones((1, 2))}),
     r"0\.bias: shape \(3,\) does not match 0\.weight's 2 rows \(expected \(2,\)\)$"),
    (lambda p: _safetensors(p, {"0.weight": np.ones((2, 1)), "2.weight": np.ones((1, 3))}),
     r"2\.weight: takes 3 inputs but 0\.weight has 2 rows"),
    (lambda p: _safetensors(p, {"0.weight": np.ones((2, 1, 1))}),
     r"0\.weight: a Linear weight must be 2-D, got shape \(2, 1, 1\)$"),
    (lambda p: _raw(p, b'{"0.weight": {"dtype": "BF16", "shape": [1, 1], "data_offsets": [0, 2]}}', b"\0\0"),
     r"0\.weight: dtype BF16 is not read"),
    (lambda p: _raw(p, b'{"0.weight": {"dtype": "F32", "shape": [4, 1], "data_offsets": [0, 16]}}', b"\0" * 8),
     r"0\.weight: data_offsets \[0, 16\] are not inside the file's 8 data bytes$"),
    (lambda p: _raw(p, b'{"0.weight": {"dtype": "F32", "shape": [4, 1], "data_offsets": [0, 8]}}', b"\0" * 8),
     r"0\.weight: shape \(4, 1\) of F32 needs 16 bytes, data_offsets give 8$"),
    (lambda p: _raw(p, b'{"0.weight": [1, 2, 3]}'), r"0\.weight: not a tensor entry"),
    (lambda p: _raw(p, b'{not json at all}'), r"not a safetensors file \(its header is not JSON\)$"),
    (lambda p: _raw(p, b'{"0.weight": {"dtype": "F32", "shape": [100000, 100000], "data_offsets": [0, 0]}}'),
     r"0\.weight: holds 10,000,000,000 numbers"),
], ids=["missing weight", "bias shape", "no chain", "3-D", "bf16", "offsets", "size", "entry", "json", "huge"])
def test_safetensors_refusals(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(ReluAnimError, match=rf"^{path}: {message}"):
        load_safetensors(path)


def test_a_header_longer_than_the_file_is_refused(tmp_path):
    path = tmp_path / "short.safetensors"
    path.write_bytes(struct.pack("<Q", 100) + b"{}")
    with pytest.raises(ReluAnimError, match=r"truncated \(its header declares 100 bytes; the file has 2 after it\)"):
        load_safetensors(path)


# ------------------------------------------------------------------ the story is the package's
def _one_layer(w, b, v, c=0.0, activation="relu"):
    return Network([Layer(np.array(w, float)[:, None], np.array(b, float), activation, 0.1),
                    Layer(np.array(v, float)[None, :], [c])])


_units = st.integers(1, 6)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_unit_terms_add_up_to_the_network(data):
    n = data.draw(_units)
    floats = st.floats(-3, 3, allow_nan=False).filter(lambda x: abs(x) > 1e-3)
    w, b, v = ([data.draw(floats) for _ in range(n)] for _ in range(3))
    activation = data.draw(st.sampled_from(["relu", "leaky_relu"]))
    net = _one_layer(w, b, v, 0.5, activation)
    a, z = -2.0, 2.0
    terms, sums, kinks = unit_terms(net, a, z)
    f = net.piecewise(a, z)
    xs = np.linspace(a, z, 97)
    # each evaluation adds n terms of size ≤ |v|(|w||x| + |b|): rounding ≤ 4 n eps of that scale
    scale = sum(abs(vi) * (abs(wi) * 2 + abs(bi)) for vi, wi, bi in zip(v, w, b)) + 0.5
    bound = 8 * (n + 2) * np.finfo(float).eps * scale
    assert np.max(np.abs(sums[-1](xs) - f(xs))) <= bound
    assert np.max(np.abs(sum(t(xs) for t in terms) + 0.5 - f(xs))) <= bound
    assert sorted(kinks.tolist()) == kinks.tolist()
    assert sorted(np.round(kinks, 12).tolist()) == sorted(np.round(-np.array(b) / np.array(w), 12).tolist())


def test_the_story_draws_the_packages_kinks_and_switches():
    net = _one_layer([1.0, -2.0, 1.0], [-0.5, 1.0, 3.0], [1.0, 1.0, -1.0])  # kinks 0.5, 0.5, -3 (outside)
    story = clip_story([ClipSource(net, (-1.0, 2.0))])
    f = net.piecewise(-1.0, 2.0)
    assert story.function.breakpoints.tolist() == f.breakpoints.tolist()
    assert story.function.slopes.tolist() == f.slopes.tolist()
    assert story.switches[0].tolist() == [0.5, 0.5]  # two units switch at 0.5; the third never on [-1, 2]
    assert story.cuts.tolist() == [0.5]
    # left of 0.5: unit 2 (−2x + 1 > 0) and unit 3 (x + 3 > 0) are on; right: units 1 and 3
    assert story.active_counts.tolist() == [2, 2]
    assert story.one_layer and len(story.terms) == 3


def test_a_deeper_networks_switches_are_zeros_of_its_units():
    model = _model(3)
    net = network_from_torch(model)
    story = clip_story([ClipSource(net, (-2.0, 2.0))])
    h1 = net.layers[0]
    first = sorted(x for x in (-h1.bias / h1.weight[:, 0]).tolist() if -2 < x < 2)
    assert np.allclose(story.switches[0], first, rtol=0, atol=1e-15 * 4)
    for x in story.switches[1]:  # a unit of layer 2 is at zero there, to rounding
        z = net.layers[1].weight @ net.layers[0](np.array([[x]]))[0] + net.layers[1].bias
        assert np.min(np.abs(z)) <= 1e-12 * (1 + np.abs(net.layers[1].weight).sum() * 10)
    kinks = story.function.breakpoints
    assert all(np.min(np.abs(story.cuts - k)) <= 1e-9 for k in kinks)  # every kink is some unit's switch


def test_zeros_are_exact_on_a_piecewise_function():
    from relu_anim.piecewise import PiecewiseLinear

    g = PiecewiseLinear.from_points([0.0, 1.0, 2.0, 4.0], [-1.0, 1.0, 0.0, 3.0])
    assert zeros(g).tolist() == [0.5]  # touches zero at 2 and goes back up: no switch there
    g = PiecewiseLinear.from_points([0.0, 1.0, 2.0, 4.0], [-1.0, 1.0, 0.0, -4.0])
    assert zeros(g).tolist() == [0.5, 2.0]  # through zero at a knot


def test_a_two_input_networks_story_is_its_linear_regions():
    from relu_anim.regions import linear_regions

    net = Network([Layer([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0.0, 0.0, -0.5], "relu"),
                   Layer([[1.0, 1.0, -1.0]], [0.0])])
    story = clip_story([ClipSource(net, (-1.0, 1.0))])
    assert story.kind == "plane"
    assert len(story.regions) == len(linear_regions(net, (-1, 1, -1, 1)))
    for region, value in zip(story.regions, story.region_values):
        assert value == float(np.ravel(net(region.centroid[None, :]))[0]) or math.isclose(
            value, float(np.ravel(net(region.centroid[None, :]))[0]), rel_tol=1e-12, abs_tol=1e-12)


def test_three_inputs_and_changing_history_shapes_are_refused():
    three = Network([Layer(np.ones((2, 3)), np.zeros(2), "relu"), Layer(np.ones((1, 2)), [0.0])])
    with pytest.raises(ReluAnimError, match=r"^m: a clip shows networks of one or two inputs; this one has 3"):
        check_source(ClipSource(three, (0.0, 1.0), name="m"))
    net = _one_layer([1.0, 1.0], [0.0, -1.0], [1.0, 1.0])
    grown = _one_layer([1.0, 1.0, 1.0], [0.0, -1.0, 0.5], [1.0, 1.0, 1.0])
    history = [{"step": 0, "loss": 1.0, "layers": net}, {"step": 1, "loss": 0.5, "layers": grown}]
    with pytest.raises(ReluAnimError, match=r"^m: history\[1\]: layer shapes .* differ from the network's"):
        check_source(ClipSource(net, (0.0, 1.0), history=history, name="m"))


def test_several_unit_counts_are_fitted_in_order():
    sources = clip_sources("x**2", (0.0, 2.0), units=(1, 3, 5))
    story = clip_story(sources)
    assert [f.network.hidden_units for f in story.fits] == [1, 3, 5]
    from relu_anim.metrics import fit_metrics
    from relu_anim.target import parse_target

    square = parse_target("x**2")
    for fit, source in zip(story.fits, sources):  # the package's metrics, best possible beside them
        assert fit.metrics == fit_metrics(source.network.piecewise(0.0, 2.0), square,
                                          source.network.hidden_units, square.text)
        assert fit.metrics["max_error"] >= fit.metrics["optimal_max_error"] * (1 - 1e-12)


def test_format_and_extension_must_agree(tmp_path):
    assert clip_format(tmp_path / "a.gif", None) == "gif"
    assert clip_format(tmp_path / "a", "webm") == "webm"
    with pytest.raises(ReluAnimError, match=r"--format png does not match the file's extension \.mp4$"):
        clip_format(tmp_path / "a.mp4", "png")


# ------------------------------------------------------------------ the command line refuses cleanly
def _three_inputs(tmp_path):
    path = tmp_path / "three.json"
    save_network(path, Network([Layer(np.ones((2, 3)), np.zeros(2), "relu"), Layer(np.ones((1, 2)), [0.0])]))
    return path, "--domain", "0", "1"


def _sigmoid_onnx(tmp_path):
    path = tmp_path / "sig.onnx"
    path.write_bytes(_graph([helper.make_node("Gemm", ["x", "w"], ["h"], transB=1),
                            helper.make_node("Sigmoid", ["h"], ["s"]),
                            helper.make_node("Gemm", ["s", "v"], ["y"], transB=1)], initializers=[_W, _V]))
    return path, "--domain", "0", "1"


def _misshaped(tmp_path):
    return (_safetensors(tmp_path, {"0.weight": np.ones((2, 1)), "0.bias": np.zeros(3),
                                    "2.weight": np.ones((1, 2))}, "bad.safetensors"), "--domain", "0", "1")


@pytest.mark.parametrize("make, message", [
    (_three_inputs, r"three\.json: a clip shows networks of one or two inputs; this one has 3 \(3 -> 1\)$"),
    (_sigmoid_onnx, r"sig\.onnx: node 1 \(op Sigmoid\): op Sigmoid is not supported"),
    (_misshaped, r"bad\.safetensors: 0\.bias: shape \(3,\) does not match"),
    (lambda p: ("x**2", "--units", "3"), r"x\*\*2: fitting a target needs --domain A B$"),
    (lambda p: ("x**2", "--units", "0", "--domain", "0", "2"), r"units"),
    (lambda p: ("x**2", "--units", "3", "--domain", "2", "0"), r"domain"),
    (lambda p: (str(p / "missing.json"),), r"missing\.json: no such file$"),
    (lambda p: ("/dev/zero", "--domain", "0", "1"), r"/dev/zero: is a character device, not a model file$"),
], ids=["three inputs", "onnx op", "safetensors shape", "no domain", "zero units", "reversed domain",
        "missing", "device"])
def test_render_refuses_with_one_line_and_no_clip(tmp_path, make, message):
    args = make(tmp_path)
    out = tmp_path / "clip.mp4"
    assert_refused(run_cli("render", *map(str, args), "-o", str(out)), message, out)
    assert not out.with_suffix(".srt").exists() and not out.with_suffix(".vtt").exists()


def test_relu_anim_render_is_callable_before_and_after_the_render_package_loads():
    import importlib

    import relu_anim
    from relu_anim.construct import shifted_relu_sum

    first = relu_anim.render
    importlib.import_module("relu_anim.render.pack")  # binds relu_anim.render to the package
    assert relu_anim.render is first and callable(relu_anim.render)
    with pytest.raises(ReluAnimError, match="a Network needs domain"):
        relu_anim.render(shifted_relu_sum([1.0], [0.5]), "never.mp4")


def test_clips_share_a_tex_cache_in_the_users_cache_folder_or_none(tmp_path, monkeypatch):
    """Clip renders keep TeX in $XDG_CACHE_HOME/relu-anim; a folder that cannot be made, or that manim
    would read as a template, gives no shared cache (the render then compiles in its own folder)."""
    from relu_anim.render.clip import _scene_file, tex_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert tex_cache() == tmp_path / "cache" / "relu-anim" and tex_cache().is_dir()
    assert f"config.tex_dir = {str(tmp_path / 'cache' / 'relu-anim' / 'Tex')!r}" in _scene_file()
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # a file, not a folder
    assert tex_cache() is None and "config.tex_dir" not in _scene_file()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "{media_dir}"))
    assert tex_cache() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert tex_cache() == tmp_path / "home" / ".cache" / "relu-anim"
