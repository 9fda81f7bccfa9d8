"""The precision the torch adapter computes in, and its one way from a tensor to numpy.

Everything the adapter hands to the numpy core is float64: converting a float32
model's parameters to float64 is exact, so the core sees the model's numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = ["DTYPE", "to_numpy"]

#: The dtype of every tensor the adapter creates.
DTYPE = torch.float64


def to_numpy(tensor: Any) -> np.ndarray:
    """A float64 numpy copy of ``tensor`` (detached, on the CPU).

    Examples
    --------
    >>> to_numpy(torch.tensor([1.5, 2.0], dtype=torch.float32))
    array([1.5, 2. ])
    """
    return tensor.detach().to(device="cpu", dtype=DTYPE).numpy().copy()
