"""``relu-anim render`` end to end: each source kind renders at -ql; the scene draws the package's numbers.

Two kinds of checks:

- the scene built in this process (manim's ``dry_run``: construct runs, no
  frame is written) and read back: the drawn graph's corners are the package's
  kinks, the readouts its numbers, the unit terms its terms, the plane's
  polygons its regions;
- real renders through the command line at the draft quality ``t`` (180p5;
  the scene and pipeline of ``-ql``, a tenth of the pixels): a network file with target and metrics, an ONNX model, and
  a target expression fitted with two unit counts. Each has its ``.srt`` and
  ``.vtt`` captions, written from the clip's own narration, and lasts 20 to 90
  seconds. A ``.pt`` state_dict and its ``.safetensors`` give the renderer
  exactly the ONNX export's input (the clip spec, read here), so they would
  render its frames.
"""

from __future__ import annotations

import io
import json
import os
import warnings
from pathlib import Path

import av
import numpy as np
import pytest
import torch
from manim import tempconfig
from safetensors.torch import save_file as save_torch
from torch import nn

from relu_anim.construct import optimal_x2
from relu_anim.network import Layer, Network
from relu_anim.render.captions import parse_srt
from relu_anim.render.clip import clip_spec
from relu_anim.render.sources import clip_sources
from relu_anim.story.clip import ClipSource, clip_story
from relu_anim.visual.clip import CLIP_ENV, NetworkClip

from .cli_subprocess import run_cli
from .renders import RENDER_MEDIA

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ the scene, built here
def _built(tmp_path: Path, sources: list[ClipSource], title: str = "clip") -> NetworkClip:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(clip_spec(sources, title)), encoding="utf-8")
    os.environ[CLIP_ENV] = str(spec)
    try:
        # TeX and text from the suite's shared caches (the chapters' renders share most strings)
        with tempconfig({"dry_run": True, "pixel_width": 320, "pixel_height": 180, "frame_rate": 5,
                         "media_dir": str(tmp_path / "media"), "disable_caching": True,
                         "tex_dir": str(RENDER_MEDIA / "Tex"), "text_dir": str(RENDER_MEDIA / "texts")}):
            scene = type("Clip", (NetworkClip,), {})()
            scene.render()
    finally:
        del os.environ[CLIP_ENV]
    return scene


def _corners_as_data(scene: NetworkClip, mob) -> np.ndarray:
    return np.array([scene.axes.p2c(p) for p in mob.corners()])


def _tol(scene: NetworkClip) -> float:
    """Screen → data and back: float64 rounding of a few affine maps on numbers of the axes' size."""
    lo, hi = scene.axes.y_range[:2]
    return 64 * np.finfo(float).eps * max(1.0, abs(lo), abs(hi), *map(abs, scene.axes.x_range[:2]))


def test_one_layer_clip_draws_the_packages_kinks_terms_and_metrics(tmp_path):
    sources = [ClipSource(optimal_x2(3), (0.0, 2.0), target="x**2", name="x2"),
               ClipSource(optimal_x2(5), (0.0, 2.0), target="x**2", name="x2")]
    scene = _built(tmp_path, sources, title="my_net #2 (50% & more) {x^2} ~ $")  # TeX's specials, as text
    story = clip_story(sources)
    assert scene.beats == ["The output", "Slopes and active units", "Unit by unit", "Against the target",
                           "More units"]
    last = story.fits[-1]
    # the graph on screen at the end is the last fit's exact function: corners at its vertices
    assert np.allclose(_corners_as_data(scene, scene.graph), last.function.vertices(), rtol=0, atol=_tol(scene))
    dots = np.array([scene.axes.p2c(d.get_center()) for d in scene.dots])
    assert np.allclose(dots, np.column_stack([last.function.breakpoints, last.function.values]),
                       rtol=0, atol=_tol(scene))
    assert scene.kinks_readout.value == len(last.function.breakpoints)
    assert scene.pieces_readout.value == last.function.num_pieces
    assert [r.value for r in scene.metric_readouts] == [last.metrics["max_error"], last.metrics["mse"],
                                                        last.metrics["optimal_max_error"]]
    assert [text for _, _, text in scene.narration][:2] == [story.intro(), story.kinks_text()]


def test_deeper_clip_shows_each_layers_switches(tmp_path):
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    from relu_anim.torch_adapter import network_from_torch

    net = network_from_torch(model)
    scene = _built(tmp_path, [ClipSource(net, (-2.0, 2.0), name="deep")])
    story = clip_story([ClipSource(net, (-2.0, 2.0))])
    assert "Layer by layer" in scene.beats
    assert [r.value for r in scene.layer_rows] == [len(s) for s in story.switches]
    f = net.piecewise(-2.0, 2.0)
    assert np.allclose(_corners_as_data(scene, scene.graph), f.vertices(), rtol=0, atol=_tol(scene))


