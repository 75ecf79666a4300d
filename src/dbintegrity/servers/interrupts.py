"""Ctrl-C and SIGTERM stay interrupts even where a database driver or Python itself would drop them.

psycopg answers a KeyboardInterrupt that arrives while it waits for the server by cancelling the query;
what then reaches the caller can be the server's "query cancelled" error, which a probe takes for an
ordinary refusal, and the run went on for half a minute after SIGTERM.  So the signal is also remembered
here: code that catches driver errors asks :func:`raise_if_requested`, and the test loop stops.

Python runs a signal handler between any two bytecodes of the main thread, also inside a garbage
collector callback (Hypothesis registers one) or a ``__del__``.  An exception raised there cannot
propagate: Python prints it as "Exception ignored in ..." with a traceback, and drops it.  So
:func:`interrupt` raises a KeyboardInterrupt that names its signal, and a hook on
:data:`sys.unraisablehook` takes such a dropped one, prints nothing, and delivers the signal again a moment
later, from a thread, so that the main thread has left the place where it was dropped (if it has not, the
same happens again).
"""

from __future__ import annotations

import _thread
import sys
import threading
from types import TracebackType
from typing import NoReturn, cast

_requested: list[str] = []
"""Why the run was asked to stop (``signal 15``); empty while it was not."""

_redeliveries: list[int] = []
"""Signals whose interrupt Python dropped, and which the handler must raise again."""

_raised: set[int] = set()
"""The signals that :func:`interrupt` raised an interrupt for."""

_finishing: list[bool] = []
"""Non-empty once the run is past its tests (:func:`finishing`)."""

REDELIVERY_DELAY_S = 0.01
"""How long a dropped interrupt waits to be delivered again: longer than a gc callback runs."""


def request(reason: str) -> None:
    _requested.append(reason)


def requested() -> bool:
    return bool(_requested)


def finishing() -> None:
    """The run is past its tests and tearing down: a signal from now on only asks it to stop.

    Interrupting the teardown would not end the run sooner, and it breaks pytest's own clean-up, which
    then prints a traceback ("I/O operation on closed file" from its output capture)."""
    _finishing.append(True)


def is_finishing() -> bool:
    return bool(_finishing)


def clear() -> None:
    """A new run in this process starts un-interrupted."""
    _requested.clear()
    _finishing.clear()
    _redeliveries.clear()
    _raised.clear()


def raise_if_requested() -> None:
    """Raise KeyboardInterrupt again if the run was asked to stop.

    That delivers the stop, so a redelivery still pending (:func:`interrupt`) is called off: arriving a
    moment later, it would interrupt the teardown that this one starts."""
    if _requested:
        _redeliveries.clear()
        raise KeyboardInterrupt(_requested[0])


def redelivery_due(signum: int) -> bool:
    """True once for each time :func:`interrupt`'s exception for ``signum`` was dropped by Python."""
    if signum in _redeliveries:
        _redeliveries.remove(signum)
        return True
    return False


def interrupt(signum: int) -> NoReturn:
    """Raise the interrupt that signal ``signum`` means, from its handler, so that it is never lost."""
    if not isinstance(sys.unraisablehook, _Redeliver):  # pytest sets its own hook at configure time
        sys.unraisablehook = _Redeliver(sys.unraisablehook)
    _raised.add(signum)
    raise KeyboardInterrupt(reason(signum))  # plain: what pytest and the CLI report to the user


def mend_traceback(exc: BaseException) -> None:
    """Leave out of ``exc``'s traceback, and those of the exceptions it chains, each entry that has no line
    number.

    Python 3.11 records such an entry when a signal is handled at an instruction that belongs to no line
    ("line -1" in a probe's frame).  pytest's report of the interrupt then fails on it with a TypeError,
    and prints that traceback instead of "KeyboardInterrupt"."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        head = current.__traceback__
        while head is not None and _lineless(head):
            head = head.tb_next
        current.__traceback__ = head
        tb = head
        while tb is not None and tb.tb_next is not None:
            if _lineless(tb.tb_next):
                tb.tb_next = tb.tb_next.tb_next
            else:
                tb = tb.tb_next
        current = current.__cause__ or current.__context__


def _lineless(tb: TracebackType) -> bool:
    lineno = cast(int | None, tb.tb_lineno)  # typed int, but None in the case above
    return lineno is None


def reason(signum: int) -> str:
    """Why a run stops on signal ``signum``, as its interrupt and the summary say it."""
    return f"signal {signum}"


def _signal_of(exc: BaseException | None) -> int | None:
    """The signal whose interrupt ``exc`` is, as :func:`interrupt` raised it; None for anything else."""
    if type(exc) is KeyboardInterrupt:
        return next((n for n in _raised if exc.args == (reason(n),)), None)
    return None


class _Redeliver:
    """An unraisable-exception hook that delivers a dropped signal's interrupt again, silently."""

    def __init__(self, previous: object) -> None:
        self.previous = previous

    def __call__(self, unraisable: sys.UnraisableHookArgs) -> None:
        signum = _signal_of(unraisable.exc_value)
        if signum is not None:
            _redeliveries.append(signum)
            # Not from here: the main thread would run the handler in this hook, where it is dropped again.
            threading.Timer(REDELIVERY_DELAY_S, _thread.interrupt_main, (signum,)).start()
            return
        if callable(self.previous):
            self.previous(unraisable)
