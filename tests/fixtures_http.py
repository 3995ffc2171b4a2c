"""Pytest fixtures for a real local HTTP server (register with ``pytest_plugins``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.httpserver import TestHTTPServer


@pytest.fixture
def http_server() -> Iterator[TestHTTPServer]:
    """A fresh server on an ephemeral 127.0.0.1 port, stopped after the test."""
    with TestHTTPServer() as server:
        yield server
