"""Read-only numpy arrays, the one way the package freezes the numbers it keeps.

Frozen dataclasses (:class:`~relu_anim.piecewise.PiecewiseLinear`,
:class:`~relu_anim.regions.Region`, :class:`~relu_anim.story.steps.StepFunction`,
…) store their arrays as private, read-only copies, so that nobody can change a
kink or a slope behind the object's back. :func:`frozen` keeps the shape it is
given; :func:`frozen_vector` flattens to one dimension first.

numpy only, like the rest of the math core.

Examples
--------
>>> a = frozen([[1, 2], [3, 4]])
>>> a.shape, a.dtype, a.flags.writeable
((2, 2), dtype('float64'), False)
>>> frozen_vector([[1], [2]], int).tolist()
[1, 2]
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["frozen", "frozen_vector"]


def frozen(values: Any, dtype: Any = float) -> np.ndarray:
    """A read-only copy of ``values`` as an array of ``dtype``, shape kept.

    The copy is never a view of ``values``: changing ``values`` afterwards
    changes nothing here.

    Examples
    --------
    >>> source = np.zeros(2)
    >>> a = frozen(source)
    >>> source[0] = 5.0
    >>> a.tolist()
    [0.0, 0.0]
    """
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


def frozen_vector(values: Any, dtype: Any = float) -> np.ndarray:
    """A read-only one-dimensional copy of ``values`` (flattened) as ``dtype``.

    Examples
    --------
    >>> frozen_vector(3.0).tolist()
    [3.0]
    """
    return frozen(np.array(values, dtype=dtype).reshape(-1), dtype)
