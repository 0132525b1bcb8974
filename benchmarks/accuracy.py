"""How often `enforce check` agrees with a careful human reading of real descriptions.

    python benchmarks/accuracy.py                 # score every corpus, name each disagreement
    python benchmarks/accuracy.py --check         # exit 1 when worse than the recorded figures
    python benchmarks/accuracy.py --record        # write the figures to accuracy-baseline.json
    python benchmarks/accuracy.py --templates     # also give each description its template
    python benchmarks/accuracy.py --json out.json # the figures and every verdict as JSON

The corpora are folders holding ``labels-*.yaml`` and ``docs/``: the shared development corpus
(``../shared/corpus`` beside the checkout, when present) and ``benchmarks/corpus``. Each
document is labelled per minimum element of the guide: ``E`` expected result, ``V`` validation,
``R`` risks, ``B`` rollback, as ``true`` (really there, with real content), ``placeholder``
(only an unfilled prompt) or ``false`` (absent); the other areas under ``extras``.

Each document is checked as a user would check it, ``enforce check --format json FILE`` with the
default ruleset, in an empty folder (so no configuration or template of this repository is
read). An element agrees when the tool says ``ok`` for ``true``, and anything else for
``placeholder`` or ``false``. Elements a label names as a ``judgement_call`` are not scored.

Figures:
- agreement: elements where tool and label agree, of all scored elements;
- false ok:  elements labelled placeholder or false that the tool reports ``ok``, of those;
- missed:    elements labelled true that the tool reports anything but ``ok``, of those.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE = HERE / "accuracy-baseline.json"
CORPORA = (ROOT.parent / "shared" / "corpus", HERE / "corpus")

# element of the labels -> requirement id of the handbook ruleset
MINIMUM = {"E": "expectations", "V": "validation", "R": "risks", "B": "rollback"}
EXTRAS = {
    "metrics": "metrics",
    "testing": "testing",
    "communication": "communication",
    "staging_production_checks": "staging-production-checks",
    "rollout_steps": "rollout-steps",
    "retro": "retro",
}
# how much worse than the recorded figure a run may be before --check fails (rounding only)
TOLERANCE = 0.0005


class Element(NamedTuple):
    corpus: str
    document: str
    element: str  # "E", "V", "R", "B" or an extras name
    label: str  # "true", "placeholder" or "false"
    status: str  # the tool's status for the requirement
    heading: str | None
    line: int | None
    kind: str
    styles: tuple[str, ...]
    matched: str | None = None  # where the tool found it: heading, sentence, title line ...

    @property
    def truth(self) -> bool:
        return self.label == "true"

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def agrees(self) -> bool:
        return self.truth == self.ok


class Score(NamedTuple):
    scored: int
    agree: int
    negatives: int
    false_ok: int
    positives: int
    missed: int

    @classmethod
    def of(cls, elements: Iterable[Element]) -> Score:
        items = list(elements)
        negatives = [e for e in items if not e.truth]
        positives = [e for e in items if e.truth]
        return cls(
            len(items),
            sum(e.agrees for e in items),
            len(negatives),
            sum(e.ok for e in negatives),
            len(positives),
            sum(not e.ok for e in positives),
        )

    def figures(self) -> dict[str, float | int]:
        return {
            "elements": self.scored,
            "agreement": _ratio(self.agree, self.scored),
            "false_ok": _ratio(self.false_ok, self.negatives),
            "missed": _ratio(self.missed, self.positives),
        }

    def line(self) -> str:
        f = self.figures()
        return (
            f"{f['agreement']:6.1%} agreement of {self.scored:3d}   "
            f"false ok {f['false_ok']:6.1%} ({self.false_ok}/{self.negatives})   "
            f"missed {f['missed']:6.1%} ({self.missed}/{self.positives})"
        )


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _label(value: object) -> str:
    if value is True:
        return "true"
    if value is False or value is None:
        return "false"
    text = str(value).strip().lower()
    if text not in ("true", "false", "placeholder"):
        raise SystemExit(f"accuracy: unknown label {value!r} (expected true, placeholder or false)")
    return text


class Labelled(NamedTuple):
    corpus: Path
    entry: dict

    @property
    def path(self) -> Path:
        return self.corpus / "docs" / self.entry["file"]

    @property
    def template(self) -> Path | None:
        name = self.entry.get("template")
        return self.corpus / "docs" / name if name else None


def labelled(corpora: Iterable[Path]) -> Iterator[Labelled]:
    for corpus in corpora:
        for labels in sorted(corpus.glob("labels-*.yaml")):
            data = yaml.safe_load(labels.read_text(encoding="utf-8")) or {}
            for entry in data.get("documents") or []:
                item = Labelled(corpus, entry)
                if not item.path.is_file():
                    raise SystemExit(f"accuracy: {labels.name} lists {entry['file']}, which is not in {corpus}/docs")
                yield item


# One Python process checks every document in turn through the command line's own entry
# point, in an empty folder: the same verdict as `enforce check --format json FILE`, without
# paying the start-up once per document.
_DRIVER = """
import json, os, sys
from click.testing import CliRunner
from enforcer.cli import cli
os.chdir(sys.argv[1])
runner = CliRunner()
for line in sys.stdin:
    args = json.loads(line)
    result = runner.invoke(cli, ["check", "--format", "json", "--no-publish", *args])
    if result.exit_code not in (0, 1):
        sys.stdout.write(json.dumps({"error": result.exit_code, "stderr": result.stderr, "args": args}) + "\\n")
        continue
    sys.stdout.write(json.dumps(json.loads(result.stdout)) + "\\n")
