"""Learn rules/learned.json from the labelled corpus: for each part, which words make a
sentence of prose read as that part (enforcer/learned.py).

    python tools/train_senses.py            # writes rules/learned/<requirement id>.json
    python tools/train_senses.py --check    # fails when rules/learned/ is not what it gives
    python tools/train_senses.py --before BH --out /tmp/early
                                            # learn from the parts gathered before BH only

The examples are the sentences the engine would weigh (``_Checker.answer_sentences``: prose
the line model reads as an answer) in the documents of benchmarks/corpus/ and
../shared/corpus/:
- a sentence counts for a part where the document's label for it is true (not a judgement
  call) and either the label's notes quote the sentence for it (``"Tested on staging" -> V
  true``) or it stands in the section the rules found for the part by its heading;
- a sentence counts against a part where the document's label for it is false or a
  placeholder (not a judgement call).
Each part's model is a logistic regression over the sentence's features, with an L2 penalty,
fitted by gradient descent in plain Python: the same run gives the same file. Features seen in
fewer than two examples are left out, and weights too small to matter are dropped.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere


def _benchmark(name: str):  # type: ignore[no-untyped-def]
    """A module of benchmarks/, loaded by its path: that folder is never put on sys.path,
    where its requests.py would stand for the requests library."""
    spec = spec_from_file_location(f"benchmarks_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = module_from_spec(spec)
    sys.modules[spec.name] = module  # the NamedTuples of accuracy.py look themselves up here
    spec.loader.exec_module(module)
    return module


_accuracy = _benchmark("accuracy")
CORPORA, _label, labelled = _accuracy.CORPORA, _accuracy._label, _accuracy.labelled

from enforcer import config as config_module
from enforcer import engine, learned, markdown
from enforcer.config import rules_dir

# part -> (requirement id, threshold of one sentence, threshold of two or more in one section):
# where a model found more real parts than it invented on parts gathered after those it
# learned from (see the commits that set them)
PARTS = {"V": ("validation", 0.8, 0.6), "R": ("risks", 0.8, 0.6)}
PENALTY = 1.0  # the L2 penalty's weight against the sum of the examples' losses (C = 1)
STEPS = 400
SMALLEST = 0.1  # weights below this are dropped: they hardly move a score (measured: the same
# parts found on parts gathered later, and a third of the weights to read)
_QUOTED = re.compile(r'"([^"]{8,})"|“([^”]{8,})”')
# "... -> V and testing true", "(R true, judgement: ...)": the parts a note's quotes stand for
_VERDICT = re.compile(
    r"(?:->|\()\s*((?:[EVRB])(?:\s*(?:,|and|/|&)\s*\w+)*)\s+(?:true|judgement)"
)


def _plain(text: str) -> str:
    text = re.sub(r"[*_`>#\[\]]", " ", text.lower()).replace("’", "'")
    return " ".join(text.split())


def quoted_for(notes: str) -> dict[str, list[str]]:
    """The passages a label's notes quote, by the part each one decided."""
    found: dict[str, list[str]] = {}
    start = 0
    for verdict in _VERDICT.finditer(notes):
        parts = {w for w in re.split(r"\s*(?:,|and|/|&)\s*", verdict.group(1)) if w in PARTS}
        for quote in _QUOTED.finditer(notes[start : verdict.start()]):
            for piece in re.split(r"\s*(?:\.\.\.|…)\s*", quote.group(1) or quote.group(2)):
                if len(_plain(piece)) >= 12:
                    for part in parts:
                        found.setdefault(part, []).append(_plain(piece))
        start = verdict.end()
    return found


def part_of(name: str) -> str:
    return name.split("-", 1)[0]


def _order(part: str) -> tuple[int, str]:
    return (len(part), part)


