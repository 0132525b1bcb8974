"""Finding a part's wordings in prose, in the text as written.

A wording is a phrase of words ("roll back", "we've tested"): it is found where its words
stand one after another, apart only by spaces or hyphens ("roll-back"), in any case, with a
curly apostrophe for a straight one, as whole words of prose: not inside a file name
(``rollback.sql``), a path (``rollback/001.sql``) or an identifier (``rollback_migration``),
while "bugs/side effects" is prose. Where several wordings start at one place, the longest wins.

It used to be one regular expression per list of wordings. Python compiles such an
alternation of a thousand wordings in tens of milliseconds, and a check with a few parts
missing compiled some sixty of them: a quarter of a second of every run, more than the
imports. ``Wordings`` builds a dictionary of the words instead (a few milliseconds) and walks
it from each word of the text; the few wordings a walk of whole words cannot find the same way
(in Chinese or Japanese, written without spaces; or a word ending in an apostrophe, "pas d'")
keep a small regular expression. ``tests/core/test_engine.py`` holds it to the regular
expression's answers on real sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from enforcer.text import CJK, fold

_END = ""  # the key that marks a wording ending at a node of the tree of words
_TOKEN = re.compile(r"\w+(?:'\w+)*")  # a word, with the apostrophes inside it ("we've")
_SEPARATOR = re.compile(r"[\s-]+")  # what may stand between a wording's words
_BEFORE = re.compile(r"[\w./-]")  # a wording does not start just after one of these
# nor end just before a word character or hyphen, a file's extension (".sql") or a path
# ("/001.sql"); "/side effects" is prose
_AFTER = re.compile(r"(?i)(?![\w-]|\.\w|/(?![a-z]+\b(?![/.]\w)))")
_UNITS = {" ": r"[\s-]+", "'": "['’]"}
_COMPILE_AFTER = 200_000  # characters searched with the walk before the one pattern is compiled


class Found:
    """Where a wording was found, as ``re.Match`` tells it."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text[self._start : self._end]


class Wordings:
    """A list of wordings, each already plain (lower case, its words one space apart), to find
    in text: ``search``, ``match`` and ``finditer`` answer as a compiled pattern would."""

    def __init__(self, phrases: list[str]) -> None:
        phrases = [fold(phrase) for phrase in phrases]  # found in text unaccented the same way
        self.tree: dict[str, dict] = {}
        others: list[str] = []
        for phrase in phrases:
            words = phrase.split()
            if not words:
                continue
            if CJK.search(phrase) or any(w[0] == "'" or w[-1] == "'" for w in words):
                others.append(phrase)
                continue
            node = self.tree
            for word in words:
                node = node.setdefault(word, {})
            node[_END] = {}
        self._phrases = [phrase for phrase in phrases if phrase.split()]
        # what a text must hold for a wording of the tree to be found in it, made on the first
        # ``may_occur`` (a long description's): the word of a wording of one word, and the
        # first two words of a longer one side by side
        self._openings: tuple[frozenset[str], frozenset[str]] | None = None
        self._rest: re.Pattern[str] | None = _pattern(others) if others else None  # a few at most
        # whether one of those can be found in text of plain ASCII ("pas d'"), not only in CJK
        self._rest_in_ascii = any(phrase.isascii() for phrase in others)
        self._read = 0  # characters searched so far
        # the last text searched and its lower case unaccented: a finditer searches it again
        # from each find
        self._last_lowered: tuple[str | None, str | None] = (None, None)
        self._whole: re.Pattern[str] | None = None  # the whole list as one pattern, once it pays

    def _at(self, text: str, lowered: str, start: int) -> int:
        """The end of the longest wording that starts at ``start``, or -1."""
        node = self.tree
        at = start
        best = -1
        while True:
            token = _TOKEN.match(lowered, at)
            if token is None:
                return best
            word = token.group()
            # a wording's last word may also end at an apostrophe inside the text's word
            # ("we" in "we'll"): nothing but a separator may follow a word that goes on
            if "'" in word:
                cut = word.rfind("'")
                while cut > 0:
                    child = node.get(word[:cut])
                    if (
                        child is not None
                        and _END in child
                        and _AFTER.match(text, at + cut)
                        and at + cut > best
                    ):
                        best = at + cut
                    cut = word.rfind("'", 0, cut)
            child = node.get(word)
            if child is None:
                return best
            end = token.end()
            if _END in child and _AFTER.match(text, end):
                best = end
            gap = _SEPARATOR.match(lowered, end)
            if gap is None or len(child) == (_END in child):
                return best
            node, at = child, gap.end()

    def _starts(self, lowered: str, pos: int) -> Iterator[int]:
        """Every place from ``pos`` where a word the tree opens with starts, also just after an
        apostrophe inside a word ("ll" in "we'll"), as a pattern would try them."""
        tree = self.tree
        for token in _TOKEN.finditer(lowered, pos):
            word = token.group()
            if "'" not in word:
                if word in tree:
                    yield token.start()
                continue
            pieces = word.split("'")
            at = token.start()
            for index in range(len(pieces)):
                # a wording may open here with the rest of the word or a part of it up to
                # an apostrophe ("we" in "we'll")
                if any(
                    "'".join(pieces[index:end]) in tree for end in range(index + 1, len(pieces) + 1)
                ):
                    yield at
                at += len(pieces[index]) + 1

    def _lowered(self, text: str) -> str | None:
        last = self._last_lowered  # one read, one write: a check in another thread may share it
        if last[0] is text:
            return last[1]  # finditer searches one text again from each find
        lowered = fold(text.replace("’", "'").lower())
        found = lowered if len(lowered) == len(text) else None
        self._last_lowered = (text, found)
        return found

    def _walk(self, text: str, pos: int, anchored: bool) -> Found | None:
        self._read += len(text) - pos
        lowered = None if self._read > _COMPILE_AFTER else self._lowered(text)
        if lowered is None:
            # past some pages of text the one pattern pays for its compiling (a long
            # description, a server's many); or lower case changed the text's length
            if self._whole is None:
                self._whole = _pattern(self._phrases)
            pattern = self._whole
            folded = fold(text)  # letter for letter: the same positions (fold() keeps the last ones)
            found = pattern.match(folded, pos) if anchored else pattern.search(folded, pos)
            return Found(text, found.start(), found.end()) if found else None
        other = self._rest
        later = None
        if other is not None and (self._rest_in_ascii or not text.isascii()):
            # lower case and unaccented letter for letter: the same positions as the text
            later = other.match(lowered, pos) if anchored else other.search(lowered, pos)
        for start in self._starts(lowered, pos):
            if anchored and start != pos:
                break
            if later is not None and later.start() < start:
                break
            if start and _BEFORE.match(text, start - 1):
                continue
            end = self._at(text, lowered, start)
            if end >= 0:
                if later is not None and later.start() == start and later.end() > end:
                    break
                return Found(text, start, end)
        return Found(text, later.start(), later.end()) if later is not None else None

    def may_occur(self, text: str, words: frozenset[str] | None) -> bool:
        """Whether a wording may be found in ``text``, whose ``words_in`` are ``words``: not
        where no word of one wording, nor the first two words of a longer one side by side,
        stand in it. A sentence is looked at for the wordings of every part still missing;
        this rules most lists out with a look at two sets."""
        if words is None or (self._rest is not None and (self._rest_in_ascii or not text.isascii())):
            return True
        if self._openings is None:
            self._openings = (
                frozenset(word for word, child in self.tree.items() if _END in child),
                frozenset(f"{word} {second}" for word, child in self.tree.items() for second in child if second),
            )
        singles, pairs = self._openings
        return not (singles.isdisjoint(words) and pairs.isdisjoint(words))

    def search(self, text: str, pos: int = 0) -> Found | None:
        return self._walk(text, pos, anchored=False)

    def match(self, text: str, pos: int = 0) -> Found | None:
        return self._walk(text, pos, anchored=True)

    def finditer(self, text: str) -> Iterator[Found]:
        pos = 0
        while pos <= len(text):
            found = self.search(text, pos)
            if found is None:
                return
            yield found
            pos = max(found.end(), found.start() + 1)


