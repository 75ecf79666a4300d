"""``contract.yml``: the reviewed, engine-neutral statement of what a pack's schema must be.

The contract is read at collection time (no database needed) and split into *items*, one per table,
column, key, index, FK and CHECK, so that every rule becomes its own pytest item with a readable id.
:func:`compare` explains a difference as one sentence per attribute, e.g.
``appointments.patient_id ON DELETE: contract CASCADE, postgres SET NULL``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dbintegrity.errors import ContractError
from dbintegrity.pack.model import Column, Exclusion, ForeignKey, Schema, Table
from dbintegrity.pack.yamlfile import yaml_error
from dbintegrity.sqltext.expr import normalize

HEADER = (
    "# Integrity contract of pack {pack}: what both dialects must do, reviewed like a snapshot.\n"
    "# Written by `dbintegrity snapshot {pack} --engine {engine}`; edit deliberately, never to make a test pass.\n"
)


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(path: Path) -> Schema:
    """Read a contract; a YAML or shape error is one ContractError line with file and line."""
    if not path.is_file():
        raise ContractError(f"{path}: no contract; write one with `dbintegrity snapshot {path.parent.name} "
                            "--engine mysql` and review it")
    text = path.read_text(encoding="utf-8")
    try:
        try:  # libyaml is ten times faster on a big contract; the pure-Python loader words errors best
            data = yaml.load(text, Loader=_FAST_LOADER) or {}
        except yaml.YAMLError:
            data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc, ContractError) from None
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
        raise ContractError(f"{path}: expected a mapping with a 'tables' key")
    try:
        schema = Schema.from_dict(data, where=str(path))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ContractError(str(exc) if str(path) in str(exc) else f"{path}: {exc}") from None
    for table in schema.tables.values():  # contracts may spell CHECKs naturally (BETWEEN, parentheses)
        table.checks = [type(c)(normalize(c.expression, "neutral")) for c in table.checks]
    return schema


class _Dumper(yaml.SafeDumper):
    """Writes SQL literals such as 'active' in double quotes, not as tripled single quotes."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if "'" in value and '"' not in value and "\\" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(schema: Schema, pack: str, engine: str) -> str:
    """The contract text for ``schema``: sorted, stable, no engine-specific names."""
    body = yaml.dump(schema.to_dict(), Dumper=_Dumper, sort_keys=False, default_flow_style=None,
                     width=110, allow_unicode=True)
    return HEADER.format(pack=pack, engine=engine) + body


@dataclass(frozen=True)
class Item:
    """One checkable rule of a contract."""

    kind: str
    table: str
    key: str
    expected: Any

    @property
    def id(self) -> str:
        if self.kind == "table":
            return self.table
        if self.kind in ("column", *_COLUMN_KINDS):
            return f"{self.table}.{self.key}"
        if self.kind == "privilege":
            return f"{self.key}:{self.table}"
        if self.kind == "foreign_key":
            fk: ForeignKey = self.expected
            return (f"{self.table}.{','.join(fk.columns)}->{fk.ref_table}.{','.join(fk.ref_columns)}"
                    f":{fk.on_delete.replace(' ', '_')}")
        return f"{self.table}:{self.kind}({self.key})"


KINDS = ("table", "column", "primary_key", "unique", "index", "foreign_key", "check", "trigger", "view",
         "undeclared", "privilege", "exclusion")


_COLUMN_KINDS: dict[str, Callable[[Column], bool]] = {
    # Probe kinds that pick columns by what the contract says about them.
    "enum": lambda c: c.enum is not None and c.family == "enum",
    "generated": lambda c: c.generated is not None,
    "not_null": lambda c: not c.nullable and c.generated is None and not c.engine_filled,
    "default": lambda c: c.default is not None and not c.engine_filled and c.generated is None,
    "on_update": lambda c: c.on_update is not None,
}


