"""A description in a file or on standard input; nothing is ever published."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from enforcer.platforms.base import Subject, TargetError

if TYPE_CHECKING:
    from enforcer.model import Report
    from enforcer.writeback import Writer

CONFIG_NAME = ".rollout-plan.yml"


def read_text(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), invalid bytes replaced, never an error."""
    return data.decode("utf-8-sig", errors="replace")


class Local:
    name = "local"

    def __init__(self, path: str) -> None:
        self.path = path

    def subject(self) -> Subject:
        if self.path == "-":
            return Subject("file", "-", read_text(sys.stdin.buffer.read()))
        try:
            with open(self.path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise TargetError(f"{self.path}: no such file") from None
        except IsADirectoryError:
            raise TargetError(f"{self.path}: is a directory, expected a Markdown file") from None
        except OSError as error:
            raise TargetError(f"{self.path}: cannot read: {error.strerror}") from None
        return Subject("file", self.path, read_text(data))

    def config_text(self) -> str | None:
        if not os.path.isfile(CONFIG_NAME):
            return None
        with open(CONFIG_NAME, encoding="utf-8", errors="replace") as handle:
            return handle.read()

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
