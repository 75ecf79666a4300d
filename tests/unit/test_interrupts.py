"""A signal's interrupt is never dropped where Python cannot raise it (a gc callback, a ``__del__``).

CI cancelled a gate with SIGTERM while Hypothesis's gc callback ran: the handler's KeyboardInterrupt was
printed as "Exception ignored in ... Traceback" and dropped, and only a later check stopped the run.
"""

from __future__ import annotations

import gc
import signal
import sys
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from dbintegrity.servers import interrupts

SIG = signal.SIGUSR1  # a signal that neither pytest nor the suite handles


@pytest.fixture
def dropped(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """What Python would print as "Exception ignored"; the signal's handler is put back afterwards."""
    seen: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    before = signal.getsignal(SIG)
    yield seen
    signal.signal(SIG, before)
    interrupts.clear()


def _signal_inside_gc_callback(handler: Callable[[int, Any], None], wait_s: float = 5.0) -> None:
    """Deliver SIG while a gc callback runs, then run on as the interrupted code would, for up to
    ``wait_s`` (a redelivered interrupt ends the wait at once)."""
    signal.signal(SIG, handler)
    armed = [True]

    def callback(phase: str, info: dict[str, int]) -> None:
        if armed:
            armed.clear()
            signal.raise_signal(SIG)  # the handler runs here, inside the callback

    gc.callbacks.append(callback)
    try:
        gc.collect()
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:  # the main thread goes on, where a redelivered signal is raised
            time.sleep(interrupts.REDELIVERY_DELAY_S)
    finally:
        gc.callbacks.remove(callback)


def test_an_interrupt_raised_in_a_gc_callback_reaches_the_code_it_interrupted(dropped: list[Any]) -> None:
    def handler(signum: int, frame: Any) -> None:
        interrupts.interrupt(signum)

    with pytest.raises(KeyboardInterrupt) as raised:
        _signal_inside_gc_callback(handler)
    assert raised.value.args == (f"signal {SIG}",)
    assert dropped == [], "the interrupt was printed as an ignored exception"


def test_a_plain_keyboard_interrupt_is_dropped_there(dropped: list[Any]) -> None:
    """The shape the test above guards against: without :func:`interrupts.interrupt`, it is lost."""
    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    _signal_inside_gc_callback(handler, wait_s=0.3)
    assert [type(x.exc_value) for x in dropped] == [KeyboardInterrupt]


def _first_only(signum: int, frame: Any) -> None:
    """The plugin's handler: it raises on the first signal only, and on a redelivery."""
    if interrupts.redelivery_due(signum):
        interrupts.interrupt(signum)
    first = not interrupts.requested()
    interrupts.request(interrupts.reason(signum))
    if first:
        interrupts.interrupt(signum)


def test_a_redelivery_is_due_once_per_dropped_interrupt(dropped: list[Any]) -> None:
    """A handler that raises only on the first signal still raises the redelivered one."""
    handler = _first_only
    try:
        with pytest.raises(KeyboardInterrupt):
            _signal_inside_gc_callback(handler)
        assert not interrupts.redelivery_due(SIG), "the redelivery was not taken"
    finally:
        interrupts.clear()  # else the run itself stops after this test, as asked
    assert dropped == []


def test_a_stop_delivered_by_the_test_loop_calls_the_redelivery_off(dropped: list[Any],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The interrupt was dropped, and the test loop stopped the run first (``raise_if_requested``): the
    redelivery must not interrupt the teardown that follows."""
    monkeypatch.setattr(interrupts, "REDELIVERY_DELAY_S", 0.3)  # the test loop comes first, for certain
    signal.signal(SIG, _first_only)
    armed = [True]

    def callback(phase: str, info: dict[str, int]) -> None:
        if armed:
            armed.clear()
            signal.raise_signal(SIG)

    gc.callbacks.append(callback)
    try:
        gc.collect()  # dropped here; its redelivery is due in REDELIVERY_DELAY_S
        with pytest.raises(KeyboardInterrupt):
            interrupts.raise_if_requested()  # the test loop's stop, before the redelivery
        time.sleep(interrupts.REDELIVERY_DELAY_S * 3)  # the teardown: nothing may interrupt it
    finally:
        gc.callbacks.remove(callback)
        interrupts.clear()
    assert dropped == []


def test_a_signal_interrupts_a_run_once_and_never_its_teardown() -> None:
    """The plugin's handler: the first signal interrupts the tests; none interrupts the teardown of a run
    past its tests (pytest's clean-up broke with "I/O operation on closed file"), yet each is remembered."""
    from dbintegrity import pytest_plugin

    try:
        interrupts.clear()
        with pytest.raises(KeyboardInterrupt):
            pytest_plugin._on_signal(SIG, None)
        pytest_plugin._on_signal(SIG, None)  # a second one: the teardown it started goes on
        interrupts.clear()
        interrupts.finishing()
        pytest_plugin._on_signal(SIG, None)
        assert interrupts.requested(), "a signal during the teardown was not remembered"
    finally:
        interrupts.clear()


def _interrupt_with_a_lineless_entry() -> KeyboardInterrupt:
    """A KeyboardInterrupt whose traceback has, in its middle, an entry without a line number: what
    Python 3.11 records when a signal is handled at an instruction that belongs to no line."""
    def inner() -> None:
        raise KeyboardInterrupt("signal 15")

    try:
        inner()
    except KeyboardInterrupt as exc:
        tb = exc.__traceback__
        assert tb is not None and tb.tb_next is not None
        lineless = types.TracebackType(tb.tb_next, tb.tb_frame, 10**6, -1)
        assert lineless.tb_lineno is None, "this Python gives every entry a line number"
        tb.tb_next = lineless
        return exc
    raise AssertionError("not raised")


def test_pytest_can_report_an_interrupt_raised_where_no_line_is() -> None:
    exc = _interrupt_with_a_lineless_entry()
    with pytest.raises(TypeError):  # pytest's own report of it, as a run printed it
        pytest.ExceptionInfo.from_exception(exc).getrepr(funcargs=True)
    interrupts.mend_traceback(exc)
    report = str(pytest.ExceptionInfo.from_exception(exc).getrepr(funcargs=True))
    assert "KeyboardInterrupt: signal 15" in report and "def inner" in report
