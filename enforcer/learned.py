"""Sentences that read as a part of the plan by their words alone: a linear model per part,
learned from the labelled corpus (tools/train_senses.py writes rules/learned/).

The wordings of rules/vocabulary.yml find a part said the ways the rules were written for;
real authors find a hundred others ("Ran the tests, read the upgrade notes and did some basic
testing", "can't upgrade until Forest is known to be compatible"). A phrase list tuned on one
set of descriptions found almost none of the next set's; the words those sentences share with
the corpus's validations and risks do carry over. The engine asks this model only where no
heading, title or wording found an answer, and only about a sentence the line model reads as
an answer, so a template's prompt never passes for a part however it is worded.

A sentence's features are its words and the pairs of adjacent words as ``normalize`` reads
them (each CJK character a word, numbers left out), a word within three after a denial read
as denied (``~tested`` in "not tested"), and ``k:ticked`` for a ticked box. The title of the
section it stands under is left out: learned from the corpus, a title such as "Release"
weighed more than the sentence, and such models found fewer parts on parts gathered later.
The score is the logistic of the sum of the features' weights and the bias; the sentence
counts when it reaches the part's threshold, and two sentences or more of one section when
each reaches the lower threshold of sentences read together.
"""

from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from itertools import pairwise, repeat
from typing import NamedTuple

from enforcer.config import rules_dir
from enforcer.text import normalize

FOLDER = "learned"  # in the built-in rules' folder (rules/, or enforcer/rules in the wheel)


class Model(NamedTuple):
    bias: float
    threshold: float  # one sentence counts from this score
    weights: dict[str, float]
    together: float = 1.0  # two sentences or more of one section count from this score each

    def score(self, features: frozenset[str]) -> float:
        total = self.bias + sum(map(self.weights.get, features, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def reasons(self, features: frozenset[str], most: int = 4) -> list[str]:
        """The features that weigh most for the part, heaviest first: what to show a reader."""
        weighed = sorted((w, f) for f in features if (w := self.weights.get(f, 0.0)) > 0)
        return [_shown(feature) for _, feature in reversed(weighed[-most:])]


# a word denied is not the word: "not tested" says no test. normalize() reads "haven't" as
# "haven t"; the next few words after one of these are read as denied ("~tested")
_DENIALS = frozenset({"not", "never", "no", "t", "without", "cannot", "unable", "nor"})
_DENIAL_REACH = 3


@lru_cache(maxsize=4096)  # the same sentence for each part, and a line written many times over
def features(sentence: str, ticked: bool = False) -> frozenset[str]:
    words = []
    reach = 0
    for word in normalize(sentence).split():
        if word.isdigit():
            continue  # a version or a count: "0.7.4" says nothing of the part
        if word in _DENIALS:
            reach = _DENIAL_REACH
        elif reach:
            word = f"~{word}"
            reach -= 1
        words.append(word)
    found = set(words)
    found.update(f"{a} {b}" for a, b in pairwise(words))
    if ticked:
        found.add("k:ticked")
    return frozenset(found)


def _shown(feature: str) -> str:
    if feature == "k:ticked":
        return "a ticked box"
    return f"'{feature}'"


@lru_cache(maxsize=16)
def model(requirement_id: str, folder: str | None = None) -> Model | None:
    """The model of a requirement (rules/learned/<id>.json), read on first use; None for a
    requirement without one."""
    folder = folder or os.path.join(rules_dir(), FOLDER)
    try:
        with open(os.path.join(folder, f"{requirement_id}.json"), encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return None
    return Model(data["bias"], data["threshold"], data["weights"], data.get("together", 1.0))
