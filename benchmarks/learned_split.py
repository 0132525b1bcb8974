"""Score corpus parts with a learned model trained only on the parts gathered before them: how
the README's figures for the learned model on untouched parts are reproduced.

    python benchmarks/learned_split.py --before CE CE CF CG CH

The code of this checkout is copied to a scratch folder, tools/train_senses.py learns its
models from the shared corpus and the parts of benchmarks/corpus/ gathered before
``--before`` into that copy's rules/learned/, and that copy's benchmarks/accuracy.py scores
the named parts, once with those models and once without any. The parts named should be
those ``--before`` leaves out, or the model has seen them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools"))

import train_senses
import untouched


def score(code: Path, corpus: Path, out: Path) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, "benchmarks/accuracy.py", "--corpus", str(corpus), "--json", str(out), "--quiet"]
    done = subprocess.run(command, cwd=code, env=env, capture_output=True, text=True, check=False)
    if not out.exists():
        raise SystemExit(f"learned_split: the parts were not scored:\n{done.stdout}{done.stderr}")
    return json.loads(out.read_text(encoding="utf-8"))["verdicts"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="learn only from the parts gathered before this one")
    parser.add_argument("parts", nargs="+", help="the part prefixes to score (CE CF ...)")
    args = parser.parse_args(argv)
    order = train_senses._order
    seen = [part for part in args.parts if order(part) < order(args.before)]
    if seen:
        parser.error(f"{', '.join(seen)} gathered before {args.before}: the model learns from them")
    with tempfile.TemporaryDirectory() as scratch:
        code, corpus = Path(scratch) / "code", Path(scratch) / "corpus"
        for folder in ("enforcer", "rules"):
            shutil.copytree(ROOT / folder, code / folder, ignore=shutil.ignore_patterns("__pycache__"))
        (code / "benchmarks").mkdir()
        shutil.copy(HERE / "accuracy.py", code / "benchmarks")
        untouched.corpus_of(args.parts, corpus)
        models = code / "rules" / "learned"
        shutil.rmtree(models)
        without = score(code, corpus, Path(scratch) / "without.json")
        models.mkdir()
        for name, text in train_senses.train(args.before).items():
            (models / name).write_text(text, encoding="utf-8")
        learned = score(code, corpus, Path(scratch) / "with.json")
    print(f"parts {' '.join(args.parts)}, this checkout's code")
    print(f"  without a learned model:               {untouched.figures(without)}")
    print(f"  learned from the parts before {args.before:<4}:   {untouched.figures(learned)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
