"""gdsim: a desktop gradient-descent simulator."""

__version__ = "0.1.0"
