"""What ``breakpoints`` and ``render`` read: a model file of any kind, or a target to fit.

:func:`load_model_file` tells the formats apart by content, not by name: a
relu-anim network file (JSON), a PyTorch state_dict (``torch.save``: a zip),
a ``.safetensors`` file or an ONNX model. :func:`clip_sources` turns ``render``'s
SOURCE into the networks its clip shows, fitting a target expression first
when ``--units`` is given, and :func:`render` is ``relu_anim.render(...)``. The
torch adapter is imported only for ``.pt`` files and training, on first use.

Examples
--------
>>> [s.network.hidden_units for s in clip_sources("x**2", (0.0, 2.0), units=(2, 4))]
[2, 4]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from ..construct import check_units, construct
from ..errors import ReluAnimError
from ..io.json_text import looks_like_json
from ..io.network_file import MAX_FILE_BYTES, NetworkFile, network_from_json
from ..io.onnx_file import load_onnx, looks_like_onnx
from ..io.reading import read_head, read_regular_file
from ..io.safetensors_file import MAGIC_CHECK, load_safetensors, looks_like_safetensors
from ..network import Network
from ..story.clip import ClipSource
from ..target import parse_target

__all__ = ["FORMATS_SAID", "clip_sources", "load_model_file", "render", "torch_adapter"]

#: What a model file may be, for the message when it is none of them.
FORMATS_SAID = ("neither a relu-anim network file (JSON text starting with '{'), a PyTorch state_dict "
                "(a zip file from torch.save, starting with 'PK'), a .safetensors file nor an ONNX model")


def torch_adapter() -> Any:
    """:mod:`relu_anim.torch_adapter`, or a one-line error saying how to install torch."""
    try:
        # lazy: torch takes seconds to import and only training and .pt files need it
        from .. import torch_adapter as adapter
    except ModuleNotFoundError as err:  # pragma: no cover - torch is a dev dependency here
        if err.name != "torch":
            raise
        raise ReluAnimError("this needs PyTorch; install it with: pip install 'relu-anim[torch]'") from None
    return adapter


def _scalar(path: Path, net: Network) -> Network:
    if (net.in_features, net.out_features) != (1, 1):
        raise ReluAnimError(f"{path}: the exact analysis needs one input and one output "
                            f"(this network maps {net.in_features} -> {net.out_features})")
    return net


def load_model_file(path: Path, activation: str = "relu", negative_slope: float = 0.01,
                    options: Sequence[str] = (), *, scalar: bool = False) -> tuple[Network, NetworkFile | None]:
    """A network from a model file of any kind, and the network file itself when it is one.

    ``options`` are the activation options the user gave explicitly: they are
    refused for a JSON or ONNX file, which fix their own activations. With
    ``scalar`` a network that does not map one input to one output is refused.

    Raises
    ------
    ReluAnimError
        One line naming the file: missing, not a regular file, none of the
        formats, or refused by that format's reader.
    """
    head = read_head(path, MAGIC_CHECK, what="model file")
    if head.startswith(b"PK\x03\x04") or (head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05")):
        # a zip (torch.save) or a pickle (torch.save's legacy format)
        return torch_adapter().load_state_dict(path, activation, negative_slope, scalar=scalar), None
    if looks_like_safetensors(head):
        net = load_safetensors(path, activation, negative_slope)
        return (_scalar(path, net) if scalar else net), None
    fixed = f"{' and '.join(options)} {'apply' if len(options) > 1 else 'applies'} only to a " \
            "PyTorch state_dict or .safetensors file; "
    if looks_like_onnx(head):
        if options:
            raise ReluAnimError(f"{path}: {fixed}an ONNX model fixes its activations (its Relu/LeakyRelu nodes)")
        net = load_onnx(path)
        return (_scalar(path, net) if scalar else net), None
    raw = read_regular_file(path, MAX_FILE_BYTES, what="model file")
    if not looks_like_json(raw):
        raise ReluAnimError(f"{path}: {FORMATS_SAID}")
    if options:
        raise ReluAnimError(f"{path}: {fixed}a network JSON file fixes its activations (layers[i].activation)")
    loaded = network_from_json(raw, source=str(path))
    return loaded.network, loaded


def clip_sources(source: str, domain: tuple[float, float] | None, *, units: Sequence[int] = (),
                 method: str = "construct", activation: str = "relu", negative_slope: float = 0.01,
                 options: Sequence[str] = (), seed: int = 0) -> list[ClipSource]:
    """The networks ``render SOURCE`` shows.

    With ``units``, ``source`` is a target expression: it is fitted on
    ``domain`` with each unit count in turn (``construct`` or ``train``).
    Otherwise ``source`` is a model file (:func:`load_model_file`); its domain
    is ``domain``, or the network file's own.

    Raises
    ------
    ReluAnimError
        No domain, a bad expression or unit count, or what the file's reader refuses.
    """
    if units:
        if domain is None:
            raise ReluAnimError(f"{source}: fitting a target needs --domain A B")
        target = parse_target(source)
        target.check_finite(*domain)
        out = []
        for n in units:
            n = check_units(n)
            if method == "construct":
                net = construct(target, domain, n)
            else:
                net = torch_adapter().train(target, domain, n, seed=seed).network
            out.append(ClipSource(net, domain, target=target.text, name=target.text))
        return out
    path = Path(source)
    net, loaded = load_model_file(path, activation, negative_slope, options)
    span = domain or (loaded.domain if loaded is not None else None)
    if span is None:
        raise ReluAnimError(f"{path}: has no domain; pass --domain A B")
    if loaded is None:
        return [ClipSource(net, span, name=path.name)]
    return [ClipSource(net, span, target=loaded.target, history=loaded.history or None, name=path.name)]


def render(source: Any, output: str | Path, *, domain: tuple[float, float] | None = None,
           units: Sequence[int] = (), method: str = "construct", quality: str = "l", theme: str = "dark",
           fmt: str | None = None, title: str | None = None, activation: str = "relu",
           negative_slope: float = 0.01) -> Any:
    """Render the clip of ``source`` to ``output``; what ``relu-anim render`` does, from Python.

    ``source`` is a model file's path, a target expression (with ``units``), a
    :class:`~relu_anim.network.Network` (with ``domain``) or a loaded
    :class:`~relu_anim.io.network_file.NetworkFile`. Returns a
    :class:`~relu_anim.render.clip.ClipFile`, which a notebook shows inline.

    Examples
    --------
    >>> import relu_anim
    >>> clip = relu_anim.render("x**2", "x2.mp4", domain=(0, 2), units=[2, 5])  # doctest: +SKIP
    >>> clip.duration  # doctest: +SKIP
    48.2
    """
    # lazy: the render pipeline (manim in a subprocess, av) is needed here only
    from ..checks import check_domain
    from .clip import render_clip

    span = None if domain is None else check_domain(*domain)
    if isinstance(source, Network):
        if span is None:
            raise ReluAnimError("render: a Network needs domain=(a, b)")
        sources = [ClipSource(source, span, name="network")]
    elif isinstance(source, NetworkFile):
        span = span or source.domain
        if span is None:
            raise ReluAnimError("render: this network file has no domain; pass domain=(a, b)")
        sources = [ClipSource(source.network, span, target=source.target, history=source.history or None)]
    else:
        sources = clip_sources(str(source), span, units=tuple(units), method=method, activation=activation,
                               negative_slope=negative_slope)
    return render_clip(sources, output, quality=quality, theme=theme, fmt=fmt, title=title)
