"""Shared by the role and audit tests: cases from each pack's privileges.yml, role sessions, a fixed world.

Cases: ``@pytest.mark.access_cases(kind)`` parametrises a test over one kind of case (see ``_CASES``) for
every selected pack that has a ``privileges.yml``, with ids like ``hm_doctor-patients-DELETE``; the plugin
adds the engine.  A malformed privileges file is one case that fails with the file's one-line error.

The world (built once per engine, pack and purpose, committed, in a private copy of the pack; the
tests roll back what they do in it, except the audit tests, which commit rows of their own):

- people (users): admin, finance; doctor and colleague_doctor (Cardiology), other_doctor (Oncology),
  suspended_doctor (Cardiology, suspended); nurse (Cardiology); patient, colleague_patient and
  other_patient (portal accounts); spare (referenced by nothing: the row to update or delete).
- patients: mine (primary doctor: doctor, account: patient), colleague (colleague_doctor,
  colleague_patient), other (other_doctor, other_patient).
- one row per patient in every table that references patients (its users columns: the patient's primary
  doctor); one row in every other table (users columns: admin); the audit table fills itself.

So a role acting for its app user must see: all three patients (rows: all), {mine} (doctor, patient) or
{mine, colleague} (nurse: same department as colleague_doctor), in every patient-scoped table.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from dbintegrity.errors import DbIntegrityError
from dbintegrity.pack import contract
from dbintegrity.pack.model import Schema
from dbintegrity.probes import access
from dbintegrity.probes.access import AccessSpec, Actor, Actors, Role, RowMaker
from dbintegrity.pytest_plugin import dbi_config_of, one_line_errors, selected_pack_names
from dbintegrity.servers.runtime import Runtime

SUBJECT = "patients"
"""The table whose rows the row scopes are about; other tables reach it through a foreign key."""
ACCOUNTS = "users"
OWNERS = ("mine", "colleague", "other")
SCOPE = {"doctor": {"mine"}, "nurse": {"mine", "colleague"}, "patient": {"mine"}}
"""Patients a row-limited role must see, by app role (see the module docstring for why)."""


# -- cases -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    pack: str
    spec: AccessSpec | None
    schema: Schema | None
    role: str = ""
    table: str = ""
    op: str = ""
    column: str = ""
    error: str = ""

    @property
    def id(self) -> str:
        return "-".join(p for p in (self.role, f"{self.table}.{self.column}" if self.column else self.table,
                                    self.op) if p) or self.pack

    @property
    def role_spec(self) -> Role:
        assert self.spec is not None
        return self.spec.roles[self.role]


def scoped_tables(schema: Schema) -> dict[str, str]:
    """Table -> the column that names its patient (the subject's own key for the subject)."""
    out = {SUBJECT: schema.tables[SUBJECT].primary_key[0]}
    for t in schema.tables.values():
        fk = next((fk for fk in t.foreign_keys if fk.ref_table == SUBJECT and len(fk.columns) == 1), None)
        if fk is not None:
            out[t.name] = fk.columns[0]
    return out


def _cases(spec: AccessSpec, schema: Schema, pack: str, kind: str) -> list[Case]:
    c = lambda **kw: Case(pack, spec, schema, **kw)  # noqa: E731
    tables = sorted(schema.tables)
    roles = list(spec.roles.values())
    scoped = scoped_tables(schema)
    out: list[Case] = []
    if kind == "pack":
        return [c()]
    for role in roles:
        if kind == "operation":
            out += [c(role=role.name, table=t, op=op) for t in tables for op in access.OPERATIONS
                    if op in role.table_ops(t) or op not in role.column_ops(t)]
        elif kind == "column":
            out += [c(role=role.name, table=t, op=op, column=col) for t in tables
                    for op in sorted(role.column_ops(t)) if op not in role.table_ops(t)
                    for col in schema.tables[t].columns]
        elif kind == "rows":
            out += [c(role=role.name, table=t) for t in sorted(scoped) if role.may(t, "SELECT", scoped[t])]
        elif kind == "scoped_write" and role.row_limited:
            out += [c(role=role.name, table=t) for t in sorted(scoped)
                    if "INSERT" in role.table_ops(t) or role.may(t, "UPDATE") or role.column_ops(t).get("UPDATE")]
        elif kind == "app_user" and role.row_limited:
            out += [c(role=role.name, op=who) for who in ("unset", "suspended_doctor", "other_role")]
        elif kind == "soft_delete":
            out += [c(role=role.name, table=t) for t in sorted(spec.soft_delete)]
        elif kind == "audit_protection" and spec.audit_table:
            out += [c(role=role.name, table=spec.audit_table, op=op) for op in ("INSERT", "UPDATE", "DELETE")]
    if kind == "audit":
        out += [c(table=t, op=op) for t in spec.audited for op in ("INSERT", "UPDATE", "DELETE")]
    return out


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "access_cases(kind): parametrise over the cases of each pack's "
                            "privileges.yml (operation, column, rows, scoped_write, app_user, soft_delete, "
                            "audit, audit_protection, pack)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("access_cases")
    if marker is None:
        return
    kind = marker.args[0]
    cfg = dbi_config_of(metafunc.config)
    packs = selected_pack_names(cfg)
    params = []
    for pack in packs:
        path = access.privileges_path(cfg.packs_dir / pack)
        if not path.is_file():
            continue
        try:
            spec = access.load(path)
            schema = contract.load(cfg.packs_dir / pack / "contract.yml")
            cases = _cases(spec, schema, pack, kind)
        except DbIntegrityError as exc:
            cases = [Case(pack, None, None, error=str(exc))]
        prefix = f"{pack}:" if len(packs) > 1 else ""
        params += [pytest.param(case, id=prefix + (case.id if not case.error else "privileges")) for case in cases]
    if not params:
        params = [pytest.param(None, id=f"no-{kind}", marks=pytest.mark.skip(
            reason=f"no selected pack has a {access.PRIVILEGES_FILE} with {kind.replace('_', ' ')} cases"))]
    metafunc.parametrize("case", params)


# -- the world ---------------------------------------------------------------------------------------
@dataclass
class World:
    """The people, patients and rows of one private database; see the module docstring."""

    runtime: Runtime
    actors: Actors
    engine_name: str
    pack: str
    spec: AccessSpec
    schema: Schema
    database: str = ""
    conn: Any = None
    maker: RowMaker = field(init=False)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    patients: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """Table -> owner (a patient's name, or '-' for tables without patients) -> row."""
    audit_row: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.maker = RowMaker(self.schema, seed=7)

    @property
    def engine(self) -> Any:
        return self.runtime.engine(self.engine_name)

    def build(self, purpose: str) -> World:
        self.database = self.runtime.database(self.engine_name, self.pack, purpose)
        self.conn = self.runtime.connect(self.engine_name, self.database)  # autocommit: the world is committed
        self.engine.prepare_session(self.conn)
        def person(role: str, **kw: Any) -> dict[str, Any]:
            return self.add(ACCOUNTS, self.maker.row(ACCOUNTS, {"role": role, "status": "active", **kw}))

        self.people = {
            "admin": person("admin"), "finance": person("finance"),
            "doctor": person("doctor", department="Cardiology"),
            "colleague_doctor": person("doctor", department="Cardiology"),
            "other_doctor": person("doctor", department="Oncology"),
            "suspended_doctor": person("doctor", department="Cardiology", status="suspended"),
            "nurse": person("nurse", department="Cardiology"),
            "patient": person("patient"), "colleague_patient": person("patient"), "other_patient": person("patient"),
            "spare": person("patient"),
        }
        for owner, doctor, account in (("mine", "doctor", "patient"),
                                       ("colleague", "colleague_doctor", "colleague_patient"),
                                       ("other", "other_doctor", "other_patient")):
            links = {"primary_doctor_id": self.people[doctor]["id"], "user_id": self.people[account]["id"]}
            self.patients[owner] = self.add(SUBJECT, self.maker.row(SUBJECT, links))
        self.rows = {SUBJECT: dict(self.patients), ACCOUNTS: {"-": self.people["spare"]}}
        scoped = scoped_tables(self.schema)
        for table in sorted(self.schema.tables):
            if table in self.rows or table == self.spec.audit_table:
                continue
            owners = OWNERS if table in scoped else ("-",)
            self.rows[table] = {owner: self.add(table, self.fresh_values(table, owner)) for owner in owners}
        if self.spec.audit_table:
            q = self.engine.quote
            cur = self.conn.cursor()
            try:
                cur.execute(f"SELECT MIN({q('id')}) FROM {q(self.spec.audit_table)}")
                self.audit_row = {"id": cur.fetchone()[0]}
            finally:
                cur.close()
            self.rows[self.spec.audit_table] = {"-": self.audit_row}
        return self

    def fresh_values(self, table: str, owner: str = "mine") -> dict[str, Any]:
        """A new row for ``table`` (not inserted) belonging to patient ``owner``; users columns: its doctor."""
        spec = self.schema.tables[table]
        patient = self.patients.get(owner)
        doctor = patient["primary_doctor_id"] if patient else self.people["admin"]["id"]
        overrides: dict[str, Any] = {}
        if table == ACCOUNTS:
            overrides = {"role": "patient", "status": "active"}
        elif table == SUBJECT:
            overrides = {"primary_doctor_id": doctor, "user_id": None}
        for fk in spec.foreign_keys:
            if fk.ref_table == SUBJECT and patient is not None:
                overrides.update({c: patient[rc] for c, rc in zip(fk.columns, fk.ref_columns, strict=True)})
            elif fk.ref_table == ACCOUNTS and not all(c in overrides for c in fk.columns):
                overrides.update(dict.fromkeys(fk.columns, doctor))
        return self.maker.row(table, overrides)

    def new_patient(self) -> str:
        """A new patient of ``doctor`` (so in the doctor's and the nurse's scope), committed; its name.

        For tests that commit rows of their own: each gets a patient of its own, so no UNIQUE key over a
        patient (insurance: one coverage of each type per patient) runs out.
        """
        name = f"extra_{len(self.patients)}"
        self.patients[name] = self.add(SUBJECT, self.fresh_values(SUBJECT))
        return name

    def add(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """Insert ``row`` as the suite's own user (committed)."""
        sql, params = access.insert_sql(self.engine, table, row)
        cur = self.conn.cursor()
        try:
            cur.execute(sql, params)
        finally:
            cur.close()
        self.maker.remember(table, row)
        return row

    def key(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        return {c: row[c] for c in self.schema.tables[table].primary_key}

    def target(self, table: str, owner: str = "mine") -> dict[str, Any]:
        """The existing row a test acts on: patient ``owner``'s, or the table's only world row."""
        rows = self.rows[table]
        return rows.get(owner) or rows["-"]

    def actor(self, role: str) -> Actor:
        return self.actors.actor(self.engine_name, self.database, role, self.schema)

    def app_user(self, role: Role) -> str:
        return str(self.people[role.app_role]["id"])

    def visible(self, role: Role) -> set[str]:
        return set(OWNERS) if not role.row_limited else SCOPE[role.app_role]

    @property
    def subject(self) -> str:
        return SUBJECT

    @property
    def scoped(self) -> dict[str, str]:
        return scoped_tables(self.schema)

    def owner_of(self, patient_id: Any) -> str:
        return next((name for name, p in self.patients.items() if p["id"] == patient_id), f"unknown {patient_id!r}")


class Kit:
    """The run's worlds and role sessions; closed (sessions ended, logins dropped) before the runtime closes."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.actors = Actors(runtime)
        self._worlds: dict[tuple[str, str, str], World | str] = {}

    def world(self, engine: str, case: Case, purpose: str) -> World:
        if case.error:
            pytest.fail(case.error, pytrace=False)
        assert case.spec is not None and case.schema is not None
        key = (engine, case.pack, purpose)
        if key not in self._worlds:
            try:
                with one_line_errors():
                    self._worlds[key] = World(self.runtime, self.actors, engine, case.pack, case.spec,
                                              case.schema).build(purpose)
            except BaseException as exc:
                self._worlds[key] = f"the {purpose} world of {case.pack} on {engine} could not be built: {exc}"
                raise
        found = self._worlds[key]
        if isinstance(found, str):
            pytest.fail(found, pytrace=False)
        return found

    def close(self) -> None:
        self.actors.close()
        for world in self._worlds.values():
            if isinstance(world, World) and world.conn is not None:
                with contextlib.suppress(Exception):
                    world.conn.close()


@pytest.fixture(scope="session")
def access_layout():
    """The pack layout the world assumes, for tests that need it without a database."""
    return SimpleNamespace(subject=SUBJECT, accounts=ACCOUNTS, scoped_tables=scoped_tables)


@pytest.fixture(scope="session")
def access_kit(dbi_runtime):
    kit = Kit(dbi_runtime)
    try:
        yield kit
    finally:
        kit.close()
