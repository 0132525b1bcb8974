"""check(document, config) -> Report. Pure: no I/O. The one home of matching sections to
requirements; each section found is read by the line model (enforcer/lines.py), whose answers
then go through the requirement's content checks (enforcer/checks/). The way runs one
direction: document -> matching (here) -> lines -> checks -> Report.

Where a requirement is looked for: headings, bold labels, ``<details>`` summaries and
``Label: value`` fields the parser made sections of; plain-text titles (a short line standing
alone that is one of the requirement's headings, "Rollback plan" then the plan); table cells;
and, only where none of these holds an answer, a sentence inside another section that says
it (``mentions`` in rules/vocabulary.yml). A nested part named by another requirement answers
for itself alone: "## Risk & rollback" / "- **Rollback:** ..." gives the rollback line to
rollback, not to risks.

A requirement is met by a matching section anywhere in the description, preferring one that
holds real content, then one inside the rollout plan section, then an exact title over a
phrase inside a longer title, then the first. One section may serve two requirements ("What
can go wrong and how would we detect it?" speaks to risks and to validation).

Two kinds of match count only where nothing better is found: a ``Label: value`` line outside
the plan section (any line may look like one), and, when there is a plan section, a phrase
inside a longer title outside it. A single word inside a longer title, nested in another
part, does not count at all: "Input validation" in the list of changes says nothing about
validating the rollout, where "Rollback plan for the migration" does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache, partial
from typing import NamedTuple

from enforcer import learned
from enforcer import lines as line_model
from enforcer.checks import CHECKS
from enforcer.lines import Context, Line
from enforcer.model import (
    Block,
    Cell,
    Config,
    Document,
    Evidence,
    Finding,
    Report,
    Requirement,
    RequirementResult,
    Section,
    Status,
    Table,
)
from enforcer.text import Phrases, normalize, words
from enforcer.vocabulary import Mention, Sense, vocabulary
from enforcer.wordings import Wordings, words_in

_RANK: dict[str, int] = {"ok": 0, "insufficient": 1, "placeholder": 2, "empty": 3, "missing": 4}


class Matcher(NamedTuple):
    """Heading aliases: ``=word`` matches only a whole title, ``?word`` a title that asks a
    question holding the word ("What has been done to verify that this works?"), ``^words``
    a title that opens with them ("Check that everything works"), others also as a phrase
    inside a longer title."""

    exact: frozenset[str]
    phrases: Phrases
    first_words: frozenset[str]  # a title can match only if it holds one of these
    asked: Phrases = Phrases(())
    opening: tuple[str, ...] = ()

    def match(self, title: str, question: bool = False) -> int | None:
        """0 for an exact match, 1 for a phrase of several words inside the title ("Rollback
        plan for the migration") or a word asked about in a question title, 2 for a single
        word inside it ("Input validation"), None for none."""
        if title in self.exact:
            return 0
        longest = self.phrases.longest(title)
        if longest:
            return 1 if longest > 1 else 2
        if question and self.asked.longest(title):
            return 1  # a template asks for the part in its own words: it is that part's place
        if any(title.startswith(f"{words} ") for words in self.opening):
            return 1  # the title is the part's first step: "Check that everything works"
        return None


@lru_cache(maxsize=1024)
def matcher(aliases: tuple[str, ...]) -> Matcher:
    asked = [a[1:] for a in aliases if a.startswith("?")]
    opening = tuple(normalize(a[1:]) for a in aliases if a.startswith("^"))
    exact = {normalize(a.lstrip("=")) for a in aliases if not a.startswith(("?", "^"))} - {""}
    return Matcher(
        frozenset(exact),
        Phrases(a for a in aliases if not a.startswith(("=", "?", "^"))),
        frozenset(title.split()[0] for title in exact)
        | {w for a in asked for w in normalize(a).split()[:1]}
        | {words.split()[0] for words in opening if words},
        Phrases(asked),
        tuple(words for words in opening if words),
    )


class Judged(NamedTuple):
    status: Status
    rule: str | None = None
    message: str | None = None
    lines: tuple[Line, ...] = ()


def judge(blocks: Sequence[Block], requirement: Requirement, context: Context) -> Judged:
    """The status of one section's content against one requirement: ``ok`` only when some
    line of it is an answer (enforcer/lines.py) that passes the requirement's checks."""
    if not blocks:
        return Judged("empty", "empty", "is empty")
    read = tuple(line_model.read(blocks, context))
    content = line_model.answers(read)
    if not content:
        return Judged("placeholder", "placeholder", line_model.why_no_answer(read), read)
    for rule, (_, module) in CHECKS.items():
        problem = module.check(content, requirement.content)
        if problem:
            return Judged("insufficient", rule, problem, read)
    return Judged("ok", lines=read)


class Candidate(NamedTuple):
    status: Judged
    title: str
    line: int
    in_plan: bool
    exactness: int
    noun: str = "section"  # how the message names it: a "section" or a table "cell"
    weak: bool = False  # a ``Label: value`` field, not a heading
    loose: bool = False  # a phrase in a longer title, outside the plan section
    matched: str = "heading"  # how it was found (RequirementResult.matched)
    mention: bool = False  # a sentence inside another section: only where nothing else is ok

    def key(self) -> tuple[bool, bool, bool, int, int, int, int]:
        rank = _RANK[self.status.status]
        return (self.mention, self.loose, self.weak, rank, 0 if self.in_plan else 1, self.exactness, self.line)


class _Checker:
    def __init__(self, document: Document, config: Config, template_lines: frozenset[str]) -> None:
        self.config = config
        self.document = document = _split_at_titles(document, config)
        self.template_lines = template_lines
        self.titles = [normalize(section.title) for section in document.sections]
        # other readings of a title: a title written twice, in two languages ("Test
        # instructions | Instructions pour tester la modification"), or naming two parts at
        # once ("Rollback / verify", "Testing & rollback"): each half is a title of its own
        self.alternates = {
            index: [normalize(half) for half in _TITLE_HALVES.split(section.title)]
            for index, section in enumerate(document.sections)
            if _TITLE_HALVES.search(section.title)
        }
        # a title read again without the words that only qualify its verb: "Steps to manually
        # verify this change" names the part as "Steps to verify this change" does
        for index, section in enumerate(document.sections):
            if index and _QUALIFYING_WORDS.search(section.title):
                plain = normalize(_QUALIFYING_WORDS.sub("", section.title))
                if plain != self.titles[index]:
                    self.alternates.setdefault(index, []).append(plain)
        # a title whose last word is a plural reads as its singular too: "Rollbacks" names the
        # part "Rollback" does, "Deployment validations" the one "Deployment validation" does;
        # not a field's label, often a verb: "Reverts: #11020"
        for index, title in enumerate(self.titles):
            if index and _PLURAL.search(title) and document.sections[index].style != "field":
                self.alternates.setdefault(index, []).append(title[:-1])
        # the titles that ask ("How did you verify it?"): a word asked about names the part
        self.questions = {
            index for index, section in enumerate(document.sections) if section.title.strip() and _is_question(section.title)
        }
        # word -> sections whose title holds it: each requirement then looks only at the
        # few titles that share a word with its headings, not at every title of a long text
        self.by_word: dict[str, list[int]] = {}
        for index, title in enumerate(self.titles):
            if index:
                for word in set(title.split()).union(*(half.split() for half in self.alternates.get(index, ()))):
                    self.by_word.setdefault(word, []).append(index)
        self.words = vocabulary(config.vocabulary)
        self._contexts: dict[str, Context] = {}
        self._prose: list[tuple[int, Block]] | None = None
        self._sentences: list[tuple[int, Block, int, str, bool]] | None = None
        self._squeezed: dict[int, str] = {}  # id of a prose block -> its text without qualifiers
        self._said: dict[int, str] = {}  # id of a ticked box -> what it says
        # id of a prose block -> which lists of wordings may be found in it (``may_hold``)
        self._may_hold: dict[int, int] = {}
        # requirement id -> the place of its two bits in those answers, its wordings, and those
        # of them that hold a word of qualifying
        self._patterns: dict[str, tuple[int, Wordings, Wordings]] | None = None
        self.plan_sections = {
            index
            for index, _ in self.matching(matcher(config.plan_headings))
            if _can_hold_a_plan(document.sections[index])
        }
        self.inside_plan = self._inside(self.plan_sections)
        # the parts the plan sits in ("# Checkout v2" above "## Rollout plan"): a section
        # beside the plan in one of them is no feature title of some other part
        self.around_plan = {a for index in self.plan_sections for a in document.ancestors(index)}
        # section index -> ids of the requirements whose headings name it (not as one word in
        # a longer title): a part nested in another's section answers for itself alone
        self.named: dict[int, set[str]] = {}
        self.named_at_all: dict[int, set[str]] = {}  # also as one word of a longer title
        for requirement in config.requirements:
            if requirement.table is None:
                for index, exactness in self.matching(matcher(requirement.headings)):
                    self.named_at_all.setdefault(index, set()).add(requirement.id)
                    if exactness < 2:
                        self.named.setdefault(index, set()).add(requirement.id)
        # (section, position, block) of every block with more than a character of text: the
        # one pass over all blocks that plain titles and sentences inside sections start from
        self.worded = [
            (index, position, block)
            for index, section in enumerate(document.sections)
            for position, block in enumerate(section.blocks)
            if len(block.text) > 1
        ]
        self.title_lines = self._title_lines()

    def matching(self, match: Matcher) -> list[tuple[int, int]]:
        """(section index, exactness) of every section but the root whose title matches."""
        indexes = sorted({i for word in match.first_words for i in self.by_word.get(word, ())})
        found = []
        for index in indexes:
            exactness = match.match(self.titles[index], index in self.questions)
            for half in self.alternates.get(index, ()):
                closer = match.match(half, index in self.questions)
                if closer is not None and (exactness is None or closer < exactness):
                    exactness = closer
            if exactness is not None:
                found.append((index, exactness))
        return found

    def _inside(self, roots: Iterable[int]) -> set[int]:
        inside: set[int] = set()
        stack = list(roots)
        while stack:
            index = stack.pop()
            inside.add(index)
            stack.extend(self.document.sections[index].children)
        return inside

    def context(self, requirement: Requirement) -> Context:
        found = self._contexts.get(requirement.id)
        if found is None:
            found = self._contexts[requirement.id] = line_model.context(
                words=self.words,
                placeholders=self.config.placeholders,
                prompts=requirement.prompts,
                template_lines=self.template_lines,
                allow_na=requirement.content.allow_na,
            )
        return found

    def under(self, title: str, context: Context) -> Context:
        """The context of a section's lines: under a heading of criteria, an unticked box
        that states something is a condition to meet, not an option left unchosen."""
        if self.words.criteria_headings.longest(normalize(title)):
            return context._replace(criteria=True)
        return context

    def content(self, index: int, requirement: Requirement) -> tuple[Block, ...]:
        """The blocks of a section and of the sections below it, but for a nested part that
        another requirement names ("Risk & rollback" / "Rollback:") and blocks under a plain
        title line of another requirement."""
        blocks: list[Block] = []
        stack = [index]
        while stack:
            at = stack.pop()
            named = self.named.get(at)
            parent = self.document.sections[at].parent
            heading = self.document.sections[at].style in ("atx", "setext")
            if heading and at != index:
                named = self.named_at_all.get(at)  # "### Required testing" under "## Risk" too
            if at != index and named and requirement.id not in named and parent is not None and (
                heading or named & self.named_at_all.get(parent, set())
            ):
                # another part: one its parent announced ("Risk & rollback" / "Rollback:"),
                # or a heading of its own ("## Expectations" / "### What might go wrong?")
                continue
            blocks.extend(self._own_blocks(at, requirement))
            stack.extend(self.document.sections[at].children)
        return tuple(sorted(blocks, key=lambda block: block.line))

    def _own_blocks(self, index: int, requirement: Requirement) -> tuple[Block, ...]:
        blocks = self.document.sections[index].blocks
        titles = self.title_lines.get(index)
        if not titles:
            return blocks
        # the blocks a plain title holds: its item, or its paragraph and what follows up to
        # the next title (to the end of the section for the last)
        held: set[int] = set()
        for number, (position, _, _, _) in enumerate(titles):
            if blocks[position].kind == "item" and "\n" in blocks[position].text:
                held.add(position)
            else:
                end = titles[number + 1][0] if number + 1 < len(titles) else len(blocks)
                held.update(range(position, end))
        return tuple(block for at, block in enumerate(blocks) if at not in held)

    def _title_lines(self) -> dict[int, list[tuple[int, str, int, frozenset[str]]]]:
        """Plain-text titles: a short line standing alone (a paragraph of its own, or the first
        line of one) that is a requirement's wording, with or without a colon ("Rollback
        plan", "Risks:"). Per section: (block position, title, line, requirement ids)."""
        found: dict[int, list[tuple[int, str, int, frozenset[str]]]] = {}
        wordings, matchers = _part_titles(self.config)
        # one quick pass keeps the few blocks that may open with a title: a paragraph, or a
        # list item of more than one line, whose text is long enough to hold a wording
        maybe = [
            (index, position, block)
            for index, position, block in self.worded
            if block.kind == "paragraph"
            or (block.kind == "item" and ("\n" in block.text or self._lone_item(index, position)))
        ]
        for index, position, block in maybe:
            text = block.text
            end = text.find("\n")
            if end < 0:
                if position == len(self.document.sections[index].blocks) - 1:
                    continue  # nothing follows: a line of the section, not a title
                first = text
            else:
                first = text[:end]
            if len(first) > 80:
                continue
            said = normalize(first)  # normalize drops *, _ and a colon
            ids = wordings.get(said)
            # a question on a line of its own is a form's title ("What might happen if this
            # goes wrong?", as a rendered GitLab issue shows it) and can be longer
            longest = _QUESTION_TITLE_WORDS if first.rstrip().endswith("?") else _TITLE_WORDS
            if not ids and len(said.split()) <= longest:
                # a short line that holds a heading of several words: "How to verify it"
                ids = frozenset(req_id for req_id, match in matchers if match.match(said) == 1) or None
            if ids and not first.rstrip().endswith((".", "!")) and not ids <= self._named_around(index):
                title = first.strip().strip("*_").rstrip(":").strip().strip("*_")
                found.setdefault(index, []).append((position, title, block.line, frozenset(ids)))
        return found

    def _named_around(self, index: int) -> set[str]:
        """The requirements a section's title or a title above it names: a line that names
        one of them again ("What could break?" under "## Risks") is no title of its own."""
        named = set(self.named.get(index, ()))
        for above in self.document.ancestors(index):
            named |= self.named.get(above, set())
        return named

    def _lone_item(self, index: int, position: int) -> bool:
        """A list of one item with prose after it: a template's label set as a bullet ("- How
        to verify it", then the steps as a paragraph), not one topic of a list."""
        blocks = self.document.sections[index].blocks
        before = blocks[position - 1].kind if position else ""
        after = blocks[position + 1].kind if position + 1 < len(blocks) else ""
        return before not in ("item", "task") and after == "paragraph"

    def title_candidates(self, requirement: Requirement, context: Context) -> list[Candidate]:
        found = []
        for index, titles in self.title_lines.items():
            blocks = self.document.sections[index].blocks
            for number, (position, title, line, ids) in enumerate(titles):
                if requirement.id not in ids:
                    continue
                end = titles[number + 1][0] if number + 1 < len(titles) else len(blocks)
                first = blocks[position]
                rest = first.text.split("\n", 1)[1] if "\n" in first.text else ""
                own = [first._replace(text=rest, line=first.line + 1)] if rest.strip() else []
                if first.kind == "item" and "\n" in first.text:
                    pass  # a list item's first line titles that item alone
                elif not rest and self._next_is_a_title(blocks, position, end, title):
                    pass  # a form's question left unanswered: the next title follows it
                elif number + 1 < len(titles):
                    own += blocks[position + 1 : end]
                else:  # the last title holds the rest of the section, and its subsections
                    own += blocks[position + 1 : end]
                    for child in self.document.sections[index].children:
                        own.extend(self.content(child, requirement))
                status = judge(own, requirement, self.under(title, context))
                in_plan = index in self.inside_plan
                if self.config.require_plan_heading and not in_plan:
                    continue
                found.append(Candidate(status, title, line, in_plan, 0, matched="title line"))
        return found

    @staticmethod
    def _next_is_a_title(blocks: Sequence[Block], position: int, end: int, title: str) -> bool:
        """A question title followed by a short line standing alone that has text of its own
        under it ("What might happen if this goes wrong?", then "Cleaning up the feature
        flag" and its steps): in a form shown as plain text, that line is the next title and
        the question was left unanswered."""
        if not title.endswith("?") or position + 2 >= end:
            return False
        after = blocks[position + 1]
        text = after.text.strip()
        return (
            after.kind == "paragraph"
            and "\n" not in text
            and len(text.split()) <= _TITLE_WORDS
            and not text[:1].islower()
            and not text.endswith((".", "!", "?", ":", ";", ","))
        )

    def prose(self) -> list[tuple[int, Block]]:
        """(section index, block) of every block of prose long enough to say a part of the
        plan in a sentence, found once for every requirement."""
        if self._prose is None:
            prose = [
                (index, block)
                for index, _, block in self.worded
                if block.kind in ("paragraph", "item", "quote") or (block.kind == "task" and (block.checked or _says_more(block)))
                if len(block.text) >= (_TICKED_MIN_CHARS if block.checked else _MENTION_MIN_CHARS)
                and _word_count(block.text) >= (_TICKED_TEST_WORDS if block.checked else _min_words(block))
            ]
            prose.extend(self._sentence_titles())
            # "Currently, the pipeline will apply any change. This can lead to ...": the problem
            self._prose = [(index, block) for index, block in prose if not _AS_THINGS_ARE.match(block.text)]
        return self._prose

    def said(self, block: Block) -> str:
        """What a prose block says: a ticked box that asks the author is their yes."""
        if block.kind != "task" or not block.checked:
            return block.text
        text = self._said.get(id(block))
        if text is None:
            text = self._said[id(block)] = _ticked_answer(block.text)
        return text

    def squeezed(self, block: Block) -> str:
        """What a prose block says without the words that only qualify a verb
        (``_QUALIFYING_WORDS``), made once for every requirement."""
        text = self._squeezed.get(id(block))
        if text is None:
            text = self._squeezed[id(block)] = _QUALIFYING_WORDS.sub("", self.said(block))
        return text

    def may_hold(self, block: Block, requirement_id: str) -> tuple[bool, bool]:
        """Whether the wordings of a part, and those of them that hold a word of qualifying,
        may be found in a prose block (``Wordings.may_occur``). The block's words are read
        once, for the wordings of every part, and only the answers kept: a sentence is looked
        at for each part still missing."""
        if self._patterns is None:
            self._patterns = {
                rid: (2 * index, _mention_pattern(m), _qualified_pattern(m)) for index, (rid, m) in enumerate(self.words.mentions)
            }
        answers = self._may_hold.get(id(block))
        if answers is None:
            whole, squeezed = self.said(block), self.squeezed(block)
            whole_words = words_in(whole)
            squeezed_words = whole_words if squeezed == whole else words_in(squeezed)
            answers = 0
            for shift, pattern, qualified in self._patterns.values():
                if pattern.may_occur(squeezed, squeezed_words):
                    answers |= 1 << shift
                if qualified.may_occur(whole, whole_words):
                    answers |= 2 << shift
            self._may_hold[id(block)] = answers
        shift = self._patterns[requirement_id][0]
        return bool(answers & (1 << shift)), bool(answers & (2 << shift))

    def _sentence_titles(self) -> list[tuple[int, Block]]:
        """A sentence set in bold, or cut by its own colon into a field, read as the prose it
        is ("**Every digest is identical before and after.**", "This comes with a real
        tradeoff: statistics would no longer ..."), under the section that holds it."""
        found = []
        for index, section in enumerate(self.document.sections):
            if section.style not in ("bold", "field"):
                continue
            owner = section.parent if section.parent is not None else index
            first = section.blocks[0] if section.style == "field" and section.blocks else None
            if first is not None and first.kind == "task" and first.checked:
                # a ticked box written as a field is still a ticked box: "[x] test publication:
                # `twine upload --repository-url https://test.pypi.org/legacy/ dist/*`"
                found.append((owner, first._replace(text=f"{section.title}: {first.text}", line=section.line)))
                continue
            text = section.title
            if first is not None and first.kind == "paragraph":
                text = f"{section.title}: {first.text}"  # "Also re-run: the validators ..."
            if len(text.split()) < _MENTION_MIN_WORDS or len(section.title.split()) < 2:
                continue
            found.append((owner, Block("paragraph", text, section.line)))
        return found

    def is_a_revert(self) -> bool:
        """Whether the description is a revert's ("This reverts commit 3cc2e05", "Reverts
        ocaml/opam-repository#21537"), as git and GitHub write it."""
        return any(_A_REVERT.match(block.text) for _, _, block in self.worded[:3])

    def mention_candidates(self, requirement: Requirement, context: Context, prompts_only: frozenset[int] = frozenset()) -> list[Candidate]:
        """A part written inside another section: a sentence that says it ("If the new path
        misbehaves we turn off the `fast_export` flag"), read only where nothing else is ok,
        and not in a section of the part judged to hold only prompts (the lines at
        ``prompts_only``): "All code changes carry a minimum of risk" under the template's
        "Risks" is its guidance, not a risk weighed."""
        mention = self.words.mention(requirement.id)
        if mention is None or (requirement.id == "rollback" and self.is_a_revert()):
            return []  # a revert's "revert" words say what it does: no way back from it
        pattern = _mention_pattern(mention)
        qualified = _qualified_pattern(mention)
        many = len(self.prose()) > _MANY_BLOCKS  # then rule most of them out first (may_hold)
        for index, block in self.prose():
            if self.config.require_plan_heading and index not in self.inside_plan:
                continue
            if self.document.sections[index].line in prompts_only:
                continue  # the part's own section, judged to hold only prompts: they say nothing more here
            # one look at the whole block first: most hold no wording (a wording with no word
            # of _QUALIFYING_WORDS of its own is found in the block without them, if anywhere)
            any_word, a_qualified_word = self.may_hold(block, requirement.id) if many or len(block.text) > _LONG_BLOCK else (True, True)
            if not (
                (any_word and pattern.search(self.squeezed(block)))
                or (a_qualified_word and qualified.search(self.said(block)))
            ) and not (block.checked and _opens_a_ticked_box(mention, block.text)):
                continue
            for offset, raw in line_model.logical_lines(block.text, self.words):
                sentences = _SENTENCE.split(raw.strip())
                if len(sentences) > 1 and line_model.read_sentences(raw.strip(), context)[1] in _TELLS_THE_AUTHOR:
                    continue  # "_Any change is risky. Identify all risks ..._": the template's line
                for position, sentence in enumerate(sentences):
                    if len(sentence) > _LONGEST_SENTENCE:
                        continue  # pages without a full stop are no sentence that says a part
                    if block.kind == "task" and not block.checked and offset == 0 and position == 0:
                        continue  # an unticked box's own step is still to do: what follows it is said
                    if block.kind == "task" and block.checked:
                        sentence = _ticked_answer(sentence)  # "[x] Did you test this locally?"
                    # a wording inside `code` is a name, inside quotation marks someone's words
                    bare = _QUOTED.sub(" ", _CODE_SPAN.sub(" ", sentence))
                    # a short sentence among others, or one ended as a sentence, is still one
                    # ("TLDR; the risk is low.", "Tested in kind cluster."): only a short line
                    # by itself, unpunctuated, may be a label
                    ended = len(sentences) > 1 or sentence.rstrip().endswith((".", "!", "。", "！"))
                    ticked = block.checked and position == 0 and _opens_a_ticked_box(mention, bare)
                    # a box ticked for a test says it in two words: "[x] test upgrade"
                    fewest = _TICKED_TEST_WORDS if ticked else _min_words(block) if ended or block.checked else _MENTION_MIN_WORDS
                    if _word_count(sentence) < fewest:
                        continue
                    # a template's question answered on its line: "Safe to rollback without
                    # consulting PR author? Yes" says it, "...? No" does not
                    answered = position + 1 < len(sentences) and bool(_ANSWERED.match(sentences[position + 1]))
                    if _is_question(sentence) and not answered:
                        continue  # asked, not said
                    # "could potentially cause" is "could cause", "my admittedly limited testing"
                    # "my limited testing": read without such words where as written says nothing
                    squeezed: str | None = None
                    if not pattern.search(bare) and not ticked:
                        bare = squeezed = _QUALIFYING_WORDS.sub("", bare)
                        if not pattern.search(bare):
                            continue
                    said = normalize(sentence)
                    if mention.not_opening and mention.not_opening.starts(said.split()):
                        continue  # "Check that the upgrade does not break the site": a check
                    # a ticked box speaks in the first person: "[x] Manual testing of the main
                    # flows" is "we did manual testing of the main flows"
                    weighed = f"we {said}" if block.kind == "task" and block.checked else said
                    if line_model.speaks_first(sentence) or _SUBJECT_DROPPED.match(sentence):
                        # normalize() reads an opening "I" as a numeral; "Will create backup and
                        # test in dev before deploying" is the author's "I will"
                        weighed = f"i {weighed}"
                    # an aside in parentheses vetoes nothing: "There should be no downtime in the
                    # apis but a pair of expected CF-StatsUnavailable (fixed by #1183)"; nor does
                    # the precaution a check is made for: "deploy it on staging to test in case
                    # there is anything I haven't spotted in dev"
                    unaside = normalize(_PRECAUTION.sub(" ", _ASIDE.sub(" ", sentence))) if "(" in sentence or "case" in sentence else said
                    plain_title = self.titles[index]
                    if not ticked and not _says(mention, bare, weighed, unaside, plain_title):
                        if squeezed is None:
                            squeezed = _QUALIFYING_WORDS.sub("", bare)
                        if squeezed == bare or not _says(mention, squeezed, weighed, unaside, plain_title):
                            continue  # no wording of its own, or not in the condition its words ask
                    if _describes_the_change(said) or _ASKS_FOR_A_PLAN.search(said):
                        continue
                    kind, _ = line_model.read_line(f"{sentence} {sentences[position + 1]}" if answered else sentence, context)
                    if kind != "answer":
                        continue
                    line = Line(block.line + offset, "answer", "a sentence that says it, inside another section", sentence, block)
                    title = self.document.sections[index].title
                    return [Candidate(Judged("ok", lines=(line,)), title, line.line, False, 3, matched="sentence", mention=True)]
        return []

    def prose_sentences(self) -> list[tuple[int, Block, int, str, bool]]:
        """(section index, block, line offset, sentence, ticked) of every sentence of prose
        but an unticked box's own step (still to do), a ticked box's read as its answer; made
        once for every part the learned model weighs."""
        if self._sentences is None:
            self._sentences = []
            for index, block in self.prose():
                ticked = bool(block.kind == "task" and block.checked)
                for offset, raw in line_model.logical_lines(block.text, self.words):
                    for position, sentence in enumerate(_SENTENCE.split(raw.strip())):
                        if len(sentence) > _LONGEST_SENTENCE:
                            continue
                        if block.kind == "task" and not block.checked and offset == 0 and position == 0:
                            continue
                        self._sentences.append((index, block, offset, _ticked_answer(sentence) if ticked else sentence, ticked))
        return self._sentences

    def answer_sentences(
        self, context: Context, prompts_only: frozenset[int] = frozenset(), keep: Callable[[frozenset[str]], bool] | None = None
    ) -> Iterator[tuple[int, Line, frozenset[str]]]:
        """(section index, line, features) of every sentence of prose the line model reads as
        an answer, where the mentions would read it (not in a section of the part judged to
        hold only prompts, nor an unticked box's own step, a question, a description of the
        change or a call for a plan): what the learned model (enforcer/learned.py) weighs.
        ``keep`` is asked first, on the sentence's features alone, before the costlier
        readings."""
        for index, block, offset, sentence, ticked in self.prose_sentences():
            if self.config.require_plan_heading and index not in self.inside_plan:
                continue
            if prompts_only and self.document.sections[index].line in prompts_only:
                continue
            found = learned.features(sentence, ticked)
            if keep is not None and not keep(found):
                continue
            if _word_count(sentence) < _min_words(block) or _is_question(sentence):
                continue
            said = normalize(sentence)
            if _describes_the_change(said) or _ASKS_FOR_A_PLAN.search(said):
                continue
            if line_model.read_line(sentence, context)[0] != "answer":
                continue
            yield index, Line(block.line + offset, "answer", "", sentence, block), found

    def learned_candidates(self, requirement: Requirement, context: Context, prompts_only: frozenset[int]) -> list[Candidate]:
        """A sentence that reads as the part by its words (enforcer/learned.py), where neither
        a section nor a wording found one: the best scored, when it reaches the threshold; or
        else two sentences or more of one section that each reach the lower threshold of
        sentences read together."""
        model = learned.model(requirement.id) if self.config.learned else None
        if model is None or (requirement.id == "rollback" and self.is_a_revert()):
            return []
        lowest = min(model.threshold, model.together)
        best: tuple[float, int, Line, frozenset[str]] | None = None
        together: dict[int, list[tuple[float, Line, frozenset[str]]]] = {}
        for index, line, found in self.answer_sentences(context, prompts_only, lambda f: model.score(f) >= lowest):
            score = model.score(found)
            if score >= model.threshold and (best is None or score > best[0]):
                best = (score, index, line, found)
            if score >= model.together:
                together.setdefault(index, []).append((score, line, found))
        part = requirement.title.lower()
        read: tuple[Line, ...]
        if best is not None:
            score, index, line, found = best
            read = (line._replace(reason=f"a sentence that reads as {part} by its words ({', '.join(model.reasons(found))}; {score:.2f})"),)
        else:
            several = [(index, found) for index, found in together.items() if len(found) >= 2]
            if not several:
                return []
            index, sentences = several[0]
            read = tuple(
                line._replace(reason=f"one of {len(sentences)} sentences of the section that read as {part} together ({', '.join(model.reasons(found))}; {score:.2f})")
                for score, line, found in sentences
            )
        title = self.document.sections[index].title
        return [Candidate(Judged("ok", lines=read), title, read[0].line, False, 4, matched="learned sentence", mention=True)]

    def candidates(self, requirement: Requirement) -> list[Candidate]:
        """The sections that may answer ``requirement``, judged in the order they rank apart
        from their status, up to the first that holds an answer: nothing after it can beat it
        (``Candidate.key``), so a long description's many matching sections are not all read."""
        if requirement.table is not None:
            return self.table_candidates(requirement)
        match = matcher(requirement.headings)
        context = self.context(requirement)
        pending: list[tuple[tuple[bool, bool, int, int, int], Callable[[], Candidate]]] = []
        for index, exactness in self.matching(match):
            in_plan = index in self.inside_plan and index not in self.plan_sections
            if self.config.require_plan_heading and index not in self.inside_plan:
                continue
            if index in self.plan_sections and not self._own_blocks(index, requirement):
                continue  # a plan heading answers with its own text only, and it has none
            section = self.document.sections[index]
            loose = bool(self.plan_sections) and exactness > 0 and index not in self.inside_plan
            if loose and exactness == 2 and section.parent and section.parent not in self.around_plan:
                continue  # a feature's title inside another part ("Changes / Input validation")
            if exactness == 2 and _only_in_names(section.title, match):
                continue  # "mlpa-rollback job", "rollback.sql": a name, no rollback plan
            weak = section.style == "field" and index not in self.inside_plan
            order = (loose, weak, 0 if in_plan else 1, exactness, section.line)
            pending.append((order, partial(self._heading_candidate, index, requirement, context, in_plan, exactness, weak, loose)))
        for candidate in self.title_candidates(requirement, context):
            order = (candidate.loose, candidate.weak, 0 if candidate.in_plan else 1, candidate.exactness, candidate.line)
            pending.append((order, partial(_given, candidate)))
        pending.sort(key=lambda item: item[0])
        found = []
        for _, make in pending:
            candidate = make()
            found.append(candidate)
            if candidate.status.status == "ok":
                break
        return found

    def _heading_candidate(
        self, index: int, requirement: Requirement, context: Context, in_plan: bool, exactness: int, weak: bool, loose: bool
    ) -> Candidate:
        section = self.document.sections[index]
        # A plan heading that names a requirement ("Rollout and rollback plan") answers it
        # with its own text only: the sections below it answer for themselves.
        blocks = self._own_blocks(index, requirement) if index in self.plan_sections else self.content(index, requirement)
        status = judge(blocks, requirement, self.under(section.title, context))
        matched = _STYLE_NAMES.get(section.style, "heading")
        return Candidate(status, section.title, section.line, in_plan, exactness, weak=weak, loose=loose, matched=matched)

    def outside_plan(self, requirement: Requirement) -> int | None:
        """Where a requirement's section stands outside the plan, when the plan is required."""
        if not self.config.require_plan_heading or requirement.table is not None:
            return None
        return next((i for i, _ in self.matching(matcher(requirement.headings))), None)

    def plan_place(self) -> str:
        """Where the plan's sections belong: under the plan heading, or one to add."""
        if self.plan_sections:
            section = self.document.sections[min(self.plan_sections)]
            return f"'{section.title}' (line {section.line})"
        return f"a heading such as '## {self.config.plan_heading}'"

    def heading_level(self) -> int:
        """The level of the headings to add: one below the plan's heading, when it has one."""
        if not self.plan_sections:
            return 3 if self.config.require_plan_heading else 2
        section = self.document.sections[min(self.plan_sections)]
        return min(section.level + 1, 6) if section.style in ("atx", "setext") else 2

    def table_candidates(self, requirement: Requirement) -> list[Candidate]:
        assert requirement.table is not None
        context = self.context(requirement)
        rows = matcher(requirement.table.row)
        columns = matcher(requirement.table.column)
        found = []
        for table in self.document.tables:
            if self.config.require_plan_heading and table.section not in self.inside_plan:
                continue
            # workstreams down the side and phases across the top, or the other way round
            cells = _table_cells(table, rows, columns) or _table_cells(table, columns, rows)
            for label, pieces in cells:
                status = judge(tuple(b for _, blocks in pieces for b in blocks), requirement, context)
                if status.status == "ok":
                    status = _leftover(pieces, requirement, context) or status
                in_plan = table.section in self.inside_plan
                found.append(Candidate(status, label, pieces[0][0], in_plan, 0, "cell", matched="table cell"))
        # Also as headings: "## Website" then "### Launch", or "## Launch" then "### Website".
        column_titles = {index for index, _ in self.matching(columns)}
        for index in sorted(column_titles | {index for index, _ in self.matching(rows)}):
            if self.document.sections[index].style == "field":
                continue  # a table's row or column: the table reader above has it
            outer = rows if index in column_titles else columns
            ancestors = self.document.ancestors(index)
            parent = next((a for a in ancestors if a and outer.match(self.titles[a]) is not None), None)
            if parent is None:
                continue
            section = self.document.sections[index]
            label = f"{self.document.sections[parent].title} / {section.title}"
            status = judge(self.document.content(index), requirement, context)
            found.append(Candidate(status, label, section.line, index in self.inside_plan, 1, matched="heading"))
        return found

    def result(self, requirement: Requirement) -> tuple[RequirementResult, list[Finding]]:
        candidates = self.candidates(requirement)
        if requirement.table is None and not any(c.status.status == "ok" for c in candidates):
            prompts_only = frozenset(c.line for c in candidates if c.status.status == "placeholder")
            context = self.context(requirement)
            candidates = (
                self.mention_candidates(requirement, context, prompts_only)
                or self.learned_candidates(requirement, context, prompts_only)
                or candidates
            )
        suggested = requirement.suggested_heading
        if not candidates:
            result = RequirementResult(
                requirement.id, requirement.title, requirement.severity, "missing",
                hint=requirement.hint, suggested_heading=suggested,
            )
            outside = self.outside_plan(requirement)
            if outside is not None:
                section = self.document.sections[outside]
                message = (
                    f"{requirement.title}: the section '{section.title}' is outside the rollout plan: "
                    f"move it under {self.plan_place()}."
                )
                return result, [Finding("missing", requirement.id, requirement.severity, message, section.line)]
            message = f"{requirement.title}: no section found. Add a heading such as '{suggested}'."
            return result, [Finding("missing", requirement.id, requirement.severity, message, None)]
        best = min(candidates, key=Candidate.key)
        result = RequirementResult(
            requirement.id, requirement.title, requirement.severity, best.status.status,
            heading=best.title or None, line=best.line, hint=requirement.hint, suggested_heading=suggested,
            matched=best.matched, evidence=_evidence(best.status.lines),
        )
        if best.status.status == "ok":
            return result, []
        message = f"{requirement.title}: the {best.noun} '{best.title}' {best.status.message}."
        assert best.status.rule is not None
        return result, [Finding(best.status.rule, requirement.id, requirement.severity, message, best.line)]


_SPLIT_KINDS = ("paragraph", "item")
_MOST_CUTS = 64  # an issue form has a few titles; past these, lines are lines, not a form
_FORM_LINES = 400  # nor is a paragraph of more lines than this one form


def _split_at_titles(document: Document, config: Config) -> Document:
    """A paragraph (or list item) whose lines go on below a line that is a part's wording
    ("What might happen if this goes wrong?" then "Internal fetches start to fail." with no
    blank line between, as issue pages are shown and copied as plain text) is split there: a
    platform shows each line of an issue on its own, and that line is a title."""
    sections = list(document.sections)
    titles = _part_titles(config)
    seen: dict[str, bool] = {}
    cuts_left = _MOST_CUTS
    for index, section in enumerate(sections):
        if cuts_left <= 0:
            break
        if not any(block.kind in _SPLIT_KINDS and "\n" in block.text for block in section.blocks):
            continue
        blocks: list[Block] = []
        for block in section.blocks:
            if block.kind not in _SPLIT_KINDS or "\n" not in block.text or cuts_left <= 0:
                blocks.append(block)
                continue
            lines = block.text.split("\n")
            if len(lines) > _FORM_LINES:
                blocks.append(block)
                continue
            cuts = []
            for at in range(1, len(lines)):
                line = lines[at]
                named = seen.get(line)
                if named is None:
                    named = seen[line] = _names_a_part(line, titles)
                if named:
                    cuts.append(at)
                    cuts_left -= 1
                    if cuts_left <= 0:
                        break
            if not cuts:
                blocks.append(block)
                continue
            for start, end in zip([0, *cuts], [*cuts, len(lines)]):
                text = "\n".join(lines[start:end])
                links = tuple(link for link in block.links if link in text) if start else block.links
                # what follows the title in a list item is the title's, not the item's
                kind = block.kind if not start else "paragraph"
                blocks.append(block._replace(kind=kind, text=text, line=block.line + start, links=links, ordered=False if start else block.ordered))
        sections[index] = section._replace(blocks=tuple(blocks))
    return document._replace(sections=tuple(sections)) if cuts_left < _MOST_CUTS else document


# a heading as a whole title -> the requirements it names; and each requirement's matcher
_PartTitles = tuple[dict[str, frozenset[str]], tuple[tuple[str, Matcher], ...]]


@lru_cache(maxsize=16)
def _part_titles_of(headings: tuple[tuple[str, tuple[str, ...]], ...]) -> _PartTitles:
    matchers = tuple((req_id, matcher(aliases)) for req_id, aliases in headings)
    wordings: dict[str, set[str]] = {}
    for req_id, match in matchers:
        for title in match.exact:
            wordings.setdefault(title, set()).add(req_id)
    return {title: frozenset(ids) for title, ids in wordings.items()}, matchers


def _part_titles(config: Config) -> _PartTitles:
    """The titles of the parts a plain line may be, built once per ruleset."""
    return _part_titles_of(tuple((r.id, r.headings) for r in config.requirements if r.table is None))


def _names_a_part(line: str, titles: _PartTitles) -> bool:
    """A line inside a paragraph that is by itself a requirement's title: its wording whole
    ("Rollback steps", "Risks:"), or a question holding a wording of several words."""
    line = line.strip()
    if not line or len(line) > 80 or line[0].islower() or line.endswith((".", "!", ",", ";")):
        return False  # (a line going on in lower case is a sentence wrapped: "in addition to unit\ntests?")
    question = line.endswith("?")
    if line.count(" ") > _QUESTION_TITLE_WORDS:
        return False
    said = normalize(line)
    exact, matchers = titles
    if said in exact:  # (a CJK title is whole too: normalize() spaces its characters)
        return True
    return question and len(said.split()) <= _QUESTION_TITLE_WORDS and any(match.match(said) == 1 for _, match in matchers)


def _given(candidate: Candidate) -> Candidate:
    return candidate


_STYLE_NAMES = {"field": "field", "bold": "bold label", "details": "details summary"}
_PLURAL = re.compile(r"(?<=[a-z]{3})(?<![su])s$")  # "rollbacks", not "process", "status" or "access"
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？])")  # Japanese ends a sentence with no space after it
_A_REVERT = re.compile(
    r"(?i)\s*(?:this (?:pr |mr |change |pull request |merge request )?reverts?\b|reverts?\s+(?:the\s+)?(?:merge\s+)?"
    r"(?:commit|pr|pull request|mr|merge request|changes? (?:from|in|of)|#|[\w.-]+/[\w.-]+#\d|[0-9a-f]{7,}))"
)
_CODE_SPAN = re.compile(r"`[^`]*`")
_ASIDE = re.compile(r"\([^()]*\)")  # words in parentheses
_PRECAUTION = re.compile(r"(?i)\bin case\b[^,;:]*")  # "in case there is anything I haven't spotted"
# words quoted, not said: "they read 'we'll roll back if it goes bad', which is no plan"
_QUOTED = re.compile(r"\"[^\"]{3,}\"|“[^”]{3,}”|‘[^’]{3,}’|(?<![\w'])'(?=\S)(?:[^'\n]|(?<=\w)'(?=\w)){3,300}(?<=\S)'(?!\w)")
_WORDING = re.compile(r"[^\w']+")  # what separates a mention wording's words ("we'll" keeps its ')
_MENTION_MIN_WORDS = 5
_FIRST_PERSON = re.compile(r"\b(?:[Ww]e(?:'re|'ll|'ve)?|[Oo]ur|us|I)\b")  # the author speaking (not "i.e.", "US")
_LONGEST_SENTENCE = 4000  # characters: a sentence of a description is a few lines at most
# a sentence that opens with its verb, its subject (the author) left out: "Will create backup
# and test in dev before deploying to staging and prod", "Going to verify on staging first"
_SUBJECT_DROPPED = re.compile(r"(?i)[\s*_\"'(-]*(?:will|going to|plan to|planning to|intend to)\s+(?!be\b|not\b|this\b|it\b|that\b|there\b|they\b|we\b|you\b)[a-z]")
_SENTENCE_MIN_WORDS = 4  # a sentence among others, or ended as one: "The risk is low."
# what a line is when it tells the author what to write, whatever else it says
_TELLS_THE_AUTHOR = frozenset({line_model.INSTRUCTION, line_model.TEMPLATE, line_model.RULESET_PROMPT})
_TITLE_WORDS = 5  # a plain line this short holding a heading's words is a title ("How to verify it")
_QUESTION_TITLE_WORDS = 12
_MENTION_MIN_CHARS = 16  # four words hold at least this many characters
_TICKED_MIN_CHARS = 12  # a ticked box's three: "[x] `npm test` passes"
_TICKED_TEST_WORDS = 2
_MODALS = frozenset(["should", "will", "would", "could", "can"])
# what follows a modal that opens a question ("Should we ...", "Will this ...", "Can the ...")
_SUBJECTS = frozenset(
    "i we you he she it they this that these those there the a an our your their my his her its "
    "someone anyone anybody somebody everyone users people one".split()
)
# an answer written after a question on its own line: "Safe to roll back? Yes"
_ANSWERED = re.compile(r"(?i)(?:yes|yep|yeah|sure)\b(?!\s*[/|])")  # "yes/no" is the choice still open
_QUESTION_WORDS = frozenset(["does", "do", "did", "is", "are", "was", "can", "could", "will", "would", "should", "has", "have", "what", "how", "why", "which", "who", "when"])


