"""Multilingual, source-grounded assistant about Vietnam–Republic of Korea relations.

Importing this package is cheap: models, stores and llama-index load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Answer", "Assistant", "Citation", "Passage", "Settings"]

if TYPE_CHECKING:
    from .answer import Answer, Citation
    from .config import Settings
    from .retrieve import Passage
    from .service import Assistant

_LAZY = {"Assistant": "service", "Passage": "retrieve", "Settings": "config", "Answer": "answer",
         "Citation": "answer"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
