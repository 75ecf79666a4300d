"""dbintegrity: prove by behaviour that a hospital schema keeps the integrity rules it declares.

The package is a pytest plugin first (``pytest -m integrity``) and a command line second
(``dbintegrity``); both run the same gate against disposable MySQL and PostgreSQL servers.
"""

__version__ = "0.1.0"