@lru_cache(maxsize=64)
def _mention_pattern(mention: Mention) -> Wordings:
    """The wordings as whole words of prose: not inside a file name (rollback.sql), a path or
    an identifier (rollback_migration)."""
    return _wording_pattern(mention.every_word)


def _qualifies(wording: str) -> bool:
    return _QUALIFYING_WORDS.search(f"{_plain(wording.lstrip('^'))} x") is not None


@lru_cache(maxsize=64)
def _qualified_pattern(mention: Mention) -> Wordings:
    """The wordings that hold a word of _QUALIFYING_WORDS ("manually tested", "will only
    affect"): found as written, not in a text without such words."""
    return _wording_pattern(tuple(w for w in mention.every_word if _qualifies(w)))


@lru_cache(maxsize=64)
def _wording_pattern(wordings: tuple[str, ...]) -> Wordings:
    # each wording's own words, not normalize()'s: that drops a leading numeral, and "i tested"
    # would become "tested", found in any sentence ("a clear, reliable and tested strategy")
    return Wordings(sorted({_plain(p) for p in wordings} - {""}, key=len, reverse=True))


# what joins the two halves of a title naming two parts: "Rollback / verify", "Testing/QA"
_TITLE_HALVES = re.compile(r"\s+(?:\||/|&)\s+|(?<=[^\W\d])/(?=[^\W\d])")


