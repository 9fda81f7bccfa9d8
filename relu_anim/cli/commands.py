"""The ``relu-anim`` command line: fit, breakpoints, video.

Every failure caused by input (a missing file, malformed JSON, a bad expression,
``A >= B``, ``N < 1``...) ends with one line on stderr and exit status 2, and
never leaves a partial output file: outputs are written atomically, last.

Examples
--------
.. code-block:: console

    $ relu-anim fit "x**2" --domain 0 2 --units 10 --method construct -o x2.json
    $ relu-anim breakpoints x2.json
    $ relu-anim breakpoints model.pt --domain -1 1 --activation relu -o kinks.json
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn, Sequence

import click
import cloup
from rich.console import Console
from rich.table import Table

from ..checks import check_domain
from ..construct import check_units, construct
from ..errors import ReluAnimError
from ..io.network_file import load_network, save_network
from ..metrics import fit_metrics
from ..target import parse_target

__all__ = ["cli", "main"]

EXIT_BAD_INPUT = 2


def _fail(message: str) -> NoReturn:
    click.echo(f"relu-anim: error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _domain(value: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if value is None else check_domain(*value)


def _number(x: float) -> str:
    return f"{x:.6g}" if 1e-4 <= abs(x) < 1e6 or x == 0 else f"{x:.4e}"


@cloup.group(context_settings={"help_option_names": ["-h", "--help"]})
@cloup.version_option(package_name="relu-anim", prog_name="relu-anim")
def cli() -> None:
    """Build, train and inspect the ReLU networks behind the explainer videos."""


@cli.command()
@cloup.argument("target")
@cloup.option("--domain", nargs=2, type=float, required=True, metavar="A B", help="Fit on [A, B].")
@cloup.option("--units", "-n", type=int, required=True, metavar="N", help="Hidden ReLU units.")
@cloup.option("--method", type=cloup.Choice(["construct", "train"]), default="construct", show_default=True,
              help="construct: closed-form kinks + least squares; train: gradient descent (PyTorch).")
@cloup.option("--seed", type=int, default=0, show_default=True, help="Random seed (train).")
@cloup.option("--steps", type=int, default=None, metavar="K", help="Training steps (train).")
@cloup.option("--history", is_flag=True, help="Record training snapshots for animations (train).")
@cloup.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              metavar="FILE.json", help="Where to write the network JSON.")
def fit(target: str, domain: tuple[float, float], units: int, method: str, seed: int,
        steps: int | None, history: bool, output: Path) -> None:
    """Fit TARGET (an expression in x, such as "x**2" or "sin(3*x)") with N ReLU units."""
    a, b = _domain(domain)
    units = check_units(units)
    func = parse_target(target)
    func.check_finite(a, b)
    if method == "construct":
        if history or steps is not None or seed != 0:
            _fail("--seed, --steps and --history go with --method train")
        net = construct(func, (a, b), units)
        snapshots: list[dict[str, Any]] | None = None
    else:
        train = _torch_adapter().train
        kwargs: dict[str, Any] = {} if steps is None else {"steps": steps}
        result = train(func, (a, b), units, seed=seed, history=history, **kwargs)
        net = result.network
        snapshots = result.history if history else None
    metrics = fit_metrics(net.piecewise(a, b), func, units, func.text)
    save_network(output, net, (a, b), target=func.text, metrics=metrics, history=snapshots)
    _print_fit(func.text, (a, b), units, method, metrics, output)


def _print_fit(target: str, domain: tuple[float, float], units: int, method: str,
               metrics: dict[str, float], output: Path) -> None:
    table = Table(title=f"{target} on [{domain[0]:g}, {domain[1]:g}], {units} units ({method})",
                  title_justify="left")
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
    console = _console()
    console.print(table)
    console.print(f"wrote {output}")


@cli.command()
@cloup.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@cloup.option("--domain", nargs=2, type=float, default=None, metavar="A B",
              help="Analyse on [A, B] (default: the JSON file's domain).")
@cloup.option("--activation", type=cloup.Choice(["relu", "leaky_relu"]), default="relu", show_default=True,
              help="Activation between the Linear layers of a state_dict.")
@cloup.option("--negative-slope", type=float, default=0.01, show_default=True,
              help="Slope left of zero for leaky_relu.")
@cloup.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE.json", help="Also write the network JSON with its breakpoints.")
def breakpoints(model: Path, domain: tuple[float, float] | None, activation: str, negative_slope: float,
                output: Path | None) -> None:
    """Print the exact kinks of MODEL: a relu-anim JSON file or a PyTorch state_dict (torch.save)."""
    net, stored_domain = _load_model(model, activation, negative_slope)
    span = _domain(domain) or stored_domain
    if span is None:
        _fail(f"{model}: has no domain; pass --domain A B")
    f = net.piecewise(*span)
    if output is not None:
        save_network(output, net, span)
    table = Table(title=f"{len(f.breakpoints)} kinks of {model.name} on [{span[0]:g}, {span[1]:g}]",
                  title_justify="left")
    for column in ("x", "y", "slope left", "slope right"):
        table.add_column(column, justify="right")
    for i, (x, y) in enumerate(zip(f.breakpoints, f.values)):
        table.add_row(_number(x), _number(y), _number(f.slopes[i]), _number(f.slopes[i + 1]))
    console = _console()
    console.print(table)
    if output is not None:
        console.print(f"wrote {output}")


def _load_model(path: Path, activation: str, negative_slope: float):
    """A network and its stored domain (None for a state_dict) from either format."""
    if not path.is_file():
        _fail(f"{path}: no such file")
    with path.open("rb") as handle:
        head = handle.read(64).lstrip()
    if head.startswith(b"{"):
        loaded = load_network(path)
        return loaded.network, loaded.domain
    return _torch_adapter().load_state_dict(path, activation, negative_slope, scalar=True), None


def _torch_adapter():
    try:
        # lazy: torch takes seconds to import and only train and .pt files need it
        from .. import torch_adapter
    except ModuleNotFoundError as err:  # pragma: no cover - torch is a dev dependency here
        if err.name != "torch":
            raise
        _fail("this needs PyTorch; install it with: pip install 'relu-anim[torch]'")
    return torch_adapter


@cli.command()
@cloup.option("--quality", "-q", type=cloup.Choice(["l", "m", "h", "k"]), default="l", show_default=True,
              help="l 480p15 preview, m 720p30, h 1080p60, k 2160p60.")
@cloup.option("--force", is_flag=True, help="Render every chapter again even if up to date.")
def video(quality: str, force: bool) -> None:
    """Render every chapter and join them into media/relu_explainer.mp4 (+ .srt, chapters .vtt)."""
    # lazy: the render pipeline loads av and is needed by video and stills only
    from ..render.video import render_video

    path = render_video(quality, force=force)
    _console().print(f"wrote {path}")


@cli.command()
@cloup.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("media/readme"),
              show_default=True, help="Folder for the PNG stills and the GIF.")
def stills(out: Path) -> None:
    """Cut one still per chapter and a short GIF from the preview renders (for the README)."""
    # lazy: the render pipeline loads av and PIL, needed by video and stills only
    from ..render.chapters import CHAPTERS, README_GIF, chapter
    from ..render.stills import save_gif, save_still
    from ..render.video import render_chapter

    console = _console()
    clips = {}
    for ch in CHAPTERS:
        clips[ch.name] = clip = render_chapter(ch, "l")
        path = save_still(clip.mp4, ch.still_at * clip.duration, out / f"{ch.name}.png")
        console.print(f"wrote {path}")
    name, start, end = README_GIF
    gif = save_gif(clips[chapter(name).name].mp4, start, end, out / f"{name}.gif")
    console.print(f"wrote {gif}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``relu-anim`` console script."""
    try:
        code = cli.main(args=argv, prog_name="relu-anim", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as err:
        click.echo(err.ctx.get_help() if err.ctx else str(err))
        sys.exit(0)
    except click.ClickException as err:
        _fail(err.format_message().replace("\n", " "))
    except click.Abort:
        _fail("aborted")
    except ReluAnimError as err:
        _fail(str(err))
    except OSError as err:
        _fail(f"{err.filename or ''}: {err.strerror or err}".lstrip(": "))
    sys.exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
