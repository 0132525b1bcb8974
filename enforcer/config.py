"""YAML -> extends -> merge -> validate -> Config.

Built-in rulesets live in ``rules/`` and a repository's ``.rollout-plan.yml`` extends one of
them (or a file) and overrides it. Every mistake is a ConfigError naming the key path, what
was found and what would be right: ``requirements.rollback.checks.min_words: expected a
whole number, got "three"``.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Mapping
from functools import partial
from typing import Any, NamedTuple

import yaml

from enforcer import shown
from enforcer.files import Reader, ReadError, max_input_bytes, read_path, text_of, tree_reader
from enforcer.model import (
    SEVERITIES,
    AppliesWhen,
    Config,
    ContentRules,
    Labels,
    Requirement,
    TableCell,
)

DEFAULT_RULESET = "handbook"
_MAX_EXTENDS = 10


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading, with libyaml when PyYAML was built with it (several times faster on the
    built-in rulesets), that refuses a key given twice in one mapping: YAML keeps the last
    one silently, so the first would be ignored without a word."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {shown.value(key_node.value)} is given twice in one mapping", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


class ConfigError(Exception):
    """A ruleset or configuration file is wrong. Exit code 2."""


def rules_dir() -> str:
    """Built-in rulesets: inside the wheel (enforcer/rules) or, in a checkout, ../rules."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "rules"), os.path.join(os.path.dirname(here), "rules")):
        if os.path.isdir(candidate):
            return candidate
    raise ConfigError("the built-in rulesets are missing from this installation (rules/)")


VOCABULARY_FILE = "vocabulary.yml"  # beside the rulesets, and no ruleset (enforcer/vocabulary.py)


def builtin_names() -> list[str]:
    return sorted(
        name[: -len(".yml")] for name in os.listdir(rules_dir()) if name.endswith(".yml") and name != VOCABULARY_FILE
    )


# --- the shape of a ruleset -----------------------------------------------------------

RULESET_KEYS = {
    "name", "description", "extends", "requirements", "plan_headings", "require_plan_heading",
    "placeholders", "labels", "exempt_label", "applies_when", "templates", "publish_on_drafts", "vocabulary",
    "learned",
}
REQUIREMENT_KEYS = {
    "title", "severity", "headings", "extra_headings", "hint", "checks", "prompts", "table",
    "disable",
}
CHECK_KEYS = {"min_words", "require_link", "require_list", "all_boxes_ticked", "allow_na", "forbid"}
LABEL_KEYS = {"complete", "incomplete", "missing"}
APPLIES_KEYS = {"labels", "paths"}
TABLE_KEYS = {"row", "column"}


def _show(value: Any) -> str:
    if isinstance(value, str):
        return shown.value(value)
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return shown.value(str(value)).strip('"')


def _where(path: str, source: str) -> str:
    return f"{source}: {path}" if source else path


# What a mistyped key looks like. Anything else under a key's place (a line of /etc/shadow, a
# URL holding a token) is not repeated: the message would print the file's contents.
_KEY_LIKE = re.compile(r"[A-Za-z_][\w -]{0,40}\Z")


def _unknown(data: Mapping[str, Any], allowed: set[str], path: str, source: str) -> None:
    for key in data:
        if key not in allowed:
            if not (isinstance(key, str) and _KEY_LIKE.match(key)):
                where = path or "the top level"
                raise ConfigError(
                    f"{_where(where, source)}: holds something that is no key of a ruleset "
                    f"(not repeated here); expected one of: {', '.join(sorted(allowed))}"
                )
            where = f"{path}.{key}" if path else str(key)
            import difflib  # only on the way to an error message

            close = difflib.get_close_matches(str(key)[:100], sorted(allowed), n=1)
            expected = ", ".join(sorted(allowed))
            hint = f', did you mean "{close[0]}"? Expected one of: ' if close else "; expected one of: "
            where = shown.value(where).strip('"')
            raise ConfigError(f"{_where(where, source)}: unknown key{hint}{expected}")


