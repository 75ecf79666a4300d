"""The engine-neutral schema model: what a contract states and what introspection reads back.

Both engines are read into the same shapes with the same normal forms (type names, defaults, FK
actions, column order of keys) so that one contract can be compared with either dialect of a pack, and
so a difference is a difference of behaviour, not of spelling.  Names the engines invent (index and
constraint names) are deliberately left out: they differ between dialects without meaning anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FK_ACTIONS = ("CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION")


@dataclass(frozen=True)
class Column:
    """A column: neutral type (``varchar(36)``, ``decimal(10,2)``, ``enum``...), nullability, default."""

    name: str
    type: str
    nullable: bool
    default: str | None = None
    enum: tuple[str, ...] | None = None
    generated: str | None = None
    on_update: str | None = None

    @property
    def family(self) -> str:
        """The type without its size: what the contract calls the type family."""
        return self.type.split("(", 1)[0]


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    name: str | None = field(default=None, compare=False)
    """The engine's constraint name (live schemas only; never in a contract)."""

    @property
    def key(self) -> str:
        return ",".join(self.columns)


@dataclass(frozen=True)
class Index:
    columns: tuple[str, ...]
    unique: bool = False
    name: str | None = field(default=None, compare=False)
    constraint: bool = field(default=False, compare=False)
    """True when the engine holds it as a UNIQUE constraint rather than a bare index (PostgreSQL)."""

    @property
    def key(self) -> str:
        return ("unique:" if self.unique else "") + ",".join(self.columns)


@dataclass(frozen=True)
class Check:
    expression: str
    """The CHECK expression in the contract's normal form (see :func:`dbintegrity.sqlexpr.normalize`)."""
    name: str | None = field(default=None, compare=False)
    raw: str | None = field(default=None, compare=False)
    """The expression as the engine prints it (live schemas only)."""


@dataclass(frozen=True)
class Trigger:
    """A trigger the schema declares (not the ones that implement ON UPDATE CURRENT_TIMESTAMP)."""

    name: str
    timing: str
    """BEFORE, AFTER or INSTEAD OF."""
    events: tuple[str, ...]
    """INSERT, UPDATE, DELETE (sorted)."""


@dataclass(frozen=True)
class View:
    name: str
    columns: tuple[str, ...]


@dataclass
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)

    @property
    def uniques(self) -> list[tuple[str, ...]]:
        """Column sets that must be unique (UNIQUE constraints and unique indexes alike)."""
        return sorted({ix.columns for ix in self.indexes if ix.unique})

    def fk_for(self, columns: tuple[str, ...]) -> ForeignKey | None:
        return next((fk for fk in self.foreign_keys if fk.columns == columns), None)


