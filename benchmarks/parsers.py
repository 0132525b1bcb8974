"""Which Markdown parser: CommonMark conformance, GFM extensions, speed and source positions.

    python benchmarks/parsers.py              # every candidate that is installed
    python benchmarks/parsers.py --only pyromark,mistune --repeat 3

The candidates are benchmark-only extras (``pip install -e '.[bench]'``):

- mistune 3            pure Python, the parser we used until issue 8
- markdown-it-py       pure Python port of markdown-it
- pyromark             pulldown-cmark (Rust) through PyO3
- markdown-it-pyrs     markdown-it.rs (Rust) through PyO3

Conformance: the CommonMark spec's examples (tests/commonmark/spec.json, spec 0.31.2) rendered to
HTML by each parser in its CommonMark mode and compared with the expected HTML after
normalisation (whitespace between and around block tags, attribute order, self-closing tags,
entities: see ``normalise``), per spec section. GFM: whether tables, task lists and
strikethrough render. Speed: the parse to each parser's token tree or event stream (what
enforcer.markdown walks, not HTML), best of ``--repeat`` runs, on 1 MiB of ordinary plans (the
docs' examples and the shared corpus, one after another) and on three hostile inputs. Positions:
whether each block's start line can be read from the parser's output.
"""

from __future__ import annotations

import argparse
import gc
import html
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests/commonmark/spec.json"
MIB = 1024 * 1024
CORPUS = Path("/work/shared/corpus/docs")


# --- HTML normalisation -------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body br caption center col colgroup dd details dialog dir "
    "div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header "
    "hr html iframe legend li link main menu menuitem meta nav noframes ol optgroup option p param "
    "pre section source summary table tbody td tfoot th thead title tr track ul".split()
)


