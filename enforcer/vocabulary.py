"""The words the line model reads with: ``rules/vocabulary.yml``, extended or trimmed by a
ruleset's ``vocabulary:`` key. One place for every list of words (placeholders, TODO words,
prompt verbs, step verbs, quick actions, closing keywords, N/A words, choice words, and the
wordings that say a part of the plan inside another section).

Read once per process (libyaml when PyYAML has it) and cached per set of changes.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

import yaml

from enforcer.text import Phrases, normalize

LIST_KEYS = (
    "placeholders", "todo_words", "prompt_verbs", "prompt_lead_ins", "step_verbs",
    "quick_actions", "closing_keywords", "na_words", "choice_words", "template_markers",
    "goal_verbs", "prompt_objects", "criteria_headings",
)
KEYS = (*LIST_KEYS, "mentions")

# One change of a ruleset: (key, added, removed); for mentions the key is "mentions.<id>",
# "mentions.<id>.alone", "mentions.<id>.not_opening", "mentions.<id>.not_after", "mentions.<id>.ticked", "mentions.<id>.also" (its senses
# written as one JSON string, replacing the built-in ones) and "mentions.<id>.when" for its
# condition words.
Change = tuple[str, tuple[str, ...], tuple[str, ...]]
GROUP = "\x1f"  # joins the words of one group of ``when`` in a Change


class Sense(NamedTuple):
    """One way of saying a part with a condition: a sentence with one of ``words`` that also
    holds a phrase of each group of ``when``, and no phrase of ``not_with``, in a section whose
    title holds no phrase of ``not_under``."""

    words: tuple[str, ...]
    when: tuple[Phrases, ...] = ()
    not_with: Phrases = Phrases(())
    not_under: Phrases = Phrases(())


class Mention(NamedTuple):
    # the wordings as written (the engine compiles them into one pattern, so they need not be
    # normalized into Phrases: with their choices written out there are hundreds)
    words: tuple[str, ...]
    when: tuple[Phrases, ...]  # a sentence must also hold a phrase of each of these
    alone: tuple[str, ...]  # wordings that say it by themselves ("to roll back,"), no condition asked
    # wordings that, opening a sentence, make it another part's: a check to run ("Check the
    # upgrade does not break the site") looks for the harm, it does not weigh it
    not_opening: Phrases = Phrases(())
    # words that, just before a wording, deny it: "has not been tested in staging" is no check
    not_after: Phrases = Phrases(())
    # further ways of saying it, each with its own words and condition (``also:``): "I think
    # this could cause downtime" weighs a harm that no wording of ``words`` names
    also: tuple[Sense, ...] = ()
    # wordings that, opening a ticked box, say it was done: "[x] Smoke test the staging instance"
    ticked: tuple[str, ...] = ()

    @property
    def senses(self) -> tuple[Sense, ...]:
        return (Sense(self.words, self.when), *self.also)

    @property
    def every_word(self) -> tuple[str, ...]:
        """Every wording of every sense, and ``alone``: what a block must hold to say it."""
        return tuple(w for sense in self.senses for w in sense.words) + self.alone


class Vocabulary(NamedTuple):
    placeholders: Phrases
    todo_words: Phrases
    prompt_verbs: Phrases
    prompt_lead_ins: Phrases
    step_verbs: frozenset[str]
    quick_actions: frozenset[str]
    closing_keywords: frozenset[str]
    na_words: tuple[str, ...]
    choice_words: frozenset[str]
    template_markers: Phrases
    goal_verbs: Phrases
    prompt_objects: Phrases
    criteria_headings: Phrases
    mentions: tuple[tuple[str, Mention], ...]  # (requirement id, its wordings)

    def mention(self, requirement_id: str) -> Mention | None:
        return next((m for rid, m in self.mentions if rid == requirement_id), None)


def _path() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    for folder in (os.path.join(here, "rules"), os.path.join(os.path.dirname(here), "rules")):
        path = os.path.join(folder, "vocabulary.yml")
        if os.path.isfile(path):
            return path
    raise FileNotFoundError("rules/vocabulary.yml is missing from the installation")


@lru_cache(maxsize=1)
def _parsed() -> Mapping[str, Any]:
    """rules/parsed.json: each built-in rules file as parsed, with the size and CRC-32 of the
    text it was parsed from (``python tools/gen_parsed_rules.py`` writes it). JSON reads in a tenth of
    the time YAML takes: a few milliseconds of every check's start."""
    try:
        with open(os.path.join(os.path.dirname(_path()), "parsed.json"), encoding="utf-8") as handle:
            found = json.load(handle)
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def read_rules_file(path: str, parse: Callable[[bytes], Any]) -> Any:
    """A built-in rules file, as ``parse`` reads its bytes: taken from rules/parsed.json while
    that was written from this very text, parsed afresh otherwise (a stale or missing cache
    only costs time)."""
    with open(path, "rb") as handle:
        source = handle.read()
    cached = _parsed().get(os.path.basename(path))
    if isinstance(cached, dict) and cached.get("fingerprint") == fingerprint(source):
        return cached.get("data")
    return parse(source)


@lru_cache(maxsize=1)
def _raw() -> Mapping[str, Any]:
    return read_rules_file(_path(), parse_source)  # type: ignore[no-any-return]


def fingerprint(source: bytes) -> str:
    """What tells a rules file's text from another: its size and CRC-32. Not a secure hash
    (hashlib's OpenSSL would add 4 MB to every check's memory): it only tells a stale cache."""
    return f"{len(source)}:{zlib.crc32(source):08x}"


