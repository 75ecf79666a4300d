"""Running the gate: the ``check`` command, its pytest process, and engines side by side.

The gate's tests live in :mod:`dbintegrity.gate`; this package decides what runs and how: ``check`` (the
command and its summary), ``process`` (the pytest run and its output), ``xdist_engines`` (one worker per
engine), ``project_gate`` (plain ``pytest -m integrity`` in a user's schema repository) and
``step_summary`` (the summary appended to ``$GITHUB_STEP_SUMMARY``).
"""