"""


def run_checks(items: list[Labelled], with_template: bool) -> list[dict]:
    lines = []
    for item in items:
        args = ["--template", str(item.template)] if with_template and item.template else []
        lines.append(json.dumps([*args, str(item.path)]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITLAB", "GITHUB", "CI"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as workdir:
        done = subprocess.run(
            [sys.executable, "-c", _DRIVER, workdir],
            input="\n".join(lines) + "\n", capture_output=True, text=True, env=env,
        )
    if done.returncode:
        raise SystemExit(f"accuracy: the checks failed:\n{done.stderr}")
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    for report in reports:
        if "error" in report:
            raise SystemExit(f"accuracy: enforce check {' '.join(report['args'])} exited {report['error']}:\n{report['stderr']}")
    return reports


def elements(item: Labelled, report: dict) -> Iterator[Element]:
    results = {r["id"]: r for r in report["requirements"]}
    entry = item.entry
    skip = set(entry.get("judgement_call") or ())
    labels = {name: entry.get(name) for name in MINIMUM}
    labels.update({name: (entry.get("extras") or {}).get(name) for name in EXTRAS})
    ids = {**MINIMUM, **EXTRAS}
    for name, value in labels.items():
        if name in skip:
            continue
        result = results.get(ids[name])
        if result is None:
            continue
        yield Element(
            _name(item.corpus),
            entry["file"],
            name,
            _label(value),
            result["status"],
            result.get("heading"),
            result.get("line"),
            str(entry.get("kind", "")),
            tuple(entry.get("heading_styles") or ()),
            result.get("matched"),
        )


def score(corpora: Iterable[Path], with_template: bool) -> list[Element]:
    items = list(labelled(corpora))
    reports = run_checks(items, with_template)
    return [element for item, report in zip(items, reports, strict=True) for element in elements(item, report)]


def groups(minimum: list[Element]) -> dict[str, dict[str, list[Element]]]:
    """The minimum elements per element, corpus, kind of document and layout."""
    by: dict[str, dict[str, list[Element]]] = {name: defaultdict(list) for name in ("element", "corpus", "kind", "layout")}
    for e in minimum:
        by["element"][e.element].append(e)
        by["corpus"][e.corpus].append(e)
        by["kind"][e.kind].append(e)
        for style in e.styles or ("none",):
            by["layout"][style].append(e)
    return by


def summary(found: list[Element]) -> dict:
    minimum = [e for e in found if e.element in MINIMUM]
    extras = [e for e in found if e.element in EXTRAS]
    return {
        "minimum": Score.of(minimum).figures(),
        "extras": Score.of(extras).figures(),
        **{
            name: {key: Score.of(group).figures() for key, group in sorted(by.items())}
            for name, by in groups(minimum).items()
        },
    }


def print_report(found: list[Element], out=sys.stdout) -> None:
    minimum = [e for e in found if e.element in MINIMUM]
    extras = [e for e in found if e.element in EXTRAS]
    documents = len({(e.corpus, e.document) for e in found})
    print(f"Accuracy of enforce check on {documents} labelled real documents\n", file=out)
    print(f"  minimum (E V R B)   {Score.of(minimum).line()}", file=out)
    print(f"  other areas         {Score.of(extras).line()}", file=out)
    for name, group in groups(minimum).items():
        print(f"\nper {name}:", file=out)
        for key, items in sorted(group.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            print(f"  {key:<22.22} {Score.of(items).line()}", file=out)
    wrong = [e for e in minimum if not e.agrees]
    print(f"\ndisagreements on the minimum ({len(wrong)}):", file=out)
    for e in sorted(wrong, key=lambda e: (e.corpus, e.document, "EVRB".index(e.element))):
        where = f'"{e.heading}", line {e.line}' if e.heading else "nothing found"
        verdict = "false ok" if e.ok else "missed" if e.truth else "agrees"
        print(f"  {verdict:<8} {e.element} label {e.label:<11} tool {e.status:<12} {e.document}  ({where})", file=out)


def compare(now: dict, recorded: dict) -> list[str]:
    """What got worse than the recorded figures."""
    worse = []
    was, is_ = recorded["minimum"], now["minimum"]
    if is_["agreement"] < was["agreement"] - TOLERANCE:
        worse.append(f"agreement fell from {was['agreement']:.1%} to {is_['agreement']:.1%}")
    if is_["false_ok"] > was["false_ok"] + TOLERANCE:
        worse.append(f"false ok rose from {was['false_ok']:.1%} to {is_['false_ok']:.1%}")
    if is_["missed"] > was["missed"] + TOLERANCE:
        worse.append(f"missed rose from {was['missed']:.1%} to {is_['missed']:.1%}")
    return worse


def _name(corpus: Path) -> str:
    """A corpus named the same in every checkout: inside it, or beside it (../shared/corpus)."""
    if corpus.is_relative_to(ROOT):
        return str(corpus.relative_to(ROOT))
    if corpus.is_relative_to(ROOT.parent):
        return "../" + str(corpus.relative_to(ROOT.parent))
    # a checkout elsewhere (a git worktree) finds the same shared corpus: the same name
    return f"../{corpus.parent.name}/{corpus.name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", type=Path, help="a corpus folder (repeatable; default: the shared and the benchmark corpus)")
    parser.add_argument("--templates", action="store_true", help="check each description with the template it was written from")
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure is worse than accuracy-baseline.json")
    parser.add_argument("--record", action="store_true", help="write the figures to accuracy-baseline.json")
    parser.add_argument("--json", type=Path, help="write the figures and every verdict to this file")
    parser.add_argument("--quiet", action="store_true", help="print only the summary lines")
    args = parser.parse_args(argv)

    corpora = [Path(os.path.abspath(c)) for c in (args.corpus or CORPORA) if any(c.glob("labels-*.yaml"))]
    if not corpora:
        print("accuracy: no corpus found (../shared/corpus, benchmarks/corpus)", file=sys.stderr)
        return 2
    found = score(corpora, args.templates)
    figures = summary(found)
    figures["corpora"] = sorted(_name(c) for c in corpora)
    figures["templates"] = args.templates
    if args.quiet:
        minimum = [e for e in found if e.element in MINIMUM]
        print(f"minimum (E V R B): {Score.of(minimum).line()}")
    else:
        print_report(found)
    if args.json:
        payload = {"figures": figures, "verdicts": [e._asdict() | {"agrees": e.agrees} for e in found]}
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    key = "with_templates" if args.templates else "default"
    if args.record:
        recorded = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
        recorded[key] = {"minimum": figures["minimum"], "extras": figures["extras"], "corpora": figures["corpora"]}
        BASELINE.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nrecorded in {BASELINE.relative_to(ROOT)}", file=sys.stderr)
    if args.check:
        recorded = json.loads(BASELINE.read_text()).get(key)
        if recorded is None:
            print(f"accuracy: nothing recorded for {key} in {BASELINE.name}; run with --record", file=sys.stderr)
            return 2
        if recorded["corpora"] != figures["corpora"] or recorded["minimum"]["elements"] != figures["minimum"]["elements"]:
            print(
                f"accuracy: the corpora changed since {BASELINE.name} was recorded "
                f"({recorded['minimum']['elements']} elements in {', '.join(recorded['corpora'])}; now "
                f"{figures['minimum']['elements']} in {', '.join(figures['corpora'])}): run with --record",
                file=sys.stderr,
            )
            return 2
        worse = compare(figures, recorded)
        if worse:
            print("\naccuracy got worse than recorded: " + "; ".join(worse), file=sys.stderr)
            return 1
        print(f"\naccuracy holds against {BASELINE.name} ({key})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