def _mapping(value: Any, path: str, source: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{_where(path, source)}: expected a mapping of keys to values, got {_show(value)}")
    return value


def _string(value: Any, path: str, source: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise ConfigError(f"{_where(path, source)}: expected a text, got {_show(value)}")
    return value


def _strings(value: Any, path: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{_where(path, source)}: expected a list of texts, got {_show(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{_where(f'{path}[{index}]', source)}: expected a text, got {_show(item)}")
    return tuple(value)


def _bounded_choices(wordings: tuple[str, ...], path: str, source: str) -> None:
    """A mention wording's choices ("(i|we) (have|'ve|) tested") write out to a bounded number
    of wordings: a check never compiles an unbounded pattern from a repository's ruleset."""
    from enforcer.vocabulary import MAX_WRITTEN_OUT, written_out

    for index, wording in enumerate(wordings):
        if written_out(wording) > MAX_WRITTEN_OUT:
            raise ConfigError(
                f"{_where(f'{path}[{index}]', source)}: its choices write out to {written_out(wording)} wordings,"
                f" more than {MAX_WRITTEN_OUT}; split it into several wordings"
            )


def _bool(value: Any, path: str, source: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{_where(path, source)}: expected true or false, got {_show(value)}")
    return value


def _whole(value: Any, path: str, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{_where(path, source)}: expected a whole number, got {_show(value)}")
    if value < 0:
        raise ConfigError(f"{_where(path, source)}: expected a whole number of 0 or more, got {value}")
    return value


# --- loading ---------------------------------------------------------------------------


def _read_yaml(text: str, source: str) -> Mapping[str, Any]:
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        # YAML's own words only: str(error) would quote the lines around the mistake
        problem = getattr(error, "problem", None) or getattr(error, "reason", None) or "cannot be read"
        problem = shown.message(str(problem), 200)
        context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
        lines = text.split("\n")
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            problem = "found a tab; YAML indents with spaces, not tabs"
        elif context and start is not None:
            problem += f" ({context} that starts at line {start.line + 1}, column {start.column + 1})"
        raise ConfigError(f"{source}: not valid YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        # the kind of value only: a file that is no ruleset (a password file, a token) is
        # not repeated in the message
        kind = "a list" if isinstance(data, list) else "a single value"
        raise ConfigError(f"{source}: expected a mapping at the top (keys such as extends:, requirements:), got {kind}")
    return data


def parse_builtin(source: bytes, name: str) -> Mapping[str, Any]:
    """A built-in ruleset's text, read as any ruleset is."""
    return _read_yaml(source.decode("utf-8"), f"{name} (built-in)")


class Files(NamedTuple):
    """Where the ruleset files named by path are read: the working tree, or in CI the target
    branch through the API. ``read`` takes a path inside the repository (POSIX, relative to
    its root) and gives its text, or None when there is no such file."""

    read: Reader
    where: str = "the working tree"
    local: bool = False  # the working tree: a path typed on the command line may be anywhere


def repository_path(ref: str, folder: str, source: str) -> str:
    """``ref`` (as a file names it) -> the path inside the repository it means.

    A ruleset file stays inside the repository: no absolute path, no ``..`` out of it.
    ``folder`` is the folder of the file that names ``ref``, relative to the root.
    """
    if ref.startswith(("/", "\\", "~")) or (len(ref) > 1 and ref[1] == ":"):
        raise ConfigError(
            f"{source}: {_show(ref)} is an absolute path; a ruleset file is named by its path "
            "inside the repository, such as rules/team.yml"
        )
    path = posixpath.normpath(posixpath.join(folder, ref.replace("\\", "/")))
    if path == ".." or path.startswith("../") or path == ".":
        raise ConfigError(
            f"{source}: {_show(ref)} leads out of the repository; a ruleset file is named by "
            "its path inside it, such as rules/team.yml"
        )
    return path


def _load_ref(
    ref: str, folder: str | None, source: str, files: Files, command_line: bool = False
) -> tuple[Mapping[str, Any], str | None, bool, Files]:
    """A ruleset by built-in name or path -> (data, its folder in the repository, whether it
    is built in, where the files it names are read)."""
    if ref in builtin_names():
        from enforcer.vocabulary import read_rules_file

        data = read_rules_file(os.path.join(rules_dir(), f"{ref}.yml"), partial(parse_builtin, name=ref))
        return data, None, True, files
    if folder is None:  # a built-in ruleset names only built-in ones
        raise ConfigError(f"{source}: no built-in ruleset named {_show(ref)}")
    if command_line and files.local:
        # A path typed on a local command line is the user's own choice, anywhere: its
        # repository is the current folder when the file is in it, else the file's folder.
        files, ref_path = _local_root(ref)
        folder = ""
    else:
        ref_path = ref
    path = repository_path(ref_path, folder, source)
    try:
        text = files.read(path)
    except ReadError as error:
        raise ConfigError(f"{source}: {error}") from None
    if text is None:
        raise ConfigError(
            f"{source}: no ruleset named {_show(ref)}: expected a built-in name "
            f"({', '.join(builtin_names())}) or the path of a YAML file"
            + ("" if files.local else f"; {path} is not on {files.where}")
        )
    return _read_yaml(text, str(ref)), posixpath.dirname(path), False, files


def _local_root(ref: str) -> tuple[Files, str]:
    path = os.path.abspath(ref)
    cwd = os.getcwd()
    from enforcer.files import inside

    root = cwd if inside(os.path.realpath(path), os.path.realpath(cwd)) else os.path.dirname(path)
    return Files(tree_reader(root), local=True), os.path.relpath(path, root).replace(os.sep, "/")


def _merge_requirement(base: Mapping[str, Any], over: Mapping[str, Any], path: str, source: str) -> dict[str, Any]:
    merged = dict(base)
    # extra_headings last, so they add to the headings whatever the order of the keys
    for key, value in sorted(over.items(), key=lambda item: item[0] == "extra_headings"):
        if key == "checks" and isinstance(value, Mapping) and isinstance(base.get("checks"), Mapping):
            merged["checks"] = {**base["checks"], **value}
        elif key == "extra_headings":
            extra = _strings(value, f"{path}.extra_headings", source) if value is not None else ()
            merged["headings"] = [*(merged.get("headings") or []), *extra]
        else:
            merged[key] = value
    return merged


def _merge(base: dict[str, Any], over: Mapping[str, Any], source: str) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if key in ("extends", "name", "description"):
            continue
        if key == "requirements":
            requirements = dict(merged.get("requirements") or {})
            for req_id, req in _mapping(value, "requirements", source).items():
                req_map = _mapping(req, f"requirements.{req_id}", source)
                if req_id in requirements:
                    requirements[req_id] = _merge_requirement(
                        requirements[req_id], req_map, f"requirements.{req_id}", source
                    )
                else:
                    requirements[req_id] = dict(req_map)
                    if "extra_headings" in req_map:
                        requirements[req_id] = _merge_requirement({}, req_map, f"requirements.{req_id}", source)
            merged["requirements"] = requirements
        elif key == "vocabulary":
            merged[key] = [*(merged.get(key) or []), value]  # each file's changes, in order
        elif key in ("labels", "applies_when") and isinstance(value, Mapping):
            merged[key] = {**(merged.get(key) or {}), **value}
        else:
            merged[key] = value
    return merged


def _resolve(
    data: Mapping[str, Any],
    source: str,
    folder: str | None,
    files: Files,
    depth: int = 0,
    extends_from: str | None = None,
    builtin: bool = False,
) -> tuple[dict[str, Any], str]:
    _unknown(data, RULESET_KEYS, "", source)
    name = data.get("name") if isinstance(data.get("name"), str) else None
    for key, value in data.items():
        if key == "requirements":
            for req_id, req in _mapping(value, "requirements", source).items():
                _unknown(_mapping(req, f"requirements.{req_id}", source), REQUIREMENT_KEYS, f"requirements.{req_id}", source)
    if not builtin:  # the built-in rulesets are checked by the tests, not at every start
        build(data, name or "custom", source, partial=True)  # a mistake is named with its file
    parent_ref = data.get("extends")
    if parent_ref is None:
        return _merge({}, data, source), name or "custom"
    parent_ref = _string(parent_ref, "extends", source)
    if depth >= _MAX_EXTENDS:
        raise ConfigError(f"{_where('extends', source)}: more than {_MAX_EXTENDS} levels of extends (a loop?)")
    parent, parent_folder, builtin, parent_files = _load_ref(
        parent_ref, folder, extends_from or _where("extends", source), files, extends_from is not None
    )
    resolved, inherited_name = _resolve(
        parent, parent_ref, parent_folder, parent_files, depth + 1, builtin=builtin
    )
    return _merge(resolved, data, source), name or inherited_name


def _requirement(req_id: str, raw: Mapping[str, Any], source: str, partial: bool = False) -> Requirement | None:
    path = f"requirements.{req_id}"
    if raw.get("disable") is not None and _bool(raw["disable"], f"{path}.disable", source):
        return None
    if not isinstance(req_id, str) or not req_id.replace("-", "").replace("_", "").isalnum():
        raise ConfigError(f"{_where(path, source)}: a requirement id is letters, digits and dashes, got {_show(req_id)}")
    severity = raw.get("severity", "error")
    if severity not in SEVERITIES:
        raise ConfigError(f"{_where(path + '.severity', source)}: expected \"error\" or \"warning\", got {_show(severity)}")
    table = None
    if raw.get("table") is not None:
        table_raw = _mapping(raw["table"], f"{path}.table", source)
        _unknown(table_raw, TABLE_KEYS, f"{path}.table", source)
        for key in TABLE_KEYS:
            if key not in table_raw:
                raise ConfigError(f"{_where(f'{path}.table.{key}', source)}: required: the {key} headings of the table cell")
        table = TableCell(
            _strings(table_raw["row"], f"{path}.table.row", source),
            _strings(table_raw["column"], f"{path}.table.column", source),
        )
    headings = _strings(raw["headings"], f"{path}.headings", source) if raw.get("headings") is not None else ()
    if not headings and table is None and not partial:
        raise ConfigError(
            f"{_where(path + '.headings', source)}: missing: a new requirement needs the headings "
            f"that answer it, e.g. headings: [\"{req_id.replace('-', ' ')}\"]"
        )
    checks_raw = _mapping(raw.get("checks"), f"{path}.checks", source)
    _unknown(checks_raw, CHECK_KEYS, f"{path}.checks", source)
    link = checks_raw.get("require_link", False)
    hosts: tuple[str, ...] = ()
    if isinstance(link, (list, str)):
        hosts = tuple(h.lower() for h in _strings(link, f"{path}.checks.require_link", source))
        link = True
    else:
        try:
            link = _bool(link, f"{path}.checks.require_link", source)
        except ConfigError:
            raise ConfigError(
                f"{_where(path + '.checks.require_link', source)}: expected true, false or a list of hosts, got {_show(link)}"
            ) from None
    content = ContentRules(
        min_words=_whole(checks_raw.get("min_words", 1), f"{path}.checks.min_words", source),
        require_link=link,
        link_hosts=hosts,
        require_list=_bool(checks_raw.get("require_list", False), f"{path}.checks.require_list", source),
        all_boxes_ticked=_bool(checks_raw.get("all_boxes_ticked", False), f"{path}.checks.all_boxes_ticked", source),
        allow_na=_bool(checks_raw.get("allow_na", True), f"{path}.checks.allow_na", source),
        forbid=_strings(checks_raw["forbid"], f"{path}.checks.forbid", source) if checks_raw.get("forbid") is not None else (),
    )
    title = _string(raw.get("title", req_id.replace("-", " ").capitalize()), f"{path}.title", source)
    return Requirement(
        id=req_id,
        title=title,
        severity=severity,
        headings=headings,
        hint=_string(raw.get("hint", ""), f"{path}.hint", source, empty=True),
        content=content,
        prompts=_strings(raw["prompts"], f"{path}.prompts", source) if raw.get("prompts") is not None else (),
        table=table,
    )


def build(data: Mapping[str, Any], name: str, source: str, partial: bool = False) -> Config:
    """A merged ruleset mapping -> Config, validating every value.

    ``partial``: one file of an ``extends`` chain, checked on its own so that a mistake is
    named with the file that holds it; what only the merged whole must have is not asked.
    """
    requirements = []
    for req_id, raw in _mapping(data.get("requirements"), "requirements", source).items():
        requirement = _requirement(str(req_id), _mapping(raw, f"requirements.{req_id}", source), source, partial)
        if requirement is not None:
            requirements.append(requirement)
    if not requirements and not partial:
        raise ConfigError(
            f"{_where('requirements', source)}: the ruleset {_show(name)} has no requirement "
            "(none given, or every one disabled); a ruleset that asks for nothing would pass "
            "any description"
        )
    labels_raw = _mapping(data.get("labels"), "labels", source)
    _unknown(labels_raw, LABEL_KEYS, "labels", source)
    labels = Labels(**{key: _string(value, f"labels.{key}", source) for key, value in labels_raw.items()})
    family = labels.family()
    if len(set(family)) != 3 and not partial:
        twice = next(label for label in family if family.count(label) > 1)
        raise ConfigError(
            f"{_where('labels', source)}: complete, incomplete and missing must be three different "
            f"labels, got {_show(twice)} more than once"
        )
    applies_raw = _mapping(data.get("applies_when"), "applies_when", source)
    _unknown(applies_raw, APPLIES_KEYS, "applies_when", source)
    applies = AppliesWhen(
        labels=_strings(applies_raw["labels"], "applies_when.labels", source) if applies_raw.get("labels") is not None else (),
        paths=_strings(applies_raw["paths"], "applies_when.paths", source) if applies_raw.get("paths") is not None else (),
    )
    return Config(
        ruleset=name,
        requirements=tuple(requirements),
        plan_headings=_strings(data.get("plan_headings") or [], "plan_headings", source),
        require_plan_heading=_bool(data.get("require_plan_heading", False), "require_plan_heading", source),
        labels=labels,
        exempt_label=_string(data.get("exempt_label", "rollout-plan::not-needed"), "exempt_label", source),
        applies_when=applies,
        templates=_strings(data.get("templates") or [], "templates", source),
        placeholders=_strings(data.get("placeholders") or [], "placeholders", source),
        publish_on_drafts=_bool(data.get("publish_on_drafts", False), "publish_on_drafts", source),
        vocabulary=_vocabulary(data.get("vocabulary"), source),
        learned=_bool(data.get("learned", True), "learned", source),
    )


def _senses(value: Any, path: str, source: str) -> list[dict[str, Any]]:
    """``also:``: a list of senses, each ``words`` with its ``when`` (a list of lists of
    words), ``not_with`` and ``not_under``."""
    if not isinstance(value, list):
        raise ConfigError(f"{_where(path, source)}: expected a list of {{words, when, not_with, not_under}}, got {_show(value)}")
    senses = []
    for number, raw in enumerate(value):
        here = f"{path}[{number}]"
        entry = _mapping(raw, here, source)
        _unknown(entry, {"words", "when", "not_with", "not_under"}, here, source)
        if entry.get("words") is None:
            raise ConfigError(f"{_where(here, source)}: 'words' is required")
        words = _strings(entry["words"], f"{here}.words", source)
        _bounded_choices(words, f"{here}.words", source)
        groups = entry.get("when") or []
        groups = groups if isinstance(groups, list) else [groups]
        senses.append({
            "words": list(words),
            "when": [list(_strings(group, f"{here}.when[{g}]", source)) for g, group in enumerate(groups)],
            "not_with": list(_strings(entry["not_with"], f"{here}.not_with", source)) if entry.get("not_with") is not None else [],
            "not_under": list(_strings(entry["not_under"], f"{here}.not_under", source)) if entry.get("not_under") is not None else [],
        })
    return senses


def _vocabulary(value: Any, source: str) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """``vocabulary:`` (rules/vocabulary.yml's keys) -> changes (key, added, removed). Each
    key takes a list to add, or ``{add: [...], remove: [...]}``; ``mentions`` takes, per
    requirement id, the same for ``words`` and ``when``."""
    from enforcer.vocabulary import LIST_KEYS

    layers = value if isinstance(value, list) else [value]  # merged along extends: one per file
    changes: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []

    def change(key: str, raw: Any, path: str) -> None:
        if isinstance(raw, Mapping):
            _unknown(raw, {"add", "remove"}, path, source)
            added = _strings(raw["add"], f"{path}.add", source) if raw.get("add") is not None else ()
            removed = _strings(raw["remove"], f"{path}.remove", source) if raw.get("remove") is not None else ()
        else:
            added, removed = _strings(raw, path, source), ()
        changes.append((key, added, removed))

    for layer in layers:
        for key, raw in _mapping(layer, "vocabulary", source).items():
            if key == "mentions":
                for req_id, entry in _mapping(raw, "vocabulary.mentions", source).items():
                    path = f"vocabulary.mentions.{req_id}"
                    entry = _mapping(entry, path, source)
                    _unknown(entry, {"words", "alone", "when", "not_opening", "not_after", "also", "ticked"}, path, source)
                    if entry.get("words") is not None:
                        change(f"mentions.{req_id}", entry["words"], f"{path}.words")
                        _bounded_choices(changes[-1][1], f"{path}.words", source)
                    if entry.get("alone") is not None:
                        change(f"mentions.{req_id}.alone", entry["alone"], f"{path}.alone")
                        _bounded_choices(changes[-1][1], f"{path}.alone", source)
                    if entry.get("not_opening") is not None:
                        change(f"mentions.{req_id}.not_opening", entry["not_opening"], f"{path}.not_opening")
                    if entry.get("ticked") is not None:
                        change(f"mentions.{req_id}.ticked", entry["ticked"], f"{path}.ticked")
                        _bounded_choices(changes[-1][1], f"{path}.ticked", source)
                    if entry.get("not_after") is not None:
                        change(f"mentions.{req_id}.not_after", entry["not_after"], f"{path}.not_after")
                    if entry.get("also") is not None:  # a list of senses: replaces the built-in ones
                        changes.append((f"mentions.{req_id}.also", (json.dumps(_senses(entry["also"], f"{path}.also", source)),), ()))
                    if entry.get("when") is not None:  # a list of lists of words: replaces the built-in
                        from enforcer.vocabulary import GROUP

                        groups = entry["when"] if isinstance(entry["when"], list) else [entry["when"]]
                        joined = tuple(
                            GROUP.join(_strings(group, f"{path}.when[{number}]", source))
                            for number, group in enumerate(groups)
                        )
                        changes.append((f"mentions.{req_id}.when", joined, ()))
            elif key in LIST_KEYS:
                change(str(key), raw, f"vocabulary.{key}")
            else:
                _unknown({key: raw}, {*LIST_KEYS, "mentions"}, "vocabulary", source)
    return tuple(changes)


def load(
    *,
    ruleset: str | None = None,
    default_ruleset: str | None = None,
    config_text: str | None = None,
    config_source: str = ".rollout-plan.yml",
    base: str | None = None,
    files: Files | None = None,
    folder: str = "",
) -> Config:
    """The configuration in force.

    ``config_text`` is the repository's ``.rollout-plan.yml`` (None when there is none).
    ``ruleset`` (``--ruleset``) replaces the file's ``extends:``; ``default_ruleset``
    (``--default-ruleset``, the CI inputs) applies only when the file names none; without
    any, ``handbook``.

    Ruleset files named by path are read through ``files`` (in CI: the target branch), else
    from the working tree at ``base`` (default: the current folder); ``folder`` is the
    config file's own folder inside that repository.
    """
    if files is None:
        files = Files(tree_reader(base if base is not None else os.getcwd()), local=True)
    data: Mapping[str, Any] = _read_yaml(config_text, config_source) if config_text is not None else {}
    extends_from = None
    if ruleset is not None:
        data, extends_from = {**data, "extends": ruleset}, "--ruleset"
    elif "extends" not in data and default_ruleset is not None:
        data, extends_from = {**data, "extends": default_ruleset}, "--default-ruleset"
    elif "extends" not in data:
        data = {**data, "extends": DEFAULT_RULESET}
    source = config_source if config_text is not None else ""
    # a wrong --ruleset is named as such, not as the file's extends:
    merged, name = _resolve(data, source, folder, files, extends_from=extends_from)
    return build(merged, name, source)


def read_local(path: str, option: str, error: type[Exception] = ConfigError) -> str:
    """A file of the working tree named by ``option`` (``--config``, ``--template``),
    bounded; ``error`` (ConfigError by default) when it is missing or unreadable."""
    try:
        return text_of(read_path(path, max_input_bytes(), f"{option} {path}"))
    except FileNotFoundError:
        raise error(f"{option}: no such file: {path}") from None
    except ReadError as unread:
        raise error(str(unread)) from None
