"""Fixtures for the GitHub adapter's tests: the local API server, plain and under /api/v3."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from github_support import TOKEN, FakeGitHub


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().serve()
    server.token = TOKEN
    yield server
    server.close()


@pytest.fixture
def ghes() -> Iterator[FakeGitHub]:
    """GitHub Enterprise Server: the API under /api/v3 of the web host."""
    server = FakeGitHub(prefix="/api/v3").serve()
    server.token = TOKEN
    yield server
    server.close()
