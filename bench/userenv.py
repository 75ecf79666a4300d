"""The environment a benchmarked run gets: the one a user's shell would give it.

Without this process's dbintegrity and pytest settings (each bench sets its own), and without
``PYTHONDONTWRITEBYTECODE``: pytest rewrites the assertions of every pytest plugin's package at import,
Hypothesis's included, and without the bytecode cache each ``dbintegrity check`` process and xdist worker
does that again, about 1 s of CPU each.  A user's machine keeps the cache; some CI images set the variable.
"""

from __future__ import annotations

import os

DROPPED_PREFIXES = ("DBINTEGRITY_", "PYTEST_")
DROPPED = ("PYTHONDONTWRITEBYTECODE",)


def user_env(**settings: str) -> dict[str, str]:
    """``os.environ`` as a user's run would have it, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_PREFIXES) and k not in DROPPED}
    env.update(settings)
    return env
