"""Text normalisation shared by heading matching, the line model and the content checks.

Zero-width characters (a joiner pasted inside "Roll\u200bback") are removed before anything
else, so they hide no word. CJK text has no spaces between words: ``words`` counts a run of
Han, kana or Hangul as one word per two characters, about what a translation into English
would hold, so ``min_words`` asks as much of Japanese as of English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_QUALIFIER = re.compile(r"\((?:required|optional|mandatory|if applicable|if any|recommended)\)")
_NON_WORD = re.compile(r"[\W_]+")
_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")  # an emoji written as :dart:
# numbering, once punctuation is gone: "3 rollback plan", "step 2 rollout steps", "iv risks"
_NUMBERING = re.compile(r"^(?:(?:step|phase|part)\s+)?(?:\d+|[ivx]+)\s+(?=[a-z])")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Han, Hiragana, Katakana, Hangul: scripts written without spaces between words
CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


@lru_cache(maxsize=1)
def _unaccented() -> dict[int, str]:
    """Each accented Latin letter (U+00C0 to U+024F) that is one letter and its marks, as that
    letter: "é" -> "e", "Ç" -> "C". One letter for one, so a position in the folded text is the
    same position in the text."""
    table = {}
    for point in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(point))
        if len(base) > 1 and base[0].isascii() and base[0].isalpha() and all(unicodedata.combining(c) for c in base[1:]):
            table[point] = base[0]
    return table


def fold(text: str) -> str:
    """``text`` with its accented Latin letters unaccented, letter for letter: French written
    on an English keyboard ("verifier", "Objectif", "a ete teste") says what "vérifier" says."""
    return text if text.isascii() else _folded(text)


@lru_cache(maxsize=256)
def _folded(text: str) -> str:
    """One text folded once: the same sentence is searched for each part's many wordings."""
    return text.translate(_unaccented())  # built on first use: English text never needs it


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Lower case, without emoji (also as :shortcodes:), punctuation, numbering, accents or
    "(required)".

    "🔙 3. Rollback plan (required)" -> "rollback plan"; "Back-out plan" -> "back out plan";
    "Résultat attendu" -> "resultat attendu".
    """
    if not text.isascii():
        text = fold(unicodedata.normalize("NFKC", _ZERO_WIDTH.sub("", text)))
        # each CJK character stands apart, so a phrase is found inside a run written without
        # spaces: "確認方法" inside "変更確認方法"
        text = CJK.sub(lambda run: " " + " ".join(run.group()) + " ", text)
    text = text.lower().replace("&", " and ")
    if "(" in text:
        text = _QUALIFIER.sub(" ", text)
    if ":" in text:
        text = _SHORTCODE.sub(" ", text)
    text = " ".join(_NON_WORD.sub(" ", text).split())
    return _NUMBERING.sub("", text)


def strip_invisible(text: str) -> str:
    """``text`` without zero-width characters."""
    return text if text.isascii() else _ZERO_WIDTH.sub("", text)


def words(text: str) -> list[str]:
    """The words of ``text``; a run of CJK characters counts as one word per two characters."""
    found = _WORD.findall(text)
    if text.isascii():
        return found
    counted: list[str] = []
    for word in found:
        if CJK.search(word):
            for piece in CJK.split(word):
                if piece:
                    counted.append(piece)
            for run in CJK.findall(word):
                counted.extend(run[i : i + 2] for i in range(0, len(run), 2))
        else:
            counted.append(word)
    return counted


class Phrases:
    """Whole-word phrases, looked up word by word in normalised text.

    Built from plain sets rather than regular expressions: compiling a few hundred
    alternations costs more than checking a whole description, and a local check must start
    quickly.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        phrases = tuple(phrases)
        self._source = phrases
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            words_of = tuple(normalize(phrase).split())
            if words_of:
                by_first.setdefault(words_of[0], []).append(words_of)
        for candidates in by_first.values():
            candidates.sort(key=len, reverse=True)
        self._by_first = by_first

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def _at(self, words_of: list[str], index: int) -> int:
        """Length of the longest phrase starting at ``words_of[index]``, 0 for none."""
        for phrase in self._by_first.get(words_of[index], ()):
            if tuple(words_of[index : index + len(phrase)]) == phrase:
                return len(phrase)
        return 0

    @property
    def source(self) -> tuple[str, ...]:
        """The phrases as given."""
        return self._source

    def extended(self, more: Iterable[str]) -> Phrases:
        return Phrases(self._source + tuple(more))

    def at(self, words_of: list[str], index: int) -> int:
        """Length of the longest phrase starting at ``words_of[index]``, 0 for none."""
        return self._at(words_of, index) if index < len(words_of) else 0

    def starts(self, words_of: list[str]) -> bool:
        """Whether ``words_of`` opens with one of the phrases."""
        return bool(words_of) and self._at(words_of, 0) > 0

    def skip(self, words_of: list[str], start: int = 0) -> int:
        """The index of the first word after the phrases that open ``words_of``."""
        index = start
        while index < len(words_of):
            length = self._at(words_of, index)
            if not length:
                break
            index += length
        return index

    def longest(self, text: str) -> int:
        """The number of words of the longest phrase in ``text`` (normalised), 0 for none."""
        words_of = text.split()
        return max((self._at(words_of, index) for index in range(len(words_of))), default=0)

    def remove(self, words_of: list[str]) -> list[str]:
        """The words left once every phrase is taken out, longest first at each place."""
        if not self._by_first:
            return words_of
        left: list[str] = []
        index = 0
        while index < len(words_of):
            length = self._at(words_of, index)
            if length:
                index += length
            else:
                left.append(words_of[index])
                index += 1
        return left
