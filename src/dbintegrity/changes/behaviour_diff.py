"""``dbintegrity diff REF``: what a schema change does to behaviour, in words, for a pull request.

A reviewer of a contract diff sees YAML; what matters is ``appointments.patient_id ON DELETE: CASCADE ->
RESTRICT``.  The contracts at the ref and in the working tree are compared rule by rule (tables, columns,
types, NOT NULL, defaults, ENUM labels, generated expressions, keys, foreign keys and their actions,
CHECKs, triggers, views, grants), ``views.yml`` per view, and the DDL per object
(:mod:`dbintegrity.changes.ddlobjects`): a DDL change whose table's contract did not change is said so, because the
gate will then hold the new DDL to the old contract.  Exit 0: no difference; 1: differences.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbintegrity.changes.ddlobjects import DdlObject, Placed, changed, objects
from dbintegrity.changes.gitref import resolve
from dbintegrity.errors import ConfigError, DbIntegrityError
from dbintegrity.pack import contract
from dbintegrity.pack.discovery import CONTRACT_FILE, SESSION_FILE, Pack, discover
from dbintegrity.pack.model import Column, ForeignKey, Schema, Table
from dbintegrity.pack.yamlfile import read_yaml
from dbintegrity.probes.view_meaning import VIEWS_FILE

FORMATS = ("text", "markdown")
CONTEXT_WORDS = 6
"""Words of an edited DDL statement shown before the edit, so the line says where in the statement it is."""


@dataclass
class PackDiff:
    pack: str
    behaviour: list[str] = field(default_factory=list)
    """Differences of the contracts and views.yml, one sentence each."""
    ddl: list[str] = field(default_factory=list)
    """DDL objects that changed, with the edit."""


def schema_diff(old: Schema, new: Schema) -> list[str]:
    """Every behavioural difference between two contracts, one sentence each, tables in name order."""
    out: list[str] = []
    for name in sorted(set(old.tables) | set(new.tables)):
        before, after = old.tables.get(name), new.tables.get(name)
        if before is None and after is not None:
            out.append(f"table {name}: added ({_table_size(after)})")
        elif after is None and before is not None:
            out.append(f"table {name}: removed")
        elif before is not None and after is not None and before != after:
            out += _table_diff(before, after)
    for name in sorted(set(old.views) | set(new.views)):
        bv, av = old.views.get(name), new.views.get(name)
        if bv is None and av is not None:
            out.append(f"view {name}: added (columns {', '.join(av.columns)})")
        elif av is None:
            out.append(f"view {name}: removed")
        elif bv is not None and bv.columns != av.columns:
            out.append(f"view {name} columns: {', '.join(bv.columns)} -> {', '.join(av.columns)}")
    for role in sorted(set(old.privileges) | set(new.privileges)):
        before_grants, after_grants = old.privileges.get(role, {}), new.privileges.get(role, {})
        for table in sorted(set(before_grants) | set(after_grants)):
            was, now = before_grants.get(table, ()), after_grants.get(table, ())
            if was != now:
                out.append(f"grants of {role} on {table}: {_ops(was)} -> {_ops(now)}" + _ops_delta(was, now))
    return out


def _table_size(t: Table) -> str:
    parts = [f"{len(t.columns)} columns"]
    if t.foreign_keys:
        parts.append(f"{len(t.foreign_keys)} foreign keys")
    if t.checks:
        parts.append(f"{len(t.checks)} CHECKs")
    return ", ".join(parts)


def _table_diff(old: Table, new: Table) -> list[str]:
    name = new.name
    out: list[str] = []
    for col in [c for c in old.columns if c not in new.columns]:
        out.append(f"{name}.{col}: column removed")
    for col, after in new.columns.items():
        before = old.columns.get(col)
        if before is None:
            out.append(f"{name}.{col}: column added ({after.type}, {_null(after.nullable)}"
                       + (f", DEFAULT {after.default}" if after.default is not None else "") + ")")
        elif before != after:
            out += _column_diff(f"{name}.{col}", before, after)
    if list(old.columns) != list(new.columns) and set(old.columns) == set(new.columns):
        out.append(f"{name}: column order {', '.join(old.columns)} -> {', '.join(new.columns)}")
    if old.primary_key != new.primary_key:
        out.append(f"{name} PRIMARY KEY: {_cols(old.primary_key)} -> {_cols(new.primary_key)}")
    out += _fk_diff(name, old.foreign_keys, new.foreign_keys)
    for cols in [u for u in old.uniques if u not in new.uniques]:
        out.append(f"{name} UNIQUE {_cols(cols)}: removed")
    for cols in [u for u in new.uniques if u not in old.uniques]:
        out.append(f"{name} UNIQUE {_cols(cols)}: added" + ("" if new.nulls_distinct(cols) else " (NULLS NOT DISTINCT)"))
    for cols in [u for u in new.uniques if u in old.uniques and old.nulls_distinct(u) != new.nulls_distinct(u)]:
        out.append(f"{name} UNIQUE {_cols(cols)} NULLs: " + ("distinct -> not distinct" if old.nulls_distinct(cols)
                                                               else "not distinct -> distinct"))
    plain_old = {ix.columns for ix in old.indexes if not ix.unique}
    plain_new = {ix.columns for ix in new.indexes if not ix.unique}
    out += [f"{name} INDEX {_cols(c)}: removed" for c in sorted(plain_old - plain_new)]
    out += [f"{name} INDEX {_cols(c)}: added" for c in sorted(plain_new - plain_old)]
    out += _check_diff(name, [c.expression for c in old.checks], [c.expression for c in new.checks])
    old_tr = {tr.name: tr for tr in old.triggers}
    new_tr = {tr.name: tr for tr in new.triggers}
    for tname in sorted(set(old_tr) | set(new_tr)):
        b, a = old_tr.get(tname), new_tr.get(tname)
        if b is None and a is not None:
            out.append(f"{name} TRIGGER {tname}: added ({a.timing} {'/'.join(a.events)})")
        elif a is None and b is not None:
            out.append(f"{name} TRIGGER {tname}: removed")
        elif a is not None and b is not None and a != b:
            out.append(f"{name} TRIGGER {tname}: {b.timing} {'/'.join(b.events)} -> {a.timing} {'/'.join(a.events)}")
    return out


def _column_diff(where: str, old: Column, new: Column) -> list[str]:
    out = []
    if old.type != new.type:
        out.append(f"{where} type: {old.type} -> {new.type}")
    if old.nullable != new.nullable:
        out.append(f"{where}: {_null(old.nullable)} -> {_null(new.nullable)}")
    if old.default != new.default:
        out.append(f"{where} DEFAULT: {_show(old.default)} -> {_show(new.default)}")
    if old.enum != new.enum:
        before, after = list(old.enum or ()), list(new.enum or ())
        added = [label for label in after if label not in before]
        removed = [label for label in before if label not in after]
        parts = ([f"label {label!r} added" for label in added] + [f"label {label!r} removed" for label in removed])
        if not parts:
            parts = [f"label order {before} -> {after}"]
        out.append(f"{where} ENUM: {'; '.join(parts)}")
    if old.generated != new.generated:
        out.append(f"{where} GENERATED AS: {_show(old.generated)} -> {_show(new.generated)}")
    if old.on_update != new.on_update:
        out.append(f"{where} ON UPDATE: {_show(old.on_update)} -> {_show(new.on_update)}")
    return out


def _fk_diff(name: str, old: list[ForeignKey], new: list[ForeignKey]) -> list[str]:
    out = []
    before = {fk.columns: fk for fk in old}
    after = {fk.columns: fk for fk in new}
    for cols in sorted(set(before) | set(after)):
        b, a = before.get(cols), after.get(cols)
        where = f"{name}.{','.join(cols)}"
        if b is None and a is not None:
            out.append(f"{where} FOREIGN KEY -> {_ref(a)}: added (ON DELETE {a.on_delete}, ON UPDATE {a.on_update})")
        elif a is None and b is not None:
            out.append(f"{where} FOREIGN KEY -> {_ref(b)}: removed")
        elif a is not None and b is not None:
            if _ref(a) != _ref(b):
                out.append(f"{where} REFERENCES: {_ref(b)} -> {_ref(a)}")
            if a.on_delete != b.on_delete:
                out.append(f"{where} ON DELETE: {b.on_delete} -> {a.on_delete}")
            if a.on_update != b.on_update:
                out.append(f"{where} ON UPDATE: {b.on_update} -> {a.on_update}")
    return out


_WORD = re.compile(r"[A-Za-z_][\w$]*")


def _check_diff(name: str, old: list[str], new: list[str]) -> list[str]:
    """CHECKs have no names in a contract: a removed and an added CHECK over the same columns are one
    CHECK that changed (``vitals: CHECK pain_scale >= 0 AND pain_scale <= 10 -> ... <= 11``)."""
    removed = [c for c in old if c not in new]
    added = [c for c in new if c not in old]
    out = []
    for expr in list(removed):
        cols = _identifiers(expr)
        twin = next((a for a in added if _identifiers(a) == cols), None)
        if twin is not None:
            out.append(f"{name}: CHECK {expr} -> {twin}")
            removed.remove(expr)
            added.remove(twin)
    out += [f"{name}: CHECK {expr}: removed" for expr in removed]
    out += [f"{name}: CHECK {expr}: added" for expr in added]
    return out


def _identifiers(expr: str) -> frozenset[str]:
    without_strings = re.sub(r"'(?:[^']|'')*'", "''", expr)
    keywords = {"AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE", "INTERVAL", "TRUE", "FALSE", "DAY",
                "CURRENT_TIMESTAMP", "CURRENT_DATE", "REGEXP_LIKE", "LENGTH", "CHAR_LENGTH", "LOWER", "UPPER"}
    return frozenset(w for w in _WORD.findall(without_strings) if w.upper() not in keywords)


def _ref(fk: ForeignKey) -> str:
    return f"{fk.ref_table}({','.join(fk.ref_columns)})"


def _cols(cols: tuple[str, ...]) -> str:
    return f"({','.join(cols)})" if cols else "none"


def _null(nullable: bool) -> str:
    return "NULL allowed" if nullable else "NOT NULL"


def _show(value: Any) -> str:
    return "none" if value is None else str(value)


def _ops(ops: tuple[str, ...]) -> str:
    return f"[{', '.join(ops)}]" if ops else "none"


def _ops_delta(was: tuple[str, ...], now: tuple[str, ...]) -> str:
    more = [op for op in now if op not in was]
    fewer = [op for op in was if op not in now]
    parts = ([f"now also {', '.join(more)}"] if more else []) + ([f"no longer {', '.join(fewer)}"] if fewer else [])
    return f" ({'; '.join(parts)})" if parts else ""


def ddl_diff(dialect: str, old: dict[DdlObject, list[Placed]], new: dict[DdlObject, list[Placed]],
             contract_changed: set[str]) -> list[str]:
    """Each DDL object of one dialect that changed, with the words that changed and a few before them."""
    out = []
    for obj, before, after in changed(old, new):
        where = (after or before)[0].where
        label = _label(obj)
        if not before:
            out.append(f"{label}: added ({where})")
            continue
        if not after:
            out.append(f"{label}: removed ({where})")
            continue
        edits = _edits(" ".join(p.text for p in before), " ".join(p.text for p in after))
        owner = (obj.on or obj.name).rsplit(".", 1)[-1]
        note = "" if obj.kind not in ("table", "trigger") or owner in contract_changed else \
            f" [{CONTRACT_FILE} unchanged for {owner}: the gate holds the new DDL to the old contract]"
        out.append(f"{label} ({where}): {'; '.join(edits)}{note}")
    return out


def _label(obj: DdlObject) -> str:
    if obj.kind == "trigger":
        return f"TRIGGER {obj.name} ON {obj.on}"
    if obj.kind == "other":
        return f"statement {obj.name[:50]!r}"
    return f"{obj.kind.upper()} {obj.name}"


def _edits(before: str, after: str, limit: int = 3) -> list[str]:
    a, b = before.split(), after.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        ctx = a[max(0, i1 - CONTEXT_WORDS):i1]
        was, now = " ".join([*ctx, *a[i1:i2]]), " ".join([*ctx, *b[j1:j2]])
        out.append(f"{_clip(was)} -> {_clip(now)}" if op == "replace" else
                   f"+ {_clip(' '.join(b[j1:j2]))} after {_clip(' '.join(ctx)) or 'the start'}" if op == "insert"
                   else f"- {_clip(' '.join(a[i1:i2]))}")
        if len(out) == limit:
            out.append("...")
            break
    return out


def _clip(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def diff_packs(packs_dir: Path, names: list[str], ref: str) -> tuple[str, list[PackDiff]]:
    """The differences of each named pack (default: every pack here or at the ref) against ``ref``."""
    at = resolve(packs_dir, ref)
    here = set(discover(packs_dir)) if packs_dir.is_dir() else set()
    if names:
        unknown = [n for n in names if n not in here and n not in at.pack_names()]
        if unknown:
            raise ConfigError(f"pack {unknown[0]!r} is neither in {packs_dir} nor at {at.label}")
    chosen = names or sorted(here | set(at.pack_names()))
    out = []
    with tempfile.TemporaryDirectory(prefix=f"dbintegrity-{os.getpid()}-diff-") as scratch:
        for name in chosen:
            old_dir = at.copy_pack(name, Path(scratch))
            out.append(_pack_diff(name, old_dir, packs_dir / name if name in here else None))
    return at.label, out


def _pack_diff(name: str, old_dir: Path | None, new_dir: Path | None) -> PackDiff:
    result = PackDiff(name)
    if old_dir is None:
        result.behaviour.append(f"pack {name}: new (not at the ref)")
    if new_dir is None:
        result.behaviour.append(f"pack {name}: removed")
    old = _load(old_dir, result, "at the ref")
    new = _load(new_dir, result, "in the working tree")
    result.behaviour += schema_diff(old, new)
    result.behaviour += _yaml_diff(old_dir, new_dir, VIEWS_FILE, "views")
    result.behaviour += _yaml_diff(old_dir, new_dir, SESSION_FILE, None)
    touched = {t for t in set(old.tables) | set(new.tables) if old.tables.get(t) != new.tables.get(t)}
    if old_dir is not None and new_dir is not None:
        for dialect in sorted(set(_dialects(old_dir)) | set(_dialects(new_dir))):
            result.ddl += ddl_diff(dialect, _objects(old_dir, dialect), _objects(new_dir, dialect), touched)
    return result


def _load(pack_dir: Path | None, result: PackDiff, side: str) -> Schema:
    if pack_dir is None or not (pack_dir / CONTRACT_FILE).is_file():
        return Schema()
    try:
        return contract.load(pack_dir / CONTRACT_FILE)
    except DbIntegrityError as exc:
        result.behaviour.append(f"{CONTRACT_FILE} {side} does not load: {str(exc).splitlines()[0]}")
        return Schema()


def _yaml_diff(old_dir: Path | None, new_dir: Path | None, file: str, section: str | None) -> list[str]:
    def read(d: Path | None) -> Any:
        path = d / file if d is not None else None
        if path is None or not path.is_file():
            return None
        try:
            return read_yaml(path, DbIntegrityError)
        except DbIntegrityError:
            return path.read_text(encoding="utf-8", errors="replace")
    old, new = read(old_dir), read(new_dir)
    if old == new:
        return []
    if section and isinstance(old, dict | None) and isinstance(new, dict | None):
        before, after = (old or {}).get(section) or {}, (new or {}).get(section) or {}
        if isinstance(before, dict) and isinstance(after, dict):
            out = []
            for view in sorted(set(before) | set(after)):
                b, a = before.get(view), after.get(view)
                if b == a:
                    continue
                if b is None or a is None:
                    out.append(f"{file}: meaning of view {view} {'added' if b is None else 'removed'}")
                    continue
                keys = sorted(k for k in set(b) | set(a) if b.get(k) != a.get(k)) if isinstance(a, dict) and \
                    isinstance(b, dict) else []
                out += [f"{file}: view {view} {k}: {_short(b.get(k))} -> {_short(a.get(k))}" for k in keys] or [
                    f"{file}: meaning of view {view} changed"]
            return out
    return [f"{file} changed"]


def _short(value: Any) -> str:
    return _clip("none" if value is None else str(value), 80)


def _dialects(pack_dir: Path) -> list[str]:
    return Pack(pack_dir.name, pack_dir).dialects


def _objects(pack_dir: Path, dialect: str) -> dict[DdlObject, list[Placed]]:
    if not (pack_dir / dialect).is_dir():
        return {}
    try:
        return objects(Pack(pack_dir.name, pack_dir).statements(dialect), pack_dir)
    except DbIntegrityError:
        return {}


def render(ref: str, diffs: list[PackDiff], fmt: str) -> str:
    """The report as plain text or as Markdown for a pull-request comment."""
    changed_packs = [d for d in diffs if d.behaviour or d.ddl]
    if fmt == "markdown":
        lines = [f"### dbintegrity diff against {ref}", ""]
        if not changed_packs:
            return "\n".join([*lines, "No behavioural difference in the packs' contracts or DDL."]) + "\n"
        for d in changed_packs:
            lines += [f"#### pack `{d.pack}`", ""]
            if d.behaviour:
                lines += ["**Behaviour (contract)**", ""] + [f"- {_md(s)}" for s in d.behaviour] + [""]
            if d.ddl:
                lines += ["**DDL**", ""] + [f"- {_md(s)}" for s in d.ddl] + [""]
        return "\n".join(lines)
    if not changed_packs:
        return f"no behavioural difference against {ref}\n"
    lines = []
    for d in changed_packs:
        lines.append(f"pack {d.pack} against {ref}:")
        lines += [f"  {s}" for s in d.behaviour]
        if d.ddl:
            lines.append("  DDL:")
            lines += [f"    {s}" for s in d.ddl]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Markdown-safe: SQL's `*` and `<` would turn into emphasis or tags (GitHub leaves `_` inside words)."""
    return re.sub(r"([\\*<\[\]`|])", r"\\\1", text)


def run_diff(packs_dir: Path, names: list[str], ref: str, fmt: str) -> int:
    """Print the report; 0 when nothing differs, 1 when something does."""
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt}: expected one of {', '.join(FORMATS)}")
    label, diffs = diff_packs(packs_dir, names, ref)
    print(render(label, diffs, fmt), end="")
    return 1 if any(d.behaviour or d.ddl for d in diffs) else 0
