"""The one module that talks to Great Expectations (1.x): build the suites, run them, write Data Docs.

Layout in GX terms: an ephemeral context whose only Data Docs site writes to ``<out>/data_docs``; one
SQL data source on the target database; one table asset, whole-table batch definition, suite and
validation definition per table; one checkpoint per primary-key shape, because a checkpoint's result
format names the columns that identify a bad row (``unexpected_index_column_names``) and those differ
between tables.  Every check runs as SQL in the database; nothing is loaded into pandas.

Data Docs are written by one ``ctx.build_data_docs()`` after all checkpoints, not by an
``UpdateDataDocsAction`` per checkpoint: the action rebuilds the site index once per validation result
(one per table), which measured 4 s of a 7 s run for the 12 tables of healthcare_mgmt on PostgreSQL,
against under 1 s for the single build.

GX's own types are incomplete, so it is imported through :func:`importlib.import_module` into ``Any``:
the boundary is this module's functions, which take and return plain data.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from dbintegrity.engines import get_engine
from dbintegrity.report import ReportError
from dbintegrity.report import neutralsql as nsql
from dbintegrity.report.rules import UNEXPECTED_ROWS, Rule
from dbintegrity.report.target import Target

SAMPLE = 5
"""Bad values or rows kept per failed expectation (GX keeps up to 200 unexpected rows per query)."""
SITE = "local_site"


@dataclass
class RawResult:
    """What GX said about one rule, as JSON-safe data."""

    rule: Rule
    success: bool
    result: dict[str, Any]
    exception: str | None = None
    query: str | None = None
    """The rendered SQL of an unexpected-rows rule, as sent to this engine."""


@dataclass
class SuiteRun:
    results: list[RawResult]
    docs_index: Path | None
    timings: dict[str, float] = field(default_factory=dict)
    gx_version: str = ""


def import_gx() -> Any:
    """Import GX with analytics off; the environment must be set before the first import."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    return importlib.import_module("great_expectations")


