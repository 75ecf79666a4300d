"""The mutation operators: what each one targets in a contract, and how it changes the target.

Targets come from the contract, never from a live database, so both dialects of a pack get the same
mutants and a report compares like with like.  Everything that can be decided without an engine lives
here: which FK action to switch to, which bound of a CHECK to widen (rewritten on the neutral expression
with sqlglot), which ENUM label to remove, which DEFAULT to use instead, which privilege to revoke or
grant.  What remains, the DDL, is one method per operator of :class:`DialectMutations`, implemented in
``engines/<engine>/mutations.py``; statements both engines spell alike but for quoting (re-adding an FK,
GRANT and REVOKE) are built here once, from the quoting function the engine passes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, cast

import sqlglot
from sqlglot import exp

from dbintegrity.errors import DbIntegrityError
from dbintegrity.pack import contract
from dbintegrity.pack.model import Check, Column, Exclusion, ForeignKey, Index, Schema, Table, Trigger
from dbintegrity.sqltext.expr import NEUTRAL, spelled_as_columns

MUTANT_LABEL = "dbi_mutant"
"""The ENUM label (and IN-list value) operators add: recognisable in a failure message."""


class MutationError(DbIntegrityError):
    """A mutant could not be built or run, or the run cannot start (one line, exit 2)."""


class NotApplicable(MutationError):
    """The operator has nothing to change in this target (a view without a WHERE has no filter to change):
    no mutant, and no error either."""


# ---------------------------------------------------------------------------------------------------
# The interface each engine implements in engines/<engine>/mutations.py
# ---------------------------------------------------------------------------------------------------
class Catalog(Protocol):
    """Read-only queries on the unmutated pack, for names the neutral model does not carry
    (a PostgreSQL enum column's type name, whether a MySQL generated column is STORED)."""

    def rows(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...


class DialectMutations(Protocol):
    """One method per operator, returning the statements that apply it in one dialect.

    Live objects (``fk``, ``check``, ``index``, ``trigger``) come from introspection and carry the engine's
    names; ``column`` is the contract column *after* the mutation, so a dialect that must restate a whole
    column (MySQL ``MODIFY``) can build it from the contract.  ``role`` and ``operation`` are the contract's
    (``hm_nurse``, ``UPDATE(notes)``): grants have no engine-invented names.
    """

    def drop_fk(self, table: str, fk: ForeignKey) -> list[str]: ...
    def change_fk_action(self, table: str, fk: ForeignKey, on_delete: str) -> list[str]: ...
    def drop_check(self, table: str, check: Check) -> list[str]: ...
    def loosen_check(self, table: str, check: Check, expression: str) -> list[str]: ...
    def add_enum_label(self, table: str, column: Column, label: str) -> list[str]: ...
    def remove_enum_label(self, table: str, column: Column, label: str) -> list[str]: ...
    def change_generated(self, table: str, column: Column) -> list[str]: ...
    def drop_not_null(self, table: str, column: Column) -> list[str]: ...
    def drop_unique(self, table: Table, index: Index) -> list[str]: ...
    def change_default(self, table: str, column: Column) -> list[str]: ...
    def drop_trigger(self, table: str, trigger: Trigger) -> list[str]: ...
    def drop_exclusion(self, table: str, exclusion: Exclusion) -> list[str]: ...
    def revoke_grant(self, table: str, role: str, operation: str) -> list[str]: ...
    def widen_grant(self, table: str, role: str, operation: str) -> list[str]: ...

    sqlglot_dialect: str
    """The name sqlglot reads and writes this dialect's view definitions by."""

    def view_definition(self, view: str) -> str:
        """The live view's SELECT as the engine prints it."""
        ...

    def replace_view(self, view: str, select: str) -> list[str]:
        """Statements that give the view this SELECT, keeping its name and columns."""
        ...


def dialect_mutations(engine: Any, catalog: Catalog) -> DialectMutations:
    """The engine's own mutation SQL (``engines/<name>/mutations.py``), as the engine declares it."""
    try:
        return cast(DialectMutations, engine.mutations(catalog))
    except NotImplementedError as exc:
        raise MutationError(str(exc)) from None


def add_foreign_key(table: str, fk: ForeignKey, on_delete: str, quote: Callable[[str], str]) -> str:
    """Re-create the live ``fk`` under its own name with another ON DELETE: both engines spell it alike."""
    return (f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(fk.name or '')} FOREIGN KEY "
            f"({', '.join(map(quote, fk.columns))}) REFERENCES {quote(fk.ref_table)} "
            f"({', '.join(map(quote, fk.ref_columns))}) ON DELETE {on_delete} ON UPDATE {fk.on_update}")


_OPERATION = re.compile(r"([A-Z][A-Z ]*?)\s*(?:\(([^()]*)\))?")


def grant_statement(verb: str, table: str, grantee: str, operation: str, quote: Callable[[str], str]) -> str:
    """``GRANT`` or ``REVOKE`` of one contract operation on a table, in the syntax both engines share.

    ``operation`` is in the contract's form (:func:`dbintegrity.pack.model.grants`): ``DELETE`` is the table-level
    privilege, ``UPDATE(notes)`` the column-level one, so revoking it leaves a table-level UPDATE alone.
    ``grantee`` comes already written by the engine: a MySQL account and a PostgreSQL role are not quoted alike.
    """
    m = _OPERATION.fullmatch(operation)
    if verb not in ("GRANT", "REVOKE") or m is None:
        raise MutationError(f"cannot write {verb} {operation!r}: expected OPERATION or OPERATION(column, ...)")
    privilege = m.group(1)
    if m.group(2) is not None:
        privilege += f" ({', '.join(quote(c.strip()) for c in m.group(2).split(','))})"
    return f"{verb} {privilege} ON {quote(table)} {'TO' if verb == 'GRANT' else 'FROM'} {grantee}"


# ---------------------------------------------------------------------------------------------------
# The catalogue: which targets an operator takes from the contract, and what it does to them
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """A contract object an operator mutates; ``key`` is the same text on every engine."""

    table: str
    key: str
    subject: tuple[str, ...]
    """The columns involved (a trigger's name, a grant's role): a schema diff or a gate test about this target
    names one of them."""
    obj: Any
    """The contract object: ForeignKey, Check, Column, Trigger, a tuple of UNIQUE columns, or a Privilege."""


@dataclass(frozen=True)
class Privilege:
    """One operation of a role on a table (the table is the target's): the one to revoke, or to grant."""

    role: str
    operation: str
    """In the contract's form: ``DELETE``, ``UPDATE(notes)``."""


@dataclass(frozen=True)
class Change:
    """What a mutant does, in words and in one dialect's statements."""

    description: str
    statements: list[str]


@dataclass(frozen=True)
class Operator:
    name: str
    summary: str
    targets: Callable[[Schema], list[Target]]
    build: Callable[[Target, Schema, Table, DialectMutations], Change]
    """(target, contract, live table, dialect) -> the change."""


def _fk_targets(schema: Schema) -> list[Target]:
    out = []
    for item in contract.items(schema, "foreign_key"):
        fk: ForeignKey = item.expected
        key = f"{item.table}.{','.join(fk.columns)}->{fk.ref_table}.{','.join(fk.ref_columns)}"
        out.append(Target(item.table, key, fk.columns, fk))
    return out


def _check_targets(schema: Schema) -> list[Target]:
    return [Target(i.table, i.id, _columns_of(i.key), i.expected) for i in contract.items(schema, "check")]


def _columns_of(expression: str) -> tuple[str, ...]:
    """The columns an expression reads, in order of first appearance."""
    try:
        tree = sqlglot.parse_one(expression, read=NEUTRAL)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return (expression,)
    return tuple(dict.fromkeys(c.name for c in tree.find_all(exp.Column))) or (expression,)


def _column_targets(schema: Schema, keep: Callable[[Table, Column], bool]) -> list[Target]:
    return [Target(i.table, i.id, (i.key,), i.expected) for i in contract.items(schema, "column")
            if keep(schema.tables[i.table], i.expected)]


def _unique_targets(schema: Schema) -> list[Target]:
    return [Target(i.table, i.id, i.expected, i.expected) for i in contract.items(schema, "unique")
            if i.expected != schema.tables[i.table].primary_key]


def _trigger_targets(schema: Schema) -> list[Target]:
    return [Target(i.table, i.id, (i.key,), i.expected) for i in contract.items(schema, "trigger")]


WIDEN_ORDER = ("DELETE", "UPDATE", "INSERT", "SELECT")
"""The table-level privileges ``widen_grant`` may add, most dangerous first: a role that may suddenly
DELETE is the hole a grant matrix exists to prevent."""


def missing_privilege(granted: Sequence[str]) -> str | None:
    """The first of :data:`WIDEN_ORDER` that ``granted`` does not hold at table level (``UPDATE(notes)`` is
    not ``UPDATE``), or ``None`` when the role holds all four."""
    return next((op for op in WIDEN_ORDER if op not in granted), None)


def _revoke_targets(schema: Schema) -> list[Target]:
    """Every (role, table) the contract grants something, with its first operation (table-level ones sort first).

    The subject is the role: the gate's privilege tests are named ``role:table``, so that is the word that
    puts the test that should kill the mutant first."""
    return [Target(i.table, i.id, (i.key,), Privilege(i.key, i.expected[0]))
            for i in contract.items(schema, "privilege") if i.expected]


def _widen_targets(schema: Schema) -> list[Target]:
    """Every (role, table) of the contract, including those it grants nothing, that lacks a privilege to add."""
    out = []
    for i in contract.items(schema, "privilege"):
        op = missing_privilege(i.expected)
        if op is not None:
            out.append(Target(i.table, i.id, (i.key,), Privilege(i.key, op)))
    return out


def _live_fk(target: Target, live: Table) -> ForeignKey:
    fk = live.fk_for(target.obj.columns)
    if fk is None or not fk.name:
        raise MutationError(f"{target.key}: the unmutated pack has no such FOREIGN KEY to mutate")
    return fk


def _live_check(target: Target, live: Table) -> Check:
    found = next((c for c in live.checks if c.expression == target.obj.expression and c.name), None)
    if found is None:
        raise MutationError(f"{target.key}: the unmutated pack has no such CHECK to mutate")
    return found


def _drop_fk(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    fk = _live_fk(target, live)
    return Change(f"drop FOREIGN KEY {fk.name}", dialect.drop_fk(target.table, fk))


def other_fk_action(fk: ForeignKey, table: Table) -> str:
    """The ON DELETE a mutant gets: one that behaves differently and that the engines accept."""
    if fk.on_delete == "CASCADE":
        nullable = all(table.columns[c].nullable for c in fk.columns if c in table.columns)
        return "SET NULL" if nullable else "RESTRICT"
    return "CASCADE"


def _change_fk_action(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    fk = _live_fk(target, live)
    new = other_fk_action(target.obj, schema.tables[target.table])
    return Change(f"ON DELETE {target.obj.on_delete} -> {new}", dialect.change_fk_action(target.table, fk, new))


def _drop_check(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    check = _live_check(target, live)
    return Change(f"drop CHECK {check.name}", dialect.drop_check(target.table, check))


def _loosen_check(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    loosened = loosen(target.obj.expression)
    assert loosened is not None  # the target was chosen because it can be loosened
    check = _live_check(target, live)
    return Change(loosened[1], dialect.loosen_check(target.table, check,
                                                    spelled_as_columns(loosened[0], list(live.columns))))


def _add_enum_label(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    col: Column = target.obj
    label = MUTANT_LABEL
    while label in (col.enum or ()):
        label += "_"
    after = dataclasses.replace(col, enum=(*(col.enum or ()), label))
    return Change(f"ENUM + '{label}'", dialect.add_enum_label(target.table, after, label))


def removable_label(col: Column) -> str | None:
    """The last label that is not the column's default (removing the default label would break it)."""
    default = _unquote(col.default) if col.default else None
    return next((lab for lab in reversed(col.enum or ()) if lab != default), None)


def _remove_enum_label(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    col: Column = target.obj
    label = removable_label(col)
    assert label is not None
    after = dataclasses.replace(col, enum=tuple(lab for lab in col.enum or () if lab != label))
    return Change(f"ENUM - '{label}'", dialect.remove_enum_label(target.table, after, label))


def _change_generated(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    col: Column = target.obj
    new = change_expression(col.generated or "", numeric=col.family in _NUMERIC)
    assert new is not None
    after = dataclasses.replace(col, generated=spelled_as_columns(new, list(live.columns)))
    return Change(f"AS ({col.generated}) -> AS ({new})", dialect.change_generated(target.table, after))


def _drop_not_null(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    after = dataclasses.replace(target.obj, nullable=True)
    return Change("NOT NULL -> NULL allowed", dialect.drop_not_null(target.table, after))


def _drop_unique(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    index = next((ix for ix in live.indexes if ix.unique and ix.columns == target.obj and ix.name), None)
    if index is None:
        raise MutationError(f"{target.key}: the unmutated pack has no such UNIQUE to mutate")
    return Change(f"drop UNIQUE {index.name}", dialect.drop_unique(live, index))


def _change_default(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    col: Column = target.obj
    new = other_default(col)
    assert new is not None
    after = dataclasses.replace(col, default=new)
    return Change(f"DEFAULT {col.default} -> {new}", dialect.change_default(target.table, after))


def _drop_trigger(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    trigger = next((tr for tr in live.triggers if tr.name == target.obj.name), None)
    if trigger is None:
        raise MutationError(f"{target.key}: the unmutated pack has no such TRIGGER to mutate")
    return Change(f"drop TRIGGER {trigger.name} ({trigger.timing} {'/'.join(trigger.events)})",
                  dialect.drop_trigger(target.table, trigger))


def _exclusion_targets(schema: Schema) -> list[Target]:
    return [Target(i.table, i.id, (i.key,), i.expected) for i in contract.items(schema, "exclusion")]


def _drop_exclusion(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    """Drop the engine's exclusion constraint, or, where the engine enforces the rule with the triggers the
    contract names (MySQL), all of them: either way nothing refuses an overlap any more."""
    want: Exclusion = target.obj
    found = next((ex for ex in live.exclusions if ex == want), None)
    if found is not None:
        return Change(f"drop EXCLUSION constraint {found.name} {found.describe()}",
                      dialect.drop_exclusion(target.table, found))
    triggers = [tr for tr in live.triggers if tr.name in want.triggers]
    if not triggers or len(triggers) != len(want.triggers):
        raise MutationError(f"{target.key}: the unmutated pack has neither the exclusion constraint nor all of "
                            f"its triggers ({', '.join(want.triggers) or 'none named'}) to drop")
    return Change(f"drop the TRIGGERs {', '.join(tr.name for tr in triggers)} that enforce {want.name}",
                  [st for tr in triggers for st in dialect.drop_trigger(target.table, tr)])


# The grant operators trust the contract for the live grants: the baseline run has already proven that the
# unmutated pack grants exactly what the contract says (the gate's privilege tests), and grants carry no
# engine-invented names to look up.
def _revoke_grant(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    p: Privilege = target.obj
    return Change(f"REVOKE {p.operation} ON {target.table} FROM {p.role}",
                  dialect.revoke_grant(target.table, p.role, p.operation))


def _widen_grant(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
    p: Privilege = target.obj
    return Change(f"GRANT {p.operation} ON {target.table} TO {p.role}",
                  dialect.widen_grant(target.table, p.role, p.operation))


def _view_targets(schema: Schema) -> list[Target]:
    return [Target(v, f"view {v}", (v,), schema.views[v]) for v in sorted(schema.views)]


def _change_view(change: Callable[[exp.Expr], str]) -> Callable[[Target, Schema, Table, DialectMutations], Change]:
    """A view operator: the live definition, parsed in the engine's dialect, changed by ``change``, and put back
    with ``CREATE OR REPLACE VIEW`` under the same name and columns (so only the gate's answer probes can tell)."""
    def build(target: Target, schema: Schema, live: Table, dialect: DialectMutations) -> Change:
        text = dialect.view_definition(target.table).strip().rstrip(";")
        try:
            tree = sqlglot.parse_one(text, read=dialect.sqlglot_dialect)
        except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
            raise MutationError(f"{target.key}: sqlglot cannot read the view's definition: {exc}") from None
        _unqualify(tree)  # MySQL names the database in every reference: the mutant runs in a copy
        description = change(tree)
        return Change(description, dialect.replace_view(target.table, tree.sql(dialect=dialect.sqlglot_dialect)))
    return build


def _unqualify(tree: exp.Expr) -> None:
    for node in tree.find_all(exp.Table, exp.Column):
        for part in ("db", "catalog"):
            if node.args.get(part) is not None:
                node.set(part, None)


_FLIP: dict[type[exp.Expr], type[exp.Expr]] = {
    exp.LT: exp.LTE, exp.LTE: exp.LT, exp.GT: exp.GTE, exp.GTE: exp.GT, exp.EQ: exp.NEQ, exp.NEQ: exp.EQ}


def _first_condition(where: exp.Expr) -> exp.Expr:
    node: exp.Expr = where.this
    while isinstance(node, exp.Paren | exp.And):
        node = node.this
    return node


def change_view_filter(tree: exp.Expr) -> str:
    """The first condition of the view's first WHERE (or HAVING) changed: ``<`` and ``<=`` swapped (an
    off-by-one at the boundary), ``=`` and ``<>`` swapped, ``IS NULL``/``IN``/anything else negated."""
    where = next(tree.find_all(exp.Where), None) or next(tree.find_all(exp.Having), None)  # breadth-first: outermost
    if where is None:
        raise NotApplicable("the view has no WHERE or HAVING to change")
    cond = _first_condition(where)
    before = cond.sql()
    if type(cond) in _FLIP:
        new: exp.Expr = _FLIP[type(cond)](this=cond.this.copy(), expression=cond.expression.copy())
    elif isinstance(cond, exp.Not):
        new = cond.this.copy()
    else:
        new = exp.Not(this=exp.Paren(this=cond.copy()))
    cond.replace(new)
    return f"filter {before} -> {new.sql()}"


def change_view_join(tree: exp.Expr) -> str:
    """The view's first JOIN changed: a LEFT JOIN becomes an INNER JOIN (groups without rows vanish); an inner
    join's first ``=`` in ON becomes ``<>`` (rows meet the wrong partners).

    First in the order the query writes its joins (depth first): MySQL stores ``a JOIN b ... LEFT JOIN c ...`` as
    ``((a JOIN b ...) LEFT JOIN c ...)``, where a breadth-first walk meets the last join first, so the two
    dialects of one view would get different mutants."""
    join = next((j for j in tree.find_all(exp.Join, bfs=False)), None)
    if join is None:
        raise NotApplicable("the view has no JOIN to change")
    if (join.args.get("side") or "").upper() in ("LEFT", "RIGHT", "FULL"):
        side = join.args["side"].upper()
        join.set("side", None)
        join.set("kind", None)
        return f"{side} JOIN {join.this.sql()} -> INNER JOIN"
    on = join.args.get("on")
    eq = next((e for e in on.find_all(exp.EQ)), None) if on is not None else None
    if eq is None:
        raise NotApplicable("the view's first JOIN has no ON equality to change")
    before = eq.sql()
    new = exp.NEQ(this=eq.this.copy(), expression=eq.expression.copy())
    eq.replace(new)
    return f"JOIN {join.this.sql()} ON {before} -> {new.sql()}"


_NUMERIC = {"integer", "bigint", "smallint", "tinyint", "decimal", "float", "double"}
_TEXTUAL = {"varchar", "char", "text"}

OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("drop_fk", "drop a FOREIGN KEY", _fk_targets, _drop_fk),
    Operator("change_fk_action", "change an FK's ON DELETE (CASCADE -> SET NULL/RESTRICT, else -> CASCADE)",
             _fk_targets, _change_fk_action),
    Operator("drop_check", "drop a CHECK constraint", _check_targets, _drop_check),
    Operator("loosen_check", "widen a CHECK's bound by one (<= 10 -> <= 11), add a value to its IN list, or drop "
             "a regular expression's end anchor",
             lambda s: [t for t in _check_targets(s) if loosen(t.obj.expression) is not None], _loosen_check),
    Operator("add_enum_label", f"add the label '{MUTANT_LABEL}' to an ENUM",
             lambda s: _column_targets(s, lambda t, c: c.type == "enum"), _add_enum_label),
    Operator("remove_enum_label", "remove an ENUM's last label that is not its default",
             lambda s: _column_targets(s, lambda t, c: c.type == "enum" and removable_label(c) is not None),
             _remove_enum_label),
    Operator("change_generated", "change a generated column's expression (a - b -> a + b)",
             lambda s: _column_targets(s, lambda t, c: c.generated is not None and change_expression(
                 c.generated, numeric=c.family in _NUMERIC) is not None), _change_generated),
    Operator("drop_not_null", "allow NULL in a NOT NULL column (not a primary-key or generated column)",
             lambda s: _column_targets(s, lambda t, c: not c.nullable and c.name not in t.primary_key
                                       and c.generated is None and c.default != "autoincrement"),
             _drop_not_null),
    Operator("drop_unique", "drop a UNIQUE constraint or unique index", _unique_targets, _drop_unique),
    Operator("change_default", "change a column's DEFAULT to another valid value",
             lambda s: _column_targets(s, lambda t, c: other_default(c) is not None), _change_default),
    Operator("drop_trigger", "drop a TRIGGER", _trigger_targets, _drop_trigger),
    Operator("drop_exclusion", "drop an exclusion constraint (no double booking), or every trigger that "
             "enforces it where the engine has none", _exclusion_targets, _drop_exclusion),
    Operator("revoke_grant", "revoke a role's first privilege on a table (UPDATE(notes) only revokes that column's)",
             _revoke_targets, _revoke_grant),
    Operator("widen_grant", f"grant a role a privilege it lacks on a table (the first of {', '.join(WIDEN_ORDER)})",
             _widen_targets, _widen_grant),
    Operator("change_view_filter", "change the first condition of a view's WHERE (< and <= swapped, = and <> "
             "swapped, else negated)", _view_targets, _change_view(change_view_filter)),
    Operator("change_view_join", "change a view's first JOIN (LEFT -> INNER; an inner join's ON = -> <>)",
             _view_targets, _change_view(change_view_join)),
)}


VIEW_OPERATORS = ("change_view_filter", "change_view_join")
"""Operators that change a view's answers and nothing else: only the view probes (``views.yml``) can kill them."""


# -- neutral expression and value rewriting (engine-independent, so both dialects get the same mutant) --
def _number(node: exp.Expression) -> Decimal | None:
    if isinstance(node, exp.Neg):
        inner = _number(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return Decimal(node.this)
        except InvalidOperation:
            return None
    return None


def _number_node(value: Decimal) -> exp.Expression:
    return exp.Neg(this=exp.Literal.number(str(-value))) if value < 0 else exp.Literal.number(str(value))


def loosen(expression: str) -> tuple[str, str] | None:
    """``(new expression, description)`` with one bound widened by 1 (an upper bound if there is one),
    or a value added to an IN list; ``None`` when the CHECK has neither."""
    try:
        tree = sqlglot.parse_one(expression, read=NEUTRAL)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return None
    bounds: list[tuple[Any, str, bool, Decimal]] = []
    for cmp in tree.find_all(exp.LT, exp.LTE, exp.GT, exp.GTE):
        right, left = _number(cmp.expression), _number(cmp.this)
        if right is not None:  # col <= 10: an upper bound
            bounds.append((cmp, "expression", isinstance(cmp, (exp.LT, exp.LTE)), right))
        elif left is not None:  # 10 >= col: an upper bound too
            bounds.append((cmp, "this", isinstance(cmp, (exp.GT, exp.GTE)), left))
    if bounds:
        node, side, upper, value = next((b for b in bounds if b[2]), bounds[0])
        before = node.sql(dialect=NEUTRAL)
        node.set(side, _number_node(value + 1 if upper else value - 1))
        return tree.sql(dialect=NEUTRAL), f"{before} -> {node.sql(dialect=NEUTRAL)}"
    for in_list in tree.find_all(exp.In):
        values = in_list.expressions
        if values and all(isinstance(v, exp.Literal) and v.is_string for v in values) \
                and not isinstance(in_list.parent, exp.Not):
            in_list.set("expressions", [*values, exp.Literal.string(MUTANT_LABEL)])
            return tree.sql(dialect=NEUTRAL), f"IN (...) + '{MUTANT_LABEL}'"
    for match in tree.find_all(exp.RegexpLike, exp.RegexpILike):
        pattern = match.expression
        if isinstance(pattern, exp.Literal) and pattern.is_string and pattern.this.endswith("$") \
                and not pattern.this.endswith("\\$") and not isinstance(match.parent, exp.Not):
            match.set("expression", exp.Literal.string(pattern.this[:-1]))
            return tree.sql(dialect=NEUTRAL), "regular expression loses its end anchor '$' (trailing text accepted)"
    return None


_SWAP: dict[type[exp.Expression], type[exp.Expression]] = {
    exp.Add: exp.Sub, exp.Sub: exp.Add, exp.Mul: exp.Div, exp.Div: exp.Mul}


def change_expression(expression: str, *, numeric: bool) -> str | None:
    """The generation expression with its outermost arithmetic operator swapped (``a - b`` -> ``a + b``);
    for a numeric expression without one, ``(expr) + 1``; else ``None``."""
    try:
        tree = sqlglot.parse_one(expression, read=NEUTRAL)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return None
    node = next(tree.find_all(*_SWAP), None)  # breadth-first: the outermost operator
    if node is not None:
        extra = {"typed": True} if _SWAP[type(node)] is exp.Div else {}  # plain "/", no float casts
        swapped = _SWAP[type(node)](this=node.this.copy(), expression=node.expression.copy(), **extra)
        tree = swapped if node is tree else tree
        if swapped is not tree:
            node.replace(swapped)
        return tree.sql(dialect=NEUTRAL)
    return f"({expression}) + 1" if numeric else None


def _unquote(literal: str) -> str | None:
    m = re.fullmatch(r"'((?:[^']|'')*)'", literal)
    return m.group(1).replace("''", "'") if m else None


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def other_default(col: Column) -> str | None:
    """A different, valid DEFAULT for ``col`` in the contract's neutral spelling, or ``None``."""
    d = col.default
    if d is None or d == "autoincrement" or col.generated is not None:
        return None
    text = _unquote(d)
    if col.enum:
        if text not in col.enum or len(col.enum) < 2:
            return None
        return _quote(col.enum[(col.enum.index(text) + 1) % len(col.enum)])
    if col.family == "boolean":
        return {"true": "false", "false": "true"}.get(d)
    if col.family in _NUMERIC:
        try:
            return str(Decimal(d) + 1)
        except InvalidOperation:
            return None
    if d == "CURRENT_TIMESTAMP" and col.family in ("timestamp", "datetime"):
        return "'2001-02-03 04:05:06'"
    if col.family in _TEXTUAL and text is not None:
        m = re.search(r"\((\d+)\)", col.type)
        room = int(m.group(1)) if m else len(text) + 1
        new = text + "x" if len(text) < room else text[:-1] + ("y" if text.endswith("x") else "x")
        return _quote(new) if new else None
    return None
