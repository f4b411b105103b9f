"""Re-exported names a package loads from their home module on first use (PEP 562).

A package that imports its modules eagerly in ``__init__`` lets two threads deadlock on
it (the package waits for a module that waits for the package); a fresh server's first
sessions import in parallel (tests/unit/test_import_threads.py).
"""
from __future__ import annotations

import importlib
from typing import Callable


def exports(package: str, homes: dict[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package``: ``homes`` maps each name to the module
    (relative to the package) that defines it."""
    def __getattr__(name: str) -> object:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{homes[name]}"), name)
    return __getattr__
