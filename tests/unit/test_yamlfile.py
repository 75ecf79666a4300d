"""The pack's YAML files fail in one line naming file and line, as the caller's error class."""

from __future__ import annotations

import pytest

from dbintegrity.errors import PackError
from dbintegrity.pack.discovery import Pack
from dbintegrity.pack.yamlfile import read_yaml


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("a: 1\nb: [\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"x\.yml:3: not valid YAML: "):
        read_yaml(path, PackError)


def test_missing_file_is_one_line(tmp_path):
    with pytest.raises(PackError, match=r"nope\.yml: cannot read it"):
        read_yaml(tmp_path / "nope.yml", PackError)


def test_session_file_statements_and_their_errors(tmp_path):
    pack = Pack("p", tmp_path)
    assert pack.session_statements("mysql") == []  # no session.yml: nothing to run
    (tmp_path / "session.yml").write_text("backfill:\n  mysql: [\"SET @x = 1\"]\n", encoding="utf-8")
    assert pack.session_statements("mysql") == ["SET @x = 1"]
    assert pack.session_statements("postgres") == []
    (tmp_path / "session.yml").write_text("backfill:\n  mysql: SET @x = 1\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"backfill\.mysql must be a list of SQL statements"):
        pack.session_statements("mysql")
