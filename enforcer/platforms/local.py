"""A description in a file or on standard input; nothing is ever published."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from enforcer.files import ReadError, max_input_bytes, read_path, read_stdin, repository_root, text_of, tree_reader
from enforcer.platforms.base import Subject, TargetError

if TYPE_CHECKING:
    from enforcer.model import Report
    from enforcer.writeback import Writer

CONFIG_NAME = ".rollout-plan.yml"


read_text = text_of  # bytes -> text, never an error (the adapters' name for it)


class Local:
    name = "local"

    def __init__(self, path: str) -> None:
        self.path = path
        self.config_base: str | None = None  # where .rollout-plan.yml was found, when not here

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
        """``.rollout-plan.yml`` of the current folder, else of the repository's root (a check
        run from a subfolder keeps the repository's rules)."""
        text = self.file_text(CONFIG_NAME)
        if text is None:
            root = repository_root()
            if root != os.path.realpath("."):
                text = tree_reader(root)(CONFIG_NAME)
                if text is not None:
                    self.config_base = root
        return text

    def file_text(self, path: str) -> str | None:
        """A file of the working tree, by its path inside it; None when there is none."""
        return tree_reader(os.getcwd())(path)

    def changed_paths(self) -> Iterable[str]:
        return ()

    def linked_issues(self) -> Iterable[Subject]:
        return ()

    def rerun_url(self) -> str | None:
        return None

    def writer(self) -> Writer | None:
        return None  # a local file has nowhere to publish to

    def finish(self, report: Report, markdown: str, json_path: str | None) -> None:
        return None