def test_two_input_clip_draws_the_exact_regions(tmp_path):
    net = Network([Layer([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0.0, 0.0, -0.5], "relu"),
                   Layer([[1.0, 1.0, -1.0]], [0.0])])
    scene = _built(tmp_path, [ClipSource(net, (-1.0, 1.0), name="plane")])
    story = clip_story([ClipSource(net, (-1.0, 1.0))])
    assert scene.beats == ["Over the plane"]
    assert len(scene.region_map) == len(story.regions)
    for polygon, region in zip(scene.region_map, story.regions):
        drawn = np.array([scene.plane_axes.p2c(p) for p in polygon.get_vertices()])
        assert np.allclose(drawn[:len(region.vertices)], region.vertices, rtol=0, atol=1e-12)


def test_a_training_history_is_played_back_through_its_snapshots(tmp_path):
    from relu_anim.target import parse_target
    from relu_anim.torch_adapter import train

    target = parse_target("sin(3*x)")
    result = train(target, (-1.0, 1.0), 4, steps=60, seed=0, history=True)
    source = ClipSource(result.network, (-1.0, 1.0), target=target.text, history=result.history, name="t")
    scene = _built(tmp_path, [source])
    story = clip_story([source])
    assert scene.beats[-1] == "Training"
    last_step, last_loss, last_function = story.snapshots[-1]
    assert (last_step, last_loss) == (result.history[-1]["step"], result.history[-1]["loss"])
    assert scene.step_readout.value == last_step and scene.loss_readout.value == last_loss
    # the graph ends on the last snapshot's exact function
    assert np.allclose(_corners_as_data(scene, scene.graph), last_function.vertices(), rtol=0, atol=_tol(scene))


# ------------------------------------------------------------------ real renders, every source kind
def _frame_count(video: Path) -> int:
    with av.open(str(video)) as container:
        return sum(1 for _ in container.decode(video=0))


def _render(*args: object) -> None:
    """``relu-anim render ARGS`` at the draft quality t (180p5): the same scene and pipeline as -ql."""
    done = run_cli("render", "--quality", "t", *args)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def _check_clip(video: Path) -> list[tuple[int, int, str]]:
    assert video.is_file()
    cues = parse_srt(video.with_suffix(".srt").read_text(encoding="utf-8"))
    vtt = video.with_suffix(".vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n") and all(text in vtt for _, _, text in cues)
    with av.open(str(video)) as container:
        duration = float(container.duration / av.time_base)
    assert 20 <= duration <= 90, duration
    assert cues and cues[-1][1] <= duration * 1000 + 1
    return cues


@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1))
    torch.save(model.state_dict(), folder / "m.pt")
    save_torch(model.state_dict(), str(folder / "m.safetensors"))
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
        torch.onnx.export(model, torch.zeros(1, 1), buffer, dynamo=False)
    (folder / "m.onnx").write_bytes(buffer.getvalue())
    return folder


def test_state_dict_safetensors_and_onnx_give_the_renderer_the_same_clip(model_files):
    """The three files of one network become one spec: the renderer's whole input besides quality and theme.

    The CLI writes that spec for the clip scene (:func:`~relu_anim.render.clip.render_clip`), so the three
    files, titled alike, render the same frames; one real render of the ONNX file follows. The specs differ
    only in the file's name, which the clip shows as its title when none is given (one is, here).
    """
    model = torch.load(model_files / "m.pt")
    specs = {}
    for kind in ("pt", "safetensors", "onnx"):
        spec = clip_spec(clip_sources(str(model_files / f"m.{kind}"), (-1.0, 1.0)), "my network")
        (source,) = spec["sources"]
        assert source.pop("name") == f"m.{kind}"
        specs[kind] = json.dumps(spec)
    assert specs["pt"] == specs["safetensors"] == specs["onnx"]
    layers = json.loads(specs["onnx"])["sources"][0]["layers"]
    # the model's own float32 weights, exactly (so the equal specs are not equally empty)
    assert [layer["weight"] for layer in layers] == [model[k].double().tolist() for k in ("0.weight", "2.weight")]
    assert [layer["bias"] for layer in layers] == [model[k].double().tolist() for k in ("0.bias", "2.bias")]


def test_an_onnx_model_renders(model_files, tmp_path):
    out = tmp_path / "onnx.mp4"
    _render(model_files / "m.onnx", "--domain", "-1", "1", "--title", "my network", "-o", out)
    cues = _check_clip(out)
    assert _frame_count(out) >= 20 * 5  # 20 s at least, at 5 frames a second
    assert cues[0][2].startswith("A network with 3 hidden units.")


def test_a_network_file_with_target_and_metrics_renders(tmp_path):
    model = tmp_path / "x2.json"
    done = run_cli("fit", "x**2", "--domain", "0", "2", "--units", "4", "-o", model)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "x2.mp4"
    _render(model, "-o", out)
    texts = [text for _, _, text in _check_clip(out)]
    assert any(text.startswith("Against its target x**2") for text in texts)
    assert any("the best possible with 4 units" in text for text in texts)


def test_a_target_expression_with_two_unit_counts_renders_as_webm(tmp_path):
    out = tmp_path / "fit.webm"
    _render("x**2", "--domain", "0", "2", "--units", "2", "6", "--theme", "light", "-o", out)
    with av.open(str(out)) as container:
        assert container.streams.video[0].codec_context.name in ("vp9", "libvpx-vp9", "vp8", "libvpx")
    cues = parse_srt(out.with_suffix(".srt").read_text(encoding="utf-8"))
    assert any(text.startswith("With 6 units:") for _, _, text in cues)