def items(schema: Schema, kind: str) -> list[Item]:
    """The contract's items of one kind, in a stable order."""
    out: list[Item] = []
    if kind == "view":
        return [Item("view", v, v, schema.views[v]) for v in sorted(schema.views)]
    if kind == "privilege":  # every (role, table) pair, so a grant the contract does not list is caught too
        return [Item("privilege", t, role, schema.privileges[role].get(t, ()))
                for role in sorted(schema.privileges) for t in sorted(schema.tables)]
    for tname in sorted(schema.tables):
        t = schema.tables[tname]
        if kind == "table":
            out.append(Item("table", tname, tname, t))
        elif kind == "column":
            out += [Item("column", tname, c.name, c) for c in t.columns.values()]
        elif kind == "primary_key" and t.primary_key:
            out.append(Item("primary_key", tname, ",".join(t.primary_key), t.primary_key))
        elif kind == "unique":
            out += [Item("unique", tname, ",".join(u), u) for u in t.uniques]
        elif kind == "index":
            out += [Item("index", tname, ix.key, ix) for ix in sorted(t.indexes, key=lambda i: i.columns)
                    if not ix.unique]
        elif kind == "foreign_key":
            out += [Item("foreign_key", tname, fk.key, fk) for fk in sorted(t.foreign_keys, key=lambda f: f.columns)]
        elif kind == "check":
            out += [Item("check", tname, ch.expression, ch) for ch in t.checks]
        elif kind in _COLUMN_KINDS:
            out += [Item(kind, tname, c.name, c) for c in t.columns.values() if _COLUMN_KINDS[kind](c)]
        elif kind == "trigger":
            out += [Item("trigger", tname, tr.name, tr) for tr in sorted(t.triggers, key=lambda tr: tr.name)]
        elif kind == "undeclared":
            out.append(Item("undeclared", tname, "nothing-undeclared", t))
        elif kind == "exclusion":
            out += [Item("exclusion", tname, ex.name, ex) for ex in sorted(t.exclusions, key=lambda ex: ex.name)]
    return out


def check_item(item: Item, live: Schema, engine: str) -> list[str]:
    """Differences between one contract item and the live schema, one readable sentence each."""
    if item.kind == "view":
        view = live.views.get(item.table)
        if view is None:
            return [f"view {item.table}: contract has it, {engine} does not"]
        want = list(item.expected.columns)
        return [] if list(view.columns) == want else [
            f"view {item.table} columns: contract {want}, {engine} {list(view.columns)}"]
    table = live.tables.get(item.table)
    if table is None:
        return [f"table {item.table}: contract has it, {engine} does not"]
    if item.kind == "table":
        return []
    if item.kind == "column":
        return _column_diff(item.table, item.expected, table.columns.get(item.key), engine)
    if item.kind == "primary_key":
        have = ",".join(table.primary_key) or "none"
        return [] if table.primary_key == item.expected else [
            f"{item.table} PRIMARY KEY: contract ({item.key}), {engine} ({have})"]
    if item.kind == "unique":
        return [] if item.expected in table.uniques else [
            f"{item.table} UNIQUE ({item.key}): contract has it, {engine} does not "
            f"({engine} has: {'; '.join(','.join(u) for u in table.uniques) or 'none'})"]
    if item.kind == "index":
        cols = item.expected.columns
        return [] if any(ix.columns == cols for ix in table.indexes) else [
            f"{item.table} INDEX ({item.key}): contract has it, {engine} does not"]
    if item.kind == "foreign_key":
        return _fk_diff(item.table, item.expected, table.fk_for(item.expected.columns), engine)
    if item.kind == "check":
        checks = [c.expression for c in table.checks]
        return [] if item.key in checks else [
            f"{item.table} CHECK ({item.key}): contract has it, {engine} has {checks or 'no CHECK'}"]
    if item.kind == "trigger":
        have_tr = next((tr for tr in table.triggers if tr.name == item.key), None)
        if have_tr is None:
            return [f"{item.table} TRIGGER {item.key}: contract has it, {engine} does not"]
        return [] if have_tr == item.expected else [
            f"{item.table} TRIGGER {item.key}: contract {item.expected.timing} {'/'.join(item.expected.events)}, "
            f"{engine} {have_tr.timing} {'/'.join(have_tr.events)}"]
    if item.kind == "undeclared":
        return _undeclared(item.expected, table, engine)
    if item.kind == "exclusion":
        return _exclusion_diff(item.table, item.expected, table, engine)
    if item.kind == "privilege":
        have_ops = live.privileges.get(item.key, {}).get(item.table, ())
        if have_ops == item.expected:
            return []
        extra = [op for op in have_ops if op not in item.expected]
        missing = [op for op in item.expected if op not in have_ops]
        detail = "; ".join(part for part in (f"{engine} also grants {', '.join(extra)}" if extra else "",
                                             f"{engine} does not grant {', '.join(missing)}" if missing else "")
                           if part)
        return [f"{item.key} on {item.table}: {detail} (contract [{', '.join(item.expected)}], "
                f"{engine} [{', '.join(have_ops)}])"]
    raise ValueError(f"unknown contract item kind {item.kind}")


def extra_tables(contract: Schema, live: Schema, engine: str) -> list[str]:
    """Tables and views the engine has that the contract does not mention."""
    return ([f"table {t}: {engine} has it, the contract does not" for t in sorted(set(live.tables) - set(contract.tables))]
            + [f"view {v}: {engine} has it, the contract does not" for v in sorted(set(live.views) - set(contract.views))])


def extra_grantees(contract: Schema, live: Schema, engine: str) -> list[str]:
    """Roles that hold grants on the engine although the contract names none for them."""
    out = []
    for role, tables in sorted(live.privileges.items()):
        granted = [f"{t} [{', '.join(ops)}]" for t, ops in sorted(tables.items()) if ops]
        if role not in contract.privileges and granted:
            out.append(f"{role}: {engine} grants it {'; '.join(granted)}, the contract names no grant to it")
    return out


