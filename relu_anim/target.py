"""Target expressions such as ``"x**2"`` or ``"sin(3*x)"``: :class:`Target`.

A target is the function a network is fitted to, typed by a user as text in one
variable ``x``. The text is never handed to ``eval``: :func:`parse_target` reads it
with :func:`ast.parse` and walks the tree against a whitelist (numbers, ``x``,
``pi``, ``e``, ``+ - * / **`` and the functions in :data:`FUNCTIONS`), building
one small numpy closure per node. Anything else is refused with a one-line
:class:`~relu_anim.errors.ReluAnimError` that names the offending piece.
"""

from __future__ import annotations

import ast
from typing import Callable

import numpy as np

from .errors import ReluAnimError
from .checks import check_domain

__all__ = ["FUNCTIONS", "MAX_DEPTH", "MAX_LENGTH", "Target", "parse_target"]

#: Longest accepted text, in characters (after stripping).
MAX_LENGTH = 500
#: Deepest accepted expression tree, in nodes (``-x`` is two deep).
MAX_DEPTH = 50

_Fn = Callable[[np.ndarray], np.ndarray]


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

    __slots__ = ("text", "_fn")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise ReluAnimError(f"target must be a string (got {type(text).__name__})")
        self.text = text.strip()
        self._fn = _compile_text(self.text)

    def __call__(self, x) -> np.ndarray:
        """Evaluate at ``x``: a float64 array of the same shape (``nan``/``inf`` allowed)."""
        try:
            x = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise ReluAnimError(f"target {_quote(self.text)}: x must be numbers") from None
        with np.errstate(all="ignore"):
            y = self._fn(x)
        return np.array(np.broadcast_to(y, x.shape), dtype=np.float64)

    def check_finite(self, a: float, b: float, samples: int = 4097) -> None:
        """Refuse a target that is not finite somewhere on ``[a, b]``.

        The check samples ``samples`` equally spaced points, ends included, so a
        singularity between two samples can go unnoticed.

        Raises
        ------
        ReluAnimError
            Naming the first sample where the value is ``nan`` or infinite.

        Examples
        --------
        >>> Target("log(x)").check_finite(0, 2)
        Traceback (most recent call last):
        ...
        relu_anim.errors.ReluAnimError: target 'log(x)': not finite at x = 0 on [0, 2]
        """
        a, b = check_domain(a, b)
        if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 2:
            raise ReluAnimError(
                f"target {_quote(self.text)}: samples must be an integer >= 2 (got {samples!r})"
            )
        xs = np.linspace(a, b, int(samples))
        bad = np.flatnonzero(~np.isfinite(self(xs)))
        if bad.size:
            raise ReluAnimError(
                f"target {_quote(self.text)}: not finite at x = {xs[bad[0]]:g} on [{a:g}, {b:g}]"
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


def _compile_text(text: str) -> _Fn:
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
    return _compile_node(tree.body, 1, fail)


def _syntax_problem(text: str, err: SyntaxError) -> str:
    """``syntax error at column N``, counting from 1 across lines (3.11 reports 0 at the end)."""
    lines = text.split("\n")
    line = min(max(err.lineno or 1, 1), len(lines))
    offset = err.offset if err.offset and err.offset > 0 else len(lines[line - 1]) + 1
    column = sum(len(s) + 1 for s in lines[: line - 1]) + offset
    detail = f" ({err.msg})" if err.msg and err.msg != "invalid syntax" else ""
    return f"syntax error at column {column}{detail}"


def _compile_node(node: ast.AST, depth: int, fail: Callable[..., ReluAnimError]) -> _Fn:
    """Build the closure for ``node``; ``fail(problem, node)`` makes the error to raise."""
    if depth > MAX_DEPTH:
        raise fail(f"nested deeper than {MAX_DEPTH} levels")

    def sub(child: ast.AST) -> _Fn:
        return _compile_node(child, depth + 1, fail)

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
        return lambda x: number

    if isinstance(node, ast.Name):
        if node.id == "x":
            return lambda x: x
        if node.id in _CONSTANTS:
            constant = _CONSTANTS[node.id]
            return lambda x: constant
        if node.id in FUNCTIONS:
            raise fail(f"{node.id} is a function: call it, as in {node.id}(x)")
        raise fail(f"unknown name {node.id!r} (use x, pi or e)")

    if isinstance(node, (ast.UnaryOp, ast.BinOp)):
        op = (_UNARY if isinstance(node, ast.UnaryOp) else _BINARY).get(type(node.op))
        if op is None:
            symbol = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
            hint = "use ** for powers" if symbol == "^" else "use + - * / **"
            raise fail(f"operator {symbol!r} is not allowed ({hint})")
        if isinstance(node, ast.UnaryOp):
            operand = sub(node.operand)
            return lambda x: op(operand(x))
        left, right = sub(node.left), sub(node.right)
        return lambda x: op(left(x), right(x))

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
        args = [sub(arg) for arg in node.args]
        if arity == 1:
            (arg,) = args
            return lambda x: fn(arg(x))
        first, second = args
        return lambda x: fn(first(x), second(x))

    refused = _REFUSED_NODES.get(type(node), f"{type(node).__name__} expressions are")
    raise fail(f"{refused} not allowed", node)
