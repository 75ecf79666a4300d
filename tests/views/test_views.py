"""Views of every pack: existence, columns and a query that must succeed (from :mod:`dbintegrity.gate.test_views`)."""

from dbintegrity.gate.test_views import *  # noqa: F403
