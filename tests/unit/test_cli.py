"""The dbintegrity command line: help texts, and our errors as one line on stderr with exit status 2."""

import pytest

from dbintegrity import cli
from dbintegrity.config import OPTIONS

# Options each subcommand deliberately leaves out (they come from its own arguments instead).
SKIPPED = {"engines": (), "check": ("pack",), "snapshot": ("pack", "engines"),
           "provision": ("pack", "engines", "provider")}
OWN = {"engines": (), "check": ("PACK", "--junitxml", "--verbose", "--pytest-args"),
       "snapshot": ("--engine", "--out"), "provision": ("--force", "ENGINE", "mariadb")}


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def help_text(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        cli.main([*argv, "--help"])
    out, err = capsys.readouterr()
    assert info.value.code == 0
    assert err == ""
    return out


def test_top_level_help_lists_commands(capsys):
    out = help_text(capsys)
    assert out.startswith("usage: dbintegrity")
    for command in SKIPPED:
        assert command in out


@pytest.mark.parametrize("command", list(SKIPPED))
def test_subcommand_help_mentions_its_options(capsys, monkeypatch, command):
    monkeypatch.setenv("COLUMNS", "200")
    out = help_text(capsys, command)
    assert out.startswith(f"usage: dbintegrity {command}")
    for opt in OPTIONS:
        if opt.name in SKIPPED[command]:
            assert f"{opt.flag} " not in out, opt.flag
        else:
            assert opt.flag in out, opt.flag
            assert opt.env in out, opt.env
    for own in OWN[command]:
        assert own in out


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("dbintegrity ")


def test_bad_provider_is_one_line_on_stderr_and_exit_2(capsys):
    code, out, err = run(capsys, "engines", "--provider", "kubernetes")
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("dbintegrity engines: error: provider 'kubernetes' is not one of")
    assert "--provider / DBINTEGRITY_PROVIDER" in lines[0]


def test_bad_provider_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("DBINTEGRITY_PROVIDER", "nope")
    code, _, err = run(capsys, "engines")
    assert code == 2
    assert err.startswith("dbintegrity engines: error: provider 'nope' is not one of")


def test_check_unknown_pack_has_did_you_mean(capsys, tmp_path):
    packs = tmp_path / "sql"
    (packs / "healthcare_mgmt" / "mysql").mkdir(parents=True)
    (packs / "healthcare_mgmt" / "mysql" / "01_schema.sql").write_text("CREATE TABLE a (id int);")
    code, out, err = run(capsys, "check", "healthcare_mgnt", "--packs", str(packs))
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"dbintegrity check: error: pack 'healthcare_mgnt' not found in {packs}; did you mean healthcare_mgmt?"]


def test_check_missing_packs_folder(capsys, tmp_path):
    code, _, err = run(capsys, "check", "--packs", str(tmp_path / "nope"))
    assert code == 2
    assert len(err.splitlines()) == 1
    assert err.startswith(f"dbintegrity check: error: packs folder {tmp_path / 'nope'} does not exist")


def test_engines_prints_each_provider(capsys, monkeypatch, tmp_path):
    from dbintegrity.servers.providers import docker

    monkeypatch.setattr(docker, "engine_answers", lambda: "no Docker engine answers a ping (refused)")
    code, out, err = run(capsys, "engines", "--engines", "mysql", "--mysql-bin", str(tmp_path))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "mysql: provider local (auto)"
    assert lines[1] == "    docker unavailable: no Docker engine answers a ping (refused)"
    assert lines[2].startswith(f"  * local  unavailable: local MySQL binaries not found under {tmp_path}")
    assert lines[3] == "    url    unavailable: no URL given (--mysql-url or DBINTEGRITY_MYSQL_URL)"
    assert len(lines) == 4


def test_missing_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main([])
    assert info.value.code == 2
    assert "usage: dbintegrity" in capsys.readouterr().err


def test_a_relative_packs_path_on_the_command_line_is_in_the_current_directory(tmp_path, monkeypatch):
    """``--packs db/packs`` typed in a schema repository means that repository's folder, even where the
    project defaults come from elsewhere (an editable install's checkout)."""
    from dbintegrity.cli import _config, build_parser

    (tmp_path / "db" / "packs").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(["engines", "--packs", "db/packs", "--workdir", "scratch"])
    cfg = _config(args)
    assert cfg.packs_dir == tmp_path / "db" / "packs"
    assert cfg.workdir == tmp_path / "scratch"
    monkeypatch.setenv("DBINTEGRITY_PACKS", "other")
    assert _config(build_parser().parse_args(["engines"])).packs_dir == tmp_path / "other"