# words that only qualify a verb: "could potentially cause", "I have already confirmed", "we
# will closely monitor" say what "could cause", "I have confirmed" and "we will monitor" say.
# A sentence is read as written and once more without them, so a wording matches with such
# words between its own (never a negation: "I have not tested" is no test; and not a word of
# time or a noun or verb that ends in -ly: "tested nightly on main" is a CI job)
_QUALIFYING_WORDS = re.compile(
    r"(?i)(?<![\w'-])(?:(?!(?:night|dai|week|month|year|hour|ear|on|fami|app|supp|rep|multip|ral|bul)ly\b)[a-z]+ly"
    r"|also|already|just|still|even|then|now|both|all|further|first|again|once|personally|somewhat|quite|very)[\s-]+(?=\w)"
)


_THE_CHANGE = ("this pr ", "this mr ", "this change ", "this pull request ", "this merge request ", "this commit ")
_MADE_TO = ("has been created to", "was created to", "is created to", "aims to", "is meant to", "is intended to")
_ADDS = frozenset("adds add includes include implements implement introduces introduce creates create provides provide supports support".split())


# a changelog's verbs: a sentence that opens with one says what the change does (also a
# commit title's imperative: "Introduce ConfigRollbackManager that validates ...")
_CHANGES = frozenset(
    "adds includes implements introduces creates provides supports sets explains documents "
    "describes updates allows enables extends ships introduce implement implemented introduced "
    "wires refactors rewrites replaces renames".split()
)
_NEW_CAPABILITY = (" can now ", " now supports ", " now possible", " now allows ", " is now able ")


