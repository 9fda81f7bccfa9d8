"""Target expressions such as ``"x**2"`` or ``"sin(3*x)"``: :class:`Target`.

A target is the function a network is fitted to, typed by a user as text in one
variable ``x``. The text is never handed to ``eval``: :func:`parse_target` reads it
with :func:`ast.parse` and walks the tree against a whitelist (numbers, ``x``,
``pi``, ``e``, ``+ - * / **`` and the functions in :data:`FUNCTIONS`), building
one small numpy closure per node. Anything else is refused with a one-line
:class:`~relu_anim.errors.ReluAnimError` that names the offending piece.

Each node also gets an interval closure (:mod:`relu_anim.interval`), which
:meth:`Target.check_finite` uses to *prove* a target finite on a domain, poles
between sample points included.
"""

from __future__ import annotations

import ast
from typing import Callable, Sequence

import numpy as np

from . import interval as iv
from .checks import check_domain
from .errors import ReluAnimError

__all__ = ["FUNCTIONS", "MAX_DEPTH", "MAX_LENGTH", "Target", "parse_target"]

#: Longest accepted text, in characters (after stripping).
MAX_LENGTH = 500
#: Deepest accepted expression tree, in nodes (``-x`` is two deep).
MAX_DEPTH = 50

_Fn = Callable[[np.ndarray], np.ndarray]
#: An interval closure: ``(lo, hi)`` of x → ``(lo, hi, problem)`` of the value, where
#: ``problem`` is −1 or the index of the first reason it cannot be proven finite.
_IFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]

#: :meth:`Target.check_finite` splits the domain into this many pieces first, ...
_FIRST_SPLIT = 64
#: ... halves the pieces it cannot prove finite, down to this fraction of the domain, ...
_FINEST = 2.0**-40
#: ... evaluating at most this many intervals at once, and this many in all.
_CHUNK = 4096
_BUDGET = 200_000


def _sigmoid(x):
    z = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


#: The callable functions: name -> (number of arguments, numpy implementation).
FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "sin": (1, np.sin),
    "cos": (1, np.cos),
    "tan": (1, np.tan),
    "arcsin": (1, np.arcsin),
    "arccos": (1, np.arccos),
    "arctan": (1, np.arctan),
    "asin": (1, np.arcsin),
    "acos": (1, np.arccos),
    "atan": (1, np.arctan),
    "sinh": (1, np.sinh),
    "cosh": (1, np.cosh),
    "tanh": (1, np.tanh),
    "exp": (1, np.exp),
    "log": (1, np.log),
    "log2": (1, np.log2),
    "log10": (1, np.log10),
    "sqrt": (1, np.sqrt),
    "abs": (1, np.abs),
    "sign": (1, np.sign),
    "relu": (1, lambda x: np.maximum(x, 0.0)),
    "sigmoid": (1, _sigmoid),
    "softplus": (1, lambda x: np.logaddexp(0.0, x)),
    "min": (2, np.minimum),
    "max": (2, np.maximum),
}

_CONSTANTS = {"pi": np.float64(np.pi), "e": np.float64(np.e)}
_UNARY = {ast.UAdd: np.positive, ast.USub: np.negative}
_BINARY = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}
_OPERATOR_SYMBOLS = {
    ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.BitXor: "^",
    ast.BitAnd: "&", ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>",
    ast.Invert: "~", ast.Not: "not",
}
_REFUSED_CONSTANTS = {
    bool: "booleans are", complex: "complex numbers are", str: "strings are", bytes: "strings are",
}
_REFUSED_NODES = {
    ast.Attribute: "attribute access is", ast.Subscript: "subscripts are",
    ast.Compare: "comparisons are", ast.BoolOp: "'and'/'or' are",
    ast.IfExp: "conditional expressions are", ast.Lambda: "lambdas are",
    ast.ListComp: "comprehensions are", ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are", ast.GeneratorExp: "comprehensions are",
    ast.Starred: "starred arguments are", ast.NamedExpr: "assignments are",
    ast.Tuple: "tuples are", ast.List: "lists are", ast.Set: "sets are", ast.Dict: "dicts are",
    ast.JoinedStr: "f-strings are", ast.Slice: "slices are",
}

