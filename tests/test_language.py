"""Language identification of short questions and answers (bundled models, no network)."""

from __future__ import annotations

import pytest

from assistant.language import detect_language, detect_language_scored


@pytest.mark.parametrize(("text", "expected"), [
    # fastText alone took each of these four for Italian ("di"), and the model was told to
    # answer in Italian.
    ("KTT APEC 2027 di Vietnam rencananya digelar di mana?", "id"),
    ("KTT APEC 2027 di Vietnam rencananya digelar di Phu Quoc.", "id"),
    ("Berapa investasi Samsung di Vietnam?", "id"),
    ("Siapa duta besar Korea di Vietnam?", "id"),
    ("Di manakah festival itu akan diadakan?", "id"),  # Malay-like: folded into Indonesian
    ("Dove si terrà il festival?", "it"),
    ("E quando?", "it"),  # py3langid alone says Portuguese
    ("Où se tiendra le festival ?", "fr"),
    ("Wo findet das Festival statt?", "de"),
    ("¿Dónde se celebrará el festival?", "es"),
    ("Где пройдёт фестиваль?", "ru"),
    ("Коли країни встановили дипломатичні відносини?", "uk"),
    ("Lễ hội sẽ được tổ chức ở đâu?", "vi"),
    ("Where will the festival be held?", "en"),
    ("And when?", "en"),
    ("节日在哪里举行？", "zh"),
    ("축제는 어디에서 열리나요?", "ko"),
    ("祭りはどこで開かれますか？", "ja"),
])
def test_short_questions_and_answers_are_identified(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_text_without_letters_gets_the_default_with_no_confidence() -> None:
    assert detect_language_scored("2027 [1]", default="vi") == ("vi", 0.0)
