"""One model of a line: every line of a section is an answer or a prompt, with a reason.

A section (with its subsections) holds a part of the plan only when some line of it is an
answer: a line that asserts something about this change. Answers: a statement, a command (code),
a link, a ticked box, a step still to do ("- [ ] Enable the flag for 10%"), a condition still
to meet under a heading of criteria ("Acceptance criteria" / "- [ ] Error rate stays under
1%"), a filled field ("Rollback: revert the merge request"), "N/A" with its reason.

Prompts, each with its reason:
- text that is no content: an HTML comment, a line copied from the description template,
  the ruleset's own prompt, placeholder text (TBD, "Your text here", ``<...>``, ``___``), a
  line that opens with a TODO word, an empty list item;
- a choice not made: options in unticked boxes with nothing chosen (``- [ ] Minor``
  ``- [ ] Major``), the unticked options beside a ticked one, one unticked box asserting
  something (``- [ ] Safe to revert without a data fix``), alternatives left open
  (``Severity: minor / major / critical``, ``<yes|no>``, ``[HIGH | medium | low]``,
  ``Smoke, Regression, or Manual``);
- a blank left to fill: a field with nothing or a placeholder after its label
  (``Expected downtime: ___``, ``- Revert steps:``), a sentence stem left to finish
  (``The flag is turned off when ...``), a name to fill in inside a command
  (``<feature-flag-name>``, ``TestAccXXX``), a template's stand-in (``Step 1``, ``Run
  Command X``), a link to a bare site address (``[Link to the MR](https://gitlab.com)``), a
  bare level with no reason (``Low``, ``Yes``);
- words addressed to the author: a question (``What is the revert procedure?``), an
  instruction in a plain, italic or quoted line (``Describe the abort criteria``, ``Think
  about cache warm-up``, ``Please verify that:``; a line holding one is the template's
  whatever else it says), the guidance after a question (``A good goal is measurable``),
  the template's own words (``(This is an example)``, ``This section should ...``, ``E.g. a
  short series of steps``, a whole line in brackets that asks or instructs), among the
  template's instructions a line that speaks to the author (``you only need to ...``), a
  bare list of topics (``Downstream services, data, on-call.``);
- lines that end a description: GitLab quick actions (``/label ~<team>``), "cc @team",
  "Closes #12";
- a bare "N/A" (and any "N/A" where the requirement must be answered).

A line wrapped onto the next is read whole, and a line of several sentences sentence by
sentence: an answer when one of them is. A ticked box answers whatever its words show (the
tick is the author's), unless the template ticked it already.

The words come from ``rules/vocabulary.yml`` (``enforcer.vocabulary``). Patterns are compiled
on first use, and each line is looked at once, with cheap tests first; the long lists of
wordings that say a part in a sentence are found by a walk over a dictionary of their words
(``enforcer.wordings``), which costs nothing to build, until the text read is long enough for
one compiled pattern to pay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Literal, NamedTuple

from enforcer.model import Block
from enforcer.text import Phrases, normalize
from enforcer.text import words as counted_words
from enforcer.vocabulary import Vocabulary, vocabulary

Kind = Literal["answer", "prompt"]


class Line(NamedTuple):
    line: int
    kind: Kind
    reason: str
    text: str
    block: Block


class Context(NamedTuple):
    """What reading a section needs beyond its blocks."""

    words: Vocabulary
    placeholders: Phrases  # the vocabulary's, with the ruleset's ``placeholders:``
    prompts: Phrases | None = None  # the requirement's prompts
    template_lines: frozenset[str] = frozenset()
    allow_na: bool = True
    criteria: bool = False  # under a heading of conditions to meet ("Acceptance criteria")


def context(
    *,
    words: Vocabulary | None = None,
    placeholders: Iterable[str] = (),
    prompts: Iterable[str] = (),
    template_lines: frozenset[str] = frozenset(),
    allow_na: bool = True,
) -> Context:
    words = words or vocabulary()
    extra = tuple(placeholders)
    phrases = _with_placeholders(words, extra) if extra else words.placeholders
    found = Phrases(prompts)
    return Context(words, phrases, found if found else None, template_lines, allow_na)


@lru_cache(maxsize=16)
def _with_placeholders(words: Vocabulary, extra: tuple[str, ...]) -> Phrases:
    return words.placeholders.extended(extra)


def template_key(line: str) -> str:
    return " ".join(line.split())


def ticked_key(text: str) -> str:
    """The key of a box the template itself ticks: a tick copied from it is no choice."""
    return "[x] " + template_key(text)


# --- reasons ---------------------------------------------------------------------------
# Answers
STATEMENT = "a statement"
COMMAND = "a command"
LINK = "a link"
TICKED = "a ticked box"
STEP = "a step still to do"
FILLED = "a filled field"
REASONED_NA = "N/A with its reason"
# Prompts
COMMENT = "an HTML comment"
TEMPLATE = "a line of the description template"
RULESET_PROMPT = "the ruleset's prompt"
PLACEHOLDER = "placeholder text"
TODO = "a TODO"
EMPTY_ITEM = "an empty list item"
NOTHING_CHOSEN = "options in unticked boxes, nothing chosen"
NOT_CHOSEN = "an option not chosen"
UNTICKED = "an unticked box, not asserted"
CRITERION = "a condition still to meet, under a heading of criteria"
ALTERNATIVES = "alternatives left open"
BLANK_FIELD = "a field left blank"
STEM = "a sentence left to finish"
NAME_TO_FILL = "a name left to fill in"
QUESTION = "a question"
INSTRUCTION = "an instruction to the author"
TOPICS = "a list of topics, no statement"
EXAMPLE = "the template's own words (an example, or about the section)"
GUIDANCE = "the template's guidance to the author, among its instructions"
QUOTED_GUIDANCE = "the template's guidance, quoted with its instructions"
EXAMPLE_STEP = "an example step, in a list with a stand-in (Command X)"
BARE_CHOICE = "a choice with no reason (Low, Yes)"
TRAILER = "a quick action or issue reference"
BARE_NA = 'a bare "N/A" with no reason'
NA_REFUSED = '"N/A", where this part cannot be skipped'

# What a section without an answer holds, from the most to the least telling to the author.
_WHY: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({NA_REFUSED}), "says N/A, but this part of the plan cannot be skipped: describe it"),
    (frozenset({BARE_NA}), 'says only "N/A": give the reason ("N/A, because ...") or describe it'),
    (frozenset({NOTHING_CHOSEN, NOT_CHOSEN, UNTICKED, ALTERNATIVES, BARE_CHOICE}),
     "offers choices with none made: tick or keep the one that applies and say why"),
    (frozenset({QUESTION, STEM, BLANK_FIELD, TOPICS}),
     "holds only questions or blanks left to fill: answer them"),
    (frozenset({RULESET_PROMPT, TEMPLATE, INSTRUCTION, EXAMPLE, QUOTED_GUIDANCE}), "holds only the template's prompt"),
    (frozenset({PLACEHOLDER, TODO, NAME_TO_FILL}), "holds only placeholder text (such as TBD or \"Your text here\")"),
    (frozenset({EMPTY_ITEM}), "holds only empty list items or unticked empty boxes"),
    (frozenset({COMMENT}), "holds only HTML comments"),
    (frozenset({TRAILER}), "holds only quick actions or issue references"),
)


def why_no_answer(lines: Sequence[Line]) -> str:
    """What a section without an answer holds instead, as a phrase for the finding."""
    found = {line.reason for line in lines}
    for reasons, message in _WHY:
        if found & reasons:
            return message
    return _WHY[5][1]


# --- patterns, compiled on first use ---------------------------------------------------

_P: dict[str, re.Pattern[str]] = {}
_SOURCES = {
    # "<feature-flag-name>", "<project_id>", "TP-<NNN>": a name to fill in. Not an XML element
    # (<new-checkout-enabled>false</new-checkout-enabled>), nor a C++ type (unique_ptr<cache_entry>).
    "name": r"(?:^|[\s=:/'\"-])<(?:[A-Za-z][A-Za-z0-9]*[-_][A-Za-z0-9_-]*|[A-Z]{2,})>(?!.*</)",
    "bracket_name": r"\[[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+\]",  # "git clone [repo-address]"
    # "Description of the tests run", "Description des tests effectués pour valider ...": the
    # template names what goes here (no verb of its own: "A summary was sent to #ops" says it)
    "names_the_content": r"(?i)^\W*(?:a\s+|une?\s+)?(?:short\s+|brief\s+|courte\s+|brève\s+)?(?:(?:description|details|summary|list|explanation|résumé|liste|détails|explication)\s+(?:of|des|de|du|d['’])|(?:steps|instructions|recommendations|suggestions|hints|tips)\s+(?:to|for|on)\s)(?!.*\b(?:is|are|was|were|has|have|had|will|est|sont|était|ont|sera)\b)\s*[^:]*$",
    # "Fixes #[insert issue number]", "<add the dashboard here>": brackets around words to the author
    "bracket_prompt": r"[\[<]\s*(?:insert|add|enter|describe|put|paste|fill in|link to|your|replace with)\b[^\]>]*[\]>]",
    # "{branch_name}をローカルに取り込む", "{{ service-name }}": a template variable, not a
    # route's parameter ("/users/{user_id}") nor code
    "brace_name": r"(?:^|[\s=:'\"(])\{\{?\s*[A-Za-z][A-Za-z0-9]*[-_][A-Za-z0-9_-]*\s*\}\}?",
    # two marks to keep one of: "✅🚫 This change has unit test coverage"
    "mark_pair": r"^\s*(?:✅|✔️?|☑️?|👍|🟢)\s*(?:🚫|❌|✖️?|❎|👎|🔴|⛔)",
    "bracketed": r"^\s*(?:<[^<>]*>|\[[^\[\]]*\]|\{\{?[^{}]*\}?\}|_+|\.{2,}|…+|-+|\?+|\*+)\s*$",
    # quick actions take only ~labels, @people, %milestones, "quoted", numbers, dates, me
    "action_args": r"""(?:\s+(?:[~@%]?"[^"]*"|[~@%#!'<\d]\S*|in|me|on|at|to|from|weeks?|days?|months?|tomorrow|today))*\s*$""",
    "mentions": r"(?i)/?cc\b:?\s*(?:@\S+[\s,]*)+$",
    "issue": r"(?:\S*[#!]\d+|https?://\S+/(?:-/)?(?:issues|merge_requests|pull)/\d+\S*|#)",
    # a choice offered: "[HIGH | medium | low]", "(Yes | No)", "<yes|no>", "low / medium / high"
    "bracket_choice": r"[\[(<{]\s*[^\[\]()<>{}|/]{1,30}(?:\s*[|/]\s*[^\[\]()<>{}|/]{1,30})+\s*[\])>}]",
    "bare_choice": r"^\W*[^\W_][\w' -]{0,25}(?:\s*(?:\||\s/\s|/)\s*[^\W_][\w' -]{0,25})+\W*$",
    "stem_word": r"(?i)\b(?:when|if|because|and|or|the|a|an|to|with|that|by|of|for|from|into|after|before|until|is|are|will|be|should|must|via|using|at|on|in)\s*$",
    "stem_end": r"(?:\.\.\.|…|(?<![-/.])\b(?:when|if|to|the|a|an|and|or|because|with|that))\s*$",
    "field": r"^(?P<label>[^\W\d_][^:]{0,60}?)\s*:\s+(?P<value>\S.*)$|^(?P<bare>[^\W\d_][^:]{0,60}?)\s*:\s*$",
    "url": r"https?://\S",
    # a template's numbered stand-in: "Step 1", "Happy Path scenario 2", "Risk 1", "Item 3"
    "quoted_dots": r"""['"‘“`]\s*(?:\.{2,}|…)\s*['"’”`]""",
    "version_stand_in": r"(?<![\w.])v?[XYZ]\.(?:\d{1,2}|[XYZxyz])(?:\.[\dXYZxyz]+)?(?![\w.])",
    # "resources x, y and z": letters standing in for names
    "letter_list": r"(?<![\w.])[XYZxyz],\s*[XYZxyz],?\s+(?:and|or)\s+[XYZxyz](?![\w.])(?!\s+(?:ax[ie]s|coordinates?|dimensions?|directions?)\b)",
    "letter_stand_in": r"\b(?:[Cc]ommand|[Bb]utton|[Pp]age|[Ss]ervice|[Ff]eature|[Ff]ield|[Vv]alue|[Oo]ption|[Tt]able|[Ff]lag|[Ss]tep|[Tt]hing)\s+[XYZ]\b",
    # "Open page A", "Do thing B", "Expect C to happen": the first letters stand in too, but
    # not after "option" or "plan" ("Option A" is a real choice in a design)
    # a label the template marks as one to fill: "What I tested (required — be specific)"
    "marked_field": r"\((?:[Rr]equired|[Oo]ptional|[Mm]andatory)\b[^()]*\)[\s.:*_]*$",
    "abc_stand_in": r"\b(?:[Cc]ommand|[Bb]utton|[Pp]age|[Tt]hing|[Ss]tep|[Ee]xpect)\s+[ABC]\b(?![.'’]\w)",
    "numbered_stand_in": r"(?i)^\W*(?:[\w-]+\s+){0,5}(?:scenario|item|step|example|case|option|task|point|thing|risk|test|check|metric|dashboard|link|feature|issue|change|area|service|component|requirement|criterion|question|answer|bullet|note)\s*#?\d{1,2}\W*$",
    "sentence": r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<=[.!?])\s+(?=[A-Z\"'(\[*_`])",
    "guidance": r"(?i)\b(?:you|your|yours|should|e\.g|for example|such as|a good|make sure|consider|here|as necessary|as needed)\b",
    "lead_choice": r"^\W*[^\W_][\w' -]{0,25}(?:\s*\|\s*[^\W_][\w' -]{0,25})+\s*(?::|-|–|$)",
    "please": r"(?i)(?:^|[,;:]\s*|\s)please\s+\w+",
    # the same request in French and Japanese: "Veuillez indiquer ...", "... を記載してください。"
    "request": r"(?i)^\W*(?:veuillez|merci de|merci d')|(?:ください|下さい)(?:[。.!！)）\s]|$)",
    "trailing_etc": r"(?i)(?<=\?)\s*(?:etc\.?|\.\.\.|…)\s*$",
    # a short "How to ..." standing alone is a label for what follows: "How to test this PR"
    "how_to": r"(?i)^\W*how\s+to\s+[\w'-]+(?:\s+[\w'-]+){0,5}[\s*_:]*$",
    "wh_question": r"(?i)^\W*(?:(?:and|but|so|or)\s+)?(?:what|how|why|which|who|where)\s+(?:is|are|was|were|do|does|did|can|could|will|would|should|might|may|has|have)\b",
    # what opens a question: "Is it ...", "What settings ...", "When will it ...", not "When I ..."
    "asks": r"(?i)^\W*(?:(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|shall|what|how|why|which|who|whose|where|any)\b|when\s+(?:is|are|was|were|do|does|did|can|could|will|would|should|might|may|has|have)\b)",
    # a question tagged on a statement: "is that a problem?", "right?", "does that work?"
    "tag": r"(?i)^\W*(?:(?:is|isn't|are|aren't|was|wasn't|do|does|doesn't|don't|did|didn't|can|can't|could|will|won't|would|should|shall)\s+(?:that|this|it|there|we|you|they|everyone|anyone)\b|(?:right|ok|okay|correct|agreed|thoughts)\W*$)",
    # a condition on what kind of change this is, then what to do: "If this change updates the
    # Argo UI, run all integration tests ...", "If the change touches code that ships in a
    # package, you have added ...": a template's instruction, for whichever change it fits
    "kind_of_change": r"(?i)^\W*if (?:this|your|the) (?:change|changes|pr|mr|pull request|merge request|code change|feature) (?P<condition>[^,]{3,80}), (?P<then>(?:please |you )?[a-z]+)",
    # the author speaking: "I think ...", "🛑 ⚠️ I think ..." (not "I. Introduction")
    "first_person": r"^[^\w]*I(?:['’](?:m|ve|ll|d))?\s+[a-z]",
    # a condition that waits for its main clause: "If this needs downtime" (no comma yet)
    "condition": r"(?i)^\W*(?:if|when|whenever|unless|in case|once|before|after|should)\b[^,]*$",
    # a line that opens with an example is the template's: "E.g. a short series of steps ..."
    "example_opening": r"(?i)^\W*(?:e\.\s?g\.?|eg[.:]|for example\b|for instance\b|examples?\s*:)",
    # what an option of the template means: "Low means a really minor change that shouldn't
    # have any risk", "High = requires a maintenance window"
    "option_meaning": r"(?i)^\W*(?:low|medium|moderate|high|minor|major|critical|severe|none|small|large)(?:\s+risk)?[*_]*\s*(?:=|(?::\s*)?(?:means|implies|indicates|is for)\b)",
    "bare_host": r"(?i)^https?://(?:www\.)?[\w.-]+/?$",
    "address": r"[:/#.@]",  # a link's target that can point somewhere: not "url", "link"
    "digit": r"\d",
    "code_span": r"`[^`]+`",
}


def _re(name: str) -> re.Pattern[str]:
    pattern = _P.get(name)
    if pattern is None:
        pattern = _P[name] = re.compile(_SOURCES[name])
    return pattern


_STATEMENT_OPENERS = frozenset({"no", "nothing", "none", "aucun", "aucune", "rien"})
_OPTION_WORDS = 5  # an option of a checklist to tick ("covered by existing tests") is this short
_NAMED_CONTENT_WORDS = 15  # "Description of the tests run to validate the change": at most this long
_REASON_MIN_WORDS = 2  # "N/A, because ..." needs a reason of at least this many words
_FIELD_LABEL_WORDS = 6  # at most this many words before the colon of a "Label: value"
_TOPIC_WORDS = 3  # at most this many words in each topic of a bare list
_CHOICE_WORDS = 3  # at most this many words in each option of a choice left open
_BARE_CHOICE_CHARS = 16  # a line this short that is one choice word ("Low") is a bare choice
_FIELD_LINE = 60  # a line this long with a colon is prose that may wrap, not a "Label: value"
_STEM_WORDS = 4  # a stem ending on "when", "to" ... has at least this many words
_HERE_WORDS = 7  # "Add rollback steps here": a short instruction ending in "here"
_TAG_WORDS = 4  # "..., is that a problem?": at most this many words in a question tagged on
_STATEMENT_WORDS = 5  # ... after a statement of at least this many words
_HERE_VERBS = frozenset(["add", "describe", "enter", "insert", "list", "write", "put", "provide", "paste", "link"])
_OPENING_WORDS = 6  # "For example, consider ...": at most this many words before the comma
_OBJECT_WORDS = 5  # a goal verb's object: the words right after it
_EXAMPLE_ITEMS = 3  # a list of at least this many items, one a stand-in, is an example
_WRAPPED = 60  # a line this long that ends mid-sentence was wrapped: the next goes on with it


# --- small tests of a line -------------------------------------------------------------


def is_placeholder(line: str, context: Context, prompts: bool = True) -> bool:
    """Nothing but placeholder text (and, when ``prompts``, the ruleset's prompts)."""
    if _re("bracketed").match(line):
        return True
    words = normalize(line).split()
    if words and context.words.todo_words.starts(words):
        return True
    if prompts and context.prompts is not None:
        words = context.prompts.remove(words)
    return not context.placeholders.remove(words)


@lru_cache(maxsize=4)
def _na_pattern(na_words: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted(na_words, key=len, reverse=True)
    alternatives = "|".join(r"\s*".join(re.escape(part) for part in re.split(r"\s*([/.])\s*|\s+", w) if part) for w in words)
    return re.compile(rf"^\W*(?P<na>{alternatives})\b\W*(?P<reason>.*)$", re.IGNORECASE | re.DOTALL)


def na_reason(line: str, na_words: tuple[str, ...] | None = None) -> str | None:
    """For "N/A ..." lines the reason given ("" when bare); None when the line is no N/A."""
    if na_words is None:
        na_words = vocabulary().na_words
    match = _na_pattern(na_words).match(line.strip())
    if not match:
        return None
    reason = match.group("reason").strip()
    # "No schema change", "Aucun impact sur ..." are statements, not an N/A: only N/A words
    # standing alone count.
    if match.group("na").lower() in _STATEMENT_OPENERS and reason and match.group(0)[len(match.group("na")):][:1] not in ":,-–—.;(":
        return None
    return reason


def is_bare_na(line: str, na_words: tuple[str, ...] | None = None) -> bool:
    """An N/A without a reason: "N/A", "n/a.", and "n/a - not needed", whose "reason" is one
    more N/A."""
    reason = na_reason(line, na_words)
    if reason is None:
        return False
    if reason and na_reason(reason, na_words) is not None and is_bare_na(reason, na_words):
        return True
    return len(counted_words(reason)) < _REASON_MIN_WORDS  # CJK: a word per two characters


def _is_trailer(line: str, words: Vocabulary) -> bool:
    if line[0] == "/":
        name = line[1:].split(None, 1)[0].lower() if len(line) > 1 else ""
        if name in words.quick_actions:
            return _re("action_args").match(line, 1 + len(name)) is not None
    first = line.split(None, 1)[0].lower().rstrip(":")
    if first in ("cc", "/cc") and _re("mentions").match(line):
        return True
    if normalize(first) in words.closing_keywords:
        rest = line.split(None, 1)[1] if " " in line else ""
        rest = re.sub(r"(?i)^(?:to|of)\b\s*", "", rest.lstrip(":").strip())
        pieces = [p for p in re.split(r"[\s,]+|\band\b", rest) if p]
        return bool(pieces) and all(_re("issue").fullmatch(p.strip("().")) for p in pieces)
    return False


def is_choice(text: str, context: Context) -> bool:
    """Alternatives offered and none taken: "[HIGH | medium | low]", "(Yes | No)", "low /
    medium / high", "Yes/No"."""
    if _re("mark_pair").match(text):
        return True  # "✅🚫 This change has been tested": keep the mark that applies
    if "|" not in text and "/" not in text:
        if " or " in text and "," in text:  # "Low, Medium, or High."
            pieces = re.split(r"\s*,\s*(?:or\s+)?|\s+or\s+", text.strip(" .*_-"))
            if len(pieces) >= 3 and all(p[:1].isupper() and len(p.split()) <= 2 for p in pieces):
                return True  # "Smoke, Regression, or Manual": the template's options, capitalised
            return len(pieces) >= 3 and _all_choices(pieces, context)
        return False
    if "|" in text and _re("lead_choice").match(text):
        return True  # "High | Medium | Low : How might failures be experienced?"
    match = _re("bracket_choice").search(text)
    if match:
        pieces = re.split(r"\s*[|/]\s*", match.group(0)[1:-1].strip())
        if "|" in match.group(0) or _all_choices(pieces, context):
            return True
    if text[0] != "|" and _re("bare_choice").match(text):  # not a table row
        stripped = text.strip(" .*_-")
        if "|" in text:
            pieces = re.split(r"\s*\|\s*", stripped)
            return len(pieces) >= 2 and all(len(p.split()) <= _CHOICE_WORDS for p in pieces)
        spaced = re.split(r"\s+/\s+", stripped)  # "minor / major / critical"
        if len(spaced) >= 2 and all(len(p.split()) <= _CHOICE_WORDS for p in spaced):
            return len(spaced) >= 3 or _all_choices(spaced, context)
        # "yes/no", "low/medium/high"; not "gradual/slower/segmented rolling deploys"
        return _all_choices(re.split(r"\s*/\s*", stripped), context)
    return False


def _all_choices(pieces: Sequence[str], context: Context) -> bool:
    return len(pieces) >= 2 and all(normalize(p) in context.words.choice_words for p in pieces)


def speaks_first(line: str) -> bool:
    """Whether a line opens with the author's "I" ("I ran the unit tests"), which normalize()
    would take for a roman numeral."""
    return _re("first_person").match(line) is not None


def is_instruction(line: str, context: Context) -> bool:
    """A line that tells the author what to write: "Describe the abort criteria", "Please
    list the dashboards", "Think about cache warm-up", "If this is a backport, please verify
    that:"."""
    words = normalize(line).split()
    if not words or speaks_first(line):
        return False  # "I think this could cause downtime": normalize() read "I" as a numeral
    if "please" in words[1:] and _re("please").search(line):
        return True  # "If this is a backport, please verify that:"
    if _re("request").search(line):
        return True  # "Veuillez aussi inclure ...", "変更内容を記載してください"
    if _tells_for_a_kind_of_change(line, context):
        return True
    start = context.words.prompt_lead_ins.skip(words)
    if start >= len(words):
        return False
    comma = line.find(",")
    if 0 < comma and not _verb_at(words, start, context):
        # "For example, consider ...", "Where possible, list ...": a short opening, then the verb
        opening = normalize(line[:comma]).split()
        if len(opening) <= _OPENING_WORDS and _verb_at(words, len(opening), context):
            after = words[len(opening) + 1 : len(opening) + 2]
            return not after or after[0] not in ("of", "is", "are", "was", "were")
    length = _verb_at(words, start, context)
    if not length:
        # a short instruction that ends in "here": "Add rollback steps here"
        return words[-1] == "here" and len(words) <= _HERE_WORDS and words[start] in _HERE_VERBS
    after = words[start + length : start + length + 1]
    # a one-word verb may be a noun: "List of changes", "Document is stored"
    return length > 1 or not after or after[0] not in ("of", "is", "are", "was", "were")


# what a template asks for a kind of change, besides the step and prompt verbs
_KIND_VERBS = frozenset([
    "check", "create", "test", "add", "update", "use", "make", "ensure", "leave", "delete", "remove",
    "attach", "include", "mark", "tag", "label", "ping", "request", "open", "file", "bump",
])


def _tells_for_a_kind_of_change(line: str, context: Context) -> bool:
    """"If this change updates the Argo UI, run all integration tests": what to do for a kind
    of change is a template's; a plan's condition names trouble ("If this change causes
    errors, revert it") and its way out."""
    found = _re("kind_of_change").search(line)
    if found is None:
        return False
    rollback = context.words.mention("rollback")
    trouble = rollback.when[-1] if rollback is not None and rollback.when else None
    if trouble is not None and trouble.longest(normalize(found.group("condition"))):
        return False  # "If this change causes errors, ..."
    then = found.group("then").lower().split()
    verb = then[0]
    return verb in ("please", "you") or verb in context.words.step_verbs or verb in _KIND_VERBS or bool(_verb_at(then, 0, context))


def _verb_at(words: list[str], index: int, context: Context) -> int:
    """The length of an instruction's verb at ``words[index]``: a prompt verb, or a goal verb
    ("Provide ...") where the line speaks of the text to write ("a summary", "here", "how")."""
    length = context.words.prompt_verbs.at(words, index)
    if length:
        return length
    length = context.words.goal_verbs.at(words, index)
    after = words[index + length : index + length + _OBJECT_WORDS]
    if length and (
        context.words.prompt_objects.longest(" ".join(after))
        or "you" in words[index + length :]
        or "your" in words[index + length :]
    ):
        return length  # "Provide a summary of ...", "Add a few sentences", "... mock you"
    return 0


def is_topics(line: str) -> bool:
    """A bare list of topics and no statement: "Downstream services, data, on-call."."""
    if line.count(",") < 2 or _re("digit").search(line) or "`" in line:
        return False
    pieces = [p.strip(" .;") for p in re.split(r",|\band\b|\bor\b", line.rstrip(". "))]
    pieces = [p for p in pieces if p]
    return len(pieces) >= 3 and all(len(p.split()) <= _TOPIC_WORDS for p in pieces)


_BARE_CHECKS = frozenset({"verify", "validate", "check", "test", "confirm", "ensure", "describe", "explain", "steps", "step"})


def is_tagged_statement(sentence: str) -> bool:
    """A statement with a short question tagged on after its last comma: "When I apply this
    I intend to ..., so ... - this means there will be a bit of downtime, is that a problem?"
    says the downtime. Not a question that opens as one ("Is it safe, or not?"), nor a
    condition still waiting for its clause ("If this needs downtime, is it planned?")."""
    head, comma, tag = sentence.rpartition(",")
    if not comma or len(tag.split()) > _TAG_WORDS or len(head.split()) < _STATEMENT_WORDS:
        return False
    return bool(_re("tag").match(tag)) and not (_re("asks").match(head) or _re("condition").match(head))


def is_stem(line: str, last: bool) -> bool:
    """A sentence stem left to finish: "The flag is turned off when ...". Ending on "when" or
    "by" is a stem only on the last line of its block (else it wraps onto the next)."""
    stripped = line.rstrip()
    if stripped.rstrip(".:").lower() in _BARE_CHECKS:
        return True  # "- Verify": the check is still to be named
    if stripped.endswith(("...", "…")):
        # "The flag is turned off when ...": a word that needs more after it, then the dots;
        # not "Usage will actually update ...", a clause trailing off
        body = stripped.rstrip(".… ")
        return bool(body) and (len(body.split()) < _STEM_WORDS or _re("stem_word").search(body) is not None)
    return last and len(stripped.split()) >= _STEM_WORDS and _re("stem_end").search(stripped) is not None


# --- one line --------------------------------------------------------------------------


def _answer_reason(text: str, linked: bool) -> str:
    if linked or ("://" in text and _re("url").search(text)):
        return LINK
    return STATEMENT


def _aside(text: str) -> str | None:
    """What a whole line in brackets holds ("(Describe the problem)."), or None."""
    if text[0] != "(":
        return None  # the cheap test first: this runs for every line
    closed = text.rstrip(".")
    return closed[1:-1].strip() if closed.endswith(")") else None


def read_line(
    text: str, context: Context, *, linked: bool = False, last: bool = True, value: bool = False
) -> tuple[Kind, str]:
    """(kind, reason) of one stripped line of prose (not code). ``linked``: its block holds
    a link; ``last``: it is the last line of its block; ``value``: it is what follows a
    field's label, where a list of names answers ("Affects: billing, search, exports")."""
    if template_key(text) in context.template_lines:
        return "prompt", TEMPLATE
    if is_placeholder(text, context):
        if context.prompts is None or is_placeholder(text, context, prompts=False):
            return "prompt", TODO if context.words.todo_words.starts(normalize(text).split()) else PLACEHOLDER
        return "prompt", RULESET_PROMPT
    if _is_trailer(text, context.words):
        return "prompt", TRAILER
    inner = _aside(text)
    if inner is not None:
        # a whole line in brackets is the template's aside: "(How are we going to solve
        # the problem? Try to include the user journey)", "(Describe the problem)"
        if "?" in inner:
            return "prompt", QUESTION
        if inner and "(" not in inner:
            kind, reason = read_sentences(inner, context, linked=linked, last=last)
            if kind == "prompt":
                return kind, reason
            words = normalize(inner).split()
            if _is_guidance(inner) or context.words.goal_verbs.starts(words) or context.words.prompt_verbs.starts(words):
                return "prompt", INSTRUCTION  # "(Define both the success metrics and ...)"
    if text[-1] in ")*_:." and _re("marked_field").search(text):
        return "prompt", BLANK_FIELD
    if text[-1].isdigit() and _re("numbered_stand_in").match(text):
        return "prompt", PLACEHOLDER
    if ".." in text and _re("quoted_dots").search(text):
        return "prompt", PLACEHOLDER  # "Go to '...'", "Click on '....'": the bug template's stand-ins
    if ("X" in text or "Y" in text or "Z" in text) and (
        _re("letter_stand_in").search(text) or _re("version_stand_in").search(text)
    ):
        return "prompt", PLACEHOLDER  # "Run Command X, Click Button Y", "release/X.0-staging"
    if ("A" in text or "B" in text or "C" in text) and _re("abc_stand_in").search(text):
        return "prompt", PLACEHOLDER  # "Open page A", "Do thing B", "Expect C to happen"
    if "," in text and _re("letter_list").search(text):
        return "prompt", PLACEHOLDER  # "Ensure that resources x, y and z were not changed"
    if "<" in text and _re("name").search(text):
        return "prompt", NAME_TO_FILL
    if _re("names_the_content").match(text) and len(text.split()) <= _NAMED_CONTENT_WORDS:
        return "prompt", EXAMPLE
    if ("[" in text or "<" in text) and _re("bracket_prompt").search(text):
        return "prompt", NAME_TO_FILL
    if "{" in text and _re("brace_name").search(_re("code_span").sub(" ", text) if "`" in text else text):
        return "prompt", NAME_TO_FILL
    if is_choice(text, context):
        return "prompt", ALTERNATIVES
    if text[0] == "[" and text[1:3] in (" ]", "x]", "X]"):  # a box outside a list: "[ ] I agree"
        return ("answer", TICKED) if text[1] != " " else ("prompt", UNTICKED)
    if _re("example_opening").match(text):
        return "prompt", EXAMPLE  # "E.g. a short series of steps on how to test ..."
    if _re("option_meaning").match(text):
        return "prompt", EXAMPLE  # "Low means a really minor change ..."
    if ":" in text:
        field = _re("field").match(text)
        if field and field.group("bare") is not None:
            # "Revert steps:", "If this work is behind a flipper:": a label or an opening for
            # what follows, which answers (or not) by itself
            return "prompt", BLANK_FIELD
        elif field and len(field.group("label").split()) <= _FIELD_LABEL_WORDS and "://" not in field.group("label"):
            filled = field.group("value").strip()
            kind, reason = read_line(filled, context, linked=linked, last=last, value=True)
            if kind == "prompt":
                if reason in (PLACEHOLDER, TODO):
                    return "prompt", BLANK_FIELD
                return kind, reason
            if reason == STATEMENT and (filled[:1].isdigit() or len(filled.split()) <= 3):
                return "answer", FILLED
            return kind, reason
    if is_instruction(text, context) and not (linked and normalize(text).startswith(("link", "see"))):
        return "prompt", INSTRUCTION  # not "Link to the runbook [here](...)": that link answers
    if context.words.template_markers.longest(normalize(text)):
        return "prompt", EXAMPLE
    if text[0] in "Hh*_" and _re("how_to").match(text):
        return "prompt", BLANK_FIELD
    asked = _re("trailing_etc").sub("", text).rstrip(":*_ ")  # "... any regression? etc": the list of questions goes on
    # a question left without its mark: "How do you test it", "And how do you fix that problem"
    if (asked.endswith("?") and not is_tagged_statement(asked)) or (text[0] in "WHwhAaBbSsOo" and _re("wh_question").match(text)):
        return "prompt", QUESTION
    if is_stem(text, last):
        return "prompt", STEM
    na = na_reason(text, context.words.na_words)
    if na is not None:
        if is_bare_na(text, context.words.na_words):
            return "prompt", BARE_NA
        if not context.allow_na:
            return "prompt", NA_REFUSED
        return "answer", REASONED_NA
    if len(text) <= _BARE_CHOICE_CHARS and normalize(text) in context.words.choice_words:
        return "prompt", BARE_CHOICE  # "Low", "Yes.": the level, not what makes it so
    if not value and is_topics(text):
        return "prompt", TOPICS
    return "answer", _answer_reason(text, linked)


def logical_lines(text: str, words: Vocabulary) -> list[tuple[int, str]]:
    """(offset of its first line, text) of each line of prose, a line wrapped onto the next
    (which goes on in lower case after no closing mark) joined to it."""
    found: list[tuple[int, str]] = []
    joinable = False
    for offset, raw in enumerate(text.split("\n")):
        stripped = raw.strip()
        if not stripped:
            joinable = False
            continue
        if joinable and found and (stripped[0].islower() or len(found[-1][1]) >= _WRAPPED) and not _is_trailer(stripped, words):
            found[-1] = (found[-1][0], f"{found[-1][1]} {stripped}")
            continue
        found.append((offset, stripped))
        joinable = (
            not stripped.endswith((".", ":", "!", "?", ")", "|"))
            and (":" not in stripped[:40] or len(stripped) > _FIELD_LINE)
            and not _is_trailer(stripped, words)
        )
    return found


def read_sentences(text: str, context: Context, *, linked: bool = False, last: bool = True) -> tuple[Kind, str]:
    """(kind, reason) of a line of prose that may hold several sentences: an answer when one
    of them is, unless the line opens with a choice left open (the rest is its guidance)."""
    if (". " not in text and "? " not in text and "! " not in text) or _aside(text) is not None:
        return read_line(text, context, linked=linked, last=last)  # one sentence, or an aside in brackets
    sentences = [p for p in _re("sentence").split(text) if p.strip()]
    if len(sentences) < 2 or template_key(text) in context.template_lines:
        return read_line(text, context, linked=linked, last=last)
    read = [
        read_line(sentence.strip(), context, linked=linked, last=last and number + 1 == len(sentences))
        for number, sentence in enumerate(sentences)
    ]
    if read[0][1] in (ALTERNATIVES, INSTRUCTION) or any(reason in (INSTRUCTION, EXAMPLE) for _, reason in read):
        # a line that tells the author what to write is the template's, whatever else it says
        return next((kind, reason) for kind, reason in read if kind == "prompt")
    opened_by_question = read[0][1] == QUESTION
    for sentence, (kind, reason) in zip(sentences, read):
        if kind != "answer":
            continue
        if opened_by_question and _is_guidance(sentence):
            continue  # the question's own guidance ("A good goal describes ...")
        return kind, reason
    if any(reason == ALTERNATIVES for _, reason in read):
        return "prompt", ALTERNATIVES  # "Safe to roll back? (Yes | No)"
    return next((kind, reason) for kind, reason in read if kind == "prompt")


def _is_guidance(sentence: str) -> bool:
    """A sentence that speaks to the author about what to write: "you", "your", "should",
    "for example"."""
    return _re("guidance").search(sentence) is not None


def _read_code(block: Block, context: Context) -> list[Line]:
    found = []
    for offset, raw in enumerate(block.text.split("\n")):
        text = raw.strip()
        if not text or not any(c.isalnum() for c in text):
            continue  # "}", "--", "$": punctuation of the code, neither answer nor prompt
        number = block.line + offset + 1  # the fence is the block's first line
        if template_key(text) in context.template_lines:
            found.append(Line(number, "prompt", TEMPLATE, text, block))
        elif ("<" in text and _re("name").search(text)) or "XXX" in text or ("[" in text and _re("bracket_name").search(text)):
            found.append(Line(number, "prompt", NAME_TO_FILL, text, block))
        elif is_placeholder(text, context):
            found.append(Line(number, "prompt", PLACEHOLDER, text, block))
        elif text[0] == "/" and _is_trailer(text, context.words):
            # a quick action in a fence: GitLab does not even run it, and it answers nothing
            found.append(Line(number, "prompt", TRAILER, text, block))
        else:
            found.append(Line(number, "answer", COMMAND, text, block))
    if any(line.reason == NAME_TO_FILL for line in found):
        # commands beside ones with names still to fill in are the template's example too
        # ("git clone [repo-address]", "cd [repo-name]", "dotnet restore")
        found = [line._replace(kind="prompt", reason=EXAMPLE_STEP) if line.kind == "answer" else line for line in found]
    return found


def _is_step(text: str, context: Context) -> bool:
    """An unticked box that is a step of the plan: it opens with a step verb, or holds a
    command or a link."""
    words = normalize(text).split()
    if words and words[0] in context.words.step_verbs:
        # not a noun: "Rollback is performed by ...", "Release of the new API"
        return len(words) < 2 or words[1] not in ("is", "are", "was", "were", "of", "requires", "will", "can")
    return "`" in text and _re("code_span").search(text) is not None


def _real_links(block: Block) -> tuple[str, ...]:
    """The links that point at something: not a site's bare address, the template's stand-in
    ("[Link to the MR](https://gitlab.com)"), nor a word standing in for one ("[xxx](url)")."""
    if not block.links:
        return ()
    return tuple(link for link in block.links if not _re("bare_host").match(link) and _re("address").search(link))


def _read_task(block: Block, context: Context, group: str) -> Line:
    text = " ".join(block.text.split())
    if not text:
        return Line(block.line, "prompt", EMPTY_ITEM, text, block)
    if block.checked and text in context.template_lines and ticked_key(text) not in context.template_lines:
        return Line(block.line, "answer", TICKED, text, block)  # the template's box, ticked by the author
    links = _real_links(block)
    kind, reason = read_line(text, context, linked=bool(links))
    if block.checked and reason not in (PLACEHOLDER, TODO, NAME_TO_FILL, TEMPLATE, RULESET_PROMPT):
        # the tick is the answer: "[x] I added a risk tag [risk=no|low|moderate|severe]"
        return Line(block.line, "answer", TICKED, text, block)
    if kind == "prompt" and reason not in (QUESTION, INSTRUCTION, STEM, BARE_CHOICE):
        return Line(block.line, kind, reason, text, block)
    if group == "chosen":
        return Line(block.line, "prompt", NOT_CHOSEN, text, block)
    if _is_step(text, context) or links:
        return Line(block.line, "answer", STEP, text, block)
    if context.template_lines and kind == "answer" and template_key(text) not in context.template_lines:
        # with the description's template known, a box it does not hold is the author's own:
        # a step of their plan still to do ("[ ] go to a-test-v4 on staging, check the hero")
        return Line(block.line, "answer", STEP, text, block)
    if group == "criteria" and kind == "answer" and not _ASSERTED.search(text) and not _WHOLLY_ASIDE.match(text):
        return Line(block.line, "answer", CRITERION, text, block)
    return Line(block.line, "prompt", NOTHING_CHOSEN if group == "options" else UNTICKED, text, block)


# a box whose words are all in parentheses is the template's note about the list: "- [ ] 🛑
# (drag items from above to this list to remove from requirements)"
_WHOLLY_ASIDE = re.compile(r"^\W*\([^()]*\)\W*$")


# a link in a line that asks, offers choices or tells the author what to write is the
# prompt's own ("test in [stage|qa] environment", "Did you read [the guide](...)?"): not an
# answer by itself, as a link beside a bare noun is ("[Grafana dashboard](...)")
_LINK_IS_THE_PROMPTS = frozenset({RULESET_PROMPT, TEMPLATE, INSTRUCTION, NAME_TO_FILL, ALTERNATIVES, QUESTION, TODO, STEM})


def read_block(block: Block, context: Context, group: str = "") -> list[Line]:
    """Every non-blank line of one block, read. ``group`` for a task: "chosen" when a box
    beside it is ticked, "options" when it stands among other unticked boxes."""
    kind = block.kind
    if kind == "comment":
        return [Line(block.line, "prompt", COMMENT, block.text.strip(), block)]
    if kind == "prompt":
        return [Line(block.line, "prompt", INSTRUCTION, block.text.strip(), block)]
    if kind == "code":
        return _read_code(block, context)
    if kind == "task":
        return [_read_task(block, context, group)]
    if kind == "item" and not block.text.strip():
        return [Line(block.line, "prompt", EMPTY_ITEM, "", block)]
    found: list[Line] = []
    links = _real_links(block)
    linked = bool(links)
    logical = logical_lines(block.text, context.words)
    for number, (offset, text) in enumerate(logical):
        line_kind, reason = read_sentences(text, context, linked=linked, last=number + 1 == len(logical))
        found.append(Line(block.line + offset, line_kind, reason, text, block))
    if linked and not any(line.kind == "answer" for line in found) and not any(
        line.reason in _LINK_IS_THE_PROMPTS for line in found
    ):
        # a link is an answer by itself: "Runbook: [here](https://runbooks.example.com/7)"
        found.append(Line(block.line, "answer", LINK, links[0], block))
    return found


def _task_groups(blocks: Sequence[Block]) -> list[str]:
    """For each block, its task group: "chosen", "options" or ""."""
    groups = [""] * len(blocks)
    index = 0
    while index < len(blocks):
        if blocks[index].kind != "task":
            index += 1
            continue
        end = index
        while end + 1 < len(blocks) and blocks[end + 1].kind == "task" and blocks[end + 1].line - blocks[end].line <= 2:
            end += 1
        run = blocks[index : end + 1]
        if any(b.checked for b in run):
            group = "chosen"
        else:
            group = "options" if len(run) > 1 else ""
        for at in range(index, end + 1):
            groups[at] = group
        index = end + 1
    return groups


# what the author says they did, a box of a pull request's checklist ("I added tests",
# "Documentation has been updated"), not a condition still to meet
_ASSERTED = re.compile(r"(?i)^\s*(?:i|we)\s+(?:\w+ed|have|'ve|did|made|wrote|ran|built)\b|\b(?:has|have)\s+been\b|\?\s*$")


def _criteria(blocks: Sequence[Block], groups: list[str], context: Context) -> list[str]:
    """Under a heading of criteria, a run of unticked boxes most of which state a condition
    ("- [ ] Final score >= 90 with no dimension below 80") is a list of conditions to meet."""
    index = 0
    while index < len(blocks):
        if groups[index] not in ("options", "") or blocks[index].kind != "task" or blocks[index].checked:
            index += 1
            continue
        end = index
        while end + 1 < len(blocks) and blocks[end + 1].kind == "task" and groups[end + 1] == groups[index] and not blocks[end + 1].checked:
            end += 1
        run = blocks[index : end + 1]
        stated = 0
        for block in run:
            text = " ".join(block.text.split())
            if text and not _ASSERTED.search(text) and read_line(text, context)[0] == "answer":
                stated += 1
        if stated * 3 >= len(run) * 2:
            groups[index : end + 1] = ["criteria"] * len(run)
        index = end + 1
    return groups


def read(blocks: Sequence[Block], context: Context) -> list[Line]:
    """Every line of these blocks, read, in order."""
    groups = _task_groups(blocks)
    if context.criteria:
        groups = _criteria(blocks, groups, context)
    found: list[Line] = []
    for block, group in zip(blocks, groups):
        found.extend(read_block(block, context, group))
    return _quoted_guidance(_template_guidance(_example_steps(_open_options(_levels_per_row(found)))))


def _levels_per_row(lines: list[Line]) -> list[Line]:
    """A table column of levels, one per row (| TypeScript | 5.9 | 6.0 | Medium |, | zod | 3
    | 4 | High |): each level is given for its row's thing, a filled value, not a choice left
    without a reason."""
    cells = [line for line in lines if line.block.kind == "cell"]
    if len(cells) < 2 or len(cells) != len(lines) or len({line.line for line in cells}) != len(cells):
        return lines
    return [line._replace(kind="answer", reason=FILLED) if line.reason == BARE_CHOICE else line for line in lines]


def _open_options(lines: list[Line]) -> list[Line]:
    """In a run of unticked boxes that are mostly short options with none chosen ("[ ] built",
    "[ ] covered by existing tests"), a box that opens with a step verb ("[ ] run locally
    and tested manually") is one more option, not a step still to do: a plan's steps are
    steps nearly all of them."""
    if not any(line.reason == NOTHING_CHOSEN for line in lines):
        return lines
    found = list(lines)
    for start, end in _runs(found, _unticked, lambda _, line: _unticked(line)):
        run = found[start : end + 1]
        steps = [line for line in run if line.reason == STEP]
        options = [line for line in run if line.reason == NOTHING_CHOSEN]
        if steps and len(options) > len(steps) and all(len(line.text.split()) <= _OPTION_WORDS for line in options):
            for at in range(start, end + 1):
                if found[at].reason == STEP:
                    found[at] = found[at]._replace(kind="prompt", reason=NOTHING_CHOSEN)
    return found


_SPEAKS_TO_THE_AUTHOR = re.compile(
    r"(?i)\b(?:you|your|you'll|you're|yours)\b"
    r"|\b(?:should|must|needs? to) be (?:added|provided|included|described|listed|mentioned|documented|specified|explained|attached|linked"
    r"|called out|considered|discussed|covered|noted)\W*$"
    r"|^\W*no need to\b"  # "No need to outline all of the test cases, just the general strategy"
    r"|\b(?:is|are) expected to (?:have|include|be covered)\b"  # "All code is expected to have adequate tests."
    # what a role is to do: "**Reviewers** ensure that these test requirements are also reviewed."
    r"|^\W*(?:the\s+)?(?:reviewers?|authors?|assignees?|maintainers?|submitters?)\W*\s+(?:should|must|shall|ensure|make sure|check|verify|need to|needs to)\b"
)
_TELLS = frozenset({INSTRUCTION, EXAMPLE, QUESTION, ALTERNATIVES})
_TELLING_LIST = 3  # instructions in a list that make its one statement the template's too


def _template_guidance(lines: list[Line]) -> list[Line]:
    """Where the template's instructions are still there, the lines among them that speak to
    the author ("you only need to support x.N->x.N+1 upgrades", "Any relevant details ...
    should be added.") are its guidance too."""
    tells = sum(1 for line in lines if line.reason in _TELLS)
    if not tells or tells * 2 < sum(1 for line in lines if line.kind == "answer"):
        return lines
    lines = [
        line._replace(kind="prompt", reason=GUIDANCE) if line.kind == "answer" and _SPEAKS_TO_THE_AUTHOR.search(line.text) else line
        for line in lines
    ]
    # one statement in a list of the template's instructions is one of them: "* How to test
    # this PR", "* Prefer bulleted description", "* Start after checking out this branch",
    # "* Include any setup required"
    for first, last in _runs(lines, lambda line: line.block.kind == "item", _same_list):
        run = lines[first : last + 1]
        if sum(line.kind == "answer" for line in run) == 1 and sum(line.reason in _TELLS for line in run) >= _TELLING_LIST:
            lines[first : last + 1] = [line._replace(kind="prompt", reason=GUIDANCE) if line.kind == "answer" else line for line in run]
    return lines


def _quoted_guidance(lines: list[Line]) -> list[Line]:
    """A template's guidance set in block quotes ("> _Please specify the commands to verify
    the changes._", then "> _Few examples_" and a list of them): once a quote in a section
    holds an instruction to the author, what that quote and the quotes after it say is the
    template's too. An author answers below the guidance, not inside a quote of it."""
    start = next((line.block.quote for line in lines if line.block.quote and line.reason == INSTRUCTION), 0)
    if not start:
        return lines
    return [
        line._replace(kind="prompt", reason=QUOTED_GUIDANCE) if line.kind == "answer" and line.block.quote >= start else line
        for line in lines
    ]


def _example_steps(lines: list[Line]) -> list[Line]:
    """A template's example steps: in a list where one item is a stand-in ("1. Check out
    this PR", "2. Run Command X, Click Button Y", "3. Profit"), the other items are the
    example's too, not steps of this change."""
    if not any(line.reason == PLACEHOLDER and line.block.kind in ("item", "task") for line in lines):
        return lines
    found = list(lines)
    for start, end in _runs(found, _is_item, _same_list):
        run = found[start : end + 1]
        if len({line.block for line in run}) >= _EXAMPLE_ITEMS and any(line.reason == PLACEHOLDER for line in run):
            for at in range(start, end + 1):
                line = found[at]
                if line.kind == "answer" and line.reason in (STATEMENT, LINK, CRITERION):
                    found[at] = line._replace(kind="prompt", reason=EXAMPLE_STEP)
    return found


def _unticked(line: Line) -> bool:
    return line.block.kind == "task" and not line.block.checked


def _is_item(line: Line) -> bool:
    """An item of a list; an unticked box too ("- [ ] _The first thing this PR must achieve_",
    "- [ ] _etc_"): a ticked one is the author's answer."""
    return line.block.kind == "item" or _unticked(line)


def _same_list(first: Line, line: Line) -> bool:
    if _unticked(first):
        return _unticked(line)
    return line.block.kind == "item" and line.block.ordered == first.block.ordered


def _runs(lines: Sequence[Line], opens: Callable[[Line], bool], carries: Callable[[Line, Line], bool]) -> Iterator[tuple[int, int]]:
    """(first, last) index of each run of lines that ``opens`` starts and ``carries`` (given
    the run's first line) goes on with, at most a blank line apart: one list, read as a whole."""
    start = 0
    while start < len(lines):
        if not opens(lines[start]):
            start += 1
            continue
        end = start
        while end + 1 < len(lines) and carries(lines[start], lines[end + 1]) and lines[end + 1].line - lines[end].line <= 2:
            end += 1
        yield start, end
        start = end + 1


def answers(lines: Sequence[Line]) -> list[tuple[Block, list[str]]]:
    """The answers, block by block, as the content checks take them; unticked boxes come
    too, with no lines, for ``all_boxes_ticked``. Empty when no line is an answer."""
    found: list[tuple[Block, list[str]]] = []
    any_answer = False
    for line in lines:
        if line.kind == "answer":
            any_answer = True
        elif not (line.block.kind == "task" and line.reason in _UNTICKED_REASONS):
            continue
        if found and found[-1][0] is line.block:
            if line.kind == "answer":
                found[-1][1].append(line.text)
        else:
            found.append((line.block, [line.text] if line.kind == "answer" else []))
    return found if any_answer else []


_UNTICKED_REASONS = frozenset({NOTHING_CHOSEN, NOT_CHOSEN, UNTICKED})
