"""The torch adapter: the only part of relu_anim that imports torch.

:mod:`.convert` turns ``torch.nn`` modules and state_dicts into
:class:`~relu_anim.network.Network` objects and back; :mod:`.train` fits
networks to a target with PyTorch's autograd.
"""

from ._all import *  # noqa: F401,F403
from ._all import __all__  # noqa: F401
