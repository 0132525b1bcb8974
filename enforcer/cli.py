"""The command line: ``enforce check``, ``enforce rules``, ``enforce template``, ``enforce serve``.

Exit codes are mapped here, in one place: 0 the plan passes, is exempt, or --warn-only;
1 the plan is incomplete; 2 usage or configuration error, or local I/O (a file or stream that
cannot be read or written, input past the bound); 3 platform error. Only the report goes to
standard output; diagnostics go to standard error, one line each, and never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from enforcer import config as config_module
from enforcer import model, shown
from enforcer.report import render

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE, EXIT_PLATFORM = 0, 1, 2, 3
DEFAULT_RULESET_VAR = "ROLLOUT_ENFORCER_DEFAULT_RULESET"
REPORT_FORMATS = ("json", "markdown", "junit", "codequality")


def _log(message: str) -> None:
    try:
        click.echo(f"enforce: {shown.message(message)}", err=True)
    except OSError:
        pass  # standard error is gone too: the exit code is all that is left to say it


def _stdout_failed(error: OSError) -> NoReturn:
    # What is still buffered would fail again at exit, with Python's own message: the
    # descriptor goes to the null device first.
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
    except OSError:
        pass
    _log(f"cannot write to standard output: {error.strerror or type(error).__name__}")
    sys.exit(EXIT_USAGE)


def _require_stdout() -> None:
    """The report goes to standard output: a closed one stops the run before any work."""
    if sys.stdout is None:  # Python's own sign that descriptor 1 was closed
        _log("standard output is closed: the report has nowhere to go (redirect it to a file or /dev/null)")
        sys.exit(EXIT_USAGE)


def _echo(text: str, **kwargs: Any) -> None:
    try:
        click.echo(text, **kwargs)
        sys.stdout.flush()
    except OSError as error:
        _stdout_failed(error)


@contextmanager
def _exit_codes() -> Iterator[None]:
    """Map every error a user can cause to its exit code and a one-line message."""
    from enforcer.files import ReadError
    from enforcer.platforms.base import PlatformError, TargetError

    try:
        yield
    except config_module.ConfigError as error:
        _log(f"configuration error: {error}")
        sys.exit(EXIT_USAGE)
    except (TargetError, ReadError) as error:
        _log(str(error))
        sys.exit(EXIT_USAGE)
    except PlatformError as error:
        _log(f"platform error: {error}")
        sys.exit(EXIT_PLATFORM)
    except OSError as error:
        where = f" {error.filename}" if error.filename else ""
        _log(f"local I/O error{where}: {error.strerror or type(error).__name__}")
        sys.exit(EXIT_USAGE)


def _report_option(value: str) -> tuple[str, str]:
    fmt, sep, path = value.partition(":")
    if not sep or not path or fmt not in REPORT_FORMATS:
        raise click.BadParameter(
            f"expected FORMAT:PATH with FORMAT one of {', '.join(REPORT_FORMATS)}, got {shown.value(value)}",
            param_hint="--report",
        )
    return fmt, path


def _show_help(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        _require_stdout()
        _echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from importlib.metadata import version

        _require_stdout()
        _echo(f"enforce, version {version('rollout-enforcer')}", color=ctx.color)
        ctx.exit()


class _HelpWithoutTranslations:
    """click's --help, with its help text in English: click looks up a translation of it at
    every start, which imports locale and searches the disk, a tenth of a small check's
    overhead."""

    _plain_help: click.Option | None = None

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        names = self.get_help_option_names(ctx)  # type: ignore[attr-defined]
        if not names or not self.add_help_option:  # type: ignore[attr-defined]
            return None
        if self._plain_help is None:
            self._plain_help = click.Option(
                names, is_flag=True, is_eager=True, expose_value=False, callback=_show_help,
                help="Show this message and exit.",
            )
        return self._plain_help


class _Command(_HelpWithoutTranslations, click.Command):
    pass


class _Group(_HelpWithoutTranslations, click.Group):
    command_class = _Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(  # click's version_option looks up translations too
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """Check that a merge request or pull request description carries a real rollout plan."""


@cli.command()
@click.argument("target", required=False)
@click.option("--ruleset", metavar="NAME|PATH", help="Built-in ruleset or a YAML file (default: the config's, else handbook).")
@click.option("--default-ruleset", metavar="NAME|PATH", envvar=DEFAULT_RULESET_VAR, help=f"The ruleset when the configuration names none (the CI inputs); also ${DEFAULT_RULESET_VAR}.")
@click.option("--config", "config_path", metavar="PATH", help="Configuration file (default: .rollout-plan.yml; in CI, the target branch's).")
@click.option("--template", "templates", multiple=True, metavar="PATH", help="Description template: text copied unchanged from it is not content. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True, help="Report on standard output.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT:PATH", help=f"Also write a report file; FORMAT is {', '.join(REPORT_FORMATS)}. Repeatable.")
@click.option("--publish/--no-publish", default=None, help="Post the comment and set labels (default: on in CI for the current merge request, off otherwise).")
@click.option("--status/--no-status", "status", default=False, help="With --publish, also set the commit status rollout-plan on the head commit (default: off).")
@click.option("--warn-only", is_flag=True, help="Exit 0 even when the plan is incomplete.")
@click.option("--explain", is_flag=True, help="Per requirement, the lines read as answers and as prompts, and why (JSON always holds them as evidence).")
def check(
    target: str | None,
    ruleset: str | None,
    default_ruleset: str | None,
    config_path: str | None,
    templates: tuple[str, ...],
    fmt: str,
    reports: tuple[str, ...],
    publish: bool | None,
    status: bool,
    warn_only: bool,
    explain: bool,
) -> None:
    """Check the rollout plan in TARGET: a Markdown file, '-' for standard input, or the URL
    of a merge request, pull request or issue. Without TARGET, inside a GitLab merge request
    pipeline or a GitHub pull request workflow: the current one."""
    from enforcer import platforms, run

    parsed_reports = [_report_option(value) for value in reports]
    _require_stdout()
    env = os.environ
    if publish is None:
        publish = target is None and platforms.in_ci(env) is not None
    with _exit_codes():
        platform = platforms.resolve(target, env, publish=publish)
        options = run.Options(ruleset, config_path, templates, warn_only, default_ruleset or None)
        outcome = run.check(platform, options, _log)
        report = outcome.report
        # Report files first: a path that cannot be written stops the run (exit 2) before
        # anything reaches standard output or the merge request.
        json_path = None
        for report_fmt, path in parsed_reports:
            _write(path, render(report_fmt, report))
            if report_fmt == "json":
                json_path = path
        color = fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in env
        _echo(render(fmt, report, color=color, explain=explain), nl=False)
        # the comment goes to a merge request; a local file has nowhere to show it
        comment = "" if platform.name == "local" else render("markdown", report)
        refused = False
        if publish:
            refused = run.publish(platform, outcome, comment, _log, status=status).refused
        platform.finish(report, comment, json_path)
    # A refused write is a platform error (the reason was said once, above); a blocker known
    # before writing (no token, a fork, a draft) is not.
    sys.exit(EXIT_PLATFORM if refused else outcome.exit_code(warn_only))


def _write(path: str, text: str) -> None:
    try:
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        _log(f"--report: cannot write {path}: {error.strerror or type(error).__name__}")
        sys.exit(EXIT_USAGE)


def _config(ruleset: str | None, config_path: str | None):  # type: ignore[no-untyped-def]
    from enforcer import run
    from enforcer.platforms.local import Local

    return run.load_config(Local("-"), run.Options(ruleset, config_path))


@cli.command()
@click.option("--ruleset", metavar="NAME|PATH", help="Built-in ruleset or a YAML file.")
@click.option("--config", "config_path", metavar="PATH", help="Configuration file (default: .rollout-plan.yml).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(ruleset: str | None, config_path: str | None, fmt: str) -> None:
    """List the requirements: id, severity, title and the headings that answer each."""
    _require_stdout()
    with _exit_codes():
        config = _config(ruleset, config_path)
    if fmt == "json":
        import json

        data = {
            "ruleset": config.ruleset,
            "requirements": [
                {
                    "id": r.id,
                    "title": r.title,
                    "severity": r.severity,
                    "headings": [model.shown_heading(h) for h in r.headings],
                    "table": {"row": list(r.table.row), "column": list(r.table.column)} if r.table else None,
                    "hint": r.hint,
                }
                for r in config.requirements
            ],
        }
        _echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out: list[str] = []
    out.append(f"Ruleset {config.ruleset}: {len(config.requirements)} requirements\n")
    for r in config.requirements:
        out.append(f"{r.id}  [{r.severity}]  {r.title}")
        if r.table:
            out.append(f"    table cell: row {' | '.join(r.table.row)}; column {' | '.join(h.lstrip('=') for h in r.table.column)}")
        else:
            out.append(f"    headings: {', '.join(model.shown_heading(h) for h in r.headings)}")
        if r.hint:
            out.append(f"    {r.hint}")
        out.append("")
    _echo("\n".join(out))


@cli.command()
@click.option("--ruleset", metavar="NAME|PATH", help="Built-in ruleset or a YAML file.")
@click.option("--config", "config_path", metavar="PATH", help="Configuration file (default: .rollout-plan.yml).")
def template(ruleset: str | None, config_path: str | None) -> None:
    """Print a description template holding every heading of the ruleset."""
    from enforcer.template import render_template

    _require_stdout()
    with _exit_codes():
        config = _config(ruleset, config_path)
    _echo(render_template(config), nl=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 in a container).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Run the webhook receiver: re-check a merge request or pull request the moment its
    description, labels or head commit change (docs/serve.md). Needs
    ROLLOUT_ENFORCER_WEBHOOK_SECRET, and GITLAB_URL + GITLAB_TOKEN or GITHUB_TOKEN."""
    from enforcer.serve.main import serve as run_receiver

    sys.exit(run_receiver(host, port, os.environ, _log))


def main() -> None:
    """The console script: no traceback ever reaches a user, and only an incomplete plan is
    exit 1 (click's own handling would make Ctrl-C and a broken pipe 1 as well)."""
    try:
        code = cli.main(prog_name="enforce", standalone_mode=False)
    except click.exceptions.Abort:  # Ctrl-C, which click turns into Abort
        _log("interrupted")
        sys.exit(130)
    except click.ClickException as error:  # usage: a bad option or argument
        try:
            error.show()
        except OSError:
            pass
        sys.exit(EXIT_USAGE)
    except OSError as error:  # standard output gone while click wrote help or version
        _stdout_failed(error)
    except MemoryError:
        _log("out of memory")
        sys.exit(EXIT_USAGE)
    except Exception as error:  # a bug of ours: said in one line, with what to report
        _log(f"internal error ({type(error).__name__}); please report it with the command that led to it")
        sys.exit(EXIT_USAGE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
