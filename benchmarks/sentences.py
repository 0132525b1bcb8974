"""How often a part of the plan written as a sentence inside another section is found.

    python benchmarks/sentences.py            # per element recall and false fires, each miss
    python benchmarks/sentences.py --check    # exit 1 when worse than sentences-baseline.json
    python benchmarks/sentences.py --record   # write the figures to sentences-baseline.json
    python benchmarks/sentences.py --split holdout   # only one split (tuning, holdout)
    python benchmarks/sentences.py --round 2         # only the sentences added in one round

The sentences (benchmarks/sentences/sentences.yaml) are real ones from public descriptions,
design documents and runbooks, each labelled with the element it gives by itself
(expectations, validation, risks, rollback) or ``none``, with the element it could be taken
for under ``trap``. Each is checked as the only text of a Summary, ``## Summary\\n\\n<text>\\n``,
with the default ruleset (handbook): a sentence is found when the element's requirement is
``ok`` with ``matched`` "sentence" or "learned sentence" (enforcer/learned.py).

Figures, per element and per split:
- recall:     positives found, of the positives;
- false fire: negatives whose trap element is ``ok``, of the negatives.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SENTENCES = HERE / "sentences" / "sentences.yaml"
BASELINE = HERE / "sentences-baseline.json"
ELEMENTS = ("expectations", "validation", "risks", "rollback")
SPLITS = ("tuning", "holdout")
TOLERANCE = 0.0005

sys.path.insert(0, str(ROOT))
from enforcer import config, engine, markdown  # noqa: E402


class Verdict(NamedTuple):
    text: str
    element: str  # the label: an element, or "none"
    trap: str | None
    split: str
    found: bool  # the element (or the trap, for a negative) is ok as a sentence
    status: str
    matched: str | None

    @property
    def scored(self) -> str:
        return self.element if self.element != "none" else str(self.trap)

    @property
    def positive(self) -> bool:
        return self.element != "none"

    @property
    def right(self) -> bool:
        return self.found == self.positive


def load(path: Path = SENTENCES) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data["sentences"]
    for item in items:
        element = item["element"]
        if element not in (*ELEMENTS, "none"):
            raise SystemExit(f"sentences: unknown element {element!r}: {item['text'][:60]}")
        if element == "none" and item.get("trap") not in ELEMENTS:
            raise SystemExit(f"sentences: a negative needs a trap element: {item['text'][:60]}")
    return items


def judge(items: list[dict]) -> list[Verdict]:
    cfg = config.load(ruleset="handbook")
    verdicts = []
    for item in items:
        element = item["element"]
        target = element if element != "none" else item["trap"]
        document = markdown.parse(f"## Summary\n\n{item['text']}\n")
        report = engine.check(document, cfg, target="sentence.md")
        result = next(r for r in report.requirements if r.id == target)
        found = result.status == "ok" and result.matched in ("sentence", "learned sentence")
        verdicts.append(Verdict(item["text"], element, item.get("trap"), item.get("split", "tuning"), found, result.status, result.matched))
    return verdicts


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def figures(verdicts: list[Verdict]) -> dict:
    """{split: {element: {positives, found, recall, negatives, fired, false_fire}}}, with "all"
    for every split and every element."""
    out: dict = {}
    for split in (*SPLITS, "all"):
        chosen = [v for v in verdicts if split == "all" or v.split == split]
        per: dict = {}
        for element in (*ELEMENTS, "all"):
            mine = [v for v in chosen if element == "all" or v.scored == element]
            positives = [v for v in mine if v.positive]
            negatives = [v for v in mine if not v.positive]
            found = sum(v.found for v in positives)
            fired = sum(v.found for v in negatives)
            per[element] = {
                "positives": len(positives), "found": found, "recall": _ratio(found, len(positives)),
                "negatives": len(negatives), "fired": fired, "false_fire": _ratio(fired, len(negatives)),
            }
        out[split] = per
    return out


def print_report(verdicts: list[Verdict], splits: tuple[str, ...], out=sys.stdout) -> None:
    numbers = figures(verdicts)
    print(f"Sentences: {len(verdicts)} real sentences, each the Summary of a description\n", file=out)
    for split in splits:
        print(f"{split}:", file=out)
        for element in (*ELEMENTS, "all"):
            f = numbers[split][element]
            print(
                f"  {element:<13} recall {f['recall']:6.1%} ({f['found']:3d}/{f['positives']:3d})   "
                f"false fire {f['false_fire']:6.1%} ({f['fired']:2d}/{f['negatives']:3d})",
                file=out,
            )
    shown = [v for v in verdicts if not v.right and (v.split in splits or "all" in splits)]
    misses = [v for v in shown if v.positive]
    fires = [v for v in shown if not v.positive]
    print(f"\nmissed ({len(misses)}):", file=out)
    for v in sorted(misses, key=lambda v: (v.scored, v.split)):
        print(f"  {v.scored:<12} {v.split:<7} {v.text}", file=out)
    print(f"\nfalse fires ({len(fires)}):", file=out)
    for v in sorted(fires, key=lambda v: (v.scored, v.split)):
        print(f"  {v.scored:<12} {v.split:<7} {v.text}", file=out)


def compare(now: dict, recorded: dict) -> list[str]:
    """What got worse than the recorded figures, per split and element."""
    worse = []
    for split, per in recorded.items():
        for element, was in per.items():
            is_ = now.get(split, {}).get(element)
            if is_ is None:
                continue
            if is_["recall"] < was["recall"] - TOLERANCE:
                worse.append(f"{split} {element} recall fell from {was['recall']:.1%} to {is_['recall']:.1%}")
            if is_["false_fire"] > was["false_fire"] + TOLERANCE:
                worse.append(f"{split} {element} false fire rose from {was['false_fire']:.1%} to {is_['false_fire']:.1%}")
    return worse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure is worse than sentences-baseline.json")
    parser.add_argument("--record", action="store_true", help="write the figures to sentences-baseline.json")
    parser.add_argument("--split", choices=(*SPLITS, "all"), help="report only this split")
    parser.add_argument("--quiet", action="store_true", help="print only the figures")
    parser.add_argument("--round", type=int, help="only the sentences added in this round (1: the first set)")
    args = parser.parse_args(argv)

    items = load()
    if args.round is not None:
        if args.record or args.check:
            parser.error("--round scores a part of the set: it cannot be recorded or checked")
        items = [item for item in items if item.get("round", 1) == args.round]
    verdicts = judge(items)
    numbers = figures(verdicts)
    splits = (args.split,) if args.split else (*SPLITS, "all")
    if args.quiet:
        for split in splits:
            f = numbers[split]["all"]
            print(f"{split}: recall {f['recall']:.1%} ({f['found']}/{f['positives']})  false fire {f['false_fire']:.1%} ({f['fired']}/{f['negatives']})")
    else:
        print_report(verdicts, splits)
    if args.record:
        BASELINE.write_text(json.dumps({"sentences": len(items), "figures": numbers}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nrecorded in {BASELINE.relative_to(ROOT)}", file=sys.stderr)
    if args.check:
        recorded = json.loads(BASELINE.read_text())
        if recorded["sentences"] != len(items):
            print(f"sentences: {BASELINE.name} was recorded on {recorded['sentences']} sentences, now {len(items)}: run with --record", file=sys.stderr)
            return 2
        worse = compare(numbers, recorded["figures"])
        if worse:
            print("\nsentences got worse than recorded: " + "; ".join(worse), file=sys.stderr)
            return 1
        print(f"\nsentences hold against {BASELINE.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
