"""A description in a file or on standard input; nothing is ever published."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from enforcer.files import ReadError, max_input_bytes, read_path, read_stdin, text_of, tree_reader
from enforcer.platforms.base import Subject, TargetError

if TYPE_CHECKING:
    from enforcer.model import Report
    from enforcer.publish import State, Writes

CONFIG_NAME = ".rollout-plan.yml"


read_text = text_of  # bytes -> text, never an error (the adapters' name for it)


class Local:
    name = "local"

    def __init__(self, path: str) -> None:
        self.path = path

    def subject(self) -> Subject:
        limit = max_input_bytes()
        try:
            if self.path == "-":
                return Subject("file", "-", read_text(read_stdin(limit)))
            if os.path.isdir(self.path):
                raise TargetError(f"{self.path}: is a directory, expected a Markdown file")
            data = read_path(self.path, limit)
        except FileNotFoundError:
            raise TargetError(f"{self.path}: no such file") from None
        except ReadError as error:
            raise TargetError(str(error)) from None
        return Subject("file", self.path, read_text(data))

    def config_text(self) -> str | None:
        return self.file_text(CONFIG_NAME)

    def file_text(self, path: str) -> str | None:
        """A file of the working tree, by its path inside it; None when there is none."""
        return tree_reader(os.getcwd())(path)

    def changed_paths(self) -> Iterable[str]:
        return ()

    def linked_issues(self) -> Iterable[Subject]:
        return ()

    def publish_blocker(self) -> str | None:
        return "a local file has nowhere to publish to"

    def rerun_url(self) -> str | None:
        return None

    def read_state(self) -> State:
        from enforcer.publish import State

        return State(frozenset())

    def apply(self, writes: Writes) -> None:
        raise NotImplementedError("a local file has nowhere to publish to")

    def finish(self, report: Report, markdown: str, json_path: str | None) -> None:
        return None
