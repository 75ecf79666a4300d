"""Where engines are provisioned: ``--engines-dir``, a project's ``.engines/``, this checkout's, else the user cache.

A schema repository that installed dbintegrity from a wheel has no source checkout; its engines go to
``$XDG_CACHE_HOME/dbintegrity`` (or ``~/.cache/dbintegrity``) once for all the user's projects.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dbintegrity import config
from dbintegrity.config import resolve, user_cache_dir
from dbintegrity.runner.check import gate_args


def by_name(values):
    return lambda opt: values.get(opt.name)


@pytest.fixture
def installed_from_a_wheel(monkeypatch):
    """No source checkout above the package, as in a site-packages install."""
    monkeypatch.setattr(config, "_source_checkout", lambda: None)


def test_installed_from_a_wheel_engines_go_to_the_user_cache(tmp_path, monkeypatch, installed_from_a_wheel):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "repo" / "sql").mkdir(parents=True)
    cfg = resolve([], base=tmp_path / "repo")
    assert cfg.engines_dir == tmp_path / "xdg" / "dbintegrity"
    assert cfg.cache_dir == tmp_path / "xdg" / "dbintegrity" / "templates"


def test_without_xdg_cache_home_the_cache_is_under_home(tmp_path, monkeypatch, installed_from_a_wheel):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve([], base=tmp_path).engines_dir == tmp_path / "home" / ".cache" / "dbintegrity"


def test_a_relative_xdg_cache_home_is_ignored_as_the_spec_says(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert user_cache_dir({"XDG_CACHE_HOME": "relative/cache"}) == tmp_path / ".cache" / "dbintegrity"


def test_a_projects_own_engines_folder_wins_over_the_cache(tmp_path, monkeypatch, installed_from_a_wheel):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / ".engines").mkdir()
    assert resolve([], base=tmp_path).engines_dir == tmp_path / ".engines"


def test_the_setting_wins_over_everything(tmp_path, monkeypatch, installed_from_a_wheel):
    (tmp_path / ".engines").mkdir()
    cfg = resolve([by_name({"engines_dir": "shared/engines"})], base=tmp_path)
    assert cfg.engines_dir == tmp_path / "shared" / "engines"
    monkeypatch.setenv("DBINTEGRITY_ENGINES_DIR", "/opt/dbi-engines")
    assert resolve([config.env_lookup()], base=tmp_path).engines_dir == Path("/opt/dbi-engines")


def test_from_this_source_checkout_its_engines_folder_is_used_from_any_directory(tmp_path, monkeypatch):
    checkout = tmp_path / "checkout"
    (checkout / ".engines").mkdir(parents=True)
    monkeypatch.setattr(config, "_source_checkout", lambda: checkout)
    assert resolve([], base=tmp_path / "elsewhere").engines_dir == checkout / ".engines"


def test_the_gate_hands_the_resolved_folder_to_its_pytest_run(tmp_path, installed_from_a_wheel):
    cfg = resolve([by_name({"engines_dir": str(tmp_path / "e")})], base=tmp_path)
    args = gate_args(cfg, ["clinic"])
    assert args[args.index("--engines-dir") + 1] == str(tmp_path / "e")