# what a plan (or a solution) still to write should hold: "The rollback plan should have
# documentation of when fail forward versus rollback is best", "The solution should include
# automatic testing and rollback in case of problems"
_ASKS_FOR_A_PLAN = re.compile(r"\b(?:plan|strategy|procedure|procedures|runbook|solution)\s+(?:should|must|needs?|will need|has to|shall|is required)\b")


# a template's question to the author, set as a box: ticked, it is answered yes
_YOUR = re.compile(r"(?i)\byour\b")
_ASKED_THE_AUTHOR = re.compile(r"(?i)^\W*(have|did|do) you\s+(.+?)\s*\?\W*$")


def _ticked_answer(sentence: str) -> str:
    """A ticked box that asks the author is their yes, in their words: "[x] Did you test this
    change locally?" says "I did test this change locally", "[x] Have you successfully
    deployed to an AWS account?" says "I have successfully deployed to an AWS account"."""
    asked = _ASKED_THE_AUTHOR.match(sentence)
    if asked is None:
        return sentence
    rest = _YOUR.sub("my", asked.group(2))
    return f"I {asked.group(1).lower()} {rest}."


def _says_more(block: Block) -> bool:
    """Whether an unticked box goes on past its step with sentences of the author's: "[ ]
    Follow these instructions to upgrade the stack. Rollbacks are supported, so I think the
    worst that would happen is that there's a bit of downtime." A template's box is one step,
    and what a template adds to it speaks to the author, not as them ("If there are any
    backward incompatible changes then they have been noted")."""
    parts = _SENTENCE.split(block.text.strip(), maxsplit=1)
    return len(parts) > 1 and _FIRST_PERSON.search(parts[1]) is not None


