"""Multilingual, source-grounded assistant about Vietnam–Republic of Korea relations.

Importing this package is cheap: models, stores and llama-index load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Answer", "Assistant", "AssistantError", "Citation", "ConfigError", "Delta",
           "InputError", "ModelError", "Passage", "Settings", "Sources", "Step", "StoreError"]

if TYPE_CHECKING:
    from .answer import Answer, Citation
    from .config import Settings
    from .errors import AssistantError, ConfigError, InputError, ModelError, StoreError
    from .retrieve import Passage
    from .service import Assistant, Delta, Sources, Step

_LAZY = {"Assistant": "service", "Sources": "service", "Delta": "service", "Step": "service",
         "Passage": "retrieve",
         "Settings": "config", "Answer": "answer", "Citation": "answer",
         "AssistantError": "errors", "ConfigError": "errors", "InputError": "errors",
         "ModelError": "errors", "StoreError": "errors"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