def compare(contract: Schema, live: Schema, engine: str) -> list[str]:
    """Every difference between a contract and a live schema (the drift check)."""
    diffs = extra_tables(contract, live, engine) + extra_grantees(contract, live, engine)
    for kind in KINDS:
        for item in items(contract, kind):
            if kind not in ("table", "view") and item.table not in live.tables:
                continue  # reported once, by the table item
            diffs += check_item(item, live, engine)
    return diffs


def _column_diff(table: str, want: Column, have: Column | None, engine: str) -> list[str]:
    where = f"{table}.{want.name}"
    if have is None:
        return [f"{where}: contract has the column, {engine} does not"]
    out = []
    for attr, label in (("type", "type"), ("nullable", "nullable"), ("default", "DEFAULT"), ("enum", "ENUM labels"),
                        ("generated", "generated as"), ("on_update", "ON UPDATE")):
        w, h = getattr(want, attr), getattr(have, attr)
        if attr == "enum":
            w, h = (list(w) if w else w), (list(h) if h else h)
        if w != h:
            out.append(f"{where} {label}: contract {_show(w)}, {engine} {_show(h)}")
    return out


def _fk_diff(table: str, want: ForeignKey, have: ForeignKey | None, engine: str) -> list[str]:
    where = f"{table}.{want.key}"
    if have is None:
        return [f"{where} FOREIGN KEY -> {want.ref_table}: contract has it, {engine} does not"]
    out = []
    if (have.ref_table, have.ref_columns) != (want.ref_table, want.ref_columns):
        out.append(f"{where} REFERENCES: contract {want.ref_table}({','.join(want.ref_columns)}), "
                   f"{engine} {have.ref_table}({','.join(have.ref_columns)})")
    for attr, label in (("on_delete", "ON DELETE"), ("on_update", "ON UPDATE")):
        w, h = getattr(want, attr), getattr(have, attr)
        if _action_family(w) != _action_family(h):
            out.append(f"{where} {label}: contract {w}, {engine} {h}")
    return out


def _exclusion_diff(table: str, want: Exclusion, have: Table, engine: str) -> list[str]:
    """The engine's exclusion constraint, or (where it has none, like MySQL) every trigger the contract
    names for the rule; what either does is proven by the behaviour probe ``test_exclusions``."""
    if want in have.exclusions:
        return []
    names = {tr.name for tr in have.triggers}
    if want.triggers and all(n in names for n in want.triggers):
        return []
    seen = "; ".join(ex.describe() for ex in have.exclusions) or "no exclusion constraint"
    missing = [n for n in want.triggers if n not in names]
    by_triggers = f" and lacks its trigger(s) {', '.join(missing)}" if missing else ""
    return [f"{table} {want.name} {want.describe()}: contract has it, {engine} has {seen}{by_triggers}"]


def _action_family(action: str) -> str:
    """RESTRICT and NO ACTION behave alike for non-deferred constraints on both engines."""
    return "NO ACTION" if action in ("RESTRICT", "NO ACTION") else action


def _undeclared(want: Table, have: Table, engine: str) -> list[str]:
    out = [f"{want.name}.{c}: {engine} has the column, the contract does not"
           for c in have.columns if c not in want.columns]
    declared_fks = {fk.columns for fk in want.foreign_keys}
    out += [f"{want.name}.{fk.key} FOREIGN KEY -> {fk.ref_table}: {engine} has it, the contract does not"
            for fk in have.foreign_keys if fk.columns not in declared_fks]
    declared_ix = {(ix.columns, ix.unique) for ix in want.indexes}
    out += [f"{want.name} {'UNIQUE' if ix.unique else 'INDEX'} ({','.join(ix.columns)}): {engine} has it, "
            "the contract does not" for ix in have.indexes if (ix.columns, ix.unique) not in declared_ix
            and not (ix.unique and ix.columns == want.primary_key)]
    declared_tr = {tr.name for tr in want.triggers} | {n for ex in want.exclusions for n in ex.triggers}
    out += [f"{want.name} TRIGGER {tr.name}: {engine} has it, the contract does not"
            for tr in have.triggers if tr.name not in declared_tr]
    out += [f"{want.name} {ex.name} {ex.describe()}: {engine} has it, the contract does not"
            for ex in have.exclusions if ex not in want.exclusions]
    declared_ck = {c.expression for c in want.checks}
    out += [f"{want.name} CHECK ({c.expression}): {engine} has it, the contract does not"
            for c in have.checks if c.expression not in declared_ck]
    return out


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "NULL allowed" if value else "NOT NULL"
    return str(value)

