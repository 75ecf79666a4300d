"""Periods and the interval oracle the no-double-booking probes compare engines with.

Periods are half-open ``[start, end)``, as PostgreSQL's ``tsrange`` is by default: one that ends when the
next starts does not overlap it.  :func:`period_pairs` draws a second period against a first in every
way that matters at the edges (touching before and after, identical, shifted, apart), so that the probes
meet the boundary cases on every run, not by luck.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

Period = tuple[dt.datetime, dt.datetime | None]

_BASE = dt.datetime(2030, 3, 14, 9, 0)
"""A fixed instant, far from the dates generic rows draw, so the two rows meet only each other."""
_MAX_MINUTES = 12 * 60
"""Periods of up to 12 hours: inside every pack's own bound on a period's length (a day for chirona)."""


def overlaps(a: Period, b: Period) -> bool:
    """Whether two half-open periods ``[start, end)`` share an instant (end None: open-ended)."""
    (s1, e1), (s2, e2) = a, b
    return (e2 is None or s1 < e2) and (e1 is None or s2 < e1)


@st.composite
def period_pairs(draw: Any) -> tuple[tuple[dt.datetime, dt.datetime], tuple[dt.datetime, dt.datetime]]:
    """A first period and a second one placed against it in every way that matters at the edges."""
    first_len = draw(st.integers(1, _MAX_MINUTES), label="first length (minutes)")
    first = (_BASE, _BASE + dt.timedelta(minutes=first_len))
    second_len = draw(st.integers(1, _MAX_MINUTES), label="second length (minutes)")
    placement = draw(st.sampled_from(["touch_after", "touch_before", "same", "shifted", "apart"]), label="placement")
    if placement == "touch_after":
        start = first[1]
    elif placement == "touch_before":
        start = first[0] - dt.timedelta(minutes=second_len)
    elif placement == "same":
        start, second_len = first[0], first_len
    elif placement == "shifted":
        start = first[0] + dt.timedelta(minutes=draw(st.integers(-second_len + 1, first_len - 1), label="shift"))
    else:
        gap = draw(st.integers(1, 600), label="gap")
        start = first[1] + dt.timedelta(minutes=gap) if draw(st.booleans()) else \
            first[0] - dt.timedelta(minutes=gap + second_len)
    return first, (start, start + dt.timedelta(minutes=second_len))


def peak(periods: Sequence[Period], during: Period) -> int:
    """The most of ``periods`` that share one instant of ``during``: the occupancy a room's capacity limits.
    It is reached at the start of ``during`` or at a start of one of the periods inside it."""
    points = [during[0], *(s for s, _ in periods if during[0] < s and (during[1] is None or s < during[1]))]
    return max(sum(1 for s, e in periods if s <= t and (e is None or t < e)) for t in points)
