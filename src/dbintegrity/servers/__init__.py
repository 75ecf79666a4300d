"""Where the databases come from, and the guarantee that they go away again.

``runtime`` holds a run's servers; ``providers`` start them (Testcontainers, local binaries, an existing
URL); ``processes`` and ``templates`` start local servers and clone a loaded schema; ``debian`` fetches
Debian packages with a private apt, for the engines' provisioning and images; ``images`` lays an engine's
image out and imports it; ``interrupts`` and ``reaper`` remove every server, container and database when
a run is stopped or dies.  What is particular to one engine stays in its folder under ``engines/``.
"""