def _word_count(text: str) -> int:
    """The words of a sentence; a run of CJK characters counts one word per two characters."""
    return text.count(" ") + 1 if text.isascii() else len(words(text))


def _is_question(sentence: str) -> bool:
    """A question, asked or implied ("Does it need a rollback if ...", "What if it fails?"),
    not a title of what follows ("How to disable it instantly (the flag is the kill switch)")."""
    words = sentence.split(None, 2)
    first = words[0].lower().strip("*_\"'(,")  # not normalized: "I" is no numeral here
    if sentence.rstrip().endswith("?"):
        return not line_model.is_tagged_statement(sentence)  # "... downtime, is that a problem?"
    if first == "when" and "," in sentence:
        return False  # a condition, then what follows it: "When the gate is off, kubelet ..."
    if first in _MODALS and len(words) > 1 and words[1].lower().strip("*_\"'(,") not in _SUBJECTS:
        return False  # a modal with its subject dropped: "Should make CI faster", "Will solve ..."
    if first == "do" and len(words) > 1 and words[1].lower().strip("*_\"'(,") == "not":
        return False  # an order, not a question: "Do not merge until the staged data is checked."
    return first in _QUESTION_WORDS and not (len(words) > 1 and words[1].lower() == "to")


def _describes_the_change(said: str) -> bool:
    """What the change builds or documents, not a way back from it: "This PR includes a
    rollback if the plan fails", "Sets out guidance on what to do if ...", a release note's
    "you can now roll back your deploy"."""
    words = said.split(None, 1)
    if words and words[0] in _CHANGES:
        return True
    if any(phrase in f" {said} " for phrase in _NEW_CAPABILITY):
        return True
    for opening in _THE_CHANGE:
        if said.startswith(opening):
            rest = said[len(opening) :]
            words = rest.split(None, 1)
            return bool(words) and (words[0] in _ADDS or rest.startswith(_MADE_TO))
    return False


