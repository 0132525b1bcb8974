"""Text normalisation shared by heading matching and the content checks."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NUMBERING = re.compile(
    r"^(?:(?:step|phase|part|section)\s+)?(?:\d+(?:\.\d+)*|[ivx]+|[a-z])[.):]\s+|^\d+(?:\.\d+)*\s+"
)
_QUALIFIER = re.compile(r"\((?:required|optional|mandatory|if applicable|if any|recommended)\)")
_NON_WORD = re.compile(r"[^\w]+")
_UNDERSCORE = re.compile(r"_+")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Lower case, without emoji, punctuation, numbering or "(required)": words and spaces.

    "🔙 3. Rollback plan (required)" -> "rollback plan"; "Back-out plan" -> "back out plan".
    """
    text = unicodedata.normalize("NFKC", text).lower().replace("&", " and ")
    text = _QUALIFIER.sub(" ", text)
    text = _NON_WORD.sub(" ", text)
    text = _UNDERSCORE.sub(" ", text).strip()
    text = " ".join(text.split())
    # numbering after the punctuation is gone: "3 rollback plan", "step 2 rollout steps"
    return re.sub(r"^(?:(?:step|phase|part)\s+)?(?:\d+|[ivx]+)\s+(?=[a-z])", "", text)


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text)