@dataclass
class Schema:
    tables: dict[str, Table] = field(default_factory=dict)
    views: dict[str, View] = field(default_factory=dict)

    def __repr__(self) -> str:
        # Short on purpose: Hypothesis describes strategies by their arguments, and a schema is large.
        return f"Schema({len(self.tables)} tables, {len(self.views)} views)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis' pretty-printer walks dataclass fields unless told otherwise."""
        printer.text(repr(self))

    # -- YAML form -----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A stable, sorted, diff-friendly mapping: the body of ``contract.yml``."""
        tables: dict[str, Any] = {}
        for name in sorted(self.tables):
            t = self.tables[name]
            cols: dict[str, Any] = {}
            for c in t.columns.values():  # column order is meaningful: keep declaration order
                entry: dict[str, Any] = {"type": c.type, "nullable": c.nullable}
                if c.default is not None:
                    entry["default"] = c.default
                if c.enum is not None:
                    entry["enum"] = list(c.enum)
                if c.generated is not None:
                    entry["generated"] = c.generated
                if c.on_update is not None:
                    entry["on_update"] = c.on_update
                cols[c.name] = entry
            body: dict[str, Any] = {"columns": cols, "primary_key": list(t.primary_key)}
            if t.foreign_keys:
                body["foreign_keys"] = [
                    {"columns": list(fk.columns), "references": f"{fk.ref_table}({','.join(fk.ref_columns)})",
                     "on_delete": fk.on_delete, "on_update": fk.on_update}
                    for fk in sorted(t.foreign_keys, key=lambda f: f.columns)
                ]
            uniques = t.uniques
            if uniques:
                body["unique"] = [list(u) for u in uniques]
            plain = sorted({ix.columns for ix in t.indexes if not ix.unique})
            if plain:
                body["indexes"] = [list(ix) for ix in plain]
            if t.checks:
                body["checks"] = sorted(ch.expression for ch in t.checks)
            if t.triggers:
                body["triggers"] = [{"name": tr.name, "timing": tr.timing, "events": list(tr.events)}
                                    for tr in sorted(t.triggers, key=lambda tr: tr.name)]
            tables[name] = body
        out: dict[str, Any] = {"tables": tables}
        if self.views:
            out["views"] = {v: {"columns": list(self.views[v].columns)} for v in sorted(self.views)}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "contract") -> Schema:
        """Read the mapping written by :meth:`to_dict`; ``where`` names the file in errors."""
        schema = cls()
        for tname, body in (data.get("tables") or {}).items():
            t = Table(tname)
            _need(body, (), f"{where}: tables.{tname}")
            for cname, c in (body.get("columns") or {}).items():
                _need(c, ("type", "nullable"), f"{where}: tables.{tname}.columns.{cname}")
                t.columns[cname] = Column(
                    name=cname, type=str(c["type"]), nullable=bool(c["nullable"]),
                    default=None if c.get("default") is None else str(c["default"]),
                    enum=tuple(str(v) for v in c["enum"]) if c.get("enum") is not None else None,
                    generated=c.get("generated"), on_update=c.get("on_update"),
                )
            t.primary_key = tuple(body.get("primary_key") or ())
            for fk in body.get("foreign_keys") or []:
                _need(fk, ("columns", "references"), f"{where}: tables.{tname}.foreign_keys")
                m = re.fullmatch(r"\s*(\w+)\s*\(([^)]*)\)\s*", str(fk.get("references", "")))
                if not m:
                    raise ValueError(f"{where}: tables.{tname}.foreign_keys: references must look like "
                                     f"'table(col)', got {fk.get('references')!r}")
                t.foreign_keys.append(ForeignKey(
                    columns=tuple(fk["columns"]), ref_table=m.group(1),
                    ref_columns=tuple(s.strip() for s in m.group(2).split(",")),
                    on_delete=_action(fk.get("on_delete")), on_update=_action(fk.get("on_update"))))
            t.indexes = [Index(tuple(u), unique=True) for u in body.get("unique") or []]
            t.indexes += [Index(tuple(ix)) for ix in body.get("indexes") or []]
            t.checks = [Check(str(e)) for e in body.get("checks") or []]
            for tr in body.get("triggers") or []:
                _need(tr, ("name", "timing", "events"), f"{where}: tables.{tname}.triggers")
                t.triggers.append(Trigger(str(tr["name"]), str(tr["timing"]).upper(),
                                          tuple(sorted(str(e).upper() for e in tr["events"]))))
            schema.tables[tname] = t
        for vname, body in (data.get("views") or {}).items():
            _need(body, ("columns",), f"{where}: views.{vname}")
            schema.views[vname] = View(vname, tuple(str(c) for c in body["columns"]))
        return schema


def _action(value: Any) -> str:
    action = str(value or "NO ACTION").upper()
    if action not in FK_ACTIONS:
        raise ValueError(f"FK action {value!r} is not one of {', '.join(FK_ACTIONS)}")
    return action


def _need(mapping: Any, keys: tuple[str, ...], where: str) -> None:
    if not isinstance(mapping, dict):
        raise ValueError(f"{where}: expected a mapping, got {type(mapping).__name__}")
    missing = [k for k in keys if k not in mapping]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
