"""Text normalisation shared by heading matching and the content checks."""

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


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Lower case, without emoji (also as :shortcodes:), punctuation, numbering or "(required)".

    "🔙 3. Rollback plan (required)" -> "rollback plan"; "Back-out plan" -> "back out plan".
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.lower().replace("&", " and ")
    if "(" in text:
        text = _QUALIFIER.sub(" ", text)
    if ":" in text:
        text = _SHORTCODE.sub(" ", text)
    text = " ".join(_NON_WORD.sub(" ", text).split())
    return _NUMBERING.sub("", text)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


class Phrases:
    """Whole-word phrases, looked up word by word in normalised text.

    Built from plain sets rather than regular expressions: compiling a few hundred
    alternations costs more than checking a whole description, and a local check must start
    quickly.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
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
