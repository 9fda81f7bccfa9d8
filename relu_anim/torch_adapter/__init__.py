"""The torch adapter: the only part of relu_anim that imports torch.

:mod:`.convert` turns ``torch.nn`` models and state_dicts into
:class:`~relu_anim.network.Network` objects and back; :mod:`.train` fits
networks to a target with PyTorch.

Examples
--------
>>> from torch import nn
>>> network_from_torch(nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1))).widths
[1, 3, 1]
"""

from .convert import load_state_dict, network_from_state_dict, network_from_torch, network_to_torch
from .train import MAX_STEPS, TrainResult, plain_adam_baseline, train

__all__ = [
    "MAX_STEPS",
    "TrainResult",
    "network_from_torch",
    "network_to_torch",
    "network_from_state_dict",
    "load_state_dict",
    "train",
    "plain_adam_baseline",
]