def parse_source(source: bytes) -> Mapping[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(source.decode("utf-8"), Loader=loader)  # type: ignore[no-any-return]


def builtin(key: str) -> tuple[str, ...]:
    """The built-in entries of a list key (``mentions.rollback``, ``mentions.rollback.when``)."""
    data: Any = _raw()
    parts = key.split(".")
    if parts[0] == "mentions":
        entry = data["mentions"].get(parts[1]) or {}
        if len(parts) > 2 and parts[2] == "when":  # condition groups, each one entry joined by GROUP
            return tuple(GROUP.join(group) for group in entry.get("when") or ())
        return tuple(entry.get(parts[2] if len(parts) > 2 else "words") or ())
    return tuple(data[key])


def _apply(base: Iterable[str], changes: tuple[Change, ...], key: str) -> tuple[str, ...]:
    entries = list(base)
    for name, added, removed in changes:
        if name == key and key.endswith(".when"):
            entries = list(added)  # the groups of conditions are replaced, not merged
        elif name == key:
            gone = {normalize(r) for r in removed}
            entries = [e for e in entries if normalize(e) not in gone] + list(added)
    return tuple(entries)


_CHOICE = re.compile(r"\(([^()]*\|[^()]*)\)")
_JOINED = re.compile(r"\s+'(?=\w)")


# at most this many wordings written out from one wording's choices (the built-in ones write
# out a few hundred at most): a ruleset's "(a|b|c) (d|e|f) ..." multiplies with each group
MAX_WRITTEN_OUT = 1000


def written_out(wording: str) -> int:
    """How many wordings ``expand`` writes out of one."""
    return math.prod(len(choice.split("|")) for choice in _CHOICE.findall(wording))


def expand(wordings: Iterable[str]) -> tuple[str, ...]:
    """Each wording with its choices written out: "(i|we) (have|'ve|) run" is the six
    wordings "i have run", "i've run", "i run", "we have run" ... An empty choice leaves the
    place out. Wordings without choices stay as they are."""
    out: list[str] = []
    for wording in wordings:
        parts = _CHOICE.split(wording)  # text, choices, text, choices, ..., text
        if len(parts) == 1:
            out.append(wording)
            continue
        options = [[p] if i % 2 == 0 else p.split("|") for i, p in enumerate(parts)]
        # a choice written "'ve" joins the word before it: "i've run"
        out.extend(_JOINED.sub("'", " ".join("".join(combo).split())) for combo in itertools.product(*options))
    return tuple(dict.fromkeys(out))


def _also(req_id: str, changes: tuple[Change, ...]) -> list[Mapping[str, Any]]:
    """The senses of ``also`` for a requirement: a ruleset's replace the built-in ones."""
    found: list[Mapping[str, Any]] = list((_raw()["mentions"].get(req_id) or {}).get("also") or ())
    for name, added, _ in changes:
        if name == f"mentions.{req_id}.also":
            found = json.loads(added[0]) if added else []
    return found


def _sense(raw: Mapping[str, Any]) -> Sense:
    return Sense(
        expand(raw.get("words") or ()),
        tuple(Phrases(group) for group in raw.get("when") or ()),
        Phrases(raw.get("not_with") or ()),
        Phrases(raw.get("not_under") or ()),
    )


def _words(entries: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize(e) for e in entries)


@lru_cache(maxsize=32)
def vocabulary(changes: tuple[Change, ...] = ()) -> Vocabulary:
    """The vocabulary in force: the built-in one with a ruleset's ``changes``."""
    def entries(key: str) -> tuple[str, ...]:
        return _apply(builtin(key), changes, key)

    ids = set(_raw()["mentions"]) | {name.split(".")[1] for name, _, _ in changes if name.startswith("mentions.")}
    mentions = []
    for req_id in sorted(ids):
        words = expand(entries(f"mentions.{req_id}"))
        alone = expand(entries(f"mentions.{req_id}.alone"))
        also = tuple(_sense(raw) for raw in _also(req_id, changes))
        if words or alone or also or entries(f"mentions.{req_id}.ticked"):
            when = entries(f"mentions.{req_id}.when")
            groups = tuple(Phrases(group.split(GROUP)) for group in when)
            not_opening = Phrases(entries(f"mentions.{req_id}.not_opening"))
            # a wording written "^verified" says it only where it opens a sentence: never a
            # word that the condition of ``when`` lets count anywhere
            anywhere = tuple(wording for wording in alone if not wording.startswith("^"))
            mentions.append((req_id, Mention(
                words + anywhere, groups, alone, not_opening, Phrases(entries(f"mentions.{req_id}.not_after")), also,
                expand(entries(f"mentions.{req_id}.ticked")),
            )))
    return Vocabulary(
        placeholders=Phrases(entries("placeholders")),
        todo_words=Phrases(entries("todo_words")),
        prompt_verbs=Phrases(entries("prompt_verbs")),
        prompt_lead_ins=Phrases(entries("prompt_lead_ins")),
        step_verbs=_words(entries("step_verbs")),
        quick_actions=frozenset(e.strip().lstrip("/").lower() for e in entries("quick_actions")),
        closing_keywords=_words(entries("closing_keywords")),
        na_words=entries("na_words"),
        choice_words=_words(entries("choice_words")),
        template_markers=Phrases(entries("template_markers")),
        goal_verbs=Phrases(entries("goal_verbs")),
        prompt_objects=Phrases(entries("prompt_objects")),
        criteria_headings=Phrases(entries("criteria_headings")),
        mentions=tuple(mentions),
    )
