"""The example workflow ``.github/workflows/schema-gate.yml`` does what it says, run here step by step.

GitHub's runner is not here, but what the workflow runs is: its job environment (the url provider and
the service containers' addresses) with the addresses of this run's own servers standing in for the
service containers, and each ``run:`` step in order, with bash, in a scratch schema repository that holds
only ``sql/clinic/`` (a copy of hms_db) and the reference files its seed profile names (``fixtures/``).
The install step is run only for its error (no requirement set): the package is already installed here
(``test_wheel.py`` installs it the way a user does).  The gate step must pass and write the JUnit XML, the
Data Docs step must write each pack's Data Docs, and both must lie under the path the upload step
uploads.  actionlint checks the file's syntax (``tox -e lint``, ``.ci/run``).  About 75 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from dbintegrity.pytest_plugin import one_line_errors
from dbintegrity.runner.process import server_url

pytestmark = pytest.mark.selftest

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "schema-gate.yml"
INSTALL_STEP = "install dbintegrity"


@pytest.fixture(scope="module")
def job() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data["jobs"]["gate"]


def test_it_runs_on_pull_requests_that_touch_sql_with_both_service_containers(job):
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = data[True] if True in data else data["on"]  # YAML 1.1 reads the key `on` as true
    assert "sql/**" in on["pull_request"]["paths"]
    assert set(job["services"]) == {"mysql", "postgres"}
    assert job["env"]["DBINTEGRITY_PROVIDER"] == "url"
    uploads = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert len(uploads) == 1 and uploads[0]["if"] == "${{ !cancelled() }}"
    for step in job["steps"]:  # expressions in scripts invite injection; the scripts read the environment
        assert "${{" not in step.get("run", ""), step


def _scripts(job) -> list[tuple[str, str]]:
    return [(s.get("name", s["run"][:30]), s["run"]) for s in job["steps"] if "run" in s]


def _env(job, overrides: dict[str, str]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DBINTEGRITY_", "PYTEST_", "HYPOTHESIS_"))}
    env = {k: str(v) for k, v in job["env"].items() if "${{" not in str(v)}
    path = f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}"  # dbintegrity as installed here
    return {**base, **env, "PATH": path, **overrides}


def test_the_install_step_without_a_requirement_fails_saying_what_to_set(job, tmp_path):
    script = dict(_scripts(job))[INSTALL_STEP]
    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=_env(job, {"DBINTEGRITY_REQUIREMENT": ""}),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "::error::set the repository variable DBINTEGRITY_REQUIREMENT" in done.stdout


def test_the_gate_and_data_docs_steps_pass_and_write_what_is_uploaded(job, dbi_runtime, tmp_path):
    repo = tmp_path / "schema_repo"
    shutil.copytree(REPO / "sql" / "hms_db", repo / "sql" / "clinic")
    for folder in ("reference", "providers"):  # the seed profile's reference files (its `fixtures: ../../fixtures`)
        shutil.copytree(REPO / "fixtures" / folder, repo / "fixtures" / folder)
    engines = job["env"]["DBINTEGRITY_ENGINES"].split(",")
    with one_line_errors():
        urls = {f"DBINTEGRITY_{e.upper()}_URL": server_url(dbi_runtime.server(e)) for e in engines}
    env = _env(job, urls)
    for name, script in _scripts(job):
        if name == INSTALL_STEP:
            continue
        done = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=900, check=False)
        assert done.returncode == 0, f"step {name!r} exited {done.returncode}\n{done.stdout[-4000:]}{done.stderr[-3000:]}"
    reports = repo / job["env"]["REPORTS"]
    upload = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].replace("${{ env.REPORTS }}", job["env"]["REPORTS"]).rstrip("/") == reports.name
    junit = ET.parse(reports / "junit" / "schema-gate.xml").getroot()
    cases = list(junit.iter("testcase"))
    assert len(cases) > 50 and not list(junit.iter("failure")), f"{len(cases)} test cases"
    for engine in engines:
        assert any(f"[{engine}-" in (c.get("name") or "") for c in cases), f"no {engine} test in the JUnit XML"
    assert (reports / "data-docs" / "clinic" / "data_docs" / "index.html").is_file(), sorted(reports.rglob("*"))[:20]
