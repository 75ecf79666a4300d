"""Ctrl-C and SIGTERM stay interrupts even where a database driver turns them into a query error.

psycopg answers a KeyboardInterrupt that arrives while it waits for the server by cancelling the query;
what then reaches the caller can be the server's "query cancelled" error, which a probe takes for an
ordinary refusal, and the run went on for half a minute after SIGTERM.  So the signal is also remembered
here: code that catches driver errors asks :func:`raise_if_requested`, and the test loop stops.
"""

from __future__ import annotations

_requested: list[str] = []
"""Why the run was asked to stop (``signal 15``); empty while it was not."""


def request(reason: str) -> None:
    _requested.append(reason)


def requested() -> bool:
    return bool(_requested)


def clear() -> None:
    """A new run in this process starts un-interrupted."""
    _requested.clear()


def raise_if_requested() -> None:
    """Raise KeyboardInterrupt again if the run was asked to stop."""
    if _requested:
        raise KeyboardInterrupt(_requested[0])
