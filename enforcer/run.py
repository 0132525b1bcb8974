"""One check from target to verdict: the only place that ties the stages together.

platform -> text -> Document -> Report -> renderers -> platform
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from enforcer import config as config_module
from enforcer import engine, markdown
from enforcer.files import ReadError, inside
from enforcer.lines import template_key, ticked_key
from enforcer.model import Config, Report
from enforcer.platforms.base import Environ, Platform, Subject, TargetError

if TYPE_CHECKING:
    from enforcer.writeback import Result


class Options(NamedTuple):
    ruleset: str | None = None
    config_path: str | None = None
    templates: tuple[str, ...] = ()
    warn_only: bool = False
    default_ruleset: str | None = None  # only when the configuration names no ruleset


class Outcome(NamedTuple):
    report: Report
    config: Config
    subject: Subject | None = None  # what was checked, as read live (None: not read)

    def exit_code(self, warn_only: bool) -> int:
        return 1 if self.report.status == "failed" and not warn_only else 0


Log = Callable[[str], None]


def load_config(platform: Platform, options: Options) -> Config:
    """The configuration in force. In CI, the target branch's ``.rollout-plan.yml`` and every
    ruleset file it names are read through the API; a file missing there is an error, never
    read from the checkout. ``--config`` names a file of the working tree, also in CI."""
    if options.config_path is not None:
        path = options.config_path
        text: str | None = config_module.read_local(path, "--config")
        # its repository: the current folder when the file is in it, else the file's folder
        here, folder = os.path.realpath("."), os.path.realpath(os.path.dirname(path) or ".")
        root = here if inside(folder, here) else folder
        return config_module.load(
            ruleset=options.ruleset, default_ruleset=options.default_ruleset, config_text=text,
            config_source=path, base=root,
            folder=os.path.relpath(folder, root).replace(os.sep, "/").removeprefix("."),
        )
    try:
        text = platform.config_text()
    except ReadError as error:
        raise config_module.ConfigError(str(error)) from None
    files = None
    if platform.name != "local":
        files = config_module.Files(platform.file_text, "the target branch")
    base = getattr(platform, "config_base", None)  # the repository's root, when found there
    source = os.path.join(os.path.relpath(base), ".rollout-plan.yml") if base else ".rollout-plan.yml"
    return config_module.load(
        ruleset=options.ruleset, default_ruleset=options.default_ruleset, config_text=text,
        config_source=source, files=files, base=base,
    )


def _read_template(path: str, option: str) -> str:
    return config_module.read_local(path, option, TargetError)


# Where GitLab and GitHub look for a repository's description templates (CONTRACT.md). GitHub
# reads its template names without regard to case, so they are matched that way here too.
REPOSITORY_TEMPLATES = (
    (".gitlab/merge_request_templates", "*.md"),
    (".gitlab/issue_templates", "*.md"),
    (".github", "pull_request_template.md"),
    (".github/pull_request_template", "*.md"),
    ("", "pull_request_template.md"),
    ("docs", "pull_request_template.md"),
    (".github/issue_template", "*.md"),
)


def repository_templates(root: str) -> list[str]:
    """The description templates the repository at ``root`` holds, as paths relative to it."""
    import fnmatch

    found: list[str] = []
    for folder, pattern in REPOSITORY_TEMPLATES:
        where = _folder_ignoring_case(root, folder)
        if where is None:
            continue
        try:
            names = sorted(os.listdir(os.path.join(root, where) if where else root))
        except OSError:
            continue
        for name in names:
            path = os.path.join(where, name) if where else name
            if fnmatch.fnmatch(name.lower(), pattern) and os.path.isfile(os.path.join(root, path)):
                found.append(path)
    return found


def _folder_ignoring_case(root: str, folder: str) -> str | None:
    """``folder`` under ``root`` as the file system spells it, whatever its case; None if absent."""
    where = ""
    for part in filter(None, folder.split("/")):
        try:
            names = os.listdir(os.path.join(root, where) if where else root)
        except OSError:
            return None
        match = next((n for n in sorted(names) if n.lower() == part.lower()), None)
        if match is None or not os.path.isdir(os.path.join(root, where, match)):
            return None
        where = os.path.join(where, match) if where else match
    return where


class Templates(NamedTuple):
    lines: frozenset[str]
    files: tuple[str, ...]  # the templates read, as the report names them


def templates(paths: Iterable[str], globs: Iterable[str], log: Log, root: str | None = None) -> Templates:
    """The description templates' text lines: copied unchanged, they are not content.

    ``--template`` paths and the configuration's ``templates:`` globs when given; otherwise the
    repository's own templates in the working tree (``root``, the current folder by default).
    Each is read bounded; one that cannot be read, or a glob that matches a folder, is exit 2.
    """
    files: list[tuple[str, str]] = [(path, "--template") for path in paths]
    globs = tuple(globs)
    if globs:
        import glob

        for pattern in globs:
            matched = sorted(glob.glob(pattern, recursive=True))
            if not matched:
                log(f"templates: {pattern!r} matches no file (from {os.getcwd()})")
            for path in matched:
                if os.path.isdir(path):
                    raise TargetError(
                        f"templates: {pattern!r} matches the folder {path}; a pattern names "
                        "Markdown files, such as .gitlab/merge_request_templates/*.md"
                    )
                files.append((path, "templates:"))
    if not files and not globs:
        if root is None:  # the repository's own, named as seen from here
            from enforcer.files import repository_root

            top = repository_root()
            here = os.path.realpath(".")
            files = [
                (path if top == here else os.path.relpath(os.path.join(top, path)), "template")
                for path in repository_templates(top)
            ]
        else:
            files = [(os.path.join(root, path), "template") for path in repository_templates(root)]
    lines: set[str] = set()
    for path, option in files:
        document = markdown.parse(_read_template(path, option))
        for section in document.sections:
            for block in section.blocks:
                for line in block.text.split("\n"):
                    if line.strip():
                        lines.add(template_key(line.strip()))
                if block.kind == "task" and block.checked:  # ticked already in the template
                    lines.add(ticked_key(block.text))
    return Templates(frozenset(lines), tuple(path for path, _ in files))


def _glob_match(path: str, pattern: str) -> bool:
    """Glob with ``**`` for any depth; a pattern ending in / matches everything below."""
    if pattern.endswith("/"):
        pattern += "**"
    regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
    regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    import fnmatch

    return re.fullmatch(regex, path) is not None or fnmatch.fnmatch(path, pattern)


def not_required(subject: Subject, platform: Platform, config: Config) -> str | None:
    """Why a plan is not required here (``applies_when`` matched nothing), else None."""
    applies = config.applies_when
    if applies.always:
        return None
    if any(label in subject.labels for label in applies.labels):
        return None
    if applies.paths and subject.kind in ("merge_request", "pull_request"):
        for path in platform.changed_paths():
            if any(_glob_match(path, pattern) for pattern in applies.paths):
                return None
    wanted = [f"label {label}" for label in applies.labels] + [f"changes in {p}" for p in applies.paths]
    return "A rollout plan is not required here: applies_when asks for " + " or ".join(wanted) + "."


def judge(text: str, config: Config, ref: str, lines: frozenset[str]) -> Report:
    return engine.check(markdown.parse(text), config, target=ref, template_lines=lines)


def _better(a: Report, b: Report) -> bool:
    """Whether ``a`` is a more complete plan than ``b``."""
    def score(report: Report) -> tuple[int, int]:
        return (len(report.errors), len(report.warnings))

    return score(a) < score(b)


def check(platform: Platform, options: Options, log: Log) -> Outcome:
    subject = platform.subject()
    config = load_config(platform, options)
    used = templates(options.templates, config.templates, log)
    lines = used.lines
    rerun = platform.rerun_url()

    if config.exempt_label in subject.labels:
        note = f"Exempt: the label {config.exempt_label} says no rollout plan is needed."
        report = Report(subject.ref, config.ruleset, "exempt", notes=(note,), rerun_url=rerun)
        return Outcome(report, config, subject)
    reason = not_required(subject, platform, config)
    if reason is not None:
        report = Report(subject.ref, config.ruleset, "exempt", notes=(reason,), rerun_url=rerun)
        return Outcome(report, config, subject)

    report = judge(subject.description, config, subject.ref, lines)
    if not report.plan_found:
        for issue in platform.linked_issues():
            candidate = judge(issue.description, config, subject.ref, lines)
            if candidate.plan_found and _better(candidate, report):
                report = candidate._replace(source=issue.ref)
                log(f"the rollout plan was found in {issue.ref}")
                break
    notes = report.notes
    if subject.state in ("closed", "merged"):
        notes = (*notes, f"This {subject.kind.replace('_', ' ')} is {subject.state}.")
    return Outcome(report._replace(notes=notes, rerun_url=rerun, templates=used.files), config, subject)


def comment_body(markdown_report: str) -> str:
    from enforcer.publish import MARKER

    return f"{MARKER}\n{markdown_report}"


def publish(
    platform: Platform, outcome: Outcome, markdown_report: str, log: Log, *, status: bool = False
) -> Result:
    """Bring the merge request's comment, labels (and, where asked, commit status) in line
    with the verdict, through ``enforcer.writeback``; says what was done, or why not, once."""
    from enforcer.writeback import Result, carry_out

    writer = platform.writer()
    if writer is None:
        result = Result(blocked="a local file has nowhere to publish to")
    else:
        subject = outcome.subject or platform.subject()
        result = carry_out(
            writer,
            outcome.report,
            outcome.config,
            subject,
            comment_body(markdown_report),
            status=status,
            log=log,
        )
    log(result.summary)
    return result


__all__ = ["Environ", "Options", "Outcome", "check", "comment_body", "publish"]
