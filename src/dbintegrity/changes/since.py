"""What a change touches: the tables, views and triggers of a pack that differ from a git ref, and the gate
items that must run for them (``dbintegrity check --changed-since REF``).

A pull request that edits one table should not wait for the whole gate.  The pack at the ref is compared
with the working tree on what the gate reads: the contract (per table, view and grant), ``views.yml`` (per
view) and the DDL of every dialect (per object, :mod:`dbintegrity.changes.ddlobjects`).  A table *changed* when
any of those differ for it.  The items that then run are:

- every item of a changed table (all probe kinds, its grants and its parity);
- the foreign keys that join a changed table to its neighbours, from either side (a changed parent is
  re-tested through each child's ON DELETE / ON UPDATE / orphan probes);
- the views that read a changed table or view (their DDL names it), and changed views;
- the triggers whose statement or routine reads a changed table (an audit trigger writing ``audit_log``).

A change nothing narrower can account for (``session.yml``; a statement that builds no named object, such
as ``CREATE ROLE`` or ``SET``; a routine no table's statements name; a contract that does not load) runs
the whole pack, and says why.  A pack absent at the ref is new: everything in it runs.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbintegrity.changes.ddlobjects import DdlObject, Placed, changed, mentions, objects
from dbintegrity.changes.gitref import Ref, resolve
from dbintegrity.errors import DbIntegrityError
from dbintegrity.pack import contract
from dbintegrity.pack.discovery import CONTRACT_FILE, SESSION_FILE, Pack
from dbintegrity.pack.model import Schema
from dbintegrity.pack.yamlfile import read_yaml
from dbintegrity.probes.view_meaning import VIEWS_FILE

CHANGED_SINCE_ENV = "DBINTEGRITY_CHANGED_SINCE"
"""The git ref ``dbintegrity check --changed-since REF`` compares with; the gate's collection reads it."""

ITEM_KINDS = (*contract.KINDS, "enum", "not_null", "default", "on_update", "generated")
"""Every kind of contract item a gate test is parametrised over (``contract.items``)."""


@dataclass
class PackChanges:
    """How one pack differs from the ref, and which gate items that selects."""

    pack: str
    ref: Ref
    new: bool = False
    """The pack is not at the ref: everything in it is new."""
    whole: list[str] = field(default_factory=list)
    """Why the whole pack runs (empty: only what the change touches)."""
    tables: dict[str, list[str]] = field(default_factory=dict)
    """Changed table -> where it changed (``contract.yml``, ``postgres/02_rules.sql:14``)."""
    views: dict[str, list[str]] = field(default_factory=dict)
    """View that runs -> why (changed, or reads a changed table or view)."""
    neighbours: dict[str, set[str]] = field(default_factory=dict)
    """Unchanged table -> the changed tables its foreign keys join it to (only those keys run)."""
    triggers: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    """(table, trigger) of an unchanged table -> the changed tables the trigger reads."""

    @property
    def everything(self) -> bool:
        return self.new or bool(self.whole)

    @property
    def unchanged(self) -> bool:
        return not (self.everything or self.tables or self.views)

    def keeps(self, item: contract.Item) -> bool:
        """Whether the gate runs ``item`` under this change (see the module docstring)."""
        if self.everything:
            return True
        if item.kind == "view":
            return item.table in self.views
        if item.table in self.tables:
            return True
        if item.kind == "foreign_key":
            return item.expected.ref_table in self.tables
        if item.kind == "trigger":
            return (item.table, item.key) in self.triggers
        return False

    def left_out(self, schema: Schema) -> Counter[str]:
        """Per item kind, how many items of ``schema`` (the working tree's contract) do not run."""
        counts: Counter[str] = Counter()
        for kind in ITEM_KINDS:
            counts[kind] = sum(1 for it in contract.items(schema, kind) if not self.keeps(it))
        return +counts

    def describe(self) -> list[str]:
        """What changed and what therefore runs, one line each, for the console before the run."""
        head = f"pack {self.pack}"
        if self.new:
            return [f"{head}: not at {self.ref.label}, so everything in it is new: every item runs"]
        if self.whole:
            return [f"{head}: every item runs: {self.whole[0]}" + (f" (and {len(self.whole) - 1} more)"
                                                                    if len(self.whole) > 1 else "")]
        if self.unchanged:
            return [f"{head}: nothing the gate reads changed since {self.ref.label}: not run"]
        out = [f"{head}: changed since {self.ref.label}: " + "; ".join(
            f"{t} ({', '.join(sorted(set(w))[:3])})" for t, w in sorted(self.tables.items()))]
        if self.neighbours:
            out.append("  foreign-key neighbours (their keys to a changed table run): " + ", ".join(
                sorted(self.neighbours)))
        if self.views:
            out.append("  views that run: " + "; ".join(f"{v} ({', '.join(sorted(set(w)))})"
                                                        for v, w in sorted(self.views.items())))
        if self.triggers:
            out.append("  triggers of other tables that read a changed table: " + ", ".join(
                f"{t}.{n}" for t, n in sorted(self.triggers)))
        return out


