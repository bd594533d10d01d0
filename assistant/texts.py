"""The data files under ``assistant/prompts/``: prompts, user-facing messages, language labels.
Read once and shared; callers must not change what they get."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

# --- prompts (files under assistant/prompts) ------------------------------------------------

@cache
def prompt(name: str) -> str:
    return resources.files("assistant").joinpath("prompts", name).read_text(encoding="utf-8")


@cache
def prompt_data(name: str) -> Any:
    """A JSON file of prompts/, parsed once (shared: callers must not change it)."""
    return json.loads(prompt(name))


def messages() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = prompt_data("messages.json")
    return data


def message(kind: str, language: str) -> str:
    table = messages()[kind]
    return table.get(language) or table["en"]


def language_label(code: str) -> str:
    return messages()["language_native"].get(code, code)


def ui_texts() -> dict[str, dict[str, str]]:
    """The web chat's texts by language (``prompts/ui.json``)."""
    data: dict[str, dict[str, str]] = prompt_data("ui.json")
    return data


def t(key: str, lang: str) -> str:
    """A web chat text in ``lang``, or in English for a language the table lacks."""
    table = ui_texts()
    return (table.get(lang) or table["en"])[key]
