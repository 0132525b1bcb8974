"""Our Document against the block structure of the CommonMark spec's examples.

The spec (tests/commonmark/, 0.31.2) gives for each example the HTML a conforming parser
renders. From that HTML we read the block structure (headings, paragraphs, list items, block
quotes, code blocks) and check that the Document we build from the same Markdown agrees:
the same headings, at their levels, each on the line where it is written; the same
paragraphs, items, quoted paragraphs and code, in order. This is what GitHub and GitLab
render, so a plan is read as its author sees it on the platform.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import pytest

from enforcer import markdown
from enforcer.model import Document

SPEC = Path(__file__).resolve().parent.parent / "commonmark" / "spec.json"
EXAMPLES = json.loads(SPEC.read_text(encoding="utf-8"))

BLOCK_SECTIONS = (
    "Tabs",
    "Thematic breaks",
    "ATX headings",
    "Setext headings",
    "Indented code blocks",
    "Fenced code blocks",
    "HTML blocks",
    "Paragraphs",
    "Blank lines",
    "Block quotes",
    "List items",
    "Lists",
)


# --- the spec's HTML, read back into blocks -----------------------------------------------


class Element(NamedTuple):
    tag: str
    children: list[Element | str]
    attrs: dict[str, str]


class _Tree(HTMLParser):
    VOID = frozenset(["br", "hr", "img", "input"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", [], {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, [], {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def tree(html: str) -> Element:
    parser = _Tree()
    parser.feed(html)
    parser.close()
    return parser.root


def text_of(node: Element | str) -> str:
    if isinstance(node, str):
        return node
    if node.tag == "img":
        return node.attrs.get("alt", "")
    if node.tag == "br":
        return "\n"
    return "".join(text_of(child) for child in node.children)


def squash(text: str) -> str:
    return " ".join(text.split())


def walk(node: Element, inside: tuple[str, ...] = ()) -> list[tuple[Element, tuple[str, ...]]]:
    """Every element in reading order, with the tags of the elements around it."""
    found: list[tuple[Element, tuple[str, ...]]] = []
    for child in node.children:
        if isinstance(child, Element):
            found.append((child, inside))
            found.extend(walk(child, (*inside, child.tag)))
    return found


class Structure(NamedTuple):
    headings: list[tuple[int, str]]  # (level, text) outside lists and quotes
    code: list[str]  # every code block's text
    paragraphs: list[str]  # outside lists and quotes, and an item's later paragraphs
    quoted: list[str]  # paragraphs and headings whose nearest list or quote is a quote
    items: list[str]  # every list item's own text: up to its first block but a paragraph


def _own_text(item: Element) -> tuple[str, Element | None]:
    """A list item's text, and the paragraph that holds it (a loose item's first)."""
    own: list[str] = []
    for child in item.children:
        if isinstance(child, str):
            own.append(child)
        elif child.tag == "p":
            if "".join(own).strip():
                break
            return squash(text_of(child)), child
        elif child.tag in ("ul", "ol", "pre", "blockquote", "hr") or re.fullmatch(r"h[1-6]", child.tag):
            break
        else:
            own.append(text_of(child))
    return squash("".join(own)), None


def spec_structure(html: str) -> Structure:
    found = Structure([], [], [], [], [])
    item_texts: set[int] = set()  # the paragraphs that are an item's own text
    for element, inside in walk(tree(html)):
        nearest = next((tag for tag in reversed(inside) if tag in ("li", "blockquote")), None)
        heading = re.fullmatch(r"h[1-6]", element.tag)
        if heading and nearest is None:
            found.headings.append((int(element.tag[1]), squash(text_of(element))))
        elif heading and nearest == "li":  # a heading inside a list item is text
            found.items.append(squash(text_of(element)))
        elif element.tag == "pre":
            found.code.append(text_of(element))
        elif element.tag == "li":
            text, paragraph = _own_text(element)
            found.items.append(text)
            if paragraph is not None:
                item_texts.add(id(paragraph))
            # text of a tight item after one of its blocks ("- Bar\n  ---\n  baz"): a paragraph
            after = False
            for child in element.children:
                if isinstance(child, Element) and child.tag not in ("em", "strong", "code", "a", "img"):
                    after = True
                elif isinstance(child, str) and after and child.strip():
                    found.paragraphs.append(squash(child))
        elif (element.tag == "p" or heading) and nearest == "blockquote":
            found.quoted.append(squash(text_of(element)))
        elif element.tag == "p" and id(element) not in item_texts:
            found.paragraphs.append(squash(text_of(element)))
    # the Document keeps no block of white space
    return Structure(*([x for x in part if not isinstance(x, str) or x.strip()] for part in found))


def document_structure(document: Document) -> Structure:
    real = [s for s in document.sections[1:] if s.style in ("atx", "setext")]
    # an item that only heads the list below it ("- Rollback" then "  - turn it off")
    # opens a section named after it
    heads = [(s.line, s.title) for s in document.sections if s.level >= markdown.ITEM_LEVEL]
    blocks = sorted((b for s in document.sections for b in s.blocks), key=lambda b: b.line)
    items = sorted(heads + [(b.line, squash(b.text)) for b in blocks if b.kind in ("item", "task")])
    return Structure(
        headings=[(s.level, s.title) for s in real],
        code=[b.text.expandtabs(4) for b in blocks if b.kind == "code"],
        paragraphs=[squash(b.text) for b in blocks if b.kind == "paragraph"],
        quoted=[squash(b.text) for b in blocks if b.kind == "quote"],
        items=[text for _, text in items],
    )


# --- which examples, and where we read more than the spec -----------------------------------

# Examples whose Document differs from the spec's HTML on purpose; each one says why.
DIFFERENT = {
    148: "a <pre> written in raw HTML is an HTML block, read as text, not as a code block",
    169: "a <pre> written in raw HTML is an HTML block, read as text, not as a code block",
}


def examples() -> list[dict[str, object]]:
    return [e for e in EXAMPLES if e["section"] in BLOCK_SECTIONS]


def test_the_spec_is_whole() -> None:
    assert len(EXAMPLES) == 652
    assert len(examples()) == sum(1 for e in EXAMPLES if e["section"] in BLOCK_SECTIONS) > 250


@pytest.mark.parametrize("example", examples(), ids=lambda e: f"{e['example']}-{e['section']}")
def test_block_structure_as_the_spec_renders_it(example: dict[str, str]) -> None:
    number = int(example["example"])
    if number in DIFFERENT:
        pytest.skip(DIFFERENT[number])
    expected = spec_structure(example["html"])
    expected = expected._replace(code=[code.expandtabs(4) for code in expected.code])  # tabs: 4 spaces
    got = document_structure(markdown.parse(example["markdown"]))
    assert got.headings == expected.headings
    assert got.code == expected.code
    assert got.quoted == expected.quoted
    assert got.items == expected.items
    assert got.paragraphs == expected.paragraphs


@pytest.mark.parametrize("example", examples(), ids=lambda e: f"{e['example']}-{e['section']}")
def test_every_heading_keeps_the_line_it_is_written_on(example: dict[str, str]) -> None:
    source = markdown.normalize(example["markdown"]).split("\n")
    document = markdown.parse(example["markdown"])
    for section in document.sections[1:]:
        if section.style not in ("atx", "setext") or not section.title:
            continue
        line = source[section.line - 1]
        word = re.search(r"[^\W_]+", section.title)
        assert word is not None and word.group(0) in line, (section, line)
        if section.style == "setext":  # the underline follows the heading's last line
            below = [s for s in source[section.line :] if re.fullmatch(r" {0,3}(=+|-+)\s*", s)]
            assert below, section
        else:
            assert re.match(r" {0,3}#{1,6}(\s|$)", line) or re.search(r"<h[1-6]", line, re.IGNORECASE), line


@pytest.mark.parametrize("example", examples(), ids=lambda e: f"{e['example']}-{e['section']}")
def test_every_block_keeps_the_line_it_starts_on(example: dict[str, str]) -> None:
    # a paragraph, item or quoted paragraph: the first word of its first line stands on the
    # line the block gives (inline markup aside)
    source = markdown.normalize(example["markdown"]).split("\n")
    document = markdown.parse(example["markdown"])
    for section in document.sections:
        for block in section.blocks:
            if block.kind not in ("paragraph", "item", "task", "quote"):
                continue
            word = re.search(r"[^\W_]+", block.text.split("\n", 1)[0])
            line = source[block.line - 1]
            if word is None or line.lstrip().startswith("`"):  # a code span may start on it
                continue
            assert word.group(0) in line, (block, source)
