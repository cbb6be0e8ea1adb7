"""Viva: offline spoken interview practice."""

__version__ = "0.1.0"
