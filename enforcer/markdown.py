"""Text -> Document. The only module that imports the Markdown parser (pyromark).

Real descriptions are messy, so besides ATX and setext headings this reads as section titles:
bold pseudo-headings (``**Rollback plan:** ...`` or a line holding only ``**Rollback**``),
``Label: value`` field lines, and ``<details><summary>Rollback</summary> ... </details>``.
HTML comments are dropped wherever they are; code is content but never holds headings;
tables are kept cell by cell.
"""

from __future__ import annotations

import gc
import re
from typing import Any

import pyromark

from enforcer.model import Block, Cell, Document, Section, Table

BOLD_LEVEL = 8
DETAILS_LEVEL = 7
FIELD_LEVEL = 9
ITEM_LEVEL = 10  # "- **Rollback:** ..." in a list: a section as deep as the item, plus nesting

# Patterns kept as text are for input that not every description has (front matter, HTML):
# re compiles them on first use and keeps them.
_FRONT_MATTER = r"\A(?:---|\+\+\+)[ \t]*\n(?:.*\n){0,200}?(?:---|\.\.\.|\+\+\+)[ \t]*(?:\n|\Z)"
_COMMENT = r"(?s)<!--.*?(?:-->|\Z)"
_HTML_PIECE = (
    r"(?si)<!--.*?(?:-->|\Z)"
    r"|<details\b[^>]*>"
    r"|</details\s*>"
    r"|<summary\b[^>]*>(?P<summary>.*?)</summary\s*>"
    r"|<h(?P<level>[1-6])\b[^>]*>(?P<heading>.*?)</h[1-6]\s*>"
    r"|<(?:br|/p|/li|/div|/tr|/td|/th)\b[^>]*>"
)
_TAG = r"</?[A-Za-z][^>]*>"
_TAG_PARTS = r"(?s)</?([A-Za-z][\w-]*)(.*?)/?>\Z"
_ATTRIBUTE = r"""[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)"""
# Elements people write in descriptions. Anything else in angle brackets is text: usually a
# placeholder such as <describe the rollback> or <link to dashboard>, which must stay visible.
_HTML_ELEMENTS = frozenset(
    ["a", "abbr", "b", "big", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark", "nobr", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "source", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "video", "wbr"]
)
_BOOLEAN_ATTRIBUTES = frozenset(["open", "checked", "disabled", "hidden", "controls", "muted", "autoplay", "loop"])
# A label: words, after an emoji or a number perhaps ("🔙 Rollback", "1. Rollback")
_LABEL = r"(?:[^\w\s]+\s*|\d+[.)]\s*)?[^\W\d_][\w &/()'?,.-]{0,60}"
_SHORTCODES = re.compile(r"(?:^|(?<=\s)):[a-z][a-z0-9_+-]*:(?=\s|$)")
_FIELD = re.compile(r"^(?P<label>(?:[^\w\s]+\s*|\d+[.)]\s*)?[^\W\d_][\w &/()'?,.-]{0,60}?)\s*:\s*(?P<value>.*)$")
_FIELD_MAX_WORDS = 6
_INSIDE_A_TOKEN = re.compile(r"(?<=[a-z0-9_-]):[a-z0-9_-]")  # a colon with a word on each side, no space
_HEADING_ANSWER_WORDS = 3  # "## Phase 2: Rollback" names a part; three words start an answer
# "TODO: write the rollback" is a placeholder line, not a field named TODO.
_NOT_FIELDS = frozenset(["todo", "tbd", "tba", "tbc", "fixme", "xxx", "wip"])


# --- the parse ----------------------------------------------------------------------------
# pulldown-cmark (through pyromark) gives a stream of events, each with the byte range of
# the source it comes from. We fold the stream into a tree of plain dicts that the walk
# below reads ({"type": ..., "children": [...], "raw": ..., "attrs": {...}, "_line": n}),
# each block stamped with the line it starts on, straight from its range.

FLAGS: Any = int(
    pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_TASKLISTS | pyromark.Options.ENABLE_STRIKETHROUGH
)

# a Start event's tag (a plain name, or a one-key dict's key) -> our node type
_NODE_TYPES = {
    "Paragraph": "paragraph",
    "Heading": "heading",
    "BlockQuote": "block_quote",
    "CodeBlock": "block_code",
    "HtmlBlock": "block_html",
    "List": "list",
    "Item": "list_item",
    "Table": "table",
    "TableHead": "table_head",
    "TableRow": "table_row",
    "TableCell": "table_cell",
    "Emphasis": "emphasis",
    "Strong": "strong",
    "Strikethrough": "strikethrough",
    "Link": "link",
    "Image": "image",
}
_INLINE_STARTS = frozenset(["emphasis", "strong", "strikethrough", "link", "image"])
_ITEMS = frozenset(["list_item", "task_list_item"])
_RAW_BLOCKS = frozenset(["block_code", "block_html"])


def _events(source: str) -> Any:
    """pyromark's events with their byte ranges, adjacent text merged where the installed
    pyromark can (0.10 and later; 0.9, the last for Python 3.10, cannot: _tokens joins it)."""
    try:
        return pyromark.events_with_range(source, options=FLAGS, merge_text=True)
    except TypeError:
        return pyromark.events_with_range(source, options=FLAGS)


Tokens = list[dict[str, Any]]  # named here: inside _Builder, "list" is one of its methods


def _tokens(source: str) -> Tokens:
    """The block tree of ``source`` (CommonMark with GFM tables, task lists, strikethrough)."""
    data = source.encode("utf-8")
    count = data.count
    # Block starts come in source order, so each line is counted on from the previous one;
    # an earlier position (none seen, but cheap to allow) is counted from the start.
    last_pos = 0
    last_line = 1
    root: dict[str, Any] = {"type": "root", "children": []}
    stack: list[dict[str, Any]] = [root]
    push, pop = stack.append, stack.pop
    top = root
    siblings: list[dict[str, Any]] = root["children"]
    in_item = False  # ``top`` is a list item: its text (a tight item's) goes in a block_text
    # A paragraph or item just started is not put in the tree yet: most hold one text and end,
    # and then it goes in whole, with its text and no children. Anything else puts it in the
    # tree as usual, with the text it has so far kept aside, before that event is read.
    pending: str | None = None
    pending_line = 0
    pending_text: str | None = None
    # Likewise emphasis, strong or strikethrough just started, held out of the stack: most
    # hold one text and end (a megabyte of "*_" is a third of a million of them).
    held: dict[str, Any] | None = None
    node: dict[str, Any]
    for event, span in _events(source):
        if held is not None:
            if type(event) is not str:
                if "Text" in event and not held["children"]:
                    held["children"].append({"type": "text", "raw": event["Text"]})
                    continue
                if "End" in event:
                    siblings.append(held)
                    held = None
                    continue
            siblings.append(held)
            push(held)
            top = held
            siblings = held["children"]
            held = None
        if pending is not None:
            if type(event) is not str:
                if "Text" in event:
                    if pending_text is not None:
                        pending_text += event["Text"]  # pieces of one text (pyromark 0.9)
                        continue
                    # an item's text only when it is on the item's line, the line the walk gives it
                    if pending == "paragraph" or count(b"\n", last_pos, span["start"]) == 0:
                        pending_text = event["Text"]
                        continue
                elif "End" in event:
                    node = {"type": pending, "children": (), "_line": pending_line}
                    if pending_text is not None:
                        node["text"] = pending_text
                    siblings.append(node)
                    pending = None
                    continue
            node = {"type": pending, "children": [], "_line": pending_line}
            if pending_text is not None:
                node["text"] = pending_text
            siblings.append(node)
            push(node)
            top = node
            siblings = node["children"]
            in_item = pending == "list_item"
            pending = None
        # the commonest events first: text, then ends, then starts
        if type(event) is str:  # SoftBreak, HardBreak, Rule
            if event == "Rule":
                if "implicit" in top:
                    pop()
                    top = stack[-1]
                    siblings = top["children"]
                    in_item = top["type"] in _ITEMS
                elif in_item and "text" in top:
                    siblings.append(_item_text(top))
                continue
            start = span["start"]
            last_line = last_line + count(b"\n", last_pos, start) if start >= last_pos else count(b"\n", 0, start) + 1
            last_pos = start
            node = {"type": "softbreak" if event == "SoftBreak" else "linebreak", "_line": last_line}
        elif "Text" in event:
            value = event["Text"]
            if top["type"] == "block_code":
                top["raw"] += value
                continue
            if "text" in top:
                top["text"] += value  # pieces of one text (pyromark 0.9)
                continue
            if not siblings:
                # A paragraph's or a tight item's text is kept aside as a plain string until
                # something else comes: most are that one text, and a dict for each of a
                # quarter of a million items costs memory and time. (An item's only when it
                # is on the item's line, the line the walk gives it.)
                if top["type"] == "paragraph" or (in_item and count(b"\n", last_pos, span["start"]) == 0):
                    top["text"] = value
                    continue
            elif siblings[-1]["type"] == "text" and not in_item:
                siblings[-1]["raw"] += value  # pieces of one text (pyromark 0.9)
                continue
            node = {"type": "text", "raw": value}
        elif "End" in event:
            if "implicit" in top:
                pop()
            if stack[-1]["type"] == "table_body":  # only the table's end comes here
                pop()
            pop()
            top = stack[-1]
            siblings = top["children"]
            in_item = top["type"] in _ITEMS
            continue
        elif "Start" in event:
            value = event["Start"]
            if type(value) is str:
                tag = value
                kind = _NODE_TYPES.get(tag) or tag.lower()
            else:
                tag = next(iter(value))
                kind = _NODE_TYPES.get(tag) or tag.lower()
            if kind in _INLINE_STARTS:
                node = {"type": kind, "children": []}
                if kind == "link" or kind == "image":
                    node["attrs"] = {"url": value[tag]["dest_url"]}
                # falls through to the end: in a tight item, it opens the item's text
            else:
                if "implicit" in top:  # a block inside a tight item ends the item's text
                    pop()
                    top = stack[-1]
                    siblings = top["children"]
                elif in_item and "text" in top:
                    siblings.append(_item_text(top))
                start = span["start"]
                last_line = last_line + count(b"\n", last_pos, start) if start >= last_pos else count(b"\n", 0, start) + 1
                last_pos = start
                if kind == "paragraph" or kind == "list_item":
                    pending, pending_line, pending_text = kind, last_line, None
                    continue
                node = {"type": kind, "children": [], "_line": last_line}
                if kind == "heading":
                    end = span["end"]
                    setext = data.find(b"\n", start, end) not in (-1, end - 1)
                    node["attrs"] = {"level": int(value[tag]["level"][1:])}
                    node["style"] = "setext" if setext else "atx"
                elif kind == "list":
                    node["attrs"] = {"ordered": value[tag] is not None}
                elif kind in _RAW_BLOCKS:
                    node["raw"] = ""
                elif kind == "table_row" and top["type"] == "table":
                    body: dict[str, Any] = {"type": "table_body", "children": [], "_line": last_line}
                    siblings.append(body)
                    push(body)
                    siblings = body["children"]
                siblings.append(node)
                push(node)
                top = node
                siblings = node["children"]
                in_item = kind in _ITEMS
                continue
        elif "Html" in event:
            top["raw"] += event["Html"]
            continue
        elif "TaskListMarker" in event:  # in a loose list, inside the item's first paragraph
            item = top if top["type"] in _ITEMS else stack[-2]
            item["type"] = "task_list_item"
            item["attrs"] = {"checked": event["TaskListMarker"]}
            continue
        elif "Code" in event:
            node = {"type": "codespan", "raw": event["Code"]}
        elif "InlineHtml" in event:
            node = {"type": "inline_html", "raw": event["InlineHtml"]}
        else:  # footnote references, math: not enabled; kept as their text
            value = next(iter(event.values()))
            node = {"type": "text", "raw": value if type(value) is str else ""}
        if "text" in top:  # the text kept aside was not all: it goes before this node
            if in_item:
                text = _item_text(top)
                siblings.append(text)
                push(text)
                top = text
                siblings = text["children"]
                in_item = False
            else:
                siblings.append({"type": "text", "raw": top.pop("text")})
        elif in_item:  # a tight item's text starts: it goes in a block_text, as in a paragraph
            start = span["start"]
            line = last_line + count(b"\n", last_pos, start) if start >= last_pos else count(b"\n", 0, start) + 1
            text = {"type": "block_text", "children": [], "implicit": True, "_line": line}
            siblings.append(text)
            push(text)
            top = text
            siblings = text["children"]
            in_item = False
        if "children" in node:  # an inline start: its text follows
            if node["type"] in _MARKUP:
                held = node
                continue
            siblings.append(node)
            push(node)
            top = node
            siblings = node["children"]
            continue
        siblings.append(node)
    return root["children"]  # type: ignore[no-any-return]


def _item_text(item: dict[str, Any]) -> dict[str, Any]:
    """The block_text holding the text a tight item kept aside (on the item's line)."""
    text = {"type": "text", "raw": item.pop("text")}
    return {"type": "block_text", "children": [text], "implicit": True, "_line": item["_line"]}


def _expand(token: dict[str, Any]) -> None:
    """A paragraph or item whose only text was kept aside (``_tokens``), in its full shape."""
    text = token.pop("text", None)
    if text is not None:
        node = {"type": "text", "raw": text}
        if token["type"] in _ITEMS:
            node = {"type": "block_text", "children": [node], "_line": token["_line"]}
        token["children"] = [node, *token["children"]]


# --- text ---------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Line endings to LF, tabs to spaces, NULs out, front matter blanked (lines kept)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        text = text.expandtabs(4)
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    match = re.match(_FRONT_MATTER, text) if text.startswith(("---", "+++")) else None
    if match and _is_front_matter(match.group(0)):
        text = "\n" * match.group(0).count("\n") + text[match.end() :]
    return text


_YAML_LINE = r"[\w\"'.-][^:]*:(?:\s|$)|\s+\S|-(?:\s|$)|#"
_YAML_KEY = r"[\w\"'.-][^:]*:(?:\s|$)"
_TOML_LINE = r"[\w\"'.-]+\s*=|\[|\s+\S|#|\]"


def _is_front_matter(block: str) -> bool:
    """Whether a block between ``---`` (or ``+++``) lines reads as YAML (or TOML) front
    matter, and not as Markdown between two thematic breaks."""
    lines = [line for line in block.rstrip("\n").split("\n")[1:-1] if line.strip()]  # no fences
    if block.startswith("+++"):
        return all(re.match(_TOML_LINE, line) for line in lines)
    return any(re.match(_YAML_KEY, line) for line in lines) and all(re.match(_YAML_LINE, line) for line in lines)


_MARKUP = frozenset(["emphasis", "strong", "strikethrough"])


def _struck_whole(children: list[dict[str, Any]]) -> bool:
    """Whether a line's text is all struck through (GFM ``~~...~~``), blanks aside."""
    seen = False
    for token in children:
        if token["type"] == "strikethrough":
            seen = True
        elif not (token["type"] == "text" and not token.get("raw", "").strip()):
            return False
    return seen


def _inline_text(children: list[dict[str, Any]], links: list[str]) -> str:
    if len(children) == 1 and children[0]["type"] == "text":  # most cells and list items
        return children[0]["raw"]  # type: ignore[no-any-return]
    parts: list[str] = []
    append = parts.append
    for token in children:
        kind = token["type"]
        if kind == "text" or kind == "codespan":
            append(token["raw"])
        elif kind in _MARKUP:  # emphasis, strong, strikethrough: their text
            inner = token["children"]
            if len(inner) == 1 and inner[0]["type"] == "text":
                append(inner[0]["raw"])
            else:
                append(_inline_text(inner, links))
        elif kind in ("softbreak", "linebreak"):
            parts.append("\n")
        elif kind == "inline_html":
            raw = token["raw"]
            if re.match(r"<br\b", raw, re.IGNORECASE):
                parts.append("\n")
            elif not raw.startswith("<!--") and not is_tag(raw):
                parts.append(raw)  # a placeholder such as <describe the rollback>
            # comments and tags are not content
        elif kind == "link":
            links.append(token.get("attrs", {}).get("url", ""))
            parts.append(_inline_text(token.get("children", []), links))
        elif kind == "image":
            parts.append(_inline_text(token.get("children", []), links))
        elif "children" in token:
            parts.append(_inline_text(token["children"], links))
        elif "raw" in token:
            parts.append(token["raw"])
    return "".join(parts)


def is_tag(raw: str) -> bool:
    """Whether ``raw`` is an HTML tag, not a placeholder in angle brackets ("<describe it>")."""
    match = re.match(_TAG_PARTS, raw.strip())
    if not match or match.group(1).lower() not in _HTML_ELEMENTS:
        return False
    if raw.lstrip().startswith("</"):
        return True
    leftover = re.sub(_ATTRIBUTE, " ", match.group(2)).split()
    return all(word.lower() in _BOOLEAN_ATTRIBUTES for word in leftover)


def _strip_html(raw: str) -> str:
    if "<" not in raw and "&" not in raw:  # most cells and texts: nothing to strip
        if "\n" not in raw:
            return " ".join(raw.split())
        return "\n".join(" ".join(line.split()) for line in raw.split("\n")).strip()
    text = re.sub(_COMMENT, "", raw)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(_TAG, lambda m: " " if is_tag(m.group(0)) else m.group(0), text)
    text = (
        text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def plain_title(text: str) -> str:
    return " ".join(text.split())


# --- the walk -----------------------------------------------------------------------------

# A Block built straight from its fields, all given: a NamedTuple's own __new__ is a Python
# function, a third of the cost of a plain paragraph on a long description.
_block = tuple.__new__


class _Builder:
    """Builds sections and tables while walking the token tree (``_tokens``) in reading order."""

    def __init__(self) -> None:
        self.titles: list[tuple[str, int, int, str]] = [("", 0, 1, "root")]
        self.parents: list[int | None] = [None]
        self.blocks: list[list[Block]] = [[]]
        self.stack: list[int] = [0]
        self.tables: list[Table] = []
        self.in_quote = 0  # the first line of the block quote being read, 0 outside one

    # sections
    def open(self, title: str, level: int, line: int, style: str) -> None:
        while len(self.stack) > 1 and self.titles[self.stack[-1]][1] >= level:
            self.stack.pop()
        index = len(self.titles)
        self.titles.append((plain_title(title), level, line, style))
        self.parents.append(self.stack[-1])
        self.blocks.append([])
        self.stack.append(index)

    def close_to(self, depth: int) -> None:
        """Close the sections opened since the stack was ``depth`` deep."""
        del self.stack[depth:]

    def close_details(self) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.titles[self.stack[depth]][3] == "details":
                del self.stack[depth:]
                return

    def add(self, block: Block) -> None:
        if block.text.strip() or block.kind == "task":
            self.blocks[self.stack[-1]].append(block._replace(quote=self.in_quote) if self.in_quote else block)

    def document(self) -> Document:
        children: list[list[int]] = [[] for _ in self.titles]
        for index, parent in enumerate(self.parents):
            if parent is not None:
                children[parent].append(index)
        sections = tuple(
            Section(
                title=title,
                level=level,
                line=line,
                style=style,  # type: ignore[arg-type]
                blocks=tuple(self.blocks[i]),
                children=tuple(children[i]),
                parent=self.parents[i],
            )
            for i, (title, level, line, style) in enumerate(self.titles)
        )
        return Document(sections, tuple(self.tables))

    # blocks
    def walk(self, tokens: list[dict[str, Any]]) -> None:
        blocks = self.blocks
        stack = self.stack
        for token in tokens:
            kind = token["type"]
            line = token.get("_line", 1)
            if kind == "paragraph":
                text = token.get("text")
                if text is not None and ":" not in text and not token["children"]:
                    # one line of plain text, no field: most paragraphs of a long description
                    if text.strip():
                        blocks[stack[-1]].append(_block(Block, ("paragraph", text, line, None, (), False, 0)))
                    continue
                self.paragraph(token, line)
            elif kind == "heading":
                links: list[str] = []
                title = _inline_text(token.get("children", []), links)
                style = "setext" if token.get("style") == "setext" else "atx"
                self.open(title, token["attrs"]["level"], line, style)
                # "### Rollback: turn the flag off and revert": the answer is in the heading
                field = _field(title)
                if field is not None and len(field[1].split()) >= _HEADING_ANSWER_WORDS:
                    self.add(Block("paragraph", field[1], line, links=tuple(links)))
            elif kind == "list":
                self.list(token, line)
            elif kind == "block_quote":
                self.in_quote = line
                self.quote(token.get("children", []))
                self.in_quote = 0
            elif kind == "block_code":
                self.add(Block("code", token.get("raw", ""), line))
            elif kind == "block_html":
                self.html(token.get("raw", ""), line)
            elif kind == "table":
                self.table(token, line)

    def paragraph(self, token: dict[str, Any], line: int, kind: str = "paragraph") -> None:
        """Split a paragraph into its lines; a line may open a bold pseudo-heading or field."""
        text = token.get("text")
        if text is not None and ":" not in text and not token["children"]:
            # one line of plain text, no field: most paragraphs of a long description
            self.add(Block(kind, text, line))  # type: ignore[arg-type]
            return
        _expand(token)
        lines: list[list[dict[str, Any]]] = [[]]
        starts = [line]  # the source line of each line of text
        for child in token.get("children", []):
            if child["type"] in ("softbreak", "linebreak"):
                lines.append([])
                # the break's own line, + 1: a comment over two lines is no break of its own
                starts.append(child["_line"] + 1 if "_line" in child else starts[-1] + 1)
            else:
                lines[-1].append(child)
        pending: list[str] = []
        pending_links: list[str] = []
        pending_line = line

        def flush() -> None:
            nonlocal pending, pending_links
            if pending:
                self.add(Block(kind, "\n".join(pending), pending_line, links=tuple(pending_links)))  # type: ignore[arg-type]
            pending, pending_links = [], []

        for offset, pieces in enumerate(lines):
            links: list[str] = []
            here = starts[offset]
            if _is_italic_prompt(pieces, quoted=kind == "quote"):
                flush()
                self.add(Block("prompt", _inline_text(pieces, []).strip(), here))
                continue
            bold = _bold_title(pieces)
            if bold is not None:
                title, rest = bold
                flush()
                self.open(title, BOLD_LEVEL, here, "bold")
                text = _inline_text(rest, links).strip()
                if text:
                    pending, pending_links, pending_line = [text], links, here
                continue
            text = _inline_text(pieces, links)
            field = _field(text)
            if field is not None:
                flush()
                self.open(field[0], FIELD_LEVEL, here, "field")
                if field[1]:
                    pending, pending_links, pending_line = [field[1]], links, here
                continue
            if not pending:
                pending_line = here
            pending.append(text)
            pending_links.extend(links)
        flush()
        if not self.blocks[self.stack[-1]] and any(
            child["type"] == "inline_html" and child["raw"].startswith("<!--")
            for child in token.get("children", ())
        ):
            self.blocks[self.stack[-1]].append(Block("comment", "", line))

    def list(self, token: dict[str, Any], line: int, depth: int = 0) -> None:
        """List items are content; an item that starts with a bold label or a field
        (``- **Rollback:** revert``, ``- Risks: none``) opens a section of its own, which
        ends with the item."""
        ordered = bool(token.get("attrs", {}).get("ordered"))
        add = self.add
        blocks = self.blocks
        stack = self.stack
        for item in token.get("children", []):
            parts = item["children"]
            raw, at = item.get("text"), item["_line"]  # a tight item's text, kept aside
            if raw is None and len(parts) == 1 and parts[0]["type"] == "paragraph":
                raw, at = parts[0].get("text"), parts[0]["_line"]  # a loose item's
                if parts[0]["children"]:
                    raw = None
            elif parts:
                raw = None
            if raw is not None and ":" not in raw and " - " not in raw and " — " not in raw and " – " not in raw:
                # a plain item, nothing but text and no label: most items of a long list
                if item["type"] == "task_list_item":
                    add(Block("task", raw.strip(), at, item["attrs"]["checked"], (), ordered))
                elif raw.strip():
                    blocks[stack[-1]].append(_block(Block, ("item", raw.strip(), at, None, (), ordered, self.in_quote)))
                continue
            _expand(item)
            item_line = _first_line(item, line)
            checked = item.get("attrs", {}).get("checked") if item["type"] == "task_list_item" else None
            links: list[str] = []
            texts: list[str] = []
            rest: list[dict[str, Any]] = []
            outer = len(self.stack)
            prompt = False
            for child in item.get("children", []):
                if child["type"] == "paragraph":
                    _expand(child)
                # the item's first paragraph is its text; a later one is a block of its own
                if child["type"] in ("block_text", "paragraph") and not rest and not texts:
                    children = child.get("children", [])
                    if not texts and _is_italic_prompt(children):
                        prompt = True
                    if not texts and _may_label(children):
                        labelled = _label(children, links)
                        if labelled is not None:
                            title, style, text = labelled
                            self.open(title, ITEM_LEVEL + depth, item_line, style)
                            texts.append(text)
                            continue
                    # an item struck through whole is withdrawn: "- [x] ~~Test on the review app~~"
                    texts.append("" if _struck_whole(children) else _inline_text(children, links))
                else:
                    rest.append(child)
            text = "\n".join(texts).strip()
            kind = "prompt" if prompt and len(texts) == 1 else "task" if checked is not None else "item"
            if len(self.stack) == outer and _heads_a_list(text, rest):
                # - Rollback
                #   - turn the flag off
                self.open(text, ITEM_LEVEL + depth, item_line, "field")
            else:
                self.add(Block(kind, text, item_line, checked=checked, links=tuple(links), ordered=ordered))  # type: ignore[arg-type]
            for child in rest:
                if child["type"] == "list":
                    self.list(child, child.get("_line", item_line), depth + 1)
                elif child["type"] == "heading":  # a heading inside a list item is text
                    child_links: list[str] = []
                    text = _inline_text(child.get("children", []), child_links)
                    self.add(Block("item", text, child.get("_line", item_line), links=tuple(child_links)))
                else:
                    self.content([child])
            self.close_to(outer)

    def quote(self, tokens: Tokens) -> None:
        """A quote is content; its bold labels and fields (a plan quoted from an issue) open
        sections that end with the quote."""
        depth = len(self.stack)
        for token in tokens:
            if token["type"] == "paragraph":
                self.paragraph(token, token.get("_line", 1), kind="quote")
            else:
                self.content([token], kind="quote")
        self.close_to(depth)

    def content(self, tokens: Tokens, kind: str = "paragraph") -> None:
        """Nested blocks (quotes, list item bodies): content only, never new sections."""
        for token in tokens:
            line = token.get("_line", 1)
            links: list[str] = []
            if token["type"] in ("paragraph", "block_text", "heading"):
                _expand(token)
                text = _inline_text(token.get("children", []), links)
                self.add(Block(kind, text, line, links=tuple(links)))  # type: ignore[arg-type]
            elif token["type"] == "block_code":
                self.add(Block("code", token.get("raw", ""), line))
            elif token["type"] == "list":
                self.list(token, line)
            elif token["type"] == "block_quote":
                self.content(token.get("children", []), kind="quote")
            elif token["type"] == "block_html":
                self.add(Block("html", _strip_html(token.get("raw", "")), line))
            elif token["type"] == "table":
                self.table(token, line)

    def html(self, raw: str, line: int) -> None:
        """HTML blocks: comments vanish, <details>/<summary> open sections, text is content."""
        pos = 0
        here = line  # the line at ``pos``, counted forward as we go
        for match in re.finditer(_HTML_PIECE, raw):
            self._html_text(raw[pos : match.start()], here)
            here += raw.count("\n", pos, match.start())
            piece = match.group(0)
            lower = piece[:9].lower()
            if match.group("summary") is not None:
                self.open(_strip_html(match.group("summary")), DETAILS_LEVEL, here, "details")
            elif match.group("heading") is not None:  # <h2>Rollback plan</h2>
                self.open(_strip_html(match.group("heading")), int(match.group("level")), here, "atx")
            elif lower.startswith("</details"):
                self.close_details()
            elif lower.startswith("<details"):
                pass  # the section opens with its summary
            elif piece.startswith("<!--"):
                self.blocks[self.stack[-1]].append(Block("comment", piece, here))
            here += piece.count("\n")
            pos = match.end()
        self._html_text(raw[pos:], here)

    def _html_text(self, raw: str, line: int) -> None:
        text = _strip_html(raw)
        if text:
            lead = len(raw) - len(raw.lstrip("\n"))
            self.add(Block("html", text, line + lead))

    def table(self, token: dict[str, Any], line: int) -> None:
        header: tuple[Cell, ...] = ()
        rows: list[tuple[Cell, ...]] = []
        offset = 0
        for part in token.get("children", []):
            if part["type"] == "table_head":
                header = tuple(self._cell(cell, line) for cell in part.get("children", []))
                offset = 2  # header line and delimiter row
            elif part["type"] == "table_body":
                for number, row in enumerate(part.get("children", [])):
                    here = row.get("_line", line + offset + number)
                    rows.append(tuple(self._cell(cell, here) for cell in row.get("children", [])))
        self.tables.append(Table(line, header, tuple(rows), self.stack[-1]))
        # | Expected result | Validation | Rollback |, answers below: a field per column
        if rows:
            for i, head in enumerate(header):
                if len(head.text) >= 3 and _is_label(head.text.rstrip(":")):
                    depth = len(self.stack)
                    self.open(head.text, ITEM_LEVEL, head.line, "field")
                    for row in rows:
                        if i < len(row):
                            self.blocks[self.stack[-1]].extend(row[i].blocks)
                    self.close_to(depth)
        # The header names the columns and is no content, unless the table is one row.
        body = rows or [header]
        for row in body:
            # | Rollback plan | Turn the flag off | @ana |, or after a number column:
            # | 4 | Rollback plan | Turn the flag off |: a field, as long as the row
            at = 1 if len(row) >= 3 and _is_index(row[0].text) else 0
            if len(row) >= at + 2 and _is_label(row[at].text.rstrip(":")):
                depth = len(self.stack)
                self.open(row[at].text, ITEM_LEVEL, row[at].line, "field")
                for cell in row[at + 1 :]:
                    self.blocks[self.stack[-1]].extend(cell.blocks)
                self.close_to(depth)
                continue
            for cell in row:
                self.blocks[self.stack[-1]].extend(cell.blocks)

    def _cell(self, token: dict[str, Any], line: int) -> Cell:
        children = token.get("children", ())
        links: list[str] = []
        raw = _inline_text(children, links)
        html = _inline_html(children)
        text = _strip_html(raw if not html else _join_html(children))
        if text:
            return Cell(text, line, (Block("cell", text, line, links=tuple(links)),))
        if html and any(c["type"] == "inline_html" and c["raw"].startswith("<!--") for c in children):
            return Cell(text, line, (Block("comment", "", line),))  # a prompt left in the cell
        return Cell(text, line)


def _first_line(token: dict[str, Any], default: int) -> int:
    for child in token.get("children", ()):
        if "_line" in child:
            return int(child["_line"])
    return default


def _inline_html(children: list[dict[str, Any]]) -> bool:
    return any(child["type"] == "inline_html" for child in children)


def _join_html(children: list[dict[str, Any]]) -> str:
    """Inline tokens back to text with their HTML tags, for cells written in HTML."""
    parts: list[str] = []
    for token in children:
        if token["type"] == "inline_html":
            parts.append(token["raw"])
        elif "children" in token:
            parts.append(_join_html(token["children"]))
        elif "raw" in token:
            parts.append(token["raw"])
    return "".join(parts)


def _bold_title(pieces: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]] | None:
    """``**Title:** rest`` or a line holding only ``**Title**`` -> (title, rest tokens)."""
    if not any(p["type"] in ("strong", "emphasis") for p in pieces[:3]):
        return None  # most lines: no bold near the start
    # blank text and a leading emoji or mark ("🔙 **Rollback:**") go before the bold
    pieces = [p for p in pieces if not (p["type"] == "text" and not _WORDY.search(p["raw"]))] or pieces
    if pieces and pieces[0]["type"] == "emphasis" and len(pieces[0].get("children", ())) == 1:
        pieces = [*pieces[0]["children"], *pieces[1:]]  # ***Rollback plan***
    if not pieces or pieces[0]["type"] != "strong":
        return None
    title = _inline_text(pieces[0].get("children", []), []).strip()
    rest = pieces[1:]
    if not title or len(title) > 120:
        return None
    rest_text = _inline_text(rest, []).strip()
    if title.endswith(":"):
        return title.rstrip(":").strip(), rest
    if title.endswith("?"):  # **How do we roll back?** Turn the flag off.
        return title, rest
    separator = _SEPARATOR.match(rest_text)
    if separator:  # **Rollback plan**: revert, **Rollback plan** - revert
        first = dict(rest[0])
        if first["type"] == "text":
            first["raw"] = _SEPARATOR.sub("", first["raw"].lstrip(), count=1)
            return title, [first, *rest[1:]]
    if not rest_text:
        return title, []
    return None


_WORDY = re.compile(r"[^\W_]")
_SEPARATOR = re.compile(r"(?::|[-–—](?=\s|$))\s*")


_QUOTED_PROMPT_WORDS = 5  # a quoted line wholly in italics this long is a template's guidance
# Verbs that start a template's instructions to its author ("*Describe how to roll back.*"),
# and hardly ever an answer: not "add", "list" or "note", which start real steps too.
_INSTRUCTIONS = frozenset(
    "describe detail document explain fill insert mention outline paste provide specify "
    "summarise summarize".split()
)


def _is_italic_prompt(pieces: list[dict[str, Any]], quoted: bool = False) -> bool:
    """A line wholly in italics that starts with an instruction: template text, not content.
    In a block quote, a whole sentence in italics is set apart twice, the way templates set
    their guidance ("> _Les instructions pour reproduire le problème ..._"), in any language."""
    emphasis = None
    for piece in pieces:
        if piece["type"] == "text" and not piece["raw"].strip():
            continue
        if piece["type"] != "emphasis" or emphasis is not None:
            return False
        emphasis = piece
    if emphasis is None:
        return False
    said = _inline_text(emphasis.get("children", []), []).split()
    if quoted and len(said) >= _QUOTED_PROMPT_WORDS:
        return True
    return bool(said) and said[0].lower().strip(":,.") in _INSTRUCTIONS


def _may_label(children: list[dict[str, Any]]) -> bool:
    """A quick look before ``_label``: bold first (after an emoji, perhaps), or a colon or a
    dash in the first text."""
    for child in children[:2]:
        if child["type"] in ("strong", "emphasis"):
            return True
        if child["type"] != "text":
            return False
        raw = child["raw"]
        if ":" in raw or " — " in raw or " – " in raw or " - " in raw:
            return True
        if _WORDY.search(raw):
            return False
    return False


def _label(children: list[dict[str, Any]], links: list[str]) -> tuple[str, str, str] | None:
    """A list item's text that opens with a bold label or a field -> (title, style, the
    rest of the text); None for a plain item."""
    first: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    for child in children:
        if after or child["type"] in ("softbreak", "linebreak"):
            after.append(child)
        else:
            first.append(child)
    bold = _bold_title(first)
    if bold is not None:
        title, rest = bold
        return title, "bold", _inline_text(rest + after, links).strip()
    first_links: list[str] = []
    text = _inline_text(first, first_links)
    field = _field(text)
    if field is None:  # "- Rollback — revert the MR": a dash for the colon, in a list
        dash = next((d for d in (" — ", " – ", " - ") if d in text), "")
        label, _, value = text.partition(dash) if dash else (text, "", "")
        field = (label.strip(), value.strip()) if dash and _is_label(label) else None
    if field is not None:
        links.extend(first_links)
        return field[0], "field", (field[1] + _inline_text(after, links)).strip()
    return None


def _heads_a_list(text: str, rest: list[dict[str, Any]]) -> bool:
    """A list item that is only a label, with a list below it: the label heads that list."""
    return (
        bool(rest)
        and rest[0]["type"] == "list"
        and "\n" not in text
        and len(text) >= 3
        and len(text.split()) <= 4
        and not text.endswith((".", "!", ","))
        and _is_label(text.rstrip(":?"))
    )


def _is_index(text: str) -> bool:
    """A table's numbering cell: "4", "4.", "#4"."""
    return text.strip().lstrip("#").rstrip(".").isdigit()


_CONDITION = re.compile(r"(?i)(?:if|when|whenever|once|after|before|unless|in case|should)\b")


def _is_label(label: str) -> bool:
    """Whether text reads as the label of a field ("Rollback plan"), not as a sentence."""
    label = label.strip()
    return (
        re.fullmatch(_LABEL, label) is not None
        and len(label.split()) <= _FIELD_MAX_WORDS
        and label[-1:] not in ",-"
        and label.lower() not in _NOT_FIELDS
        # a sentence before the colon: "Flip it off. Owner: @oncall" (numbering aside)
        and ". " not in label.lstrip("0123456789").removeprefix(". ")
        and "? " not in label
        # a condition and what to do: "If issues are detected, disable immediately:"
        and not (", " in label and _CONDITION.match(label))
    )


def _field(text: str) -> tuple[str, str] | None:
    """``Rollback plan: revert the MR`` -> ("Rollback plan", "revert the MR")."""
    if ":" not in text:
        return None
    if text.lstrip().startswith(":"):
        text = _SHORTCODES.sub("", text)  # ":yellow_heart: Success Criteria": an emoji, no label
    match = _FIELD.match(text.strip())
    if not match:
        return None
    label = match.group("label")
    if " " in label.strip() and label.lstrip()[:1].islower() and _INSIDE_A_TOKEN.match(text.strip(), match.end("label")):
        return None  # "npm run qa:release-candidate": a command's colon inside a name ("Risk:high" stays a field)
    label, value = match.group("label").strip(), match.group("value").strip()
    if value.startswith("//") or not _is_label(label):  # "//": a URL's scheme, not a field
        return None
    return label, value


def parse(text: str) -> Document:
    """Any text gives a Document; nothing raises on malformed input."""
    source = normalize(text)
    # The token tree is large and acyclic; the cyclic collector's passes over it while we
    # build it cost a third of the time on big descriptions and free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        builder = _Builder()
        builder.walk(_tokens(source))
        return builder.document()
    finally:
        if collecting:
            gc.enable()