def compare_packs(packs_dir: Path, packs: list[str], ref: str) -> dict[str, PackChanges]:
    """Each named pack of ``packs_dir`` compared with the same pack at ``ref`` (one-line errors for a folder
    outside git and an unknown ref)."""
    at = resolve(packs_dir, ref)
    with tempfile.TemporaryDirectory(prefix=f"dbintegrity-{os.getpid()}-ref-") as scratch:
        return {name: compare_pack(packs_dir / name, at, Path(scratch)) for name in packs}


_CACHE: dict[tuple[str, str, str], PackChanges] = {}


def changes_of(packs_dir: Path, pack: str, ref: str) -> PackChanges:
    """:func:`compare_packs` for one pack, once per run: ``dbintegrity check`` says what it leaves out
    before the run, and the gate's collection (same process, or an xdist worker that was handed the answer
    by :func:`handed_over`) selects with the same answer."""
    key = (str(packs_dir.resolve()), pack, ref)
    if key not in _CACHE:
        _CACHE[key] = compare_packs(packs_dir, [pack], ref)[pack]
    return _CACHE[key]


WORKER_INPUT = "dbi_changes"
"""The ``workerinput`` key under which an xdist worker finds the changes its controller computed."""


def handed_over() -> bytes:
    """The changes this process computed, for its xdist workers: each would otherwise export the ref and
    compare every pack again (0.4 s per worker for healthcare_mgmt).  Pickled: both ends are this program."""
    return pickle.dumps(_CACHE)


def take_over(workerinput: dict[str, Any] | None) -> None:
    """In an xdist worker: adopt the changes the controller handed over (:func:`handed_over`)."""
    data = (workerinput or {}).get(WORKER_INPUT)
    if isinstance(data, bytes):
        _CACHE.update(pickle.loads(data))


def compare_pack(pack_dir: Path, ref: Ref, scratch: Path) -> PackChanges:
    """One pack: see the module docstring."""
    name = pack_dir.name
    changes = PackChanges(name, ref)
    old_dir = ref.copy_pack(name, scratch)
    if old_dir is None:
        changes.new = True
        return changes
    if _yaml(old_dir / SESSION_FILE) != _yaml(pack_dir / SESSION_FILE):
        changes.whole.append(f"{SESSION_FILE} changed (it governs every probe's session)")
    new_contract, old_contract = _contract(pack_dir), _contract(old_dir)
    if new_contract is None or old_contract is None:
        side = "working tree" if new_contract is None else ref.label
        changes.whole.append(f"{CONTRACT_FILE} does not load at the {side}")
        return changes
    _contract_changes(changes, old_contract, new_contract)
    _views_file_changes(changes, old_dir, pack_dir)
    names = set(new_contract.tables) | set(old_contract.tables)
    views = set(new_contract.views) | set(old_contract.views)
    ddl: list[dict[DdlObject, list[Placed]]] = []  # every dialect's objects, both sides, for _reach
    for dialect in sorted(set(_dialects(pack_dir)) | set(_dialects(old_dir))):
        old = _objects(old_dir, dialect, changes, ref.label)
        new = _objects(pack_dir, dialect, changes, "working tree")
        ddl += [side for side in (new, old) if side is not None]
        if old is None or new is None:
            continue
        _ddl_changes(changes, old, new, names, views)
    if not changes.everything:
        _reach(changes, new_contract, old_contract, ddl, names, views)
    return changes


def _contract(pack_dir: Path) -> Schema | None:
    path = pack_dir / CONTRACT_FILE
    if not path.is_file():
        return Schema()
    try:
        return contract.load(path)
    except DbIntegrityError:
        return None


def _yaml(path: Path) -> Any:
    try:
        return read_yaml(path, DbIntegrityError) if path.is_file() else None
    except DbIntegrityError:
        return path.read_bytes()  # unreadable on one side: compared as bytes, so an edit still shows


def _contract_changes(changes: PackChanges, old: Schema, new: Schema) -> None:
    for table in sorted(set(old.tables) | set(new.tables)):
        if old.tables.get(table) != new.tables.get(table):
            changes.tables.setdefault(table, []).append(CONTRACT_FILE)
    for role in set(old.privileges) | set(new.privileges):
        before, after = old.privileges.get(role, {}), new.privileges.get(role, {})
        for table in set(before) | set(after):
            if before.get(table, ()) != after.get(table, ()) and table in new.tables:
                changes.tables.setdefault(table, []).append(f"{CONTRACT_FILE} privileges of {role}")
    for view in sorted(set(old.views) | set(new.views)):
        if old.views.get(view) != new.views.get(view) and view in new.views:
            changes.views.setdefault(view, []).append(f"changed in {CONTRACT_FILE}")


