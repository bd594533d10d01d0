"""The typed values the answer pipeline's stages pass on (``Assistant.stream`` reads as the
list of stages: understand, retrieve, select evidence, generate, review, then repair, retry,
fall back or abstain)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .checks import Problem
from .retrieve import Passage


@dataclass
class Budget:
    """An answer's latency budget: at most ``calls`` model calls, none started after
    ``deadline`` (a ``time.perf_counter`` instant). A remembered translation costs nothing."""

    calls: int
    deadline: float
    used: int = 0

    def allows(self, calls: int = 1) -> bool:
        """Whether ``calls`` more model calls fit, the first starting now."""
        return self.used + calls <= self.calls and time.perf_counter() < self.deadline

    def spend(self) -> None:
        self.used += 1


@dataclass
class Run:
    """One question on its way through the stages: what each stage found, the budget left,
    the timings and the trace of what ran."""

    question: str
    language: str
    history: list[tuple[str, str]]
    query: str
    started: float
    budget: Budget
    passages: list[Passage] = field(default_factory=list)
    evidence: list[Passage] = field(default_factory=list)
    asked: str = ""  # the question as the checks read it (numbers no source holds removed)
    chat: list[Any] = field(default_factory=list)
    attempts: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    trace: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)  # the model's replies, as written

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000


@dataclass
class Draft:
    """The model's first reply, and what it says about the question: ``echoed`` (no answer:
    it repeats the question or says a bare "yes"), ``said_nothing`` (nothing from the sources
    at all)."""

    text: str
    echoed: bool
    said_nothing: bool


@dataclass
class Review:
    """The answer text the review kept, and the problems left in it (none: it stands)."""

    text: str
    problems: list[Problem]
