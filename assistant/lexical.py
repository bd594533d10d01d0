"""BM25 over chunk texts with a tokenizer for Latin, Cyrillic, Hangul and CJK text.

Hangul words carry particles ("베트남과", "베트남의"), so they are indexed as syllable bigrams as
well as whole words; Han and kana have no spaces, so they become character bigrams. Latin and
Cyrillic words also index a 5-letter prefix, a crude stemmer that lets "переговоры" meet
"переговорах" and "investment" meet "investments".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

# A word ends where its script changes: "APECは" and "kuotaと" hold the Latin words "apec"
# and "kuota", which the bigrams of a mixed run would hide.
_CJK_LETTERS = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"  # kana and Han
_HANGUL_LETTERS = r"\uac00-\ud7a3"
_TOKEN = re.compile(rf"\d+(?:[.,]\d+)*|[{_CJK_LETTERS}]+|[{_HANGUL_LETTERS}]+|"
                    rf"[^\W\d_{_CJK_LETTERS}{_HANGUL_LETTERS}]+", re.UNICODE)
_HANGUL = re.compile(f"[{_HANGUL_LETTERS}]")
_CJK = re.compile(f"[{_CJK_LETTERS}]")
PREFIX = 5


def _strip_marks(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d")


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN.findall(unicodedata.normalize("NFKC", text).lower()):
        if raw[0].isdigit():
            tokens.append(re.sub(r"[.,]", "", raw) if re.fullmatch(r"\d{1,3}([.,]\d{3})+", raw)
                          else raw)
            continue
        if _CJK.search(raw):
            chars = [c for c in raw]
            tokens.extend(a + b for a, b in zip(chars, chars[1:], strict=False))
            if len(chars) == 1:
                tokens.append(raw)
            continue
        if _HANGUL.search(raw):
            tokens.append(raw)
            tokens.extend(raw[i:i + 2] for i in range(len(raw) - 1))
            continue
        word = _strip_marks(raw)
        tokens.append(word)
        if len(word) > PREFIX:
            tokens.append(word[:PREFIX] + "~")
    return tokens


class BM25:
    def __init__(self, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.docs = [Counter(tokenize(t)) for t in texts]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: str) -> list[float]:
        terms = [t for t in set(tokenize(query)) if t in self.idf]
        out = []
        for doc, length in zip(self.docs, self.lengths, strict=True):
            s = 0.0
            norm = self.k1 * (1 - self.b + self.b * length / (self.avg or 1))
            for t in terms:
                f = doc.get(t)
                if f:
                    s += self.idf[t] * f * (self.k1 + 1) / (f + norm)
            out.append(s)
        return out

    def top(self, query: str, n: int) -> list[tuple[int, float]]:
        scored = [(i, s) for i, s in enumerate(self.scores(query)) if s > 0]
        scored.sort(key=lambda x: -x[1])
        return scored[:n]
