"""Zero-config mode (``dbintegrity check --sql``) on schemas that were not written for dbintegrity.

The fixtures under ``fixtures/zero_config/`` reproduce the shapes of well-known public sample databases
(a DVD-rental shop on MySQL and on PostgreSQL) and a generated 320-table schema.  For each, the command
must finish without a crash, fail nothing, print the summary table by probe kind with its counts, and
give a reason for every probe it could not build.

The commands run in-process against the servers this session already started (``--provider url``), with
the ``ci`` Hypothesis profile (few, derandomised examples).  The big schema runs a small ``--sample`` of
each probe kind: what is under test there is that zero-config copes with its size, not every probe.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbintegrity import cli
from dbintegrity.check import OUTCOMES
from dbintegrity.mutate import server_url

pytestmark = pytest.mark.integrity

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "zero_config"
ROW = re.compile(r"^(\w+) +" + r" +".join([r"(\d+)"] * len(OUTCOMES)) + r" +(ok|FAIL)$")
SKIP = re.compile(r"^ +(\d+) x (\w+): (.+)$")

# Per fixture: the probe kinds that must have run (passed > 0), and skip reasons that must be given,
# each for a shape the fixture has on purpose.
CASES = [
    pytest.param(
        "film_rental/mysql", "mysql", [],
        {"check_verdict", "default", "enum_domain", "fk_on_delete", "fk_rejects_orphan", "not_null",
         "on_update_current_timestamp", "unique", "view_answers", "trigger"},
        ["staff.store_id is a NOT NULL foreign key in a cycle (store -> staff -> store)",
         "film_review.reviewed_on = NULL was accepted on INSERT and a value stored instead: BEFORE INSERT "
         "trigger review_dated",
         "category.parent_id references its own table with ON UPDATE CASCADE",
         "default (GEN_RANDOM_UUID()) of external_ref is an expression we do not evaluate"],
        id="film_rental-mysql"),
    pytest.param(
        "film_rental_pg/postgres", "postgres", [],
        {"check_verdict", "default", "enum_domain", "fk_on_delete", "fk_on_update", "fk_rejects_orphan",
         "not_null", "unique", "view_answers", "trigger"},
        ["store.manager_staff_id is a NOT NULL foreign key in a cycle (staff -> store -> staff)",
         "film.fulltext = NULL was accepted on INSERT and a value stored instead: BEFORE INSERT trigger "
         "film_fulltext",
         "which the engine fills itself (GENERATED ALWAYS AS IDENTITY)",
         "promo_code.region = NULL is also refused by CHECK (region IS NOT NULL AND",
         "default (CURRENT_USER) of changed_by is an expression we do not evaluate"],
        id="film_rental_pg-postgres"),
    pytest.param(
        "wide/mysql", "mysql", ["--sample", "3"],
        {"check_verdict", "default", "fk_on_delete", "not_null", "unique"},
        ["sampled: 4091 more column items of schema not run"],
        id="wide-mysql"),
    pytest.param(
        "wide/postgres", "postgres", ["--sample", "3"],
        {"check_verdict", "default", "fk_on_delete", "not_null", "unique"},
        ["sampled: 4091 more column items of schema not run"],
        id="wide-postgres"),
]


def _summary(out: str) -> tuple[dict[str, dict[str, int]], list[tuple[str, str]]]:
    """The per-kind table and the (kind, reason) skip lines that ``dbintegrity check`` printed."""
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("probe kind"))
    assert lines[header].split()[2:] == [*OUTCOMES, "verdict"], lines[header]
    table: dict[str, dict[str, int]] = {}
    for line in lines[header + 1:]:
        m = ROW.match(line)
        if not m:
            break
        table[m.group(1)] = dict(zip(OUTCOMES, map(int, m.groups()[1:-1]), strict=True))
    skips = [(m.group(2), m.group(3)) for line in lines if (m := SKIP.match(line))]
    return table, skips


@pytest.mark.parametrize(("fixture", "engine", "extra", "must_run", "reasons"), CASES)
def test_zero_config_survives_a_real_world_shape(fixture, engine, extra, must_run, reasons, dbi_runtime, dbi_config,
                                                  capsys, monkeypatch):
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    monkeypatch.delenv("DBINTEGRITY_SAMPLE", raising=False)
    code = cli.main(["check", "--sql", str(FIXTURES / fixture), "--engine", engine, *extra, "--provider", "url",
                     f"--{engine}-url", server_url(dbi_runtime.server(engine))])
    out, err = capsys.readouterr()
    both = out + err
    assert "Traceback" not in both and "INTERNALERROR" not in both, both[-6000:]
    assert code == 0, f"exit status {code}:\n{out[-6000:]}\n{err[-2000:]}"

    table, skips = _summary(out)
    assert table, out[-3000:]
    for kind, counts in table.items():
        assert counts["failed"] == counts["error"] == 0, (kind, counts)
    idle = sorted(k for k in must_run if table.get(k, {}).get("passed", 0) == 0)
    assert not idle, f"probe kinds that never ran: {idle}\n{out[-4000:]}"

    skipped = sum(c["skipped"] for c in table.values())
    assert "skipped, and why:" in out
    assert sum(int(m.group(1)) for line in out.splitlines() if (m := SKIP.match(line))) == skipped, \
        "every skip is listed with its reason"
    assert all(reason.strip() for _kind, reason in skips)
    for reason in reasons:
        assert any(reason in r for _k, r in skips), f"no skip says {reason!r}:\n" + "\n".join(
            f"{k}: {r}" for k, r in skips)
    assert f"from {FIXTURES / fixture} on {engine}" in err  # the derived-contract line


def test_wide_fixture_is_what_its_generator_writes():
    """The committed wide/ schema is the generator's output: regenerate it after changing make_wide.py."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(FIXTURES / "make_wide.py"), "--check"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
