"""The learned model's sentences (enforcer/learned.py): what it adds to the wordings, what it
never takes for a part, and that rules/learned/ is what tools/train_senses.py gives."""

from __future__ import annotations

import subprocess
import sys
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

import pytest
from core_support import check, result

from enforcer import config, learned

ROOT = Path(__file__).resolve().parents[2]
_spec = spec_from_file_location("train_senses", ROOT / "tools" / "train_senses.py")
assert _spec is not None and _spec.loader is not None
train_senses = module_from_spec(_spec)
_spec.loader.exec_module(train_senses)


@pytest.mark.parametrize(
    ("requirement", "text"),
    [
        # real sentences of parts gathered after the wordings were written (CH-014, BI-005)
        ("validation", "## Summary\nI did check locally on ARM MacOS that the full suite is still passing alongside NumPy 2.0.0.\n"),
        ("risks", "## Summary\nThe upgrade may be rejected in environments that happen to be on an older minor version of postgres 11.\n"),
    ],
)
def test_a_sentence_counts_by_its_words_where_no_wording_finds_it(requirement: str, text: str) -> None:
    assert result(check(text, learned=False), requirement).status == "missing"
    found = result(check(text), requirement)
    assert (found.status, found.matched, found.line) == ("ok", "learned sentence", 2)
    # the report says why: the words that weighed most, and the score
    (evidence,) = found.evidence
    assert evidence.reason.startswith(f"a sentence that reads as {requirement} by its words (")
    assert "'locally'" in evidence.reason or "'rejected'" in evidence.reason


@pytest.mark.parametrize(
    ("requirement", "text", "status"),
    [
        # a word denied is not the word
        ("validation", "## Summary\nI have not tested this against production data yet.\n", "missing"),
        ("validation", "## Summary\nWe haven't checked locally that the full suite is still passing.\n", "missing"),
        # asked, not said
        ("validation", "## Summary\nDid you check locally that the full suite is still passing?\n", "missing"),
        # an unticked box is still to do, an instruction is the template's
        ("validation", "## Notes\n- [ ] Check locally that the full suite is still passing\n", "missing"),
        ("validation", "## Testing\n_Describe how you checked locally that the full suite still passes._\n", "placeholder"),
        ("risks", "## Risks\n_What could go wrong? List what may break in environments on an older postgres._\n", "placeholder"),
    ],
)
def test_what_the_model_never_takes_for_a_part(requirement: str, text: str, status: str) -> None:
    assert result(check(text), requirement).status == status


def test_sentences_of_one_section_that_read_as_the_part_together(monkeypatch: pytest.MonkeyPatch) -> None:
    # a model of known weights, so that each sentence's score is known: 0.73 each, between
    # the threshold of sentences together (0.6) and that of one sentence (0.8)
    known = learned.Model(-1.0, 0.8, {"walrus": 2.0, "pelican": 2.0, "walrus pelican": 2.0}, together=0.6)
    monkeypatch.setattr(learned, "model", lambda rid, folder=None: known if rid == "risks" else None)
    first, second = "The walrus keeps its place on the shelf.", "Every pelican flies north in the spring."
    together = result(check(f"# Notes\n{first}\n{second}\n"), "risks")
    assert (together.status, together.matched, together.heading) == ("ok", "learned sentence", "Notes")
    assert [e.line for e in together.evidence] == [2, 3]
    assert all(e.reason.startswith("one of 2 sentences of the section that read as risks together") for e in together.evidence)
    # one alone, or the two in two sections, is not enough; one sentence past 0.8 is
    assert result(check(f"# Notes\n{first}\n"), "risks").status == "missing"
    assert result(check(f"# Notes\n{first}\n# Other\n{second}\n"), "risks").status == "missing"
    alone = result(check("# Notes\nThe walrus pelican keeps its place on the shelf.\n"), "risks")
    assert alone.status == "ok" and alone.evidence[0].reason.startswith("a sentence that reads as risks by its words")


def test_explain_says_the_sentence_was_read_by_its_words(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from enforcer.cli import cli

    (tmp_path / "d.md").write_text(
        "## Summary\nI did check locally on ARM MacOS that the full suite is still passing alongside NumPy 2.0.0.\n",
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["check", "--explain", "--no-publish", str(tmp_path / "d.md")])
    assert 'Validation                     a sentence in "Summary", line 2' in done.output
    assert 'no section of its own: read from a sentence in "Summary" by its words, as the learned model weighs them' in done.output
    assert "+ line 2: answer, a sentence that reads as validation by its words ('check', " in done.output


def test_a_ruleset_turns_the_model_off() -> None:
    text = "## Summary\nI did check locally on ARM MacOS that the full suite is still passing alongside NumPy 2.0.0.\n"
    off = config.load(config_text="learned: false\n")
    assert off.learned is False and config.load(config_text="").learned is True
    assert result(check(text, off), "validation").status == "missing"
    with pytest.raises(config.ConfigError, match=r"learned: expected true or false"):
        config.load(config_text="learned: sometimes\n")


def test_the_features_of_a_sentence() -> None:
    assert learned.features("Tested on 3.11 and 3.12 in staging") == frozenset(
        {"tested", "on", "and", "in", "staging", "tested on", "on and", "and in", "in staging"}
    )
    # a denial marks the next three words
    assert {"~tested", "~this", "~on", "staging"} <= learned.features("Not tested this on staging")
    assert {"haven", "t", "~checked", "~it", "~yet", "haven t"} <= learned.features("We haven't checked it yet")
    assert "k:ticked" in learned.features("Smoke test", ticked=True)


def test_every_model_file_is_sound() -> None:
    folder = Path(config.rules_dir()) / learned.FOLDER
    names = sorted(path.stem for path in folder.glob("*.json"))
    assert names == sorted(rid for rid, *_ in train_senses.PARTS.values())
    for name in names:
        model = learned.model(name)
        assert model is not None and 0.5 <= model.threshold < 1 and model.weights
        assert all(abs(weight) >= train_senses.SMALLEST for weight in model.weights.values())
    assert learned.model("retro") is None


def test_the_notes_quote_the_passages_that_decided_a_part() -> None:
    notes = (
        'Title "Upgrade". "Tested on staging with a copy of prod" -> V and testing true. '
        '"The cache may be cold for an hour" (R true, judgement: implied). "Short" -> V true.'
    )
    assert train_senses.quoted_for(notes) == {
        "V": ["tested on staging with a copy of prod"],
        "R": ["the cache may be cold for an hour"],
    }


@pytest.mark.skipif(not (ROOT.parent / "shared" / "corpus").is_dir(), reason="needs ../shared/corpus, as CI has it")
def test_the_model_files_are_what_training_gives() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "train_senses.py"), "--check"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
