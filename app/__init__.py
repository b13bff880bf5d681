"""qianfu (黔服): a directory of Guizhou's public services."""

__version__ = "0.1.0"