class _Normaliser(HTMLParser):
    """HTML to a canonical string: tags lower-cased, attributes sorted, entities resolved,
    whitespace collapsed outside <pre> and dropped next to block tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.pre = 0

    def _text(self, data: str) -> None:
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        self.out.append(html.escape(data, quote=False))

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: str = "") -> None:
        if tag == "pre":
            self.pre += 1 if not close else -1
        parts = "".join(
            f' {name}="{html.escape(value or "", quote=True)}"' if value else f" {name}"
            for name, value in sorted(attrs)
        )
        self.out.append(f"<{close}{tag}{parts}>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag, [], "/")

    def handle_data(self, data: str) -> None:
        self._text(data)

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def normalise(text: str) -> str:
    parser = _Normaliser()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.out)
    # whitespace next to a block tag is not content
    tags = "|".join(sorted(_BLOCK_TAGS))
    joined = re.sub(rf"\s*(</?(?:{tags})\b[^>]*>)\s*", r"\1", joined)
    return joined.strip()


def whitespace_only(text: str) -> str:
    """The looser comparison of issue 8: white space collapsed and dropped around tags, and
    nothing else (so ``"`` and ``&quot;`` differ)."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", text)).strip()


# --- candidates ---------------------------------------------------------------------------


class Candidate:
    """One parser: how it renders CommonMark HTML, GFM HTML, and its parse to tokens."""

    def __init__(
        self,
        name: str,
        commonmark: Callable[[str], str],
        gfm: Callable[[str], str],
        tokens: Callable[[str], Any],
        positions: str,
        version: str,
    ) -> None:
        self.name, self.commonmark, self.gfm, self.tokens = name, commonmark, gfm, tokens
        self.positions, self.version = positions, version


def _mistune() -> Candidate:
    import mistune

    cm = mistune.create_markdown(escape=False)
    gfm = mistune.create_markdown(escape=False, plugins=["table", "task_lists", "strikethrough"])
    ast = mistune.create_markdown(renderer=None, plugins=["table", "task_lists", "strikethrough"])
    return Candidate(
        "mistune", cm, gfm, ast, "none (enforcer re-found them by searching the source)", mistune.__version__
    )


def _markdown_it_py() -> Candidate:
    from importlib.metadata import version

    from markdown_it import MarkdownIt

    cm = MarkdownIt("commonmark")
    gfm = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    try:
        from mdit_py_plugins.tasklists import tasklists_plugin

        gfm = gfm.use(tasklists_plugin)
    except ImportError:
        pass
    return Candidate(
        "markdown-it-py", cm.render, gfm.render, gfm.parse, "block tokens: .map = [first line, end line)", version("markdown-it-py")
    )


def _pyromark() -> Candidate:
    from importlib.metadata import version

    import pyromark

    flags = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_TASKLISTS | pyromark.Options.ENABLE_STRIKETHROUGH

    def tokens(text: str) -> Any:
        return tuple(pyromark.events_with_range(text, options=flags))

    return Candidate(
        "pyromark",
        pyromark.html,
        lambda text: pyromark.html(text, options=flags),
        tokens,
        "every event: UTF-8 byte range (start, end)",
        version("pyromark"),
    )


def _markdown_it_pyrs() -> Candidate:
    from importlib.metadata import version

    import markdown_it_pyrs

    cm = markdown_it_pyrs.MarkdownIt("commonmark")
    gfm = markdown_it_pyrs.MarkdownIt("gfm")
    return Candidate(
        "markdown-it-pyrs", cm.render, gfm.render, gfm.tree, "every node: .srcmap = (start, end) offsets", version("markdown-it-pyrs")
    )


CANDIDATES = {
    "mistune": _mistune,
    "markdown-it-py": _markdown_it_py,
    "pyromark": _pyromark,
    "markdown-it-pyrs": _markdown_it_pyrs,
}


# --- measurements -------------------------------------------------------------------------


def conformance(
    candidate: Candidate, examples: list[dict[str, Any]]
) -> tuple[int, dict[str, tuple[int, int]], list[int], int]:
    """Examples passed, per section (passed, total), the failed ones, and the examples passed
    under ``whitespace_only``."""
    per_section: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failed: list[int] = []
    loose = 0
    for example in examples:
        try:
            got = candidate.commonmark(example["markdown"])
            ok = normalise(got) == normalise(example["html"])
            loose += whitespace_only(got) == whitespace_only(example["html"])
        except Exception:  # noqa: BLE001  (a parser that raises fails the example)
            ok = False
        counts = per_section[example["section"]]
        counts[1] += 1
        if ok:
            counts[0] += 1
        else:
            failed.append(example["example"])
    passed = sum(c[0] for c in per_section.values())
    return passed, {k: (v[0], v[1]) for k, v in per_section.items()}, failed, loose


GFM_CASES = {
    "tables": ("| a | b |\n|---|---|\n| x | y |\n", r"<table>.*<td>x</td>"),
    "task lists": ("- [x] done\n- [ ] open\n", r'<input[^>]*type="checkbox"'),
    "strikethrough": ("~~gone~~\n", r"<(?:del|s)>gone</(?:del|s)>"),
}


def gfm(candidate: Candidate) -> dict[str, bool]:
    return {
        name: re.search(pattern, candidate.gfm(text), re.DOTALL) is not None
        for name, (text, pattern) in GFM_CASES.items()
    }


def plans(size: int) -> str:
    """Ordinary plans, one after another: the docs' examples and the shared corpus."""
    sources = sorted((ROOT / "docs/examples").glob("*.md"))
    if CORPUS.is_dir():
        sources += sorted(CORPUS.glob("*.md"))
    one = "\n\n".join(path.read_text(encoding="utf-8") for path in sources) + "\n\n"
    return (one * (size // len(one) + 1))[:size]


def inputs() -> dict[str, str]:
    return {
        "plans-1mib": plans(MIB),
        "list-items-1mib": "- x\n" * (MIB // 4),
        "paragraphs-1mib": "x\n\n" * (MIB // 3),
        "emphasis-1mib": "*_" * (MIB // 2),
    }


def speed(candidate: Candidate, text: str, repeat: int) -> float:
    """Seconds to parse ``text`` to tokens, the cyclic collector off (as enforcer parses)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            candidate.tokens(text)
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated candidate names")
    parser.add_argument("--repeat", type=int, default=1, help="runs per speed measurement; the best is kept")
    parser.add_argument("--sections", action="store_true", help="print every spec section")
    parser.add_argument("--failed", action="store_true", help="print the numbers of failed examples")
    args = parser.parse_args()

    names = [n for n in args.only.split(",") if n] or list(CANDIDATES)
    examples = json.loads(SPEC.read_text(encoding="utf-8"))
    texts = inputs()
    block_sections = (
        "Tabs", "Thematic breaks", "ATX headings", "Setext headings", "Indented code blocks",
        "Fenced code blocks", "HTML blocks", "Link reference definitions", "Paragraphs",
        "Blank lines", "Block quotes", "List items", "Lists",
    )
    results = []
    for name in names:
        try:
            candidate = CANDIDATES[name]()
        except ImportError as error:
            print(f"{name}: not installed ({error})", file=sys.stderr)
            continue
        passed, sections, failed, loose = conformance(candidate, examples)
        extensions = gfm(candidate)
        timings = {key: speed(candidate, text, args.repeat) for key, text in texts.items()}
        results.append((candidate, passed, sections, failed, extensions, timings, loose))
        print(f"measured {name}", file=sys.stderr)

    print(
        f"CommonMark spec 0.31.2, {len(examples)} examples (spec: HTML normalised; ws-only: white space only); "
        f"block: the block sections; speed: parse to tokens, seconds, best of {args.repeat}"
    )
    header = f"{'parser':<17} {'version':<8} {'spec':>8}  {'ws-only':>7}  {'block':>7}  " + "  ".join(f"{k:>15}" for k in texts) + "  GFM (table, task, strike)"
    print(header)
    block_total = sum(1 for e in examples if e["section"] in block_sections)
    for candidate, passed, sections, _failed, extensions, timings, loose in results:
        block = sum(sections[s][0] for s in block_sections if s in sections)
        gfm_marks = ", ".join("yes" if extensions[k] else "no" for k in GFM_CASES)
        print(
            f"{candidate.name:<17} {candidate.version:<8} {passed:>4}/{len(examples)}  {loose:>7}  {block:>3}/{block_total}  "
            + "  ".join(f"{timings[k]:>15.3f}" for k in texts)
            + f"  {gfm_marks}"
        )
    print("\nsource positions:")
    for candidate, *_ in results:
        print(f"  {candidate.name:<17} {candidate.positions}")
    print("\nblock-structure sections (passed/total):")
    print(f"  {'section':<28}" + "".join(f"{c.name:>18}" for c, *_ in results))
    all_sections = list(dict.fromkeys(e["section"] for e in examples))
    for section in all_sections if args.sections else block_sections:
        row = "".join(f"{'{}/{}'.format(*r[2][section]):>18}" for r in results)
        print(f"  {section:<28}{row}")
    if args.failed:
        for candidate, _p, _s, failed, *_ in results:
            print(f"\n{candidate.name} failed: {' '.join(map(str, failed))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
