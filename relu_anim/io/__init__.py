"""Files: the network file (format ``relu-anim/network`` version 1) and atomic writes."""

from .network_file import NetworkFile, load_network, save_network

__all__ = ["NetworkFile", "load_network", "save_network"]