_JOINED = re.compile(r"\w+(?:[-_./]\w+)+")


def _only_in_names(title: str, match: Matcher) -> bool:
    """Whether the words a title matches stand only inside names joined by - _ . or /
    ("mlpa-rollback job", "db/rollback.sql"), not as words of their own."""
    if not any(mark in title for mark in "-_./"):
        return False
    names = _JOINED.findall(title)
    if not names:
        return False
    rest = _JOINED.sub(" ", title)
    return match.match(normalize(rest)) is None and any(match.match(normalize(name)) is not None for name in names)


def _min_words(block: Block) -> int:
    """The fewest words of a sentence that says a part: a ticked box speaks for the author
    with one word fewer ("[x] tested my changes" under "I certify that I have:")."""
    return _SENTENCE_MIN_WORDS - 1 if block.kind == "task" and block.checked else _SENTENCE_MIN_WORDS


# past this many prose blocks, each block's words are read once to rule out the parts whose
# wordings cannot stand in it: that pays for building every part's wordings (some 35 ms)
_MANY_BLOCKS = 1000
_LONG_BLOCK = 20_000  # and in a block this long (a page of lines without a blank one)
# a paragraph that tells how things are before the change: its words of harm or of going back
# are the problem's ("Currently, disabling a build automatically triggers a rollback"), it is
# no prose that says a part
_AS_THINGS_ARE = re.compile(r"(?i)^\W*(?:currently|right now|at the moment|at present|as of now|today),")
_ABLE = frozenset(("be", "able"))  # words a denial reaches through
_DENIAL_REACH = 3  # a denial stands at most this many words before the wording it denies