def examples(before: str | None) -> dict[str, list[tuple[frozenset[str], int]]]:
    """(features, 1 for the part or 0 against it) of every sentence weighed, per part."""
    config = config_module.load(ruleset=None, default_ruleset=None, config_text=None, config_source="train")._replace(learned=False)
    requirements = {r.id: r for r in config.requirements}
    found: dict[str, list[tuple[frozenset[str], int]]] = {part: [] for part in PARTS}
    for item in labelled(CORPORA):
        entry = item.entry
        if before and item.corpus == CORPORA[1] and _order(part_of(entry["file"])) >= _order(before):
            continue  # only the parts gathered before ``before`` (and the shared corpus)
        skip = set(entry.get("judgement_call") or ())
        document = markdown.parse(item.path.read_text(encoding="utf-8"))
        checker = engine._Checker(document, config, frozenset())
        quotes = quoted_for(str(entry.get("notes") or ""))
        report = None
        for part, (rid, *_) in PARTS.items():
            label = _label(entry.get(part))
            if part in skip:
                continue
            heading = None
            if label == "true":
                if report is None:
                    report = engine.check(document, config, target="train")
                result = next(r for r in report.requirements if r.id == rid)
                if result.status == "ok" and result.matched in ("heading", "field", "bold label", "title line"):
                    heading = result.heading
            for index, line, features in checker.answer_sentences(checker.context(requirements[rid])):
                if label != "true":
                    found[part].append((features, 0))
                    continue
                said = _plain(line.text)
                quoted = any(q in said or (len(said) >= 20 and said in q) for q in quotes.get(part, ()))
                if quoted or (heading is not None and document.sections[index].title == heading):
                    found[part].append((features, 1))
    return found


def fit(rows: list[tuple[frozenset[str], int]]) -> tuple[float, dict[str, float]]:
    """Logistic regression with an L2 penalty, by full-batch gradient descent (Adam)."""
    seen = Counter(f for features, _ in rows for f in features)
    index = {f: i for i, f in enumerate(sorted(f for f, n in seen.items() if n >= 2))}
    data = [([index[f] for f in features if f in index], y) for features, y in rows]
    weights = [0.0] * (len(index) + 1)  # the last one is the bias, not penalised
    m, v = [0.0] * len(weights), [0.0] * len(weights)
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for step in range(1, STEPS + 1):
        grad = [w / PENALTY for w in weights]
        grad[-1] = 0.0
        bias = weights[-1]
        for features, y in data:
            z = bias + sum(weights[i] for i in features)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = p - y
            for i in features:
                grad[i] += g
            grad[-1] += g
        for i, g in enumerate(grad):
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            weights[i] -= rate * (m[i] / (1 - beta1**step)) / (math.sqrt(v[i] / (1 - beta2**step)) + 1e-8)
    names = sorted(index, key=index.__getitem__)
    kept = {name: round(weights[i], 4) for i, name in enumerate(names) if abs(weights[i]) >= SMALLEST}
    return round(weights[-1], 4), dict(sorted(kept.items()))


def train(before: str | None) -> dict[str, str]:
    """The text of each requirement's model file, by file name."""
    rows = examples(before)
    files = {}
    for part, (rid, threshold, together) in PARTS.items():
        bias, weights = fit(rows[part])
        positives = sum(y for _, y in rows[part])
        data = {
            "about": "written by tools/train_senses.py from the labelled corpus; see enforcer/learned.py",
            "before": before,
            "examples": {"for": positives, "against": len(rows[part]) - positives},
            "threshold": threshold,
            "together": together,
            "bias": bias,
            "weights": weights,
        }
        files[f"{rid}.json"] = json.dumps(data, indent=0, ensure_ascii=False) + "\n"
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = Path(rules_dir()) / learned.FOLDER
    parser.add_argument("--out", default=str(default), help="the folder to write to (default: rules/learned)")
    parser.add_argument("--before", help="learn only from the parts of benchmarks/corpus gathered before this one")
    parser.add_argument("--check", action="store_true", help="fail when --out is not what training gives")
    args = parser.parse_args(argv)
    out = Path(args.out)
    files = train(args.before)
    if args.check:
        stale = [name for name, text in files.items() if not (out / name).exists() or (out / name).read_text(encoding="utf-8") != text]
        if stale:
            print(f"{', '.join(stale)} in {out} not what tools/train_senses.py gives: run it and commit", file=sys.stderr)
            return 1
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
        model = json.loads(text)
        print(f"{name}: {model['examples']['for']} for, {model['examples']['against']} against, {len(model['weights'])} weights")
    return 0


if __name__ == "__main__":
    sys.exit(main())
