"""Reading local files and streams: bounded, inside a root, with one-line errors.

Every local read of the tool goes through here: the description (a file or standard input),
``.rollout-plan.yml``, ``--config``, a ruleset file that ``extends:`` names, and the
description templates. A read never takes more than the bound (default 10 MiB) into memory,
so ``/dev/zero`` or ``yes |`` are refused after 10 MiB instead of filling the memory; an
error names the file and what went wrong, never what the file holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from enforcer import shown

MAX_INPUT_BYTES = 10 * 1024 * 1024
MAX_INPUT_VAR = "ROLLOUT_ENFORCER_MAX_INPUT_BYTES"
_CHUNK = 1024 * 1024

# A path inside a repository (POSIX, relative to its root) -> its text, None when missing.
Reader = Callable[[str], "str | None"]


class ReadError(Exception):
    """A local file or stream could not be read, or is past the bound. Exit code 2."""


def max_input_bytes(env: Mapping[str, str] | None = None) -> int:
    """The bound on any one input, from ``ROLLOUT_ENFORCER_MAX_INPUT_BYTES`` (default 10 MiB)."""
    raw = ((env if env is not None else os.environ).get(MAX_INPUT_VAR) or "").strip()
    if not raw:
        return MAX_INPUT_BYTES
    if not raw.isascii() or not raw.isdigit() or int(raw) == 0 or len(raw) > 15:
        raise ReadError(f"{MAX_INPUT_VAR}: expected a whole number of bytes above 0, got {shown.value(raw)}")
    return int(raw)


def text_of(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), invalid bytes replaced, never an error."""
    return data.decode("utf-8-sig", errors="replace")


def _past_bound(name: str, limit: int) -> ReadError:
    return ReadError(
        f"{name}: larger than {_size(limit)}, the bound on input ({MAX_INPUT_VAR}); "
        "nothing past it was read"
    )


def _size(limit: int) -> str:
    if limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MiB"
    return f"{limit} bytes"


def read_fd(fd: int, name: str, limit: int) -> bytes:
    """At most ``limit`` bytes from an open descriptor; ReadError past it, or when it fails."""
    chunks: list[bytes] = []
    total = 0
    while True:
        try:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        except OSError as error:
            raise ReadError(f"{name}: cannot read: {_reason(error)}") from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _past_bound(name, limit)


def read_stdin(limit: int) -> bytes:
    """Standard input, bounded; a closed one is said as such."""
    import io
    import sys

    closed = ReadError("standard input is closed: give the description on it, or name a file")
    if sys.stdin is None:  # Python's own sign that descriptor 0 was closed
        raise closed
    try:
        fd = sys.stdin.fileno()
    except io.UnsupportedOperation:  # a stream of our caller's (a test's), not a descriptor
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise _past_bound("standard input", limit) from None
        return data
    except (OSError, ValueError):
        raise closed from None
    return read_fd(fd, "standard input", limit)


def read_path(path: str, limit: int, name: str | None = None) -> bytes:
    """A file's bytes, bounded; FileNotFoundError is left to the caller, who knows what a
    missing file means there."""
    name = shown.name(name or path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ReadError(f"{name}: cannot read: {_reason(error)}") from None
    try:
        if os.path.isdir(path):
            raise ReadError(f"{name}: is a directory, expected a file")
        return read_fd(fd, name, limit)
    finally:
        os.close(fd)


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def inside(path: str, root: str) -> bool:
    """Whether ``path`` is ``root`` or below it (both already real paths)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def repository_root(start: str = ".") -> str:
    """The working tree holding ``start``: the nearest folder up from it with a ``.git``
    (a folder, or a file in a git worktree); ``start`` itself when there is none."""
    here = os.path.realpath(start)
    folder = here
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return here
        folder = parent


def tree_reader(root: str, limit: int | None = None) -> Reader:
    """Files of the working tree at ``root``; a symbolic link that leads out of it is refused."""
    real_root = os.path.realpath(root)
    bound = limit if limit is not None else max_input_bytes()

    def read(relative: str) -> str | None:
        path = os.path.join(root, *relative.split("/"))
        if not inside(os.path.realpath(path), real_root):
            raise ReadError(f"{shown.name(relative)}: a symbolic link that leads out of the repository")
        try:
            return text_of(read_path(path, bound, relative))
        except FileNotFoundError:
            return None

    return read
