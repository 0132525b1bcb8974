"""The parser: text -> Document, with line numbers, on messy real-world Markdown."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from core_support import check, headings, parse, result, ruleset, section, statuses, texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enforcer import engine, markdown
from enforcer.model import Document, Report
from enforcer.platforms.local import read_text

ROOT = Path(__file__).resolve().parent.parent.parent

# --- headings and their lines -------------------------------------------------------------

HEADINGS = [
    ("# One", [("One", 1, 1)]),
    ("###### Six", [("Six", 6, 1)]),
    ("####### seven hashes is text", []),
    ("#no space is text", []),
    ("   ## indented three", [("indented three", 2, 1)]),
    ("    ## indented four is code", []),
    ("## Closed ##", [("Closed", 2, 1)]),
    ("## *Emphasis* and `code`", [("Emphasis and code", 2, 1)]),
    ("## [Linked](https://x.example) heading", [("Linked heading", 2, 1)]),
    ("text\n\n# A\n\ntext\n\n## B", [("A", 1, 3), ("B", 2, 7)]),
    ("Setext one\n==========\n\nSetext two\n----------", [("Setext one", 1, 1), ("Setext two", 2, 4)]),
    ("para\n\nSetext\n===\ntext\n\n## ATX", [("Setext", 1, 3), ("ATX", 2, 7)]),
    ("---\ntitle: x\nlabels: [a]\n---\n# After front matter\n", [("After front matter", 1, 5)]),
    ("+++\ntitle = 'x'\n+++\n## Toml front matter", [("Toml front matter", 2, 4)]),
    # two thematic breaks around Markdown are no front matter
    ("---\n## Expected result\nUsers see it.\n\n---\n## Validation\n", [("Expected result", 2, 2), ("Validation", 2, 6)]),
    ("# A\r\ntext\r\n\r\n## B\r\n", [("A", 1, 1), ("B", 2, 4)]),
    ("# A\rtext\r## B\r", [("A", 1, 1), ("B", 2, 3)]),
    ("#\tTabbed\ntext\n##\tB", [("Tabbed", 1, 1), ("B", 2, 3)]),
    ("\n\n\n# Late", [("Late", 1, 4)]),
    ("```\n# not a heading\n```\n# Heading", [("Heading", 1, 4)]),
    ("~~~python\n## comment\n~~~\n", []),
    ("<!--\n# Rollback\n-->\n# Real", [("Real", 1, 4)]),
    ("intro\n\n<h2>Rollback <em>plan</em></h2>\n\nrevert\n\n<h3 id='r'>Risks</h3>", [("Rollback plan", 2, 3), ("Risks", 3, 7)]),
    ("- # in a list item\n> # in a quote", []),
]


@pytest.mark.parametrize(("text", "expected"), HEADINGS)
def test_headings_and_lines(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert headings(parse(text)) == expected


SECTIONS = [
    # (text, title, titles of its ancestors from nearest)
    ("# A\n## B\n### C\n## D", "C", ["B", "A"]),
    ("# A\n## B\n### C\n## D", "D", ["A"]),
    ("## B\n# A\n### C", "C", ["A"]),
    ("### Deep first\n# Top\n## Second", "Second", ["Top"]),
    ("# A\n**Bold**\n\ntext\n## B", "B", ["A"]),
    ("# A\n**Bold**\n\nField: value", "Field", ["Bold", "A"]),
]


@pytest.mark.parametrize(("text", "title", "ancestors"), SECTIONS)
def test_sections_run_to_the_next_heading_of_the_same_or_higher_level(
    text: str, title: str, ancestors: list[str]
) -> None:
    document = parse(text)
    found = [document.sections[i].title for i in document.ancestors(section(document, title))]
    assert found[:-1] == ancestors  # the root closes every chain
    assert found[-1] == ""


def test_section_content_includes_subsections_and_stops_at_a_sibling() -> None:
    document = parse("# A\na\n## B\nb\n### C\nc\n## D\nd\n# E\ne")
    assert texts(document, "B") == ["b", "c"]
    assert texts(document, "A") == ["a", "b", "c", "d"]
    assert texts(document, "E") == ["e"]


# --- as GitHub and GitLab render it (CommonMark) ---------------------------------------------

# (text, headings as (title, level, line), every block as (kind, text, line))
PLATFORM = [
    # a heading right after a quote line ends the quote (mistune 3 kept it inside)
    (
        "> Anything on-call should know?\n## Rollback plan\nTurn the flag off.",
        [("Rollback plan", 2, 2)],
        [("quote", "Anything on-call should know?", 1), ("paragraph", "Turn the flag off.", 3)],
    ),
    (
        "> Describe the abort criteria\n> more\n### Rollback\n- revert",
        [("Rollback", 3, 3)],
        [("quote", "Describe the abort criteria\nmore", 1), ("item", "revert", 4)],
    ),
    # lazy continuation: a plain line after a quote line is still the quote's paragraph
    ("> quoted\nlazy line\n\nafter", [], [("quote", "quoted\nlazy line", 1), ("paragraph", "after", 4)]),
    # ... and after an item's text, the item's
    ("- item\nlazy line", [], [("item", "item\nlazy line", 1)]),
    # a heading ends a list, a paragraph and a quote without a blank line
    ("- step one\n## Rollback\nrevert", [("Rollback", 2, 2)], [("item", "step one", 1), ("paragraph", "revert", 3)]),
    ("1. one\n# Validation", [("Validation", 1, 2)], [("item", "one", 1)]),
    ("text\n## Risks\nnone", [("Risks", 2, 2)], [("paragraph", "text", 1), ("paragraph", "none", 3)]),
    # a heading inside a list item or a quote is its text, no section
    ("- ## Rollback\n  revert", [], [("item", "Rollback", 1), ("paragraph", "revert", 2)]),
    ("> ## Rollback\n> revert", [], [("quote", "Rollback", 1), ("quote", "revert", 2)]),
    # tight and loose lists: an item per marker, each on its line
    ("- a\n- b\n- c", [], [("item", "a", 1), ("item", "b", 2), ("item", "c", 3)]),
    ("- a\n\n- b\n\n- c", [], [("item", "a", 1), ("item", "b", 3), ("item", "c", 5)]),
    ("- a\n\n  second paragraph\n- b", [], [("item", "a", 1), ("paragraph", "second paragraph", 3), ("item", "b", 4)]),
    ("- a\n - b\n  - c", [], [("item", "a", 1), ("item", "b", 2), ("item", "c", 3)]),
    ("- a\n  - b\n    - c", [], [("item", "a", 1), ("item", "b", 2), ("item", "c", 3)]),
    ("1. a\n1) b", [], [("item", "a", 1), ("item", "b", 2)]),
    ("- [x] done\n- [ ] open", [], [("task", "done", 1), ("task", "open", 2)]),
    # a list needs no blank line after a paragraph, but an ordered one must start at 1
    ("We roll back in two steps\n- revert", [], [("paragraph", "We roll back in two steps", 1), ("item", "revert", 2)]),
    ("We ship in\n2. phases", [], [("paragraph", "We ship in\n2. phases", 1)]),
    # four spaces continue a paragraph; they only start code after a blank line
    ("text\n    more", [], [("paragraph", "text\nmore", 1)]),
    ("text\n\n    code", [], [("paragraph", "text", 1), ("code", "code", 3)]),
    # a line of dashes under text makes it a heading; after a blank line it is a rule
    ("Rollback plan\n---\nrevert", [("Rollback plan", 2, 1)], [("paragraph", "revert", 3)]),
    ("text\n\n---\nafter", [], [("paragraph", "text", 1), ("paragraph", "after", 4)]),
    ("> q\n---", [], [("quote", "q", 1)]),
    # a fence holds everything, quotes and headings included, until it closes
    ("```\n> q\n## not a heading\n```\n## Heading", [("Heading", 2, 5)], [("code", "> q\n## not a heading\n", 1)]),
    # an HTML block runs to a blank line
    ("<div>\n## not a heading\n</div>\n\n## Heading", [("Heading", 2, 5)], [("html", "## not a heading", 1)]),
]


def _blocks(document: Document) -> list[tuple[str, str, int]]:
    return sorted(((b.kind, b.text, b.line) for s in document.sections for b in s.blocks), key=lambda b: b[2])


@pytest.mark.parametrize(("text", "expected_headings", "blocks"), PLATFORM)
def test_blocks_as_the_platforms_render_them(
    text: str, expected_headings: list[tuple[str, int, int]], blocks: list[tuple[str, str, int]]
) -> None:
    document = parse(text)
    assert headings(document) == expected_headings
    assert _blocks(document) == blocks


def test_a_plan_with_a_quoted_prompt_before_its_rollback_heading_has_a_rollback() -> None:
    # the report, not only the Document: with mistune the rollback sat inside the quote
    plan = (ROOT / "docs/examples/complete-plan.md").read_text(encoding="utf-8")
    assert "### Rollback plan\n" in plan
    quoted = plan.replace("### Rollback plan\n", "> Anything on-call should know?\n### Rollback plan\n")
    assert statuses(check(quoted)) == statuses(check(plan))
    assert result(check(quoted), "rollback").status == "ok"


def test_the_rollback_section_after_a_quoted_prompt_is_seen() -> None:
    text = (
        "## Risks\n> Anything on-call should know?\n## Rollback plan\n"
        "Turn off the `fast_export` flag; no data to fix.\n"
    )
    document = parse(text)
    assert texts(document, "Rollback plan") == ["Turn off the fast_export flag; no data to fix."]
    assert texts(document, "Risks") == ["Anything on-call should know?"]


# --- block lines, also inside lists and quotes ----------------------------------------------

BLOCK_LINES = [
    ("# T\n\n- a\n- b\n\n  continued\n\n  - nested\n    more\n- c", {"a": 3, "b": 4, "continued": 6, "nested\nmore": 8, "c": 10}),
    ("- same\n- same\n- other", {"other": 3}),
    ("> q1\n>\n> q2\n> - qi", {"q1": 1, "q2": 3, "qi": 4}),
    ("> - a\n>   - b\n> - c", {"a": 1, "b": 2, "c": 3}),
    ("- a\n  > quoted c\n- c", {"a": 1, "quoted c": 2, "c": 3}),
    ("1. one\n2. two\n\n   ten\n3. three", {"one": 1, "two": 2, "ten": 4, "three": 5}),
    ("- a\r\n\t- b\r\n> q\r\n", {"a": 1, "b": 2, "q": 3}),
    ("---\nx: 1\n---\n- after front matter", {"after front matter": 4}),
    ("para one\nstill one\n\npara two", {"para one\nstill one": 1, "para two": 4}),
    ("```sh\nkubectl rollout undo\n```", {"kubectl rollout undo\n": 1}),
    ("text\n\n    indented code", {"indented code": 3}),
]


def test_lines_after_a_comment_over_several_lines_of_a_paragraph() -> None:
    # the comment is one piece of the paragraph but three lines of the source
    document = parse("## R\ntext <!-- a\nb\nc --> more\nRisks: x\n\n| a | b |\n|---|---|\n| c | d |")
    assert headings(document)[1] == ("Risks", 9, 5)
    assert [cell.line for cell in document.tables[0].rows[0]] == [9, 9]


@pytest.mark.parametrize(("text", "lines"), BLOCK_LINES)
def test_block_lines(text: str, lines: dict[str, int]) -> None:
    document = parse(text)
    found = {block.text: block.line for s in document.sections for block in s.blocks}
    for block_text, line in lines.items():
        assert found.get(block_text) == line, (block_text, found)


def test_list_items_know_their_kind() -> None:
    blocks = parse("- [ ] open\n- [x] done\n- plain\n\n1. first").sections[0].blocks
    assert [(b.kind, b.checked, b.ordered) for b in blocks] == [
        ("task", False, False),
        ("task", True, False),
        ("item", None, False),
        ("item", None, True),
    ]


def test_links_are_kept_with_their_label() -> None:
    block = parse("See [the dashboard](https://grafana.example.com/d/1) and <https://sentry.io/x>").sections[0].blocks[0]
    assert block.text == "See the dashboard and https://sentry.io/x"
    assert block.links == ("https://grafana.example.com/d/1", "https://sentry.io/x")


# --- bold pseudo-headings and fields -------------------------------------------------------

BOLD = [
    ("**Rollback plan:** revert the MR", "Rollback plan", 1, ["revert the MR"]),
    ("**Rollback plan**: revert the MR", "Rollback plan", 1, ["revert the MR"]),
    ("**Rollback plan**\nrevert the MR", "Rollback plan", 1, ["revert the MR"]),
    ("**Rollback plan**\n\nrevert the MR\n\n- and this", "Rollback plan", 1, ["revert the MR", "and this"]),
    ("intro\n\n**Rollback plan:**\n\nrevert the MR", "Rollback plan", 3, ["revert the MR"]),
    ("__Rollback plan:__ revert", "Rollback plan", 1, ["revert"]),
    ("text before\n**Rollback plan:** revert", "Rollback plan", 2, ["revert"]),
    ("🔙 **Rollback plan:** revert", "Rollback plan", 1, ["revert"]),
    ("***Rollback plan***\nrevert", "Rollback plan", 1, ["revert"]),
    ("**Rollback plan** - revert the MR", "Rollback plan", 1, ["revert the MR"]),
    ("**Rollback plan** – revert", "Rollback plan", 1, ["revert"]),
]


@pytest.mark.parametrize(("text", "title", "line", "content"), BOLD)
def test_bold_pseudo_headings(text: str, title: str, line: int, content: list[str]) -> None:
    document = parse(text)
    index = section(document, title)
    assert document.sections[index].style == "bold"
    assert document.sections[index].line == line
    assert texts(document, title) == content


@pytest.mark.parametrize(
    "text",
    [
        "Some **bold words** inside a sentence.",
        "**Bold** followed by more text without a colon",
        "- a list item with **Rollback plan** inside",
    ],
)
def test_bold_inside_text_is_no_heading(text: str) -> None:
    assert headings(parse(text)) == []


# A list item that opens with a label is a section as long as the item.
LABELLED_ITEMS = [
    ("- **Rollback plan:** revert the MR", "Rollback plan", "bold", 1, ["revert the MR"]),
    ("1. **Rollback plan**: revert the MR", "Rollback plan", "bold", 1, ["revert the MR"]),
    ("- [x] Rollback plan: revert the MR", "Rollback plan", "field", 1, ["revert the MR"]),
    ("- Rollback — set the grace period back to 5", "Rollback", "field", 1, ["set the grace period back to 5"]),
    ("- Rollback – revert", "Rollback", "field", 1, ["revert"]),
    ("intro\n\n- Risks: the cache\n  may go cold", "Risks", "field", 3, ["the cache\nmay go cold"]),
    ("- **Rollback plan**\n  - revert the MR\n  - turn the flag off", "Rollback plan", "bold", 1, ["revert the MR", "turn the flag off"]),
]


@pytest.mark.parametrize(("text", "title", "style", "line", "content"), LABELLED_ITEMS)
def test_labelled_list_items_open_a_section(text: str, title: str, style: str, line: int, content: list[str]) -> None:
    document = parse(text)
    index = section(document, title)
    assert (document.sections[index].style, document.sections[index].line) == (style, line)
    assert [block.text for block in document.content(index)] == content


def test_labels_in_a_quote_open_sections_that_end_with_it() -> None:
    document = parse("## Plan\n> **Rollback:** disable the flag\n> Risks: low\n\nafter the quote\n")
    rollback = document.sections[section(document, "Rollback")]
    assert [(b.kind, b.text) for b in rollback.blocks] == [("quote", "disable the flag")]
    assert texts(document, "Risks") == ["low"]
    assert [b.text for b in document.sections[section(document, "Plan")].blocks] == ["after the quote"]


def test_a_labelled_item_ends_with_the_item() -> None:
    document = parse("## Plan\n- **Rollback:** revert\n- plain item\n\nafter the list\n")
    assert texts(document, "Rollback") == ["revert"]
    assert [b.text for b in document.sections[section(document, "Plan")].blocks] == ["plain item", "after the list"]
    nested = parse("- **Risks:** low\n  - **Rollback:** revert\n- **Metrics:** [board](https://grafana.example.com/d/1)\n")
    rollback, metrics = section(nested, "Rollback"), section(nested, "Metrics")
    assert nested.sections[rollback].parent == section(nested, "Risks")
    assert nested.sections[metrics].parent == 0
    assert nested.sections[metrics].blocks[0].links == ("https://grafana.example.com/d/1",)


FIELDS = [
    ("Rollback plan: revert the MR", "Rollback plan", "revert the MR"),
    ("Risks: cache may go cold", "Risks", "cache may go cold"),
    ("Expected outcome:  faster pages", "Expected outcome", "faster pages"),
    ("Rollback:", "Rollback", None),
    ("Risk:high label is just because of the breaking changes", "Risk", "high label is just because of the breaking changes"),
]


@pytest.mark.parametrize(("text", "label", "value"), FIELDS)
def test_label_value_fields(text: str, label: str, value: str | None) -> None:
    document = parse(text)
    index = section(document, label)
    assert document.sections[index].style == "field"
    assert [b.text for b in document.sections[index].blocks] == ([value] if value else [])


@pytest.mark.parametrize(
    "text",
    [
        "See https://example.com/path for details",
        "This sentence has far too many words before its colon: and so it is prose",
        "10:30 is when we deploy",
        "npm run qa:release-candidate",  # a command's colon inside a name
    ],
)
def test_not_fields(text: str) -> None:
    assert headings(parse(text)) == []


# --- <details> ---------------------------------------------------------------------------

DETAILS = [
    "<details><summary>Rollback plan</summary>\nrevert the MR\n</details>\n\nafter",
    "<details>\n<summary>Rollback plan</summary>\n\nrevert the MR\n\n</details>\n\nafter",
    "<details>\n<summary><b>Rollback plan</b></summary>\n\nrevert the MR\n</details>\n\nafter",
    "<details open><summary>Rollback plan</summary>\n\nrevert the MR\n\n</details>\n\nafter",
]


@pytest.mark.parametrize("text", DETAILS)
def test_details_blocks(text: str) -> None:
    document = parse(text)
    index = section(document, "Rollback plan")
    assert document.sections[index].style == "details"
    assert texts(document, "Rollback plan") == ["revert the MR"]
    assert [b.text for b in document.sections[0].blocks] == ["after"]


def test_details_line_number() -> None:
    document = parse("# Plan\n\n<details>\n<summary>Rollback plan</summary>\n\nrevert\n</details>")
    assert document.sections[section(document, "Rollback plan")].line == 4


# --- code and comments ---------------------------------------------------------------------


def test_code_is_content_but_holds_no_headings() -> None:
    document = parse("## Rollback\n```sh\n# roll back\nkubectl rollout undo deploy/web\n```")
    assert headings(document) == [("Rollback", 2, 1)]
    (block,) = document.sections[1].blocks
    assert block.kind == "code"
    assert "kubectl rollout undo deploy/web" in block.text


COMMENTS = [
    "<!-- a prompt -->",
    "<!--\nmulti\nline\n-->",
    "<!--\n## Rollback\nrevert it\n-->",
    "text <!-- inline --> more",
    "<!-- unterminated\n## Rollback\nrevert",
]


@pytest.mark.parametrize("text", COMMENTS)
def test_comments_are_not_content(text: str) -> None:
    document = parse("# S\n" + text)
    assert headings(document) == [("S", 1, 1)]
    visible = " ".join(b.text for b in document.sections[1].blocks if b.kind != "comment")
    for hidden in ("prompt", "multi", "Rollback", "revert", "inline"):
        assert hidden not in visible


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("<describe the rollback>", "<describe the rollback>"),
        ("Rollback: <describe the rollback>", "<describe the rollback>"),
        ("- <your name>", "<your name>"),
        ('<span style="color: red">red</span> text', "red text"),
        ("<b>bold</b> and <br> break", "bold and \n break"),
    ],
)
def test_angle_bracket_placeholders_stay_text_and_tags_go(text: str, visible: str) -> None:
    document = parse("# S\n" + text)
    found = [b.text for s in document.sections for b in s.blocks]
    assert any(visible in t for t in found), found


# --- tables --------------------------------------------------------------------------------


def test_tables_are_read_cell_by_cell() -> None:
    document = parse("## Plan\n\n| Phase | Owner |\n|---|---|\n| Prepare | Ana |\n| Launch | <ul><li>Bo</li></ul> |")
    (table,) = document.tables
    assert table.line == 3
    assert [c.text for c in table.header] == ["Phase", "Owner"]
    assert [[(c.text, c.line) for c in row] for row in table.rows] == [
        [("Prepare", 5), ("Ana", 5)],
        [("Launch", 6), ("Bo", 6)],
    ]
    assert document.sections[table.section].title == "Plan"


def test_table_cell_holding_a_comment_is_not_empty() -> None:
    (table,) = parse("| a | b |\n|---|---|\n| <!-- your tasks --> | |").tables
    assert [b.kind for b in table.rows[0][0].blocks] == ["comment"]
    assert table.rows[0][1].blocks == ()


def test_a_table_header_is_no_content() -> None:
    document = parse("## Rollback\n\n| Step | Who | When |\n|---|---|---|\n| TBD | TBD | TBD |\n")
    assert set(texts(document, "Rollback")) == {"TBD"}  # each cell, also under its column
    one_row = parse("## Rollback\n\n| Turn the flag off, then revert |\n|---|\n")
    assert texts(one_row, "Rollback") == ["Turn the flag off, then revert"]


def test_columns_with_a_label_are_fields() -> None:
    document = parse(
        "| Step | Action | Validation | Rollback |\n|---|---|---|---|\n"
        "| 1 | Enable for staff | p95 below 30 s | Disable the flag |\n"
        "| 2 | Enable for all | Errors below 0.1 % | Revert the MR |\n"
    )
    rollback = section(document, "Rollback")
    assert (document.sections[rollback].style, document.sections[rollback].line) == ("field", 1)
    assert texts(document, "Rollback") == ["Disable the flag", "Revert the MR"]
    assert "a" not in [s.title for s in parse("| a | b |\n|---|---|\n| x | y |\n").sections]  # no label


def test_two_column_rows_with_a_label_are_fields() -> None:
    document = parse(
        "## Plan\n\n| Item | Answer |\n|---|---|\n"
        "| Rollback plan | Turn the flag off |\n| 1 | kubectl rollout undo |\n"
    )
    rollback = section(document, "Rollback plan")
    assert (document.sections[rollback].style, document.sections[rollback].line) == ("field", 5)
    assert texts(document, "Rollback plan") == ["Turn the flag off"]
    assert [b.text for b in document.sections[section(document, "Plan")].blocks] == ["1", "kubectl rollout undo"]
    lone = parse("| Rollback plan | Turn the flag off |\n|---|---|\n")
    assert texts(lone, "Rollback plan") == ["Turn the flag off"]


# --- encodings and hostile input -----------------------------------------------------------


def test_invalid_utf8_is_replaced() -> None:
    text = read_text(b"# Rollback\n\xff\xfe revert \xc3\x28 it\n")
    document = parse(text)
    assert headings(document) == [("Rollback", 1, 1)]
    assert "\ufffd" in document.sections[1].blocks[0].text
    assert read_text(b"\xef\xbb\xbf# BOM") == "# BOM"


def _timed(text: str) -> tuple[Document, Report, float]:
    start = time.perf_counter()
    document = markdown.parse(text)
    report = engine.check(document, ruleset(), target="t.md")
    return document, report, time.perf_counter() - start


HOSTILE = {
    "empty": "",
    "whitespace": " \n\t\n   \r\n",
    "binary junk": bytes(range(256)).decode("utf-8", "replace") * 40,
    "nul bytes": "# A\x00B\n\x00\x00",
    "10,000 headings": "".join(f"## Heading {i}\ntext {i}\n" for i in range(10_000)),
    "500 nested lists": "".join("  " * i + "- item\n" for i in range(500)),
    "500 nested ordered lists": "".join("   " * i + "1. item\n" for i in range(500)),
    "500 nested quotes": ">" * 500 + " deep\n",
    "500 quote levels, one per line": "".join(">" * i + " q\n" for i in range(500)),
    "unclosed brackets": "[" * 20_000,
    "unclosed emphasis": "*a" * 20_000,
    "unclosed comments": "<!--" * 10_000,
    "unclosed details": "<details><summary>x</summary>" * 2_000,
    "unclosed fence": "```\n" + "# x\n" * 5_000,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_does_not_crash_or_hang(name: str) -> None:
    document, report, seconds = _timed(HOSTILE[name])
    assert document.sections[0].style == "root"
    assert report.status in ("passed", "failed")
    assert seconds < 3, f"{name} took {seconds:.1f}s"


def test_one_mebibyte() -> None:
    chunk = "## Rollback\nrevert the merge request and turn the flag off\n\n- step one\n- step two\n\n"
    text = (chunk * (2**20 // len(chunk) + 1))[: 2**20]
    document, _, seconds = _timed(text)
    assert len(document.sections) > 10_000
    assert seconds < 8, f"1 MiB took {seconds:.1f}s"


def test_ten_thousand_headings_keep_their_lines() -> None:
    document = parse(HOSTILE["10,000 headings"])
    assert len(document.sections) == 10_001
    assert document.sections[-1].line == 19_999


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="#*_-+>`~<!|[]()\n\t :1.xX", max_size=300),
        st.lists(
            st.sampled_from(
                ["# Rollback", "**Risks:**", "Risks: x", "- [ ] ", "- ", "> ", "```", "<!--", "-->",
                 "<details>", "<summary>Rollback</summary>", "</details>", "| a | b |", "|---|---|",
                 "===", "---", "TODO", "N/A", "    code", "\r\n", "\t", "text"]
            ),
            max_size=40,
        ).map("\n".join),
    )
)
def test_any_text_gives_a_document_and_a_report(text: str) -> None:
    document = markdown.parse(text)
    assert isinstance(document, Document)
    assert document.sections[0].level == 0
    for s in document.sections[1:]:
        assert s.line >= 1
        assert s.parent is not None and s.parent < len(document.sections)
    report = check(text)
    assert isinstance(report, Report)
    assert len(report.requirements) == 10


@pytest.mark.parametrize(
    "line",
    [
        "#### :yellow_heart: Success Criteria :yellow_heart:",
        "## :rocket: Rollback plan for the release",
        "### :warning: Risks and mitigations :warning:",
    ],
)
def test_a_title_opening_with_an_emoji_shortcode_is_no_field(line: str) -> None:
    """":yellow_heart: Success Criteria" is an emoji and a title, not the field ":yellow_heart"
    holding the value "Success Criteria": a heading must not answer itself."""
    report = check(f"## Summary\nA change.\n\n{line}\n- [ ] This is an example. Use a checklist!\n")
    assert all(r.status != "ok" for r in report.requirements if r.severity == "error"), statuses(report)


def test_an_item_struck_through_whole_is_withdrawn() -> None:
    document = parse("## Review\n- [x] ~~Test on the review app~~\n- [x] Code read ~~twice~~\n")
    texts = [b.text for s in document.sections for b in s.blocks]
    assert texts == ["", "Code read twice"]
