"""Files: the network file (format ``relu-anim/network`` version 1), its schema, safe reads and atomic writes.

The format is specified in ``docs/network-file.md``; its JSON Schema is
``network.schema.json`` in this package.
"""

from .network_file import NetworkFile, load_network, save_network

__all__ = ["NetworkFile", "load_network", "save_network"]