def words_in(text: str) -> frozenset[str] | None:
    """The words of ``text``, lower case and unaccented as the walk reads them, for
    ``Wordings.may_occur``: each word and each run of its pieces between apostrophes ("we",
    "ll" and "we'll" in "we'll"), and each pair of a word's runs with the next word's ("we
    test"). None where lower case changes the text's length: then nothing is ruled out."""
    lowered = fold(text.replace("’", "'").lower())
    if len(lowered) != len(text):
        return None
    words: set[str] = set()
    before: set[str] | frozenset[str] = frozenset()
    for word in _TOKEN.findall(lowered):
        if "'" in word:
            pieces = word.split("'")
            runs = {"'".join(pieces[i:j]) for i in range(len(pieces)) for j in range(i + 1, len(pieces) + 1)}
        else:
            runs = {word}
        words.update(runs)
        words.update(f"{first} {second}" for first in before for second in runs)
        before = runs
    return frozenset(words)


def _trie(phrases: list[str]) -> str:
    """One alternation of the phrases, their common beginnings written once ("roll(?:[\\s-]+
    back|ed[\\s-]+back)"): a search tries a few first letters at each place in the text, not
    hundreds of wordings, and the longest wording that fits still wins."""
    root: dict[str, dict] = {}
    for phrase in phrases:
        node = root
        for unit in phrase:
            node = node.setdefault(unit, {})
        node[""] = {}  # a wording ends here

    def written(node: dict[str, dict]) -> str:
        branches = [
            (_UNITS.get(unit) or re.escape(unit)) + written(child)
            for unit, child in sorted(node.items())
            if unit
        ]
        if not branches:
            return ""
        if "" in node:
            return "(?:" + "|".join(branches) + ")?"  # greedy: the longer wording first
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return written(root)


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    """The phrases as one pattern, each written as a tree of letters: whole words of prose, or
    in CJK (written without spaces) anywhere inside a run of it."""
    spaced = [p for p in phrases if not CJK.search(p)]
    unspaced = [p for p in phrases if CJK.search(p)]
    pattern = rf"(?<![\w./-])(?:{_trie(spaced) if spaced else '(?!)'}){_AFTER.pattern[4:]}"
    if unspaced:
        pattern += "|" + _trie(unspaced)
    return re.compile("(?i)" + pattern)
