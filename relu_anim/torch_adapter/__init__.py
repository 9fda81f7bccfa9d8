"""The torch adapter: the only part of relu_anim that imports torch.

:mod:`.convert` turns ``torch.nn`` models and state_dicts into
:class:`~relu_anim.network.Network` objects and back, reading ``.pt`` files
through :mod:`.torch_file` (sizes checked before anything is unpacked) and
:mod:`relu_anim.io.reading` (regular files only, bounded); :mod:`.train` fits networks to a
target with PyTorch, solving the output layer with :mod:`.least_squares`.

Examples
--------
>>> from torch import nn
>>> network_from_torch(nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1))).widths
[1, 3, 1]
"""

from .convert import (MAX_LAYERS, MAX_PARAMETERS, load_state_dict, network_from_state_dict,
                      network_from_torch, network_to_torch)
from .torch_file import MAX_FILE_BYTES, MAX_UNPACKED_BYTES
from .train import (MAX_HISTORY_POINTS, MAX_STEPS, MAX_TRAIN_UNITS, MAX_TRAIN_WORK,
                    TrainResult, plain_adam_baseline, train, training_work)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_HISTORY_POINTS",
    "MAX_LAYERS",
    "MAX_PARAMETERS",
    "MAX_STEPS",
    "MAX_TRAIN_UNITS",
    "MAX_TRAIN_WORK",
    "MAX_UNPACKED_BYTES",
    "TrainResult",
    "network_from_torch",
    "network_to_torch",
    "network_from_state_dict",
    "load_state_dict",
    "train",
    "training_work",
    "plain_adam_baseline",
]
