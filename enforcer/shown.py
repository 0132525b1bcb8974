"""How a value from outside appears in a message: one line, short, never a file's contents.

A configuration value, an environment variable or a command-line argument can be a 10 MB
string or hold a token; a message quotes at most its first line, cut to a few dozen
characters, and a whole message is one line of bounded length.
"""

from __future__ import annotations

VALUE_CHARS = 60
MESSAGE_CHARS = 1000


def value(text: str, limit: int = VALUE_CHARS) -> str:
    """``text`` quoted for a message: its first line, at most ``limit`` characters."""
    line, _, rest = text.partition("\n")
    line = line.replace("\r", "")
    cut = len(line) > limit or bool(rest)
    return '"' + line[:limit] + ('..."' if cut else '"')


def message(text: str, limit: int = MESSAGE_CHARS) -> str:
    """A whole message on one line, at most ``limit`` characters."""
    flat = " ".join(text.split("\n")).replace("\r", "")
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def name(text: str, limit: int = 200) -> str:
    """A file name or path for a message, unquoted: its first line, at most ``limit``."""
    return value(text, limit)[1:-1]
