"""The package as a user installs it: a wheel, in a fresh venv, used from a schema repository of their own.

The scratch repository holds only ``sql/clinic/`` (a copy of the hms_db pack) and no test file.  There,
with the wheel installed (not editable, no source checkout anywhere on the path):

- plain ``pytest -m integrity`` collects and runs the gate for its packs (it used to collect nothing);
- ``dbintegrity check`` passes;
- both fail on a broken copy of the schema (a column that lost its NOT NULL), so neither is ok about nothing;
- engines resolve to the per-user cache (``$XDG_CACHE_HOME/dbintegrity``) unless ``DBINTEGRITY_ENGINES_DIR``
  says otherwise; the runs here point it at this checkout's provisioned ``.engines/`` so nothing is
  downloaded again.

How the fresh venv gets the dependencies: the wheel itself is installed with ``--no-deps --no-index``,
and the dependencies of this repository's ``.venv`` are made visible by one ``.pth`` line naming its
site-packages folder.  A plain path in a ``.pth`` file is only added to ``sys.path``; the ``.pth`` files
inside that folder are not processed, so the editable install of this checkout (a ``.pth`` line there) stays
invisible, and the fresh venv's own site-packages comes first, so its ``dbintegrity`` (and its entry
points) win.  This checks what the wheel carries (modules, package data, entry points, console script)
and how the tool behaves away from its checkout, without the minutes and the registry round trips of
resolving every dependency again; ``pip check`` in the fresh venv proves the declared requirements are
met.  What it does not prove is that the dependency list is complete: an import of an undeclared
package would still be found in ``.venv``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.selftest

REPO = Path(__file__).resolve().parents[2]
ENGINES = REPO / ".engines"
PACK = REPO / "sql" / "hms_db"
TIMEOUT_S = 600


def run(argv: list[str], *, cwd: Path, env: dict[str, str], timings: dict[str, float], label: str,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    timings[label] = time.perf_counter() - started
    print(f"{label}: {timings[label]:.1f} s")  # the figures the README quotes (shown with -s or -rP)
    if check and done.returncode != 0:
        pytest.fail(f"{label}: {' '.join(map(str, argv))} exited {done.returncode}\n{done.stdout[-4000:]}\n"
                    f"{done.stderr[-4000:]}", pytrace=False)
    return done


@pytest.fixture(scope="module")
def timings() -> dict[str, float]:
    return {}


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory, timings) -> Path:
    """A venv with the wheel built from this checkout installed into it; returns the venv folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a clean copy: no build/ leftovers of earlier builds in the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    env = _clean_env()
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
         "-w", str(work / "dist"), str(source)], cwd=work, env=env, timings=timings, label="build wheel")
    wheels = list((work / "dist").glob("dbintegrity-*.whl"))
    assert len(wheels) == 1, wheels
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=work, env=env, timings=timings,
        label="create venv")
    python = venv / "bin" / "python"
    purelib = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=work,
                       env=env, timings=timings, label="venv paths").stdout.strip())
    (purelib / "dev_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "--quiet",
         "--disable-pip-version-check", str(wheels[0])], cwd=work, env=env, timings=timings, label="install wheel")
    run([sys.executable, "-m", "pip", "--python", str(python), "check", "--disable-pip-version-check"], cwd=work,
        env=env, timings=timings, label="pip check")
    return venv


@pytest.fixture(scope="module")
def schema_repo(tmp_path_factory) -> Path:
    """A user's repository: ``sql/clinic/`` and nothing else."""
    repo = tmp_path_factory.mktemp("schema_repo")
    shutil.copytree(PACK, repo / "sql" / "clinic")
    return repo


def _clean_env() -> dict[str, str]:
    """The caller's environment without anything that would point the runs back at this checkout."""
    drop = ("DBINTEGRITY_", "PYTEST_", "PYTHON", "VIRTUAL_ENV", "HYPOTHESIS_")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def pytest_of(venv: Path) -> list[str]:
    """``python -m pytest`` of the fresh venv: pytest is a dependency seen through the ``.pth`` line, so the
    venv has no ``pytest`` script of its own (a ``pip install`` with dependencies would write one)."""
    return [str(venv / "bin" / "python"), "-m", "pytest"]


def engines_to_run() -> str:
    """Both engines of the gate when this checkout has MySQL provisioned; PostgreSQL comes from the system."""
    return "mysql,postgres" if (ENGINES / "mysql" / "root").is_dir() else "postgres"