def run_suite(pack: str, target: Target, rules: list[Rule], primary_keys: dict[str, tuple[str, ...]],
              docs_dir: Path, *, progress_bars: bool = False) -> SuiteRun:
    """Build one suite per table from ``rules`` (grouped by table), validate them, write Data Docs to ``docs_dir``.

    ``primary_keys`` name the columns that identify a row of each table in the samples of bad rows.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    gx = import_gx()
    timings["import_gx_s"] = time.perf_counter() - started

    started = time.perf_counter()
    ctx = gx.get_context(mode="ephemeral")
    _configure(ctx, docs_dir, progress_bars)
    by_table: dict[str, list[Rule]] = {}
    for rule in rules:
        by_table.setdefault(rule.table, []).append(rule)
    unreadable: list[RawResult] = []
    queries: dict[str, str] = {}
    alias: dict[str, str] = {}
    with _datasource(ctx, target) as ds:
        definitions: list[tuple[tuple[str, ...], Any]] = []
        for table, table_rules in by_table.items():
            try:  # GX reads one row of the table here: a missing table fails now, not in the checkpoint
                batch = ds.add_table_asset(name=table, table_name=_asset_table_name(table)) \
                    .add_batch_definition_whole_table("whole")
            except Exception as exc:
                reason = f"cannot read table {table}: {_one_line(exc)}"
                unreadable += [RawResult(r, False, {}, reason) for r in table_rules]
                continue
            suite = ctx.suites.add(gx.ExpectationSuite(name=f"{pack}.{table}"))
            for rule in table_rules:
                expectation, query = _expectation(gx, rule, get_engine(target.engine).dialect)
                if query is not None:
                    queries[rule.id] = query
                alias[rule.id] = _add(suite, expectation, rule.id)
            vd = ctx.validation_definitions.add(
                gx.ValidationDefinition(name=f"{pack}.{table}", data=batch, suite=suite))
            definitions.append((primary_keys.get(table, ()), vd))
        checkpoints = _checkpoints(gx, ctx, pack, definitions)
        timings["build_suite_s"] = time.perf_counter() - started

        started = time.perf_counter()
        raw: list[dict[str, Any]] = []
        # one run id for all checkpoints, so Data Docs list the tables of this report under one run name
        run_identifier = importlib.import_module("great_expectations.core.run_identifier").RunIdentifier
        run_id = run_identifier(run_name=f"{pack}-{target.engine}", run_time=dt.datetime.now(dt.UTC))
        try:
            for checkpoint in checkpoints:
                outcome = checkpoint.run(run_id=run_id)
                for suite_result in outcome.run_results.values():
                    raw += [r.to_json_dict() for r in suite_result.results]
        except Exception as exc:  # GX wraps driver errors in many types; one line is what a user can act on
            raise ReportError(f"Great Expectations could not validate {target.label}: {_one_line(exc)}") from exc
        timings["validate_s"] = time.perf_counter() - started

    started = time.perf_counter()
    sites = ctx.build_data_docs(site_names=[SITE])
    timings["data_docs_s"] = time.perf_counter() - started
    index = docs_dir / "index.html"
    order = {r.id: i for i, r in enumerate(rules)}
    got = {_rule_id(item): item for item in raw}
    # in the rules' order, whatever order GX answered in; a table that could not be read fails every rule on it
    results = [_raw(r, got[alias[r.id]], queries) for r in rules if alias.get(r.id) in got] + unreadable
    results.sort(key=lambda res: order[res.rule.id])
    return SuiteRun(results, index if SITE in sites and index.is_file() else None, timings,
                    str(getattr(gx, "__version__", "")))


def _configure(ctx: Any, docs_dir: Path, progress_bars: bool) -> None:
    progress = importlib.import_module("great_expectations.data_context.types.base").ProgressBarsConfig
    ctx.variables.progress_bars = progress(globally=progress_bars, metric_calculations=progress_bars)
    ctx.update_data_docs_site(SITE, {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir.resolve())},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })


@contextmanager
def _datasource(ctx: Any, target: Target) -> Iterator[Any]:
    """The SQL data source; its connection pool is closed afterwards so the database can be dropped."""
    name = f"{target.engine}_{target.database}"
    try:
        # GX has add_postgres but no add_mysql: MySQL goes through the generic SQL source and PyMySQL
        add = getattr(ctx.data_sources, f"add_{get_engine(target.engine).gx_data_source}")
        ds = add(name, connection_string=target.sqlalchemy_url)
    except Exception as exc:
        raise ReportError(f"Great Expectations cannot connect to {target.label}: {_one_line(exc)}") from exc
    try:
        yield ds
    finally:
        with suppress(Exception):
            ds.get_engine().dispose()


def _expectation(gx: Any, rule: Rule, dialect: str) -> tuple[Any, str | None]:
    """The GX expectation for ``rule``; ``catch_exceptions`` so one bad query fails one rule, not the run."""
    cls = getattr(gx.expectations, rule.expectation)
    meta = {"dbintegrity_id": rule.id, "kind": rule.kind, "source": rule.source}
    try:
        if rule.expectation == UNEXPECTED_ROWS:
            assert rule.query is not None
            query = nsql.render(rule.query, dialect)
            return cls(unexpected_rows_query=query, description=rule.description, meta=meta, notes=rule.why,
                       catch_exceptions=True), query
        return cls(**dict(rule.kwargs), meta=meta, notes=rule.why, catch_exceptions=True), None
    except Exception as exc:  # pydantic's validation errors span many lines
        raise ReportError(f"{rule.id}: Great Expectations rejects {rule.expectation}: {_one_line(exc)}") from exc


def _checkpoints(gx: Any, ctx: Any, pack: str, definitions: list[tuple[tuple[str, ...], Any]]) -> list[Any]:
    out = []
    for n, (key, group) in enumerate(groupby(sorted(definitions, key=lambda d: d[0]), key=lambda d: d[0])):
        result_format: dict[str, Any] = {"result_format": "COMPLETE", "partial_unexpected_count": SAMPLE}
        if key:
            result_format["unexpected_index_column_names"] = list(key)
        out.append(ctx.checkpoints.add(gx.Checkpoint(
            name=f"{pack}-{n}", validation_definitions=[vd for _, vd in group],
            actions=[], result_format=result_format)))
    return out


def _add(suite: Any, expectation: Any, rule_id: str) -> str:
    """Add ``expectation`` to ``suite``; the id of the rule whose result it gets: its own, or the rule whose equal
    expectation GX kept instead.

    A suite holds one of two equal expectations (an expectations.yml range that restates a contract CHECK) and
    drops the other without a word; the dropped rule is then reported with the kept one's result, not lost."""
    held = len(suite.expectations)
    suite.add_expectation(expectation)
    if len(suite.expectations) > held:
        return rule_id
    for kept in suite.expectations:
        if suite._expectations_are_equalish(expectation, kept):
            return str((kept.meta or {}).get("dbintegrity_id"))
    raise ReportError(f"{rule_id}: Great Expectations left it out of the suite and kept no equal expectation")


def _rule_id(item: dict[str, Any]) -> str:
    return str(((item.get("expectation_config") or {}).get("meta") or {}).get("dbintegrity_id"))


def _raw(rule: Rule, item: dict[str, Any], queries: dict[str, str]) -> RawResult:
    return RawResult(rule, bool(item.get("success")), dict(item.get("result") or {}),
                     exception_message(item.get("exception_info")), queries.get(rule.id))


def exception_message(info: Any) -> str | None:
    """The first exception GX caught for a result: its info is either flat or keyed by metric."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception") or info.get("exception_message"):
        return _squash(str(info.get("exception_message") or "raised an exception"))
    for value in info.values():
        found = exception_message(value)
        if found:
            return found
    return None


def _asset_table_name(table: str) -> str:
    """The table name as GX should emit it: a mixed-case name (chirona's ``Patient``) in double quotes, which GX
    turns into a name SQLAlchemy quotes in the engine's own way (PostgreSQL folds unquoted names to lower case)."""
    return table if table == table.lower() else f'"{table}"'


def _one_line(exc: BaseException) -> str:
    while exc.__cause__ is not None and str(exc.__cause__):
        exc = exc.__cause__
    return _squash(f"{type(exc).__name__}: {exc}")


def _squash(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # drivers append "[SQL: ...]" and "(Background on this error at: ...)": the first line is the cause
    return " ".join(ln for ln in lines[:2] if not ln.startswith(("[SQL", "(Background")))[:400]
