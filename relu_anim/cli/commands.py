"""The ``relu-anim`` command line: fit, breakpoints, video.

Every failure caused by input (a missing file, malformed JSON, a bad expression,
``A >= B``, ``N < 1``, an output path that is a device or not writable, a full
disk or a closed standard output...) ends with one line on stderr and exit
status 2; Ctrl-C at any moment ends with ``relu-anim: interrupted`` and status
130. Neither leaves a partial or changed output file: an output is written to a
temporary file, the summary is printed and flushed, and only then is the file
renamed into place, so success and the file go together. A bug in relu-anim
itself also ends with one line, ``relu-anim: internal error: ...``, status 1.

Text that comes from the user (an expression, a file name) is printed as it is,
never as Rich markup, with control characters shown as escapes (``\\x1b``).

Examples
--------
.. code-block:: console

    $ relu-anim fit "x**2" --domain 0 2 --units 10 --method construct -o x2.json
    $ relu-anim fit "sin(3*x)" --domain 0 2 --units 5 --objective max -o sin.json
    $ relu-anim breakpoints x2.json
    $ relu-anim breakpoints model.pt --domain -1 1 --activation relu -o kinks.json
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import shutil
import signal
import sys
import threading
import unicodedata
import warnings
from pathlib import Path
from typing import Any, Iterable, Iterator, NoReturn, Sequence

import click
import cloup
from click.core import ParameterSource
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..checks import check_domain
from ..construct import check_units, construct
from ..errors import ReluAnimError
from ..io.atomic import atomic_path, output_target
from ..io.network_file import network_json
from ..metrics import fit_metrics
from ..minimax import MAX_MINIMAX_UNITS, minimax_fit
from ..network import Network
from ..piecewise import PiecewiseLinear
from ..target import parse_target
from ..render.sources import clip_sources, load_model_file, torch_adapter

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL_ERROR", "EXIT_INTERRUPTED", "MAX_TABLE_ROWS", "cli", "main", "visible"]

EXIT_BAD_INPUT = 2
#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130
#: Exit status when relu-anim itself fails (a bug), not the input.
EXIT_INTERNAL_ERROR = 1
#: ``breakpoints`` prints at most this many kinks unless given ``--all``.
MAX_TABLE_ROWS = 40


# ------------------------------------------------------------------ printing
def visible(text: str) -> str:
    """``text`` with control, format and unpaired-surrogate characters as escapes.

    A file name or expression may hold terminal escape sequences (``\\x1b]0;...``
    retitles the window, ``\\x1b[2J`` clears it), newlines that would fake extra
    output lines, bidirectional overrides that reorder what is shown, or bytes
    that are not UTF-8 (Python keeps them as surrogates): all are shown, not
    obeyed.

    Examples
    --------
    >>> visible("model\\x1b[2J.json"), visible("a\\nb"), visible("x²")
    ('model\\\\x1b[2J.json', 'a\\\\nb', 'x²')
    """
    return "".join(
        repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") else ch
        for ch in text
    )


class _Seconds(click.FloatRange):
    """A finite number of seconds in a range (click's own range lets nan through: every comparison is false)."""

    name = "float"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a finite number of seconds", param, ctx)
        return seconds


#: The longest --connect-timeout taken: an hour (a scheduler that slow is a misconfiguration).
MAX_CONNECT_TIMEOUT = 3600.0


def _emit(text: str) -> None:
    """Write ``text`` to stdout and flush it; failing to is a one-line error.

    Inside an output's atomic block this makes printing part of the success:
    with stdout on a full disk or a closed pipe the output file is not renamed.
    """
    stream = sys.stdout
    if stream is None:
        raise ReluAnimError("standard output: closed; nothing can be printed")
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
        stream.flush()
    except (OSError, ValueError) as err:  # ENOSPC, EPIPE, EBADF; ValueError: a closed file
        _discard_stdout()
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise ReluAnimError(f"standard output: cannot write ({reason})") from None


def _discard_stdout() -> None:
    """Point fd 1 at /dev/null, so the interpreter's last flush does not fail again."""
    with contextlib.suppress(Exception):
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


def _say_error(line: str) -> None:
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write(line + "\n")
        stream.flush()


def _say_lines(text: str) -> None:
    """``text`` on stderr, each of its lines made :func:`visible` (a failed render's log tail has several)."""
    for line in text.splitlines():
        _say_error(visible(line))


def _fail(message: str) -> NoReturn:
    _say_error(f"relu-anim: error: {visible(message)}")
    sys.exit(EXIT_BAD_INPUT)


def _rendered(renderable: Any) -> str:
    """A Rich renderable as text, styled as for stdout, without Rich touching stdout."""
    stdout = sys.stdout
    buffer = _TextBuffer(getattr(stdout, "encoding", None) or "utf-8")
    with contextlib.suppress(Exception):
        buffer.terminal = stdout.isatty()  # type: ignore[union-attr]
    console = Console(file=buffer, force_terminal=buffer.terminal, highlight=False, markup=False,
                      emoji=False, soft_wrap=True, width=shutil.get_terminal_size().columns)
    console.print(renderable)
    return buffer.getvalue()


class _TextBuffer(io.StringIO):
    """Where Rich renders: it picks box characters by the encoding it is told."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding
        self.terminal = False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def _number(x: float) -> str:
    return f"{x:.6g}" if 1e-4 <= abs(x) < 1e6 or x == 0 else f"{x:.4e}"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


# ------------------------------------------------------------------ outputs
def _check_output(output: Path, *inputs: Path) -> None:
    """Refuse a bad ``-o`` before any work: special files, no permission, an input itself."""
    output_target(output)
    for source in inputs:
        with contextlib.suppress(OSError):
            if os.path.samefile(source, output):  # also through symbolic and hard links
                raise ReluAnimError(f"{output}: is the input {source} itself; "
                                    "write the result to another file")


def _write_output(output: Path, payload: bytes, report: Iterable[str]) -> None:
    """Write ``payload`` to ``output`` atomically, printing ``report`` before the rename."""
    try:
        with atomic_path(output) as tmp:
            with open(tmp, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            for chunk in report:
                _emit(chunk)
            _emit(f"wrote {visible(str(output))}\n")
    except OSError as err:
        raise ReluAnimError(f"{output}: cannot write ({err.strerror or err})") from None


def _domain(value: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if value is None else check_domain(*value)


# ------------------------------------------------------------------ commands
@cloup.group(context_settings={"help_option_names": ["-h", "--help"]})
@cloup.version_option(package_name="relu-anim", prog_name="relu-anim")
def cli() -> None:
    """Build, train and inspect the ReLU networks behind the explainer videos."""


@cli.command()
@cloup.argument("target")
@cloup.option("--domain", nargs=2, type=float, required=True, metavar="A B", help="Fit on [A, B].")
@cloup.option("--units", "-n", type=int, required=True, metavar="N", help="Hidden ReLU units.")
@cloup.option("--method", type=cloup.Choice(["construct", "train"]), default="construct", show_default=True,
              help="construct: no training (least squares, or minimax with --objective max); "
                   "train: gradient descent (PyTorch).")
@cloup.option("--objective", type=cloup.Choice(["mse", "max"]), default="mse", show_default=True,
              help="mse: least squares; max: smallest max error (minimax, --method construct only, "
                   f"at most {MAX_MINIMAX_UNITS} units).")
@cloup.option("--seed", type=int, default=0, show_default=True, help="Random seed (train).")
@cloup.option("--steps", type=int, default=None, metavar="K", help="Training steps (train).")
@cloup.option("--history", is_flag=True, help="Record training snapshots for animations (train).")
@cloup.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              metavar="FILE.json", help="Where to write the network JSON.")
def fit(target: str, domain: tuple[float, float], units: int, method: str, objective: str, seed: int,
        steps: int | None, history: bool, output: Path) -> None:
    """Fit TARGET (an expression in x, such as "x**2" or "sin(3*x)") with N ReLU units.

    --objective max gives the network with the smallest max error among those
    with one flat piece or a linear unit (all 1-unit networks; for x² on [0, 2]
    the known optimum 2/(2n+1)²). Training minimises the mean squared error
    only, so --method train takes --objective mse.
    """
    _check_output(output)
    if objective == "max" and method == "train":
        _fail("--objective max goes with --method construct (training minimises the mean squared error)")
    a, b = _domain(domain)
    units = check_units(units)
    if objective == "max" and units > MAX_MINIMAX_UNITS:
        _fail(f"units: --objective max supports at most {MAX_MINIMAX_UNITS} units (got {units}); "
              "use fewer units or --objective mse")
    func = parse_target(target)
    func.check_finite(a, b)
    if method == "construct":
        if history or steps is not None or seed != 0:
            _fail("--seed, --steps and --history go with --method train")
        net = construct(func, (a, b), units) if objective == "mse" else minimax_fit(func, (a, b), units).network
        snapshots: list[dict[str, Any]] | None = None
    else:
        train = _torch_adapter().train
        kwargs: dict[str, Any] = {} if steps is None else {"steps": steps}
        result = train(func, (a, b), units, seed=seed, history=history, **kwargs)
        net = result.network
        snapshots = result.history if history else None
    metrics = fit_metrics(net.piecewise(a, b), func, units, func.text)
    payload = network_json(net, (a, b), target=func.text, metrics=metrics, history=snapshots)
    _write_output(output, payload, [_fit_table(func.text, (a, b), units, method, objective, metrics)])


def _fit_table(target: str, domain: tuple[float, float], units: int, method: str, objective: str,
               metrics: dict[str, float]) -> str:
    how = method if objective == "mse" else f"{method}, minimax"
    title = Text(f"{visible(target)} on [{domain[0]:g}, {domain[1]:g}], {units} units ({how})")
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    has_optimum = "optimal_mse" in metrics
    if has_optimum:
        table.add_column("best possible", justify="right")
        table.add_column("ratio", justify="right")
    for key, label in (("mse", "mean squared error"), ("max_error", "max error")):
        row = [label, _number(metrics[key])]
        if has_optimum:
            best = metrics[f"optimal_{key}"]
            row += [_number(best), f"{metrics[key] / best:.3f}"]
        table.add_row(*row)
    return _rendered(table)


@cli.command()
@cloup.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@cloup.option("--domain", nargs=2, type=float, default=None, metavar="A B",
              help="Analyse on [A, B] (default: the JSON file's domain).")
@cloup.option("--activation", type=cloup.Choice(["relu", "leaky_relu"]), default="relu", show_default=True,
              help="Activation between the Linear layers of a state_dict (a JSON file fixes its own).")
@cloup.option("--negative-slope", type=float, default=0.01, show_default=True,
              help="Slope left of zero for leaky_relu (state_dict only).")
@cloup.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE.json", help="Also write the network JSON with all its breakpoints.")
@cloup.option("--all", "all_rows", is_flag=True,
              help=f"Print every kink (by default the first {MAX_TABLE_ROWS}).")
def breakpoints(model: Path, domain: tuple[float, float] | None, activation: str, negative_slope: float,
                output: Path | None, all_rows: bool) -> None:
    """Print the exact kinks of MODEL: a relu-anim JSON file, a PyTorch state_dict, .safetensors or ONNX."""
    if output is not None:
        _check_output(output, model)
    context = click.get_current_context()
    options = [f"--{name.replace('_', '-')}" for name in ("activation", "negative_slope")
               if context.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)]
    net, stored_domain = _load_model(model, activation, negative_slope, options)
    span = _domain(domain) or stored_domain
    if span is None:
        _fail(f"{model}: has no domain; pass --domain A B")
    f = net.piecewise(*span)
    table = _kink_table(model, span, f, all_rows, saved=output is not None)
    if output is None:
        for chunk in table:
            _emit(chunk)
    else:
        _write_output(output, network_json(net, span), table)


def _kink_table(model: Path, span: tuple[float, float], f: PiecewiseLinear, all_rows: bool,
                *, saved: bool) -> Iterator[str]:
    """The kinks as aligned text, in chunks (a million rows print in seconds, not minutes)."""
    count = len(f.breakpoints)
    yield f"{_plural(count, 'kink')} of {visible(model.name)} on [{span[0]:g}, {span[1]:g}]\n"
    if count == 0:
        return
    widths = (12, 12, 12, 12)
    yield "".join(name.rjust(w) for name, w in zip(("x", "y", "slope left", "slope right"), widths)) + "\n"
    shown = count if all_rows else min(count, MAX_TABLE_ROWS)
    for start in range(0, shown, 10_000):
        rows = []
        for i in range(start, min(shown, start + 10_000)):
            cells = (f.breakpoints[i], f.values[i], f.slopes[i], f.slopes[i + 1])
            rows.append("".join(_number(float(v)).rjust(w) for v, w in zip(cells, widths)) + "\n")
        yield "".join(rows)
    if shown < count:
        where = "all are in the -o file" if saved else "-o FILE to save all"
        yield f"... {_plural(count - shown, 'more kink')}; {where}, --all to print all\n"


def _load_model(path: Path, activation: str, negative_slope: float,
                options: list[str]) -> tuple[Network, tuple[float, float] | None]:
    """A network and its stored domain (None for a state_dict, safetensors or ONNX file)."""
    net, loaded = load_model_file(path, activation, negative_slope, options, scalar=True)
    return net, (loaded.domain if loaded is not None else None)


def _torch_adapter():
    return torch_adapter()


@cli.command()
@cloup.argument("source", nargs=-1, required=True)
@cloup.option("--domain", nargs=2, type=float, default=None, metavar="A B",
              help="x range (both axes' for two inputs); default: the network file's.")
@cloup.option("--units", "-n", type=int, multiple=True, metavar="N",
              help="SOURCE is a target expression: fit it with N units (repeat, or list N N ..., to morph).")
@cloup.option("--method", type=cloup.Choice(["construct", "train"]), default="construct", show_default=True,
              help="How to fit a target expression.")
@cloup.option("--activation", type=cloup.Choice(["relu", "leaky_relu"]), default="relu", show_default=True,
              help="Between the layers of a state_dict or .safetensors file.")
@cloup.option("--negative-slope", type=float, default=0.01, show_default=True,
              help="Slope left of zero for leaky_relu (state_dict or .safetensors only).")
@cloup.option("--quality", "-q", type=cloup.Choice(["l", "m", "h", "k", "t"]), default="l", show_default=True,
              help="l 480p15, m 720p30, h 1080p60, k 2160p60, t 180p5 draft.")
@cloup.option("--theme", type=cloup.Choice(["dark", "light"]), default="dark", show_default=True)
@cloup.option("--format", "fmt", type=cloup.Choice(["mp4", "webm", "gif", "png"]), default=None,
              help="Default: the output's extension, else mp4.")
@cloup.option("--title", default=None, help="The clip's title (default: the file name or expression).")
@cloup.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              metavar="OUT", help="Where the clip goes (.srt and .vtt captions beside it).")
def render(source: tuple[str, ...], domain: tuple[float, float] | None, units: tuple[int, ...], method: str, activation: str,
           negative_slope: float, quality: str, theme: str, fmt: str | None, title: str | None,
           output: Path) -> None:
    """Render a clip of SOURCE: a network file, state_dict (.pt), .safetensors, ONNX, or a target with --units."""
    source, *more = source  # --units 2 4 8: the counts after the first land here
    if more:
        if not units:
            _fail(f"render takes one SOURCE (got {len(more) + 1}: {' '.join(repr(m) for m in [source, *more])})")
        try:
            units = (*units, *(int(m) for m in more))
        except ValueError:
            _fail(f"--units: expected whole numbers (got {' '.join(more)})")
    context = click.get_current_context()
    options = [f"--{name.replace('_', '-')}" for name in ("activation", "negative_slope")
               if context.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)]
    if not units:
        _check_output(output, Path(source))
        if context.get_parameter_source("method") not in (ParameterSource.DEFAULT, None):
            _fail("--method goes with --units (fitting a target expression)")
    else:
        _check_output(output)
        if options:
            _fail(f"{' and '.join(options)}: a fitted target uses ReLU units")
    # lazy: the render pipeline is needed by this command only
    from ..render.clip import render_clip

    sources = clip_sources(source, _domain(domain), units=units, method=method, activation=activation,
                           negative_slope=negative_slope, options=options)
    clip = render_clip(sources, output, quality=quality, theme=theme, fmt=fmt, title=title)
    _emit(f"wrote {visible(str(clip.path))} ({clip.duration:.1f} s)\n")


@cli.command()
@cloup.option("--quality", "-q", type=cloup.Choice(["l", "m", "h", "k"]), default="l", show_default=True,
              help="l 480p15 preview, m 720p30, h 1080p60, k 2160p60.")
@cloup.option("--force", is_flag=True, help="Render every chapter again even if up to date.")
@cloup.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="manim processes at once: chapters, or slices with --slices (default: the number of cores).")
@cloup.option("--slices", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Cut each chapter to render into up to N slices of beats, each its own manim process.")
@cloup.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
              help="Render the slices on this Dask scheduler's workers (cluster extra; --jobs is then unused).")
@cloup.option("--connect-timeout", type=_Seconds(0, MAX_CONNECT_TIMEOUT, min_open=True), default=10.0,
              show_default=True, help="Seconds to wait for the --scheduler.")
@cloup.option("--max-inflight-encoders", type=click.IntRange(1, 64), default=2, show_default=True,
              help="manim's: partial movies encoded on threads while rendering goes on (1: manim's own default).")
def video(quality: str, force: bool, jobs: int | None, slices: int, scheduler: str | None,
          connect_timeout: float, max_inflight_encoders: int) -> None:
    """Render every chapter and join them into media/relu_explainer.mp4 (+ .srt, chapters .vtt)."""
    # lazy: the render pipeline loads av and is needed by video and stills only
    from ..render.video import render_video

    path = render_video(quality, force=force, jobs=jobs, slices=slices, scheduler=scheduler,
                        connect_timeout=connect_timeout, max_inflight_encoders=max_inflight_encoders)
    _emit(f"wrote {visible(str(path))}\n")


@cli.command()
@cloup.option("--quality", "-q", type=cloup.Choice(["l", "m", "h", "k"]), default="l", show_default=True,
              help="l 480p15, m 720p30, h 1080p60, k 2160p60.")
@cloup.option("--theme", type=cloup.Choice(["dark", "light"]), default="dark", show_default=True,
              help="dark for video, light for white pages and slides.")
@cloup.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Chapters rendered at once (default: the number of cores).")
@cloup.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="The pack's folder (default: media/pack, media/pack-light).")
@cloup.option("--max-inflight-encoders", type=click.IntRange(1, 64), default=2, show_default=True,
              help="manim's: partial movies encoded on threads while rendering goes on (1: manim's own default).")
def pack(quality: str, theme: str, jobs: int | None, out: Path | None, max_inflight_encoders: int) -> None:
    """Build the course pack: per-chapter MP4/WebM/captions/posters/GIFs, index.html, manifest."""
    # lazy: the render pipeline loads av and manim, needed by the render commands only
    from ..render.pack import build_pack

    path = build_pack(quality, theme, out=out, jobs=jobs, max_inflight_encoders=max_inflight_encoders)
    _emit(f"wrote {visible(str(path))}\n")


@cli.command()
@cloup.option("--quality", "-q", type=cloup.Choice(["l", "m", "h", "k"]), default="l", show_default=True,
              help="l 480p15, m 720p30, h 1080p60, k 2160p60.")
@cloup.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Chapters rendered at once (default: the number of cores).")
@cloup.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="The slides' folder (default: media/slides).")
def slides(quality: str, jobs: int | None, out: Path | None) -> None:
    """Lecture slides: one slide per beat of every chapter, as .pptx and .html (theme: RELU_ANIM_THEME)."""
    # lazy: the render pipeline loads av and manim, needed by the render commands only
    from ..render.slides import build_slides

    path = build_slides(quality, out=out, jobs=jobs)
    _emit(f"wrote {visible(str(path))}\n")


@cli.command()
@cloup.argument("name")
@cloup.argument("beat")
@cloup.option("--quality", "-q", type=cloup.Choice(["l", "m", "h", "k", "t"]), default="l", show_default=True,
              help="l 480p15, m 720p30, h 1080p60, k 2160p60, t 180p5 thumbnail.")
@cloup.option("--watch", is_flag=True,
              help="Render again each time the chapter's scene file is saved, from a warm process (Ctrl-C stops).")
def preview(name: str, beat: str, quality: str, watch: bool) -> None:
    """Render one beat of a chapter alone, in seconds: preview x2 "Let the kinks move"."""
    # lazy: the render pipeline loads av and manim, needed by the render commands only
    from ..render.chapters import chapter
    from ..render.preview import preview_beat

    if watch:
        # lazy: only a watcher forks a warm manim
        from ..render.watch import watch_beat

        watch_beat(chapter(name), beat, quality, say=_say_lines)
    path = preview_beat(chapter(name), beat, quality)
    _emit(f"wrote {visible(str(path))}\n")


@cli.command()
@cloup.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("media/readme"),
              show_default=True, help="Folder for the PNG stills and the GIF.")
def stills(out: Path) -> None:
    """Cut one still per chapter and a short GIF from the preview renders (for the README)."""
    # lazy: the render pipeline loads av and PIL, needed by video and stills only
    from ..render.chapters import CHAPTERS, README_GIF, chapter
    from ..render.stills import save_gif, save_still
    from ..render.chapter import render_chapter

    clips = {}
    for ch in CHAPTERS:
        clips[ch.name] = clip = render_chapter(ch, "l")
        path = save_still(clip.mp4, ch.still_at * clip.duration, out / f"{ch.name}.png")
        _emit(f"wrote {visible(str(path))}\n")
    name, start, end = README_GIF
    gif = save_gif(clips[chapter(name).name].mp4, start, end, out / f"{name}.gif")
    _emit(f"wrote {visible(str(gif))}\n")


# ------------------------------------------------------------------ entry point
class _Interrupted(BaseException):
    """Ctrl-C, raised by :func:`main`'s handler. Not a KeyboardInterrupt, which
    click would turn into ``Abort`` after printing a blank line."""


def _raise_interrupted(signum: int, frame: object) -> None:
    raise _Interrupted


def _interrupted() -> NoReturn:
    # on a terminal the ^C echo has no newline; a pipe or file gets exactly one line
    newline = "\n" if sys.stderr is not None and sys.stderr.isatty() else ""
    _say_error(f"{newline}relu-anim: interrupted")
    sys.exit(EXIT_INTERRUPTED)


@contextlib.contextmanager
def _ctrl_c_raises_interrupted() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return
    previous = signal.signal(signal.SIGINT, _raise_interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _degrade_unencodable_output() -> None:
    """With PYTHONIOENCODING=ascii (or a C locale) print ``x\\xb2``, not a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def _run(args: list[str]) -> int:
    """Parse and run a command; its exit code. Errors propagate to :func:`main`.

    Not ``cli.main``: that prints a blank line on KeyboardInterrupt and turns it
    into ``Abort``. Shell completion requests still go to it.
    """
    if os.environ.get("_RELU_ANIM_COMPLETE"):
        return cli.main(args=args, prog_name="relu-anim", standalone_mode=False) or 0
    try:
        with cli.make_context("relu-anim", args) as context:
            cli.invoke(context)
    except click.exceptions.Exit as exit_:  # --help, --version
        return exit_.exit_code
    return 0


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point of the ``relu-anim`` console script: run, then exit.

    Status 0 on success, 2 for bad input (one line on stderr), 130 after Ctrl-C
    (``relu-anim: interrupted``), 1 for a bug in relu-anim (one line; the
    environment variable ``RELU_ANIM_TRACEBACK=1`` shows the traceback instead).
    """
    with _ctrl_c_raises_interrupted(), warnings.catch_warnings():
        # numpy's overflow notes would add lines; results are checked for finiteness anyway
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            _degrade_unencodable_output()
            code = _run(sys.argv[1:] if argv is None else list(argv))
        except (_Interrupted, KeyboardInterrupt):
            _interrupted()
        except click.exceptions.NoArgsIsHelpError as err:
            try:
                _emit((err.ctx.get_help() if err.ctx else str(err)) + "\n")
            except ReluAnimError as problem:
                _fail(str(problem))
            sys.exit(0)
        except click.Abort as err:
            if isinstance(err.__cause__, KeyboardInterrupt):
                _interrupted()
            _fail("aborted")
        except click.ClickException as err:
            _fail(err.format_message().replace("\n", " "))
        except ReluAnimError as err:
            _fail(str(err))
        except OSError as err:
            _fail(f"{err.filename or ''}: {err.strerror or err}".lstrip(": "))
        except Exception as err:  # a bug in relu-anim: still one line, but say so
            if os.environ.get("RELU_ANIM_TRACEBACK"):
                raise
            _say_error(f"relu-anim: internal error: {type(err).__name__}: {visible(str(err))} "
                       "(please report it; RELU_ANIM_TRACEBACK=1 shows where)")
            sys.exit(EXIT_INTERNAL_ERROR)
    sys.exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