@pytest.fixture(scope="module")
def user_env(tmp_path_factory, fresh_venv) -> dict[str, str]:
    if not (ENGINES / "templates").exists() and not (ENGINES / "mysql").exists():
        pytest.skip(f"{ENGINES} is not provisioned (run ./scripts/setup.sh): the runs would download every engine")
    cache = tmp_path_factory.mktemp("xdg_cache")
    return {**_clean_env(), "PATH": f"{fresh_venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "XDG_CACHE_HOME": str(cache), "DBINTEGRITY_PROVIDER": "local", "DBINTEGRITY_ENGINES": engines_to_run(),
            "DBINTEGRITY_ENGINES_DIR": str(ENGINES.resolve()), "HYPOTHESIS_PROFILE": "ci"}


def test_the_installed_tool_comes_from_the_wheel_and_provisions_into_the_user_cache(fresh_venv, schema_repo,
                                                                                     user_env, timings):
    env = {k: v for k, v in user_env.items() if k != "DBINTEGRITY_ENGINES_DIR"}
    code = ("import dbintegrity, json, sys; from dbintegrity.config import env_lookup, resolve; "
            "print(json.dumps([dbintegrity.__file__, str(resolve([env_lookup()]).engines_dir), sys.path]))")
    done = run([str(fresh_venv / "bin" / "python"), "-c", code], cwd=schema_repo, env=env, timings=timings,
               label="where from")
    module, engines_dir, path = json.loads(done.stdout)
    assert Path(module).is_relative_to(fresh_venv), f"dbintegrity imported from {module}, not from the wheel"
    assert Path(engines_dir) == Path(user_env["XDG_CACHE_HOME"]) / "dbintegrity"
    assert str(REPO / "src") not in path, "this checkout's src/ is on the fresh venv's path"


def test_plain_pytest_m_integrity_runs_the_gate_in_the_schema_repository(fresh_venv, schema_repo, user_env,
                                                                         timings, tmp_path):
    junit = tmp_path / "gate.xml"
    done = run([*pytest_of(fresh_venv), "-m", "integrity", "-q", "-p", "no:cacheprovider",
                f"--junitxml={junit}"], cwd=schema_repo, env=user_env, timings=timings, label="pytest -m integrity")
    print(done.stdout[-1500:])
    cases = ET.parse(junit).getroot().iter("testcase")
    names = [f"{c.get('classname')}::{c.get('name')}" for c in cases]
    assert len(names) > 50 and all(n.startswith("dbintegrity.gate.") for n in names), names[:5]
    for engine in user_env["DBINTEGRITY_ENGINES"].split(","):
        assert any(f"test_table[{engine}-patients]" in n for n in names), f"no {engine} test in {names[:5]}"
    assert " passed" in done.stdout and " failed" not in done.stdout


def test_dbintegrity_check_passes_in_the_schema_repository(fresh_venv, schema_repo, user_env, timings):
    # PostgreSQL only: the pytest run above has shown both engines; this shows the command line of the wheel
    env = {**user_env, "DBINTEGRITY_ENGINES": "postgres"}
    done = run([str(fresh_venv / "bin" / "dbintegrity"), "check"], cwd=schema_repo, env=env, timings=timings,
               label="dbintegrity check")
    print(done.stdout[-2500:])
    assert re.search(r"^postgres / clinic +[1-9]\d* +0 +0 +\d+ +ok$", done.stdout, re.M), done.stdout[-2500:]


def test_both_fail_on_a_broken_copy_of_the_schema(fresh_venv, schema_repo, user_env, timings, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(schema_repo, broken)
    ddl = broken / "sql" / "clinic" / "postgres" / "01_schema.sql"
    text = ddl.read_text()
    assert "  first_name varchar(50) NOT NULL,\n" in text
    ddl.write_text(text.replace("  first_name varchar(50) NOT NULL,\n", "  first_name varchar(50),\n", 1))
    env = {**user_env, "DBINTEGRITY_ENGINES": "postgres"}
    for label, argv in (("pytest, broken", [*pytest_of(fresh_venv), "-m", "integrity", "-q",
                                            "-p", "no:cacheprovider", "-k", "first_name"]),
                        ("check, broken", [str(fresh_venv / "bin" / "dbintegrity"), "check", "--pytest-args",
                                           "-k", "first_name"])):
        done = run(argv, cwd=broken, env=env, timings=timings, label=label, check=False)
        assert done.returncode == 1, f"{label}: exit {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
        assert "patients.first_name" in done.stdout, done.stdout[-3000:]