def _denied(sentence: str, start: int, denials: Phrases) -> bool:
    """Whether a word of ``denials`` stands just before the wording at ``start``: "has not been
    tested in staging", "never tested", "isn't safe to revert"."""
    if not denials:
        return False
    # a few words back, through "be able to": "I won't be able to check for it", "wasn't able to test"
    before = [word for word in normalize(sentence[max(0, start - 80) : start]).split() if word not in _ABLE][-_DENIAL_REACH:]
    return bool(before) and denials.longest(" ".join(before)) > 0


_NONE = Phrases(())


def _says_in(sense: Sense, bare: str, weighed: str, said: str, title: str, denials: Phrases = _NONE) -> bool:
    """Whether a sentence says the part in one ``sense``: one of its words (``bare``: the
    sentence without code or quotes), a phrase of each group of its condition (``weighed``:
    normalized, with the speaker a ticked box or an opening "I" stands for), none of its
    ``not_with`` (``said``: normalized), under a title (normalized) with none of ``not_under``."""
    # the one search of the sentence first: most sentences hold none of the sense's words
    anywhere, opening = _by_place(sense.words)
    found = any(not _denied(bare, m.start(), denials) for m in _wording_pattern(anywhere).finditer(bare)) or (
        bool(opening) and _wording_pattern(opening).match(bare, _opening(bare)) is not None
    )
    return found and all(group.longest(weighed) for group in sense.when) and not (
        sense.not_with.longest(said) or sense.not_under.longest(title)
    )


