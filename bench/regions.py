"""Benchmark: exact 2-D linear regions against classifying a dense grid.

The feature-plane chapter draws the linear regions of a small two-input network.
Two ways to find them, on the same random network (2-16-16-1, PyTorch's default
initialisation, ``random_network([2, 16, 16, 1], seed=0)``) and the same box:

- exact: :func:`relu_anim.regions.linear_regions` cuts the box along every
  unit's zero line, layer by layer, into convex polygons;
- grid: a forward pass at the centres of an N×N grid of cells records every
  point's activation pattern; the distinct patterns are the regions the grid
  saw, and (with scipy) the connected components of equal pattern give the
  regions as the grid draws them (4-neighbour components, and 8-neighbour
  ones for comparison: the two disagree on thin slanted regions).

Both run in one process, best of several repeats each. Activation regions are
convex, so one pattern is one region: the exact regions whose pattern no grid
point has are the regions the grid missed. The bench also counts the exact
regions smaller than one grid cell.

Run from the repository root::

    .venv/bin/python bench/regions.py [--grid 1000] [--repeats 5] [--seed 0]
"""

from __future__ import annotations

import argparse

import numpy as np

from relu_anim.construct import random_network
from relu_anim.regions import affine_pieces, linear_regions
from arguments import whole_number
from timing import best_time

BOX = (-2.0, 2.0, -2.0, 2.0)


def grid_points(n: int) -> np.ndarray:
    """Centres of an n×n grid of cells over BOX, row-major (y outer), shape (n*n, 2)."""
    x0, x1, y0, y1 = BOX
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def grid_patterns(net, points: np.ndarray, chunk: int = 250_000) -> np.ndarray:
    """Activation pattern of every point as one number: bit i set when kinked unit i is active.

    Sums of distinct powers of two below 2**53 are exact in float64, so up to 53 units.
    """
    codes = np.empty(len(points))
    for start in range(0, len(points), chunk):
        h = points[start:start + chunk]
        code = np.zeros(len(h))
        bit = 0
        for layer in net.layers:
            z = layer.preactivation(h)
            if not layer.is_linear:
                code += (z > 0) @ 2.0 ** np.arange(bit, bit + z.shape[1])
                bit += z.shape[1]
            h = layer.activate(z)
        codes[start:start + chunk] = code
    return codes


def grid_components(codes: np.ndarray, n: int, diagonal: bool = False) -> int | None:
    """Connected components of equal pattern on the grid (4 or, with ``diagonal``, 8 neighbours).

    None without scipy.
    """
    try:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components
    except ImportError:  # pragma: no cover
        return None
    img = codes.reshape(n, n)
    idx = np.arange(n * n).reshape(n, n)
    a, b = slice(1, None), slice(None, -1)
    whole = slice(None)
    steps = [((whole, a), (whole, b)), ((a, whole), (b, whole))]
    if diagonal:
        steps += [((a, a), (b, b)), ((a, b), (b, a))]
    rows, cols = [], []
    for here, there in steps:
        same = img[here] == img[there]
        rows.append(idx[here][same])
        cols.append(idx[there][same])
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n * n, n * n))
    return int(connected_components(graph, directed=False)[0])


def pattern_code(pattern: tuple[bool, ...]) -> int:
    return sum(1 << i for i, on in enumerate(pattern) if on)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=whole_number(2, 2000), default=1000,
                        help="grid points per side (2 to 2000: the grid's activations take 128·grid² bytes)")
    parser.add_argument("--repeats", type=whole_number(1, 1000), default=5)
    parser.add_argument("--seed", type=whole_number(0, 2**32 - 1), default=0)
    args = parser.parse_args()
    n = args.grid

    net = random_network([2, 16, 16, 1], seed=args.seed)
    points = grid_points(n)
    t_exact, regions = best_time(lambda: linear_regions(net, BOX), args.repeats)
    t_pieces, pieces = best_time(lambda: affine_pieces(regions), args.repeats)
    t_grid, codes = best_time(lambda: np.unique(grid_patterns(net, points)), args.repeats)
    all_codes = grid_patterns(net, points)
    t_comp, components = best_time(lambda: grid_components(all_codes, n), max(1, args.repeats // 2))
    components8 = grid_components(all_codes, n, diagonal=True)

    exact_codes = {pattern_code(r.pattern) for r in regions}
    grid_codes = {int(c) for c in codes}
    missed = [r for r in regions if pattern_code(r.pattern) not in grid_codes]
    cell = (BOX[1] - BOX[0]) * (BOX[3] - BOX[2]) / (n * n)
    areas = np.array([r.area for r in regions])

    x0, x1, y0, y1 = BOX
    print(f"random ReLU network 2-16-16-1 (seed {args.seed}) on the box [{x0:g}, {x1:g}] x [{y0:g}, {y1:g}]")
    print(f"{'method':<44}{'time (ms)':>11}{'regions':>9}")
    print(f"{'exact (linear_regions)':<44}{1e3 * t_exact:>11.1f}{len(regions):>9}")
    print(f"{f'grid {n}x{n}, distinct patterns':<44}{1e3 * t_grid:>11.1f}{len(codes):>9}")
    if components is None:
        print("grid connected components: not counted (scipy missing)")
    else:
        label = f"grid {n}x{n}, + connected components"
        print(f"{label:<44}{1e3 * (t_grid + t_comp):>11.1f}{components:>9}")
        print(f"  (4 neighbours; with diagonals too: {components8}. Thin slanted regions break into")
        print("   pixel fragments, or touch their neighbours across a corner)")
    print(f"speed-up exact vs grid patterns: {t_grid / t_exact:.1f}x"
          + ("" if components is None else f"; vs grid with components: {(t_grid + t_comp) / t_exact:.1f}x"))
    print(f"exact regions whose pattern no grid point has (missed by the grid): {len(missed)}")
    print(f"exact regions smaller than one grid cell ({cell:.3g}): {int(np.sum(areas < cell))}"
          f"; smallest region {areas.min():.3g}, largest {areas.max():.3g}")
    print(f"grid patterns that are not exact regions: {len(grid_codes - exact_codes)}")
    print(f"affine pieces (touching regions of equal map joined): {len(pieces)} "
          f"({1e3 * t_pieces:.1f} ms)")
    sizes = sorted(len(r.vertices) for r in regions)
    print(f"vertices per region: median {sizes[len(sizes) // 2]}, max {sizes[-1]}")


if __name__ == "__main__":
    main()
