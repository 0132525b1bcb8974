"""`.rollout-plan.yml`: extends, overrides, new requirements, and a message per mistake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from core_support import check, result

from enforcer import config
from enforcer.config import ConfigError


def load(text: str, base: Path | None = None, source: str = ".rollout-plan.yml") -> config.Config:
    return config.load(config_text=text, config_source=source, base=base)


def requirement(cfg: config.Config, req_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in cfg.requirements if r.id == req_id)


# --- extends ----------------------------------------------------------------------------------


def test_no_file_means_handbook() -> None:
    cfg = config.load()
    assert cfg.ruleset == "handbook"
    assert len(cfg.requirements) == 10


@pytest.mark.parametrize("name", ["handbook", "handbook-strict", "product-launch"])
def test_extends_a_builtin(name: str) -> None:
    assert load(f"extends: {name}\n").ruleset == name


def test_empty_file_means_handbook() -> None:
    assert load("").ruleset == "handbook"
    assert load("# only a comment\n").ruleset == "handbook"


def test_extends_a_path_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "team.yml").write_text(
        "extends: handbook\nname: team\nrequirements:\n  rollback: {severity: warning}\n"
    )
    cfg = load("extends: rules/team.yml\nrequirements:\n  risks: {severity: warning}\n", base=tmp_path)
    assert cfg.ruleset == "team"
    assert requirement(cfg, "rollback").severity == "warning"
    assert requirement(cfg, "risks").severity == "warning"
    assert requirement(cfg, "expectations").severity == "error"


def test_ruleset_option_replaces_extends() -> None:
    cfg = config.load(ruleset="handbook-strict", config_text="extends: product-launch\n")
    assert cfg.ruleset == "handbook-strict"


def test_handbook_strict_is_handbook_with_every_area_an_error() -> None:
    handbook, strict = config.load(ruleset="handbook"), config.load(ruleset="handbook-strict")
    assert [r.id for r in handbook.requirements] == [r.id for r in strict.requirements]
    assert {r.severity for r in strict.requirements} == {"error"}
    assert [r.id for r in handbook.requirements if r.severity == "error"] == [
        "expectations", "validation", "risks", "rollback",
    ]


# --- overrides --------------------------------------------------------------------------------


def test_override_severity() -> None:
    cfg = load("requirements:\n  metrics: {severity: error}\n")
    assert requirement(cfg, "metrics").severity == "error"


def test_override_headings_replaces_them() -> None:
    cfg = load("requirements:\n  rollback: {headings: [escape hatch]}\n")
    assert requirement(cfg, "rollback").headings == ("escape hatch",)
    assert result(check("## Rollback\nTurn the flag off.\n", cfg), "rollback").status == "missing"
    assert result(check("## Escape hatch\nTurn the flag off.\n", cfg), "rollback").status == "ok"


def test_extra_headings_add_to_them() -> None:
    cfg = load("requirements:\n  rollback: {extra_headings: [escape hatch]}\n")
    headings = requirement(cfg, "rollback").headings
    assert headings[0] == "rollback plan" and headings[-1] == "escape hatch"
    assert result(check("## Escape hatch\nTurn the flag off.\n", cfg), "rollback").status == "ok"


def test_extra_headings_add_whatever_the_key_order() -> None:
    cfg = load("requirements:\n  rollback: {extra_headings: [escape hatch], headings: [undo]}\n")
    assert requirement(cfg, "rollback").headings == ("undo", "escape hatch")


def test_override_checks_merges_them() -> None:
    cfg = load("requirements:\n  metrics: {checks: {require_link: [grafana.example.com], min_words: 3}}\n")
    rules = requirement(cfg, "metrics").content
    assert (rules.require_link, rules.link_hosts, rules.min_words) == (True, ("grafana.example.com",), 3)
    rollback = requirement(cfg, "rollback").content
    assert rollback.min_words == 1  # untouched


def test_disable() -> None:
    cfg = load("requirements:\n  retro: {disable: true}\n  metrics: {disable: false}\n")
    ids = [r.id for r in cfg.requirements]
    assert "retro" not in ids and "metrics" in ids


def test_new_requirement() -> None:
    cfg = load(
        "requirements:\n"
        "  feature-flag:\n"
        "    title: Feature flag\n"
        "    headings: [feature flag, flag]\n"
        "    hint: Name the flag.\n"
        "    checks: {min_words: 1}\n"
    )
    new = requirement(cfg, "feature-flag")
    assert (new.title, new.severity, new.headings, new.hint) == ("Feature flag", "error", ("feature flag", "flag"), "Name the flag.")
    assert [r.id for r in cfg.requirements][-1] == "feature-flag"
    assert result(check("## Feature flag\n`new_search`\n", cfg), "feature-flag").status == "ok"


def test_new_requirement_default_title() -> None:
    assert requirement(load("requirements:\n  data-migration: {headings: [migration]}\n"), "data-migration").title == "Data migration"


def test_labels_exempt_label_applies_when_templates_placeholders() -> None:
    cfg = load(
        "labels: {complete: plan-ok}\n"
        "exempt_label: no-plan\n"
        "applies_when: {labels: [deploy], paths: ['db/**']}\n"
        "templates: ['.gitlab/merge_request_templates/*.md']\n"
        "placeholders: [to be written]\n"
        "plan_headings: [launch checklist]\n"
    )
    assert cfg.labels.family() == ("plan-ok", "rollout-plan::incomplete", "rollout-plan::missing")
    assert cfg.exempt_label == "no-plan"
    assert (cfg.applies_when.labels, cfg.applies_when.paths) == (("deploy",), ("db/**",))
    assert cfg.templates == (".gitlab/merge_request_templates/*.md",)
    assert cfg.placeholders == ("to be written",)
    assert cfg.plan_headings == ("launch checklist",)


def test_defaults() -> None:
    cfg = config.load()
    assert cfg.labels.family() == ("rollout-plan::complete", "rollout-plan::incomplete", "rollout-plan::missing")
    assert cfg.exempt_label == "rollout-plan::not-needed"
    assert cfg.applies_when.always
    assert cfg.templates == ()


# --- mistakes, word for word --------------------------------------------------------------

MISTAKES = [
    (
        "unknown top-level key",
        "requirement:\n  rollback: {severity: warning}\n",
        ('bad.yml: requirement: unknown key, did you mean "requirements"? Expected one of: applies_when, '
        "description, exempt_label, extends, labels, learned, name, placeholders, plan_headings, "
        "publish_on_drafts, require_plan_heading, requirements, templates, vocabulary"),
    ),
    (
        "unknown requirement key",
        "requirements:\n  rollback: {severty: warning}\n",
        ('bad.yml: requirements.rollback.severty: unknown key, did you mean "severity"? Expected one of: '
        "checks, disable, extra_headings, headings, hint, prompts, severity, table, title"),
    ),
    (
        "unknown check key",
        "requirements:\n  rollback:\n    checks: {min_word: 3}\n",
        ('bad.yml: requirements.rollback.checks.min_word: unknown key, did you mean "min_words"? Expected one '
        "of: all_boxes_ticked, allow_na, forbid, min_words, require_link, require_list"),
    ),
    (
        "unknown key, nothing close",
        "colour: red\n",
        ("bad.yml: colour: unknown key; expected one of: applies_when, description, exempt_label, extends, "
        "labels, learned, name, placeholders, plan_headings, publish_on_drafts, require_plan_heading, "
        "requirements, templates, vocabulary"),
    ),
    (
        "publish_on_drafts not a boolean",
        "publish_on_drafts: sometimes\n",
        'bad.yml: publish_on_drafts: expected true or false, got "sometimes"',
    ),
    (
        "min_words not a number",
        "requirements:\n  rollback:\n    checks: {min_words: three}\n",
        'bad.yml: requirements.rollback.checks.min_words: expected a whole number, got "three"',
    ),
    (
        "min_words negative",
        "requirements:\n  rollback:\n    checks: {min_words: -1}\n",
        "bad.yml: requirements.rollback.checks.min_words: expected a whole number of 0 or more, got -1",
    ),
    (
        "require_link wrong type",
        "requirements:\n  metrics:\n    checks: {require_link: 3}\n",
        "bad.yml: requirements.metrics.checks.require_link: expected true, false or a list of hosts, got 3",
    ),
    (
        "bad severity",
        "requirements:\n  rollback: {severity: fatal}\n",
        'bad.yml: requirements.rollback.severity: expected "error" or "warning", got "fatal"',
    ),
    (
        "new requirement without headings",
        "requirements:\n  canary: {title: Canary}\n",
        ('bad.yml: requirements.canary.headings: missing: a new requirement needs the headings that answer it, '
        'e.g. headings: ["canary"]'),
    ),
    (
        "extra_headings not a list",
        "requirements:\n  rollback: {extra_headings: 3}\n",
        "bad.yml: requirements.rollback.extra_headings: expected a list of texts, got 3",
    ),
    (
        "bad YAML",
        "requirements:\n  rollback: [oops\n",
        ("bad.yml: not valid YAML at line 3, column 1: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts at line 2, column 13)"),
    ),
    (
        "tab in YAML",
        "requirements:\n\trollback: {}\n",
        "bad.yml: not valid YAML at line 2, column 1: found a tab; YAML indents with spaces, not tabs",
    ),
    (
        "extends an unknown name",
        "extends: handbok\n",
        ('bad.yml: extends: no ruleset named "handbok": expected a built-in name '
        "(handbook, handbook-strict, product-launch) or the path of a YAML file"),
    ),
    (
        "labels not distinct",
        "labels: {complete: plan, incomplete: plan}\n",
        'bad.yml: labels: complete, incomplete and missing must be three different labels, got "plan" more than once',
    ),
    (
        "unknown label key",
        "labels: {done: plan}\n",
        "bad.yml: labels.done: unknown key; expected one of: complete, incomplete, missing",
    ),
    (
        "top level not a mapping",
        "- extends: handbook\n",
        "bad.yml: expected a mapping at the top (keys such as extends:, requirements:), got a list",
    ),
    (
        "requirements not a mapping",
        "requirements: [rollback]\n",
        "bad.yml: requirements: expected a mapping of keys to values, got a list",
    ),
    (
        "disable not a boolean",
        "requirements:\n  retro: {disable: please}\n",
        'bad.yml: requirements.retro.disable: expected true or false, got "please"',
    ),
    (
        "applies_when path not a text",
        "applies_when: {paths: [1]}\n",
        "bad.yml: applies_when.paths[0]: expected a text, got 1",
    ),
    (
        "key given twice",
        "requirements:\n  rollback:\n    severity: warning\n    severity: error\n",
        'bad.yml: not valid YAML at line 4, column 5: the key "severity" is given twice in one mapping',
    ),
    (
        "table without column",
        "requirements:\n  web: {table: {row: [website]}}\n",
        "bad.yml: requirements.web.table.column: required: the column headings of the table cell",
    ),
]


def test_publish_on_drafts_defaults_to_false_and_can_be_set() -> None:
    assert load("extends: handbook\n").publish_on_drafts is False
    assert load("publish_on_drafts: true\n").publish_on_drafts is True


@pytest.mark.parametrize(("kind", "text", "message"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistake_message(kind: str, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(text, source="bad.yml")
    assert str(raised.value) == message


CLI_MISTAKES = [m for m in MISTAKES if m[0] in {
    "unknown top-level key", "unknown requirement key", "unknown check key", "min_words not a number",
    "bad severity", "new requirement without headings", "bad YAML", "extends an unknown name",
    "labels not distinct", "top level not a mapping",
}]


@pytest.mark.parametrize(("kind", "text", "message"), CLI_MISTAKES, ids=[m[0] for m in CLI_MISTAKES])
def test_cli_exits_2_with_the_message(tmp_path: Path, kind: str, text: str, message: str) -> None:
    (tmp_path / "bad.yml").write_text(text)
    (tmp_path / "plan.md").write_text("## Rollback\nTurn the flag off.\n")
    done = subprocess.run(
        [sys.executable, "-m", "enforcer", "check", "plan.md", "--config", "bad.yml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"enforce: configuration error: {message}\n"


def test_missing_config_file(tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text("## Rollback\nTurn the flag off.\n")
    done = subprocess.run(
        [sys.executable, "-m", "enforcer", "check", "plan.md", "--config", "nope.yml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )
    assert (done.returncode, done.stderr) == (2, "enforce: configuration error: --config: no such file: nope.yml\n")


# --- the config through a local run ------------------------------------------------------------


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "enforcer", "check", *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )


def test_rollout_plan_yml_in_the_working_tree_is_read(tmp_path: Path) -> None:
    (tmp_path / ".rollout-plan.yml").write_text("requirements:\n  canary: {headings: [canary]}\n")
    (tmp_path / "plan.md").write_text("## Canary\nFive percent for a day.\n")
    report = json.loads(_run(tmp_path, "plan.md", "--format", "json").stdout)
    assert report["requirements"][-1]["id"] == "canary"
    assert report["requirements"][-1]["status"] == "ok"


def test_applies_when_labels_makes_an_unlabelled_local_file_exempt(tmp_path: Path) -> None:
    (tmp_path / ".rollout-plan.yml").write_text("applies_when: {labels: [deploy]}\n")
    (tmp_path / "plan.md").write_text("nothing here\n")
    done = _run(tmp_path, "plan.md", "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["status"] == "exempt"


def test_templates_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "Default.md").write_text("## Rollback\n\nWrite here how you would undo the change.\n")
    (tmp_path / ".rollout-plan.yml").write_text("templates: ['tpl/*.md']\n")
    (tmp_path / "plan.md").write_text("## Rollback\n\nWrite here how you would undo the change.\n")
    report = json.loads(_run(tmp_path, "plan.md", "--format", "json").stdout)
    assert next(r for r in report["requirements"] if r["id"] == "rollback")["status"] == "placeholder"
    (tmp_path / ".rollout-plan.yml").write_text("{}\n")
    report = json.loads(_run(tmp_path, "plan.md", "--format", "json").stdout)
    assert next(r for r in report["requirements"] if r["id"] == "rollback")["status"] == "ok"


def test_a_mistake_in_an_extended_file_is_named_with_that_file(tmp_path: Path) -> None:
    (tmp_path / "team.yml").write_text("requirements:\n  rollback:\n    checks: {min_wrds: 3}\n")
    with pytest.raises(ConfigError) as raised:
        load("extends: team.yml\n", base=tmp_path)
    assert str(raised.value).startswith("team.yml: requirements.rollback.checks.min_wrds: unknown key")
    with pytest.raises(ConfigError) as raised:
        config.load(ruleset=str(tmp_path / "team.yml"))
    assert str(raised.value).startswith(f"{tmp_path / 'team.yml'}: requirements.rollback.checks.min_wrds")


def test_an_override_in_an_extending_file_needs_no_headings(tmp_path: Path) -> None:
    (tmp_path / "team.yml").write_text("extends: handbook\nrequirements:\n  rollback:\n    checks: {min_words: 3}\n")
    cfg = load("extends: team.yml\nrequirements:\n  rollback: {severity: warning}\n", base=tmp_path)
    rollback = requirement(cfg, "rollback")
    assert (rollback.severity, rollback.content.min_words, rollback.headings[0]) == ("warning", 3, "rollback plan")


def test_a_templates_glob_matching_nothing_is_said(tmp_path: Path) -> None:
    (tmp_path / ".rollout-plan.yml").write_text("templates: ['.gitlab/merge_request_templates/*.md']\n")
    (tmp_path / "plan.md").write_text("## Rollback\n\nTurn the flag off.\n")
    done = _run(tmp_path, "plan.md")
    assert done.returncode == 1  # the check runs all the same
    assert (
        f"enforce: templates: '.gitlab/merge_request_templates/*.md' matches no file (from {tmp_path})\n"
        in done.stderr
    )


def test_unknown_ruleset_option_is_named_as_the_option() -> None:
    with pytest.raises(ConfigError) as raised:
        config.load(ruleset="handbok")
    assert str(raised.value) == (
        '--ruleset: no ruleset named "handbok": expected a built-in name '
        "(handbook, handbook-strict, product-launch) or the path of a YAML file"
    )


def test_a_built_in_rules_file_is_read_from_the_cache_only_while_that_matches_its_text(tmp_path, monkeypatch) -> None:
    from enforcer import vocabulary as vocab

    yml = tmp_path / "vocabulary.yml"
    yml.write_text("todo_words: [from-yaml]\n", encoding="utf-8")
    monkeypatch.setattr(vocab, "_path", lambda: str(yml))
    entry = {"fingerprint": vocab.fingerprint(yml.read_bytes()), "data": {"todo_words": ["from-cache"]}}
    (tmp_path / "parsed.json").write_text(json.dumps({"vocabulary.yml": entry}), encoding="utf-8")
    for reset in (vocab._parsed.cache_clear, vocab._raw.cache_clear):
        reset()
    try:
        assert vocab._raw()["todo_words"] == ["from-cache"]
        yml.write_text("todo_words: [edited]\n", encoding="utf-8")  # the cache is stale now
        vocab._raw.cache_clear()
        assert vocab._raw()["todo_words"] == ["edited"]
        (tmp_path / "parsed.json").write_text("{not json", encoding="utf-8")
        vocab._parsed.cache_clear()
        vocab._raw.cache_clear()
        assert vocab._raw()["todo_words"] == ["edited"]
    finally:
        vocab._parsed.cache_clear()
        vocab._raw.cache_clear()


def test_a_built_in_ruleset_read_from_the_cache_is_the_ruleset_as_written() -> None:
    from functools import partial

    from enforcer.vocabulary import read_rules_file

    path = os.path.join(config.rules_dir(), "handbook.yml")
    with open(path, "rb") as handle:
        assert read_rules_file(path, partial(config.parse_builtin, name="handbook")) == config.parse_builtin(handle.read(), "handbook")