def _views_file_changes(changes: PackChanges, old_dir: Path, new_dir: Path) -> None:
    old, new = _yaml(old_dir / VIEWS_FILE), _yaml(new_dir / VIEWS_FILE)
    if old == new:
        return
    old_views = old.get("views") if isinstance(old, dict) else None
    new_views = new.get("views") if isinstance(new, dict) else None
    if not isinstance(new_views, dict) or not isinstance(old_views, dict):
        for view in (new_views if isinstance(new_views, dict) else {}):
            changes.views.setdefault(view, []).append(f"{VIEWS_FILE} changed")
        return
    for view in set(old_views) | set(new_views):
        if old_views.get(view) != new_views.get(view) and view in new_views:
            changes.views.setdefault(view, []).append(f"its meaning in {VIEWS_FILE} changed")


def _dialects(pack_dir: Path) -> list[str]:
    return Pack(pack_dir.name, pack_dir).dialects


def _objects(pack_dir: Path, dialect: str, changes: PackChanges, side: str) -> dict[DdlObject, list[Placed]] | None:
    if not (pack_dir / dialect).is_dir():
        return {}
    try:
        return objects(Pack(pack_dir.name, pack_dir).statements(dialect), pack_dir)
    except DbIntegrityError as exc:
        changes.whole.append(f"the {dialect} files do not read at the {side}: {str(exc).splitlines()[0]}")
        return None


def _ddl_changes(changes: PackChanges, old: dict[DdlObject, list[Placed]], new: dict[DdlObject, list[Placed]],
                 tables: set[str], views: set[str]) -> None:
    """Record each DDL object whose statements differ, under the table or view it belongs to."""
    everything = {**old, **new}
    for obj, before, after in changed(old, new):
        where = (after or before)[0].where
        if obj.kind == "other":
            changes.whole.append(f"{where}: a statement that builds no table, view or trigger changed "
                                 f"({obj.name[:60]})")
            continue
        if obj.kind == "trigger":
            changes.tables.setdefault(_own(obj.on, tables), []).append(where)
            continue
        if obj.kind in ("routine", "type"):  # a routine or type belongs to the tables whose statements name it
            users = {_own(o.on or o.name, tables) for o, placed in everything.items()
                     if o.kind in ("table", "trigger") and any(mentions(p.text, {obj.name}) for p in placed)}
            users &= tables
            if not users:
                changes.whole.append(f"{where}: {obj.kind} {obj.name} changed and no table's statements name it")
            for table in sorted(users):
                changes.tables.setdefault(table, []).append(f"{where} ({obj.kind} {obj.name})")
            continue
        owner = _own(obj.name, tables | views)
        if owner in views or obj.kind == "view":
            changes.views.setdefault(owner, []).append(f"changed at {where}")
        else:
            changes.tables.setdefault(owner, []).append(where)


def _own(name: str, known: set[str]) -> str:
    """The contract's name for a DDL name: as written if the contract has it, else without its qualifier."""
    if name in known:
        return name
    short = name.rsplit(".", 1)[-1]
    return next((k for k in known if k.lower() == short.lower() or k.lower() == name.lower()), short)


def _reach(changes: PackChanges, new: Schema, old: Schema, ddl: list[dict[DdlObject, list[Placed]]],
           tables: set[str], views: set[str]) -> None:
    """Neighbours, views and triggers that read what touched (see the module docstring); ``ddl``: the
    objects of every dialect, at the ref and in the working tree."""
    touched = set(changes.tables)
    for schema in (new, old):
        for table in schema.tables.values():
            for fk in table.foreign_keys:
                if table.name in touched and fk.ref_table not in touched:
                    changes.neighbours.setdefault(fk.ref_table, set()).add(table.name)
                elif fk.ref_table in touched and table.name not in touched:
                    changes.neighbours.setdefault(table.name, set()).add(fk.ref_table)
    bodies: dict[DdlObject, list[str]] = {}
    for found in ddl:
        for obj, placed in found.items():
            bodies.setdefault(obj, []).extend(p.text for p in placed)
    routine_text = {o.name: " ".join(t) for o, t in bodies.items() if o.kind == "routine"}
    reading = tables | views
    grew = True
    while grew:  # views over views: repeat until nothing new reads what runs
        grew = False
        for obj, texts in bodies.items():
            if obj.kind != "view":
                continue
            view = _own(obj.name, views)
            if view not in new.views or view in changes.views:
                continue
            read = mentions(" ".join(texts), reading) - {view}
            hit = sorted(read & (touched | set(changes.views)))
            if hit:
                changes.views[view] = [f"reads {', '.join(hit)}"]
                grew = True
    for obj, texts in bodies.items():
        if obj.kind != "trigger":
            continue
        owner = _own(obj.on, tables)
        if owner in touched or owner not in new.tables:
            continue
        text = " ".join(texts)
        called = [routine_text[r] for r in mentions(text, set(routine_text))]
        read = mentions(" ".join([text, *called]), tables) & touched
        declared = {tr.name for tr in new.tables[owner].triggers}
        if read and obj.name in declared:
            changes.triggers.setdefault((owner, obj.name), set()).update(read)
