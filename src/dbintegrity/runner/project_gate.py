"""Plain ``pytest`` in a schema repository runs the gate on its packs, with no test file of its own.

A repository that holds only ``sql/<pack>/`` and has dbintegrity installed has no test module that pytest
would find, so ``pytest -m integrity`` used to collect nothing (exit 5) and only the undocumented
``pytest --pyargs dbintegrity.gate`` ran the gate.  This hook adds the shipped gate modules
(:mod:`dbintegrity.gate`, the same ones ``dbintegrity check`` runs) to the collection when:

- pytest was given no paths (it runs the project: the current directory or ``testpaths``), or one of the
  paths is the packs folder itself (``pytest sql``);
- the packs folder lies inside the project (pytest's rootdir), or was set explicitly (``--packs``,
  ``DBINTEGRITY_PACKS``, ini ``dbintegrity_packs``): an editable install falls back to its own checkout's
  ``sql/`` for the command line, which must not turn up in another project's test run;
- the folder holds at least one pack (a directory); any other project that has dbintegrity installed is
  left alone;
- nothing collected already comes from the gate (this repository's ``tests/`` re-export its modules, and
  so may a user's own test files): never twice.

The items carry the ``integrity`` marker like every gate test, so ``-m``, ``-k`` and ``--deselect`` apply
to them as usual (this hook runs before pytest's own selection).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dbintegrity import gate
from dbintegrity.config import OPTION_BY_NAME

GATE_PACKAGE = gate.__name__
NODE_PREFIX = GATE_PACKAGE.replace(".", "/")
"""Node ids of the added items: ``dbintegrity/gate/test_structure.py::test_table[postgres-patients]``."""


def gate_modules() -> list[Path]:
    """The gate's test modules as installed (a wheel's site-packages or an editable checkout)."""
    return sorted(Path(gate.__file__).resolve().parent.glob("test_*.py"))


def _packs_set_explicitly(config: pytest.Config) -> bool:
    opt = OPTION_BY_NAME["packs"]
    return bool(config.getoption(f"dbintegrity_{opt.name}", default=None) or os.environ.get(opt.env, "").strip()
                or config.getini(opt.ini))


def _runs_the_project(config: pytest.Config, packs_dir: Path) -> bool:
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return True
    given = {(config.invocation_params.dir / a.split("::")[0]).resolve() for a in config.args}
    return packs_dir in given


def wanted(config: pytest.Config, items: list[pytest.Item]) -> bool:
    """Whether this run should have the gate added (see the module docstring for the rules)."""
    from dbintegrity.pytest_plugin import dbi_config_of

    packs_dir = dbi_config_of(config).packs_dir.resolve()
    if not packs_dir.is_dir() or not any(p.is_dir() for p in packs_dir.iterdir()):
        return False
    if not (packs_dir.is_relative_to(config.rootpath.resolve()) or _packs_set_explicitly(config)):
        return False
    if not _runs_the_project(config, packs_dir):
        return False
    return not any(getattr(getattr(item, "function", None), "__module__", "").startswith(f"{GATE_PACKAGE}.")
                   for item in items)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not wanted(config, items):
        return
    for path in gate_modules():
        module = pytest.Module.from_parent(session, path=path, nodeid=f"{NODE_PREFIX}/{path.name}")
        items.extend(item for item in session.genitems(module) if isinstance(item, pytest.Item))
