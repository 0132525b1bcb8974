"""Score corpus parts with the code of an earlier commit: how the README's untouched figures
are reproduced.

A part of benchmarks/corpus/ is measured untouched when it is scored by the code as it was
before anything was tuned on it. This takes the code of ``--code`` (``git archive``, no
checkout touched), the labels and documents of the named parts as they are now, and runs that
commit's own ``benchmarks/accuracy.py`` on them, then prints the minimum elements' figures over
all the parts together:

    python benchmarks/untouched.py --code d4fa29a AW AX AY AZ BA BB BC BD BE BF BG

A part written ``PART@COMMIT`` is scored with that commit's code instead: each part on the code
of the day it arrived (the merge commit of each part names the commits it was scored on):

    python benchmarks/untouched.py AW@7165de8 AX@7165de8 AY@7165de8 AZ@a6b10ac BA@e0dc056 \
        BB@e0dc056 BC@c2f4761 BD@19f5301 BE@2e86deb BF@2e86deb BG@00d6cc2
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "corpus"
ELEMENTS = ("E", "V", "R", "B")


def code_at(revision: str, into: Path) -> None:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def corpus_of(parts: list[str], into: Path) -> None:
    (into / "docs").mkdir(parents=True)
    for part in parts:
        labels = CORPUS / f"labels-{part}.yaml"
        if not labels.exists():
            raise SystemExit(f"untouched: no part {part} (no {labels.relative_to(ROOT)})")
        shutil.copy(labels, into)
        for doc in (CORPUS / "docs").glob(f"{part}-*"):
            shutil.copy(doc, into / "docs")


def figures(verdicts: list[dict]) -> str:
    minimum = [v for v in verdicts if v["element"] in ELEMENTS]
    real = [v for v in minimum if v["label"] == "true"]
    other = [v for v in minimum if v["label"] != "true"]
    agree = sum(v["agrees"] for v in minimum)
    false_ok = sum(not v["agrees"] for v in other)
    missed = sum(not v["agrees"] for v in real)
    return (
        f"minimum (E V R B): {100 * agree / len(minimum):.1f}% agreement of {len(minimum)}"
        f"   false ok {100 * false_ok / max(1, len(other)):.1f}% ({false_ok}/{len(other)})"
        f"   missed {100 * missed / max(1, len(real)):.1f}% ({missed}/{len(real)})"
    )


def scored(revision: str, parts: list[str], scratch: Path) -> list[dict]:
    """The verdicts on these parts of the code of ``revision``."""
    code, corpus, out = scratch / "code", scratch / "corpus", scratch / "verdicts.json"
    code_at(revision, code)
    corpus_of(parts, corpus)
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/accuracy.py",
            "--corpus",
            str(corpus),
            "--json",
            str(out),
            "--quiet",
        ],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if not out.exists():
        raise SystemExit(
            f"untouched: the code of {revision} did not score the parts:\n{done.stdout}{done.stderr}"
        )
    return json.loads(out.read_text(encoding="utf-8"))["verdicts"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--code", help="the commit whose code scores the parts written without @COMMIT"
    )
    parser.add_argument(
        "parts", nargs="+", help="part prefixes (AW AX ...), each maybe PART@COMMIT"
    )
    args = parser.parse_args()
    by_code: dict[str, list[str]] = {}
    for written in args.parts:
        part, _, revision = written.partition("@")
        revision = revision or args.code
        if not revision:
            parser.error(f"{part}: no commit to score it with (--code, or {part}@COMMIT)")
        by_code.setdefault(revision, []).append(part)
    verdicts: list[dict] = []
    for revision, parts in by_code.items():
        with tempfile.TemporaryDirectory() as scratch:
            verdicts += scored(revision, parts, Path(scratch))
        print(f"parts {' '.join(parts)} on the code of {revision}")
    print(figures(verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
