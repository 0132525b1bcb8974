"""Keeps the check registry, the built-in rulesets and the config schema in step."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
import yaml

import enforcer.checks
from enforcer import config
from enforcer.checks import CHECKS, STATUS_RULES
from enforcer.model import ContentRules

RULES_DIR = Path(config.rules_dir())
RULESET_FILES = sorted(p for p in RULES_DIR.glob("*.yml") if p.name != config.VOCABULARY_FILE)


def check_modules() -> list[object]:
    found = []
    for info in pkgutil.iter_modules(enforcer.checks.__path__):
        module = importlib.import_module(f"enforcer.checks.{info.name}")
        if hasattr(module, "RULE"):
            found.append(module)
    return found


def test_every_check_module_is_registered() -> None:
    registered = {module for _, module in CHECKS.values()}
    modules = check_modules()
    assert modules, "no check module found"
    for module in modules:
        assert module in registered, f"{module.__name__} has a RULE but is not in CHECKS"
        assert CHECKS[module.RULE][1] is module


def test_rule_ids_are_unique_and_distinct_from_statuses() -> None:
    rules = [module.RULE for module in check_modules()]
    assert len(rules) == len(set(rules))
    assert not set(rules) & set(STATUS_RULES)
    assert "plan-heading" not in rules


def test_every_check_has_a_docstring_and_its_option() -> None:
    options = set(ContentRules._fields)
    for option, module in CHECKS.values():
        assert module.__doc__ and module.__doc__.strip(), module.__name__
        assert option in config.CHECK_KEYS, option
        assert option in options, option


def test_the_rulesets_are_the_contracts_three() -> None:
    assert config.builtin_names() == ["handbook", "handbook-strict", "product-launch"]


@pytest.mark.parametrize("path", RULESET_FILES, ids=[p.stem for p in RULESET_FILES])
def test_every_builtin_ruleset_loads(path: Path) -> None:
    cfg = config.load(ruleset=path.stem)
    assert cfg.ruleset == path.stem
    ids = [r.id for r in cfg.requirements]
    assert ids and len(ids) == len(set(ids))
    for requirement in cfg.requirements:
        assert requirement.hint, f"{path.stem}: {requirement.id} has no hint"
        assert requirement.headings or requirement.table


@pytest.mark.parametrize("path", RULESET_FILES, ids=[p.stem for p in RULESET_FILES])
def test_every_option_in_the_rulesets_exists(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data) <= config.RULESET_KEYS
    for req_id, requirement in (data.get("requirements") or {}).items():
        assert set(requirement) <= config.REQUIREMENT_KEYS, req_id
        assert set(requirement.get("checks") or {}) <= config.CHECK_KEYS, req_id


@pytest.mark.parametrize("path", RULESET_FILES, ids=[p.stem for p in RULESET_FILES])
def test_no_duplicate_keys_or_headings_in_the_yaml(path: Path) -> None:
    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[object, object]:
        keys = [loader.construct_object(key) for key, _ in node.value]
        assert len(keys) == len(set(keys)), f"duplicate key in {path.name}: {keys}"
        return loader.construct_mapping(node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Strict)
    for req_id, requirement in (data.get("requirements") or {}).items():
        headings = requirement.get("headings") or []
        assert len(headings) == len(set(headings)), f"{path.name}: {req_id} repeats a heading"
