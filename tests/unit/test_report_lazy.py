"""Great Expectations (seconds to import) and matplotlib are loaded only when a report runs.

Checked in a fresh interpreter: this test process may already have imported them for other tests.
"""

import json
import subprocess
import sys

HEAVY = ("great_expectations", "matplotlib", "pandas", "sqlalchemy")

PROBE = f"""
import json, sys
import dbintegrity.cli, dbintegrity.pytest_plugin
import dbintegrity.report, dbintegrity.report.command, dbintegrity.report.rules
dbintegrity.cli.build_parser().parse_args(["report", "healthcare_mgmt", "--engine", "mysql"])
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""


def test_cli_plugin_and_report_modules_do_not_import_great_expectations():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
