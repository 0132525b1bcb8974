"""The merge request comment must never run a quick action, ping anyone or break its table,
whatever the author wrote in the description.

The checks read the comment the way GitLab and GitHub do: GFM table rows split on unescaped
``|`` (a backslash escapes the next ASCII punctuation character), then CommonMark code spans
(a backtick run closed by the next run of the same length).
"""

from __future__ import annotations

import re

import mistune
from hypothesis import given, settings
from hypothesis import strategies as st
from report_samples import FAILING, HOSTILE, HOSTILE_HEADINGS

from enforcer.model import Finding, Report, RequirementResult
from enforcer.publish import MARKER
from enforcer.report import markdown, render

ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
MENTION = re.compile(r"@\w")


def comment(report: Report) -> str:
    # what the platforms post: the marker line, then our body
    return MARKER + "\n" + render("markdown", report)


def split_row(line: str) -> list[str]:
    """GFM cells of a table row, ``\\|`` unescaped, read left to right."""
    cells, current, i = [], "", 0
    while i < len(line):
        char = line[i]
        if char == "\\" and i + 1 < len(line) and line[i + 1] in ASCII_PUNCT:
            current += line[i : i + 2]
            i += 2
            continue
        if char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
        i += 1
    cells.append(current)
    if line.startswith("|"):
        cells = cells[1:]
    if line.endswith("|"):
        cells = cells[:-1]
    return [cell.replace("\\|", "|").strip() for cell in cells]


