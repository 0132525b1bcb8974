"""The data that flows through rollout-enforcer: one-way, immutable, no I/O.

platform -> text -> Document -> Report -> renderers -> platform

Value types are ``NamedTuple``s rather than frozen dataclasses: they are as immutable, and a
check makes tens of thousands of them on a large description while a frozen dataclass costs
about 0.5 ms to define and one ``object.__setattr__`` per field to build; at start-up that
was a tenth of a whole ``enforce check``. Copy with ``_replace``.

No ``from __future__ import annotations`` here: NamedTuple would turn every string annotation
into a ForwardRef, compiling each, which doubles the time to define these classes.
"""

from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]
Status = Literal["ok", "missing", "empty", "placeholder", "insufficient"]
Verdict = Literal["passed", "failed", "exempt"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning")


# --- the parsed description -------------------------------------------------------------


class Block(NamedTuple):
    """One piece of content: a paragraph, a list item, a code block, a table cell ...

    ``text`` is plain text: inline markup removed, HTML comments gone, links kept as their
    label with the target in ``links``. ``template`` is set by the parser's caller when the
    block was copied unchanged from a description template.
    """

    # "prompt": a line wholly in italics that tells the author what to write (a template's)
    kind: Literal["paragraph", "item", "task", "code", "quote", "cell", "html", "comment", "prompt"]
    text: str
    line: int
    checked: bool | None = None  # task list items only
    links: tuple[str, ...] = ()
    ordered: bool = False  # item of an ordered list
    quote: int = 0  # the first line of the block quote it sits in; 0 outside any quote


class Section(NamedTuple):
    """A heading (or something used as one) and the blocks directly under it.

    ``level`` 1-6 for ATX and setext headings; bold pseudo-headings, ``<details>``
    summaries and ``Label: value`` fields sit below every real heading (7 and 8).
    ``children`` are indexes into ``Document.sections``.
    """

    title: str
    level: int
    line: int
    style: Literal["atx", "setext", "bold", "details", "field", "root"]
    blocks: tuple[Block, ...] = ()
    children: tuple[int, ...] = ()
    parent: int | None = None


class Cell(NamedTuple):
    text: str
    line: int
    blocks: tuple[Block, ...] = ()


class Table(NamedTuple):
    line: int
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    section: int  # index of the section holding the table


class Document(NamedTuple):
    """A description, read. ``sections[0]`` is the root: text before the first heading."""

    sections: tuple[Section, ...]
    tables: tuple[Table, ...] = ()

    def content(self, index: int) -> tuple[Block, ...]:
        """Every block of a section and of the sections below it, in reading order."""
        blocks: list[Block] = []
        stack = [index]
        while stack:
            section = self.sections[stack.pop()]
            blocks.extend(section.blocks)
            stack.extend(reversed(section.children))
        return tuple(sorted(blocks, key=lambda block: block.line))

    def ancestors(self, index: int) -> tuple[int, ...]:
        found: list[int] = []
        parent = self.sections[index].parent
        while parent is not None:
            found.append(parent)
            parent = self.sections[parent].parent
        return tuple(found)


def shown_heading(alias: str) -> str:
    """A heading alias as a reader sees it: "=tests" -> "tests", "?revert" -> "revert (in a
    question)", "^check that" -> "check that ... (opening the title)"."""
    if alias.startswith("?"):
        return f"{alias[1:]} (in a question)"
    if alias.startswith("^"):
        return f"{alias[1:]} ... (opening the title)"
    return alias.lstrip("=")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- the rules --------------------------------------------------------------------------


class ContentRules(NamedTuple):
    """Options of the content checks a requirement runs on its section (see ``checks/``)."""

    min_words: int = 1
    require_link: bool = False
    link_hosts: tuple[str, ...] = ()
    require_list: bool = False
    all_boxes_ticked: bool = False
    allow_na: bool = True
    forbid: tuple[str, ...] = ()


class TableCell(NamedTuple):
    """Where a requirement lives in a table: the row (workstream) and column (phase)."""

    row: tuple[str, ...]
    column: tuple[str, ...]


class Requirement(NamedTuple):
    id: str
    title: str
    severity: Severity
    headings: tuple[str, ...]
    hint: str = ""
    content: ContentRules = ContentRules()
    prompts: tuple[str, ...] = ()  # template text that is not content
    table: TableCell | None = None

    @property
    def suggested_heading(self) -> str:
        """The heading we suggest to add: the first accepted one, capitalised."""
        return _capitalised(next((h.lstrip("=") for h in self.headings if h.strip("=") and not h.startswith(("?", "^"))), self.title))


class Labels(NamedTuple):
    complete: str = "rollout-plan::complete"
    incomplete: str = "rollout-plan::incomplete"
    missing: str = "rollout-plan::missing"

    def family(self) -> tuple[str, ...]:
        return (self.complete, self.incomplete, self.missing)


class AppliesWhen(NamedTuple):
    """A plan is required only when one of these matches (both empty: always)."""

    labels: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()

    @property
    def always(self) -> bool:
        return not self.labels and not self.paths


class Config(NamedTuple):
    ruleset: str
    requirements: tuple[Requirement, ...]
    plan_headings: tuple[str, ...] = ()
    require_plan_heading: bool = False
    labels: Labels = Labels()
    exempt_label: str = "rollout-plan::not-needed"
    applies_when: AppliesWhen = AppliesWhen()
    templates: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()  # extra placeholder phrases, on top of the built-in
    publish_on_drafts: bool = False  # comment and label draft merge requests too
    # changes to rules/vocabulary.yml: (key, added, removed), in order (enforcer.vocabulary)
    vocabulary: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    # a sentence may count by the words it shares with the corpus's (enforcer/learned.py)
    learned: bool = True

    @property
    def plan_heading(self) -> str:
        """The heading we suggest for the whole plan."""
        return _capitalised(next((h.lstrip("=") for h in self.plan_headings), "Rollout plan"))


# --- the verdict ------------------------------------------------------------------------


class Finding(NamedTuple):
    rule: str
    requirement: str | None
    severity: Severity
    message: str
    line: int | None = None


class Evidence(NamedTuple):
    """One line of the section that answered a requirement, read (enforcer/lines.py)."""

    line: int
    kind: Literal["answer", "prompt"]
    reason: str
    text: str = ""


class RequirementResult(NamedTuple):
    id: str
    title: str
    severity: Severity
    status: Status
    heading: str | None = None
    line: int | None = None
    hint: str = ""
    suggested_heading: str = ""
    # how the section was found: "heading", "field", "title line", "table cell", "sentence"
    # (a part written inside another section), "template"; None when nothing was found
    matched: str | None = None
    evidence: tuple[Evidence, ...] = ()


class Report(NamedTuple):
    target: str
    ruleset: str
    status: Verdict
    requirements: tuple[RequirementResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    source: str | None = None  # where the plan was found, when not in the target itself
    notes: tuple[str, ...] = ()  # why a plan is exempt or not required, and other remarks
    rerun_url: str | None = None  # where the author re-runs the check after editing
    # for the headings to paste: their level, and the plan heading to add above them, if any
    heading_level: int = 2
    plan_heading: str | None = None
    templates: tuple[str, ...] = ()  # the description templates whose text was not content

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def plan_found(self) -> bool:
        """Whether any error requirement was found at all (else the label is ``missing``)."""
        return any(r.status != "missing" for r in self.requirements if r.severity == "error")