# what may stand before a sentence's first word: marks, quotes, a step's number ("1. "), a lead
# of a few words and a dash ("`lsblk` — confirm the device shows the new size", "Lastly - as
# noted here - check ..."), and a clause of time that orders the step ("When all 2.0 issues are
# done, test on multiple internal environments", "Once deploy completes, retest the endpoints")
_OPENING = re.compile(r"(?i)[\s*_\"'(`-]*(?:\d+[.)]\s+)?(?:[^\s—–]+(?:\s+[^\s—–]+){0,3}\s+[—–-]\s+)?(?:(?:when|once|after|as soon as)\b(?:[^,.;:!?]|\.(?=\S)){1,80},\s+)?")


def _opening(sentence: str) -> int:
    """Where a sentence's first word starts: after marks, quotes and a step's number ("1. ")."""
    return _OPENING.match(sentence).end()  # type: ignore[union-attr]


@lru_cache(maxsize=64)
def _by_place(wordings: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A sense's wordings found anywhere, and those written "^verify" that count only where
    they open the sentence."""
    return tuple(w for w in wordings if not w.startswith("^")), tuple(w[1:] for w in wordings if w.startswith("^"))


def _opens_a_ticked_box(mention: Mention, sentence: str) -> bool:
    """Whether a ticked box opens with one of the part's ``ticked`` wordings: "[x] Smoke test
    the Data Browser on staging", "[x] Make sure all tests run" say it was done."""
    if not mention.ticked:
        return False
    return _wording_pattern(mention.ticked).match(sentence, _opening(sentence)) is not None


def _says(mention: Mention, bare: str, weighed: str, said: str, title: str) -> bool:
    """Whether a sentence says the part: by a wording of its own (``_says_alone``) or in one of
    its senses (``_says_in``)."""
    return _says_alone(mention, bare) or any(_says_in(sense, bare, weighed, said, title, mention.not_after) for sense in mention.senses)


def _says_alone(mention: Mention, sentence: str) -> bool:
    """Whether a sentence says the part by itself: a wording of ``alone``, in its own words
    ("I tested", not any "tested"), one that starts with "to" or is written "^verify" only at
    the start of the sentence ("To roll back, revert the MR", not "a GitHub Action to roll back the deployed
    version")."""
    start = len(sentence) - len(sentence.lstrip(" *_\"'(-"))
    pattern = _wording_pattern(mention.alone)
    opening = _opening_only(mention.alone)
    found = pattern.search(sentence)
    while found:
        said = _plain(found.group())
        if _denied(sentence, found.start(), mention.not_after):
            pass  # "has not been tested in staging": a check denied
        elif found.start() == start or not (said.startswith("to ") or said in opening):
            return True
        # "to revert" inside "possible to revert to old behavior": look again one word on
        found = pattern.search(sentence, found.start() + 1)
    return False


@lru_cache(maxsize=64)
def _opening_only(wordings: tuple[str, ...]) -> frozenset[str]:
    """The wordings that count only where they open a sentence, written "^verify": "Verify in
    staging ...", "Also verified the codec args", not "a flag to verify the signature"."""
    return frozenset(_plain(w[1:]) for w in wordings if w.startswith("^"))


def _plain(wording: str) -> str:
    """A wording's own words, lower case, one space apart ("^Also verified" -> "also verified")."""
    return " ".join(_WORDING.split(wording.lower())).strip()


def _evidence(lines: Sequence[Line]) -> tuple[Evidence, ...]:
    return tuple(Evidence(line.line, line.kind, line.reason, line.text) for line in lines)


def _can_hold_a_plan(section: Section) -> bool:
    """A heading, or a label of more than one word: "Release: 16.4" and "**Deployment:**
    Tuesday" are facts about the change, not the plan's heading."""
    return section.style not in ("bold", "field") or len(section.title.split()) > 1


Piece = tuple[int, tuple[Block, ...]]  # one row's part of a table cell: (line, blocks)


def _leftover(pieces: Sequence[Piece], requirement: Requirement, context: Context) -> Judged | None:
    """A row of a cell that still holds only template text, though other rows are filled:
    the guide's second "Your text here" slot, neither filled in nor deleted."""
    for line, blocks in pieces:
        if blocks and judge(blocks, requirement, context).status == "placeholder":
            return Judged(
                "placeholder",
                "placeholder",
                f"still holds template text on line {line}: fill it in or delete it",
            )
    return None


def _table_cells(table: Table, rows: Matcher, columns: Matcher) -> list[tuple[str, list[Piece]]]:
    """(label, pieces) for each cell whose row and column match, a piece per row it spans.

    Two layouts are read: one row per workstream (``| Website | ... | ... |``), and the
    guide's, where a row naming the workstream with empty cells opens a group of rows
    ("Tasks", unnamed rows) that runs to the next such row.
    """
    all_rows = (table.header, *table.rows)
    heads: list[int] = []
    head_row: tuple[Cell, ...] = ()
    for row in all_rows:
        heads = [i for i, cell in enumerate(row) if i and columns.match(normalize(cell.text)) is not None]
        if heads:
            head_row = row
            break
    if not heads:
        return []
    merged: dict[int, tuple[str, list[Piece]]] = {}
    group: str | None = None
    grouping = False  # inside a guide-style group of rows
    for row in all_rows:
        if row is head_row:
            continue
        label = row[0].text.strip() if row else ""
        opens_group = bool(label) and all(not cell.text.strip() for cell in row[1:])
        if label and rows.match(normalize(label)) is not None:
            group, grouping = label, opens_group
        elif opens_group or (label and not grouping):
            group = None
        if group is None:
            continue
        for index in heads:
            if index < len(row):
                name = f"{group} / {head_row[index].text.strip().rstrip(':')}"
                merged.setdefault(index, (name, []))[1].append((row[index].line, row[index].blocks))
        if not grouping:
            group = None
    return list(merged.values())


def check(
    document: Document,
    config: Config,
    *,
    target: str,
    template_lines: frozenset[str] = frozenset(),
) -> Report:
    checker = _Checker(document, config, template_lines)
    results: list[RequirementResult] = []
    findings: list[Finding] = []
    if config.require_plan_heading and not checker.plan_sections:
        wanted = config.plan_heading
        findings.append(
            Finding(
                "plan-heading", None, "error",
                f"No rollout plan heading found. Put the plan under a heading such as '## {wanted}'.",
            )
        )
    for requirement in config.requirements:
        result, found = checker.result(requirement)
        results.append(result)
        findings.extend(found)
    status = "failed" if any(f.severity == "error" for f in findings) else "passed"
    plan_heading = config.plan_heading if config.require_plan_heading and not checker.plan_sections else None
    return Report(
        target, config.ruleset, status, tuple(results), tuple(findings),  # type: ignore[arg-type]
        heading_level=checker.heading_level(), plan_heading=plan_heading,
    )