def code_spans(text: str) -> tuple[str, list[str]]:
    """(the text outside code spans, the contents of the code spans), per CommonMark."""
    outside, spans, i = "", [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in ASCII_PUNCT:
            outside += text[i : i + 2]
            i += 2
            continue
        if text[i] != "`":
            outside += text[i]
            i += 1
            continue
        run = re.match(r"`+", text[i:]).group()
        closing = re.compile(r"(?<!`)" + run + r"(?!`)")
        match = closing.search(text, i + len(run))
        if match is None:
            outside += run
            i += len(run)
            continue
        content = text[i + len(run) : match.start()]
        if len(content) > 1 and content[0] == " " and content[-1] == " " and content.strip():
            content = content[1:-1]
        spans.append(content)
        i = match.end()
    return outside, spans


def prose(body: str) -> list[tuple[str, bool]]:
    """Each line outside fenced blocks as (line, is table row)."""
    found, fenced = [], False
    for line in body.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            found.append((line, line.startswith("|")))
    return found


def pieces(body: str) -> list[str]:
    """Every table cell and every other line outside fenced blocks."""
    out: list[str] = []
    for line, is_row in prose(body):
        out.extend(split_row(line) if is_row else [line])
    return out


def table_rows(body: str) -> list[list[str]]:
    return [split_row(line) for line, is_row in prose(body) if is_row]


def fenced_lines(body: str) -> list[str]:
    inside, lines = False, []
    for line in body.split("\n"):
        if line.startswith("```"):
            inside = not inside
            continue
        if inside:
            lines.append(line)
    return lines


def assert_safe(report: Report) -> None:
    body = comment(report)
    for line in body.split("\n") + body.splitlines():
        assert not line.lstrip().startswith("/"), line
    for piece in pieces(body):
        outside, _ = code_spans(piece)
        assert not MENTION.search(outside), piece
    for row in table_rows(body):
        assert len(row) == 4, row


def test_no_line_starts_with_a_quick_action() -> None:
    body = comment(HOSTILE)
    assert "/merge" in body and "/close" in body and "/label" in body  # they are there ...
    for line in body.split("\n") + body.splitlines():
        assert not line.lstrip().startswith("/"), line  # ... never where GitLab runs them


def test_no_mention_outside_code_spans() -> None:
    body = comment(HOSTILE)
    assert "@all" in body and "@org/team" in body and "@everyone" in body
    for piece in pieces(body):
        outside, _ = code_spans(piece)
        assert not MENTION.search(outside), piece


def test_trusted_text_mentions_are_defused() -> None:
    body = comment(HOSTILE)
    assert "@\u200dsomeone" in body  # from a note, which is plain text
    assert "@someone" not in body


def test_table_never_breaks() -> None:
    rows = table_rows(comment(HOSTILE))
    # the required parts, then the optional ones (folded): each table with its two header rows
    assert len(rows) == 2 + len(HOSTILE.requirements) + 2
    for row in rows:
        assert len(row) == 4, row


def _rows_by_title() -> dict[str, list[str]]:
    return {row[1]: row for row in table_rows(comment(HOSTILE)) if row[1].startswith("Requirement ")}


def test_headings_survive_their_code_spans_unchanged() -> None:
    rows = _rows_by_title()
    assert len(rows) == len(HOSTILE.requirements)
    for result in HOSTILE.requirements:
        _, spans = code_spans(rows[result.title][2])
        # the zero-width space keeps a backslash before "|" from escaping our escape
        assert spans[0].replace("\u200b", "") == " ".join(result.heading.split())


def unescape(cell: str) -> str:
    """What a reader sees of a prose cell: backslash escapes resolved, joiners dropped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", cell).replace("\u200d", "")


def test_messages_survive_as_plain_sentences_unchanged() -> None:
    rows = _rows_by_title()
    seen = set()
    for result, finding in zip(HOSTILE.requirements, HOSTILE.findings):
        cell = rows[result.title][3]
        outside, spans = code_spans(cell)
        assert spans == [] and outside == cell  # plain sentences, no code span
        if result.status == "missing":
            message = " ".join(finding.message.split())
            assert unescape(cell) == message[0].upper() + message[1:]
        elif result.status == "placeholder":  # only prompts: what a real answer holds
            assert unescape(cell) == " ".join(result.hint.split())
        seen.add(result.status)
    assert seen == {"ok", "missing", "placeholder"}


def test_source_is_only_in_a_code_span() -> None:
    line = next(line for line in comment(HOSTILE).split("\n") if "read from" in line)
    outside, spans = code_spans(line)
    assert spans == ["/merge @all `x` /close | y"]
    assert "merge" not in outside and "@" not in outside


def test_fenced_block_holds_only_trusted_text() -> None:
    lines = fenced_lines(comment(HOSTILE))
    assert lines, "the headings to paste are missing"
    wanted = {f"## {r.suggested_heading}" for r in HOSTILE.requirements if r.status == "missing"}
    headings = {line for line in lines if line.startswith("## ")}
    assert headings == wanted
    for line in lines:
        assert line == "" or line in wanted or re.fullmatch(r"<!-- (?:(?!--).)* -->", line), line
    block = "\n".join(lines)
    for word in ("tick", "Rollback", "urgent", "backslash", "everyone", "unicode", "spaced"):
        assert word in "".join(HOSTILE_HEADINGS)  # text the description holds ...
        assert word not in block, word  # ... and the block to paste does not


def test_fenced_block_fence_outlasts_backticks_in_hints() -> None:
    report = FAILING._replace(
        requirements=tuple(
            r._replace(hint="Use ```` fences ```` around code") for r in FAILING.requirements
        ),
    )
    body = render("markdown", report)
    fence = next(line for line in body.split("\n") if line.endswith("markdown"))
    assert fence == "`````markdown"
    assert body.count("\n`````\n") == 1


def test_rendered_html_pings_nobody() -> None:
    html = mistune.create_markdown(plugins=["table"])(comment(HOSTILE))
    visible = re.sub(r"<code>.*?</code>|<pre>.*?</pre>|<!--.*?-->", "", html, flags=re.DOTALL)
    assert "<table>" in html
    assert not MENTION.search(visible), visible


def test_same_verdict_same_bytes() -> None:
    again = Report(**{name: getattr(FAILING, name) for name in Report._fields})
    assert render("markdown", FAILING) == render("markdown", again)
    assert render("markdown", HOSTILE) == render("markdown", HOSTILE)


def test_rerun_link_cannot_escape_its_parentheses() -> None:
    last = comment(HOSTILE).rstrip("\n").split("\n")[-1]
    assert last == (
        "Edit the description, then "
        "[re-run the check](https://gitlab.example.com/g/p/-/pipelines/1%20%28x%29)."
    )


def test_code_span_padding_and_fences() -> None:
    assert markdown.code("plain") == "`plain`"
    assert markdown.code("a `b` c") == "``a `b` c``"
    assert markdown.code("`") == "`` ` ``"
    assert markdown.code("x ``` y") == "````x ``` y````"
    assert markdown.code("a|b", table=True) == "`a\\|b`"
    assert markdown.code("a|b") == "`a|b`"
    assert markdown.code("") == "(empty)"
    assert markdown.code("line\n/merge") == "`line /merge`"


hostile_text = st.text(
    alphabet=st.sampled_from(list("`|\\@/ \n\r\t\u2028ab-<>!#*_~[]()")), min_size=0, max_size=40
)


@settings(max_examples=200, deadline=None)
@given(heading=hostile_text, message=hostile_text, source=hostile_text)
def test_any_text_stays_contained(heading: str, message: str, source: str) -> None:
    report = Report(
        target="x",
        ruleset="handbook",
        status="failed",
        requirements=(
            RequirementResult(
                "rollback",
                "Rollback plan",
                "error",
                "placeholder",
                heading or None,
                3,
                hint="Say how.",
                suggested_heading="Rollback plan",
            ),
        ),
        findings=(
            Finding("placeholders", "rollback", "error", message, 3),
            Finding("plan-heading", None, "warning", message, None),
        ),
        source=source or None,
    )
    assert_safe(report)
    row = table_rows(comment(report))[2]
    if heading.strip():
        _, spans = code_spans(row[2])
        assert spans[0].replace("\u200b", "") == " ".join(heading.split())
