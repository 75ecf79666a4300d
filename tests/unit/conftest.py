"""Unit tests run without any database server and must not see the developer's or CI's settings."""

import os

import pytest


@pytest.fixture(autouse=True)
def _no_dbintegrity_env(monkeypatch):
    """A DBINTEGRITY_* variable in the caller's environment would change what resolve() returns."""
    for name in list(os.environ):
        if name.startswith("DBINTEGRITY_"):
            monkeypatch.delenv(name)
