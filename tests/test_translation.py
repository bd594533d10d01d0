"""The translation cache (memory and disk) and its rules, with a counting fake model."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.translation import TranslationStore, Translator


class FakeCountingModel:
    """A fake model call: answers every translation request with ``reply``, and counts."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.calls = 0

    def __call__(self, chat: list[Any]) -> Iterator[str]:
        self.calls += 1
        yield self.reply


def test_a_kept_translation_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "translations.sqlite3"  # the folder is created
    first = FakeCountingModel("Mục tiêu là 150 tỷ USD vào năm 2030.")
    assert Translator(first, TranslationStore(path, "local: m")).text(
        "The target is 150 billion USD by 2030.", "vi") == first.reply
    again = FakeCountingModel("other")
    restarted = Translator(again, TranslationStore(path, "local: m"))
    assert restarted.text("The target is 150 billion USD by 2030.", "vi") == first.reply
    assert again.calls == 0
    # Another model, or another language, is another translation.
    assert Translator(again, TranslationStore(path, "local: other")).text(
        "The target is 150 billion USD by 2030.", "vi") == "other"
    assert Translator(again, TranslationStore(path, "local: m")).text(
        "The target is 150 billion USD by 2030.", "ko") == "other"
    assert again.calls == 2


def test_names_reach_the_model_in_the_target_language_and_a_new_request_asks_again(
        tmp_path: Path, monkeypatch: Any) -> None:
    """The request carries the target language's names; the disk keeps translations by the
    request, so a changed prompt or name list asks the model again."""
    from assistant import translation

    asked: list[str] = []

    def model(chat: list[Any]) -> Iterator[str]:
        asked.append(chat[-1].content)
        yield "번역"

    path = tmp_path / "translations.sqlite3"
    text = "They met in Seoul."
    Translator(model, TranslationStore(path, "m")).text(text, "ko")
    assert "They met in 서울." in asked[0]
    Translator(model, TranslationStore(path, "m")).text(text, "ko")
    assert len(asked) == 1  # kept on disk
    monkeypatch.setattr(translation, "_request", lambda t, lang: f"New prompt: {t}")
    Translator(model, TranslationStore(path, "m")).text(text, "ko")
    assert len(asked) == 2


def test_an_empty_translation_is_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "translations.sqlite3"
    Translator(FakeCountingModel(""), TranslationStore(path, "m")).text("Hello.", "vi")
    model = FakeCountingModel("Xin chào.")
    assert Translator(model, TranslationStore(path, "m")).text("Hello.", "vi") == "Xin chào."


def test_a_damaged_cache_file_only_costs_time(tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "translations.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    model = FakeCountingModel("Xin chào.")
    translator = Translator(model, TranslationStore(path, "m"))
    with caplog.at_level(logging.WARNING):
        assert translator.text("Hello.", "vi") == "Xin chào."
        assert translator.text("Hello.", "vi") == "Xin chào."  # still remembered in memory
    assert model.calls == 1
    assert "translation cache" in caplog.text and "unusable" in caplog.text


def test_a_fake_model_passed_in_keeps_nothing_on_disk(make_assistant: Any) -> None:
    from tests.fakes import FakeScriptedLLM

    assert make_assistant(generator=FakeScriptedLLM([])).translator.store is None
    assert make_assistant().translator.store is not None


def _citation(text: str) -> Any:
    from assistant.answer import Citation

    return Citation(number=1, passage_id="p", doc_id="d", title="t", source="s", url="",
                    date="", language="id", text=text, sentence=text, sentence_start=0,
                    sentence_end=len(text))


@pytest.mark.parametrize(("reply", "shown"), [
    ("Both sides want to raise bilateral trade to 150 billion USD by 2030.", True),
    # Handed back untranslated: its figures are all there, but it is no translation.
    ("Kedua pihak ingin meningkatkan perdagangan bilateral menjadi 150 miliar USD pada 2030.",
     False),
    # The scale dropped.
    ("Both sides want to raise bilateral trade to 150 USD by 2030.", False),
])
def test_a_citation_translation_is_shown_only_in_the_language_asked_with_its_figures(
        reply: str, shown: bool) -> None:
    citation = _citation(
        "Kedua pihak ingin meningkatkan perdagangan bilateral menjadi 150 miliar USD pada 2030.")
    assert (Translator(FakeCountingModel(reply)).citation(citation, "en") is not None) is shown
    assert citation.translation_unfaithful is not shown


@pytest.mark.parametrize(("reply", "shown"), [
    ("Lễ hội diễn ra ở Suwon từ ngày 3 đến 4 tháng 5.", True),
    ("Lễ hội diễn ra ở Suwon từ ngày 3 đến 4.", False),  # the days kept, the month lost
])
def test_a_citation_translation_keeps_the_month(reply: str, shown: bool) -> None:
    citation = _citation("The festival will take place in Suwon from May 3 to 4.")
    assert (Translator(FakeCountingModel(reply)).citation(citation, "vi") is not None) is shown


def test_a_marker_the_passage_lacks_is_dropped_from_its_translation() -> None:
    model = FakeCountingModel("With 5 million visitors in 2024. [1]")
    assert Translator(model).text("Dengan 5 juta wisatawan pada 2024.", "en") == (
        "With 5 million visitors in 2024.")
