"""The one exception type relu-anim raises for bad input.

Every check in the package raises :class:`ReluAnimError` (a ``ValueError``) with a
message that names the offending thing, so the CLI can print it on one line.
"""

from __future__ import annotations

__all__ = ["ReluAnimError"]


class ReluAnimError(ValueError):
    """Bad input: the message says what is wrong and where.

    Examples
    --------
    >>> try:
    ...     raise ReluAnimError("domain: a must be smaller than b (got 2 >= 1)")
    ... except ValueError as err:
    ...     print(err)
    domain: a must be smaller than b (got 2 >= 1)
    """
