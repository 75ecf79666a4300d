"""Repository-wide pytest configuration.

The dbintegrity plugin itself is loaded through its ``pytest11`` entry point (so ``pytest -m integrity``
works in any project that installs the package); this file only adds what the repository's own tests need.
"""

pytest_plugins = ["pytester"]
