"""The healthcare_mgmt gate through Testcontainers against a real Docker engine, as a user with Docker runs it.

``dbintegrity check --provider docker`` starts each engine with Testcontainers' own ``MySqlContainer`` /
``PostgresContainer`` (official images where a registry answers, else the ones ``dbintegrity images build``
made), runs the whole gate in it, and removes the container.  Where no Docker engine answers, or it has no
image for the engine, the test skips and says which; ``.ci/run`` starts a Docker engine and builds the
images, so in CI it runs for real.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dbintegrity.servers import reaper
from dbintegrity.servers.providers import docker

pytestmark = pytest.mark.selftest

REPO = Path(__file__).resolve().parents[2]
GATE_TIMEOUT_S = 900


def test_healthcare_mgmt_gate_passes_through_testcontainers(engine, dbi_config, tmp_path):
    ok, why = docker.probe(dbi_config, engine)
    if not ok:
        pytest.skip(f"the docker provider cannot run {engine} here: {why}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DBINTEGRITY_"))}
    env.update(HYPOTHESIS_PROFILE="ci", COLUMNS="200")
    argv = [sys.executable, "-m", "dbintegrity.cli", "check", "healthcare_mgmt", "--provider", "docker",
            "--engines", engine, "--packs", str(REPO / "sql"), "--workdir", str(tmp_path / "work"),
            *dbi_config.engine_flags()]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            cwd=tmp_path, env=env)
    try:
        out = proc.communicate(timeout=GATE_TIMEOUT_S)[0].decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, f"the gate through docker exited {proc.returncode}:\n{out[-8000:]}"
    started = re.search(rf"^{engine}: \S+ [\d.]+\S* \(docker: container (\w+) from (\S+)\)", out, re.MULTILINE)
    assert started, f"no line saying that {engine} ran in a container:\n{out[-4000:]}"
    verdict = re.search(rf"^{engine} / healthcare_mgmt\s+(\d+)\s+0\s+0\s+\d+\s+ok$", out, re.MULTILINE)
    assert verdict and int(verdict.group(1)) > 100, f"no passing verdict for {engine} / healthcare_mgmt:\n{out[-4000:]}"
    assert reaper.containers_of(proc.pid) == [], f"containers left behind by the gate run (pid {proc.pid})"