class Target:
    """A parsed expression ``f(x)``, evaluated with numpy.

    Parameters
    ----------
    text
        The expression, e.g. ``"x**2"``; see :func:`parse_target`.

    Attributes
    ----------
    text
        The original text, stripped.

    Examples
    --------
    >>> f = Target("relu(x - 1)")
    >>> f([0.0, 1.0, 3.0])
    array([0., 0., 2.])
    >>> f
    Target('relu(x - 1)')
    """

    __slots__ = ("text", "_fn", "_ifn", "_reasons")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise ReluAnimError(f"target must be a string (got {type(text).__name__})")
        self.text = text.strip()
        self._reasons: list[tuple[str, str]] = []
        self._fn, self._ifn = _compile_text(self.text, self._reasons)

    def _enclose(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Enclosures of the target over the intervals ``[lo[i], hi[i]]``, and per interval
        the index of the first reason it may not be finite there (−1: proven finite)."""
        with np.errstate(all="ignore"):
            return self._ifn(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))

    def __call__(self, x) -> np.ndarray:
        """Evaluate at ``x``: a float64 array of the same shape (``nan``/``inf`` allowed)."""
        try:
            x = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise ReluAnimError(f"target {_quote(self.text)}: x must be numbers") from None
        with np.errstate(all="ignore"):
            y = self._fn(x)
        return np.array(np.broadcast_to(y, x.shape), dtype=np.float64)

    def check_finite(self, a: float, b: float) -> None:
        """Refuse a target that is not finite, or not bounded, somewhere on ``[a, b]``.

        Sound, not sampled: interval arithmetic (:mod:`relu_anim.interval`)
        encloses every sub-expression over pieces of the domain, halving the
        pieces it cannot settle. If this returns, every sub-expression, both in
        exact arithmetic and as numpy evaluates it, is defined and finite on all
        of ``[a, b]``: no pole, no ``log`` of 0, no overflow, even between any
        two sample points (assuming numpy's elementary functions are accurate to
        4 ulp). A piece that still cannot be settled at 2⁻⁴⁰ of the domain's
        width (or after 200,000 intervals) is refused, naming where; for
        expressions whose enclosure is loose (such as ``sqrt(x*x - 2*x + 1)``)
        that can refuse a target that is in fact finite.

        Raises
        ------
        ReluAnimError
            Naming the target, the first place it fails and why.

        Examples
        --------
        >>> Target("1/x").check_finite(-1, 2)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        relu_anim.errors.ReluAnimError: target '1/x': not finite near x = 0 on [-1, 2] (division by 'x', ...
        >>> Target("tan(x)").check_finite(0, 1) is None
        True
        """
        a, b = check_domain(a, b)
        found = _unproven(self._enclose, a, b)
        if found is None:
            return
        where, reason = found
        kind, text = self._reasons[reason] if reason >= 0 else ("budget", "")
        span = f"[{a:g}, {b:g}]"
        if kind == "overflow":
            raise ReluAnimError(
                f"target {_quote(self.text)}: too large for double precision near x = {where} on {span} "
                f"({text}); fit on a smaller domain or rescale the target"
            )
        if kind == "budget":
            raise ReluAnimError(
                f"target {_quote(self.text)}: cannot be shown finite near x = {where} on {span} within "
                f"{_BUDGET:,} interval evaluations; simplify the expression or shrink the domain"
            )
        raise ReluAnimError(
            f"target {_quote(self.text)}: not finite near x = {where} on {span} ({text}); "
            f"fit on a domain that avoids x = {where}"
        )

    def __repr__(self) -> str:
        return f"Target({self.text!r})"

    def __str__(self) -> str:
        return self.text


def parse_target(text: str) -> Target:
    """Parse ``text`` into a :class:`Target`, refusing anything off the whitelist.

    Accepted: numbers, ``x``, ``pi``, ``e``, ``+ - * / **`` and calls such as
    ``sin(x)`` or ``max(x, 0)`` of the names in :data:`FUNCTIONS`. At most
    :data:`MAX_LENGTH` characters and :data:`MAX_DEPTH` nested nodes.

    Raises
    ------
    ReluAnimError
        One line naming the target and what is wrong with it.

    Examples
    --------
    >>> f = parse_target("x**2 - 1")
    >>> f(np.array([0.0, 1.0, 2.0]))
    array([-1.,  0.,  3.])
    >>> parse_target("x % 2")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: target 'x % 2': operator '%' is not allowed (use + - * / **)
    """
    return Target(text)


def _quote(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _compile_text(text: str, reasons: list[tuple[str, str]]) -> tuple[_Fn, _IFn]:
    def fail(problem: str, node: ast.AST | None = None) -> ReluAnimError:
        piece = ast.get_source_segment(text, node) if node is not None else None
        where = f" ({_quote(piece, 40)})" if piece and piece != text else ""
        return ReluAnimError(f"target {_quote(text)}: {problem}{where}")

    if not text:
        raise fail("empty expression")
    if len(text) > MAX_LENGTH:
        raise fail(f"longer than {MAX_LENGTH} characters (got {len(text)})")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise fail(_syntax_problem(text, err)) from None
    except (ValueError, RecursionError, MemoryError):
        raise fail("syntax error") from None
    return _compile_node(tree.body, 1, fail, _Reasons(text, reasons))


class _Reasons:
    """Numbers the reasons a node's value may not be finite, for the messages."""

    def __init__(self, text: str, reasons: list[tuple[str, str]]) -> None:
        self.text = text
        self.reasons = reasons

    def piece(self, node: ast.AST) -> str:
        return _quote(ast.get_source_segment(self.text, node) or "x", 40)

    def add(self, kind: str, text: str) -> int:
        self.reasons.append((kind, text))
        return len(self.reasons) - 1


def _settle(lo: np.ndarray, hi: np.ndarray, problems: Sequence[np.ndarray], ok: np.ndarray | bool,
            undefined: int, overflow: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A node's enclosure with its first problem: the children's, its own, or overflow."""
    mine = np.where(~np.asarray(ok), undefined, np.where(np.isfinite(lo) & np.isfinite(hi), -1, overflow))
    for problem in reversed(problems):
        mine = np.where(problem >= 0, problem, mine)
    return lo, hi, mine


def _none(shape_like: np.ndarray) -> np.ndarray:
    return np.full(shape_like.shape, -1)


#: Interval versions of the functions that are defined everywhere: name -> enclosure.
_ENCLOSE_TOTAL: dict[str, Callable] = {
    "sin": iv.sin,
    "cos": iv.cos,
    "arctan": lambda x: iv.monotone(np.arctan, x),
    "atan": lambda x: iv.monotone(np.arctan, x),
    "sinh": lambda x: iv.monotone(np.sinh, x),
    "cosh": lambda x: iv.monotone(np.cosh, iv.absolute(x), low=1.0),
    "tanh": lambda x: iv.monotone(np.tanh, x, low=-1.0, high=1.0),
    "exp": lambda x: iv.monotone(np.exp, x, low=0.0),
    "abs": iv.absolute,
    "sign": lambda x: (np.sign(x[0]), np.sign(x[1])),
    "relu": lambda x: (np.maximum(x[0], 0.0), np.maximum(x[1], 0.0)),
    # composites round more than once: exp, then 1 + z and a division (within LIBM_ULPS + 1 ulps); log1p
    # of exp, then a sum (within 2·LIBM_ULPS + 1); widened by twice that, as iv.monotone's default is
    "sigmoid": lambda x: iv.monotone(_sigmoid, x, low=0.0, high=1.0, ulps=2 * (iv.LIBM_ULPS + 1)),
    "softplus": lambda x: iv.monotone(lambda t: np.logaddexp(0.0, t), x, low=0.0, ulps=2 * (2 * iv.LIBM_ULPS + 1)),
    "min": lambda x, y: (np.minimum(x[0], y[0]), np.minimum(x[1], y[1])),
    "max": lambda x, y: (np.maximum(x[0], y[0]), np.maximum(x[1], y[1])),
}


def _log_like(fn: Callable) -> Callable:
    return lambda x: (*iv.monotone(fn, x), x[0] > 0)


def _arc(fn: Callable, increasing: bool) -> Callable:
    return lambda x: (*iv.monotone(fn, x, increasing), (x[0] >= -1) & (x[1] <= 1))


#: Interval versions of the functions with a restricted domain: name -> (enclosure with
#: a mask of where it is defined, what goes wrong elsewhere).
_ENCLOSE_PARTIAL: dict[str, tuple[Callable, str]] = {
    "tan": (iv.tan, "tan of {arg} reaches a pole there"),
    "log": (_log_like(np.log), "log of {arg}, which can be 0 or negative there"),
    "log2": (_log_like(np.log2), "log2 of {arg}, which can be 0 or negative there"),
    "log10": (_log_like(np.log10), "log10 of {arg}, which can be 0 or negative there"),
    # sqrt is correctly rounded: half an ulp at each end, and half an ulp inside
    "sqrt": (lambda x: (*iv.monotone(np.sqrt, x, low=0.0, ulps=1.0), x[0] >= 0),
             "sqrt of {arg}, which can be negative there"),
    "arcsin": (_arc(np.arcsin, True), "arcsin of {arg}, which can leave [-1, 1] there"),
    "asin": (_arc(np.arcsin, True), "asin of {arg}, which can leave [-1, 1] there"),
    "arccos": (_arc(np.arccos, False), "arccos of {arg}, which can leave [-1, 1] there"),
    "acos": (_arc(np.arccos, False), "acos of {arg}, which can leave [-1, 1] there"),
}


def _compile_node(node: ast.AST, depth: int, fail: Callable[..., ReluAnimError],
                  reasons: _Reasons) -> tuple[_Fn, _IFn]:
    """Build the numpy and the interval closure for ``node``; ``fail(problem, node)``
    makes the error to raise."""
    if depth > MAX_DEPTH:
        raise fail(f"nested deeper than {MAX_DEPTH} levels")

    def sub(child: ast.AST) -> tuple[_Fn, _IFn]:
        return _compile_node(child, depth + 1, fail, reasons)

    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            refused = _REFUSED_CONSTANTS.get(type(node.value), f"the constant {node.value!r} is")
            raise fail(f"{refused} not allowed", node)
        try:
            number = np.float64(node.value)
        except OverflowError:  # an int literal beyond float range
            number = np.float64(np.inf)
        if not np.isfinite(number):
            raise fail("number too large", node)
        return (lambda x: number), (lambda lo, hi: (np.full(lo.shape, number), np.full(lo.shape, number), _none(lo)))

    if isinstance(node, ast.Name):
        if node.id == "x":
            return (lambda x: x), (lambda lo, hi: (lo, hi, _none(lo)))
        if node.id in _CONSTANTS:
            constant = _CONSTANTS[node.id]
            return (lambda x: constant), (lambda lo, hi: (np.full(lo.shape, constant), np.full(lo.shape, constant),
                                                         _none(lo)))
        if node.id in FUNCTIONS:
            raise fail(f"{node.id} is a function: call it, as in {node.id}(x)")
        raise fail(f"unknown name {node.id!r} (use x, pi or e)")

    if isinstance(node, (ast.UnaryOp, ast.BinOp)):
        op = (_UNARY if isinstance(node, ast.UnaryOp) else _BINARY).get(type(node.op))
        if op is None:
            symbol = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
            hint = "use ** for powers" if symbol == "^" else "use + - * / **"
            raise fail(f"operator {symbol!r} is not allowed ({hint})")
        overflow = reasons.add("overflow", f"{reasons.piece(node)} overflows there")
        if isinstance(node, ast.UnaryOp):
            operand, ioperand = sub(node.operand)
            negate = isinstance(node.op, ast.USub)

            def iunary(lo, hi):
                l, h, p = ioperand(lo, hi)
                return (-h, -l, p) if negate else (l, h, p)

            return (lambda x: op(operand(x))), iunary
        (left, ileft), (right, iright) = sub(node.left), sub(node.right)
        enclose, problem = _binary_enclosure(node, reasons)
        undefined = reasons.add("undefined", problem) if problem else -1

        def ibinary(lo, hi):
            l1, h1, p1 = ileft(lo, hi)
            l2, h2, p2 = iright(lo, hi)
            l, h, ok = enclose((l1, h1), (l2, h2))
            return _settle(l, h, (p1, p2), ok, undefined, overflow)

        return (lambda x: op(left(x), right(x))), ibinary

    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            sub(node.func)  # refuses attribute access, subscripts, ...
            raise fail("only functions called by name are allowed", node)
        name = node.func.id
        if name not in FUNCTIONS:
            raise fail(f"unknown function {name!r} (known: {', '.join(sorted(FUNCTIONS))})")
        if node.keywords:
            raise fail("keyword arguments are not allowed", node)
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise fail("starred arguments are not allowed", node)
        arity, fn = FUNCTIONS[name]
        if len(node.args) != arity:
            raise fail(f"{name} takes {arity} argument{'s' * (arity > 1)} (got {len(node.args)})")
        compiled = [sub(arg) for arg in node.args]
        overflow = reasons.add("overflow", f"{reasons.piece(node)} overflows there")
        if name in _ENCLOSE_PARTIAL:
            partial, problem = _ENCLOSE_PARTIAL[name]
            undefined = reasons.add("undefined", problem.format(arg=reasons.piece(node.args[0])))

            def enclose(*xs):
                return partial(*xs)
        else:
            total = _ENCLOSE_TOTAL[name]
            undefined = -1

            def enclose(*xs):
                return (*total(*xs), True)

        def icall(lo, hi):
            args = [ifn(lo, hi) for _, ifn in compiled]
            l, h, ok = enclose(*[(a[0], a[1]) for a in args])
            return _settle(l, h, [a[2] for a in args], ok, undefined, overflow)

        if arity == 1:
            (arg, _), = compiled
            return (lambda x: fn(arg(x))), icall
        (first, _), (second, _) = compiled
        return (lambda x: fn(first(x), second(x))), icall

    refused = _REFUSED_NODES.get(type(node), f"{type(node).__name__} expressions are")
    raise fail(f"{refused} not allowed", node)


def _binary_enclosure(node: ast.BinOp, reasons: _Reasons) -> tuple[Callable, str]:
    """The interval operation of ``node`` and what makes it undefined ("" if nothing)."""
    if isinstance(node.op, ast.Add):
        return (lambda x, y: (*iv.add(x, y), True)), ""
    if isinstance(node.op, ast.Sub):
        return (lambda x, y: (*iv.sub(x, y), True)), ""
    if isinstance(node.op, ast.Mult):
        if ast.dump(node.left) == ast.dump(node.right):  # u*u: a square, never negative
            return (lambda x, y: (*iv.square(x), True)), ""
        return (lambda x, y: (*iv.mul(x, y), True)), ""
    if isinstance(node.op, ast.Div):
        return iv.div, f"division by {reasons.piece(node.right)}, which can be 0 there"
    return iv.power, (f"{reasons.piece(node)}: its base {reasons.piece(node.left)} can be 0 or negative there "
                      "(a pole, or a root of a negative number)")


def _unproven(ifn: _IFn, a: float, b: float) -> tuple[str, int] | None:
    """Where (as short text) and why ``ifn`` cannot be proven finite on [a, b], or None.

    Pieces of the domain are settled leftmost first, so the place reported is the
    first trouble from the left.
    """
    edges = 2.0 * np.linspace(0.5 * a, 0.5 * b, _FIRST_SPLIT + 1)  # halves: b − a may overflow
    edges[0], edges[-1] = a, b
    pending_lo, pending_hi = edges[:-1], edges[1:]
    finest = (0.5 * b - 0.5 * a) * 2 * _FINEST
    spent = 0
    with np.errstate(all="ignore"):
        while len(pending_lo):
            lo, hi = pending_lo[:_CHUNK], pending_hi[:_CHUNK]
            rest_lo, rest_hi = pending_lo[_CHUNK:], pending_hi[_CHUNK:]
            spent += len(lo)
            _, _, problem = ifn(lo, hi)
            bad = np.flatnonzero(problem >= 0)
            if not len(bad):
                pending_lo, pending_hi = rest_lo, rest_hi
                continue
            lo, hi, problem = lo[bad], hi[bad], problem[bad]
            mid = 0.5 * lo + 0.5 * hi
            done = (hi - lo <= finest) | (mid <= lo) | (mid >= hi)
            if done.any():
                i = int(np.flatnonzero(done)[0])
                return _short(lo[i], hi[i]), int(problem[i])
            if spent >= _BUDGET:
                return _short(lo[0], hi[0]), -1
            pending_lo = np.concatenate([np.column_stack([lo, mid]).ravel(), rest_lo])
            pending_hi = np.concatenate([np.column_stack([mid, hi]).ravel(), rest_hi])
    return None


def _short(lo: float, hi: float) -> str:
    """The shortest number (to 6 significant digits) inside [lo, hi], as text."""
    if lo <= 0 <= hi:
        return "0"
    mid = 0.5 * lo + 0.5 * hi
    for digits in range(1, 7):
        short = float(f"{mid:.{digits}g}")
        if lo <= short <= hi:
            return f"{short:g}"
    return f"{mid:.6g}"


def _syntax_problem(text: str, err: SyntaxError) -> str:
    """``syntax error at column N``, counting from 1 across lines (3.11 reports 0 at the end)."""
    lines = text.split("\n")
    line = min(max(err.lineno or 1, 1), len(lines))
    offset = err.offset if err.offset and err.offset > 0 else len(lines[line - 1]) + 1
    column = sum(len(s) + 1 for s in lines[: line - 1]) + offset
    detail = f" ({err.msg})" if err.msg and err.msg != "invalid syntax" else ""
    return f"syntax error at column {column}{detail}"
