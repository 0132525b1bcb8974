"""Structured logs: one JSON object per line on standard error, never a token.

Only what the receiver chooses to say is logged (ids, answers, verdicts, error messages the
adapters word without tokens); request headers and bodies never are.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from typing import Any, TextIO

_lock = threading.Lock()


class JsonLines:
    """``log(event, **fields)`` writes ``{"time": ..., "event": ..., ...}`` as one line."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def __call__(self, event: str, **fields: Any) -> None:
        record = {"time": _now(), "event": event, **fields}
        line = json.dumps(record, ensure_ascii=False, default=str)
        stream = self.stream or sys.stderr
        with _lock:
            stream.write(line + "\n")
            stream.flush()


def _now() -> str:
    moment = time.time()
    return (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)) + f".{int(moment % 1 * 1000):03d}Z"
    )


class JsonFormatter(logging.Formatter):
    """uvicorn's own messages (start-up, errors) in the same one-line JSON shape."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": _now(),
            "event": "server",
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(data, ensure_ascii=False, default=str)


def uvicorn_log_config(level: str = "info") -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "enforcer.serve.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
