"""Schema packs: ``<packs>/<pack>/<dialect>/NN_*.sql`` plus the pack's contract and data files.

A pack is read and split once per run; every problem with it (missing dialect folder, empty pack,
unterminated quote, a statement the server rejects) becomes one :class:`PackError` line naming the
pack, file, line and the start of the statement.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from dbintegrity.errors import PackError
from dbintegrity.pack.yamlfile import read_yaml
from dbintegrity.sqltext.inputs import INPUTS_FILE, InputError, Inputs, read_inputs
from dbintegrity.sqltext.split import Statement

CONTRACT_FILE = "contract.yml"
SESSION_FILE = "session.yml"


@dataclass(frozen=True)
class Pack:
    name: str
    path: Path
    _cache: dict[tuple[str, ...], list[Statement]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def contract_path(self) -> Path:
        return self.path / CONTRACT_FILE

    @cached_property
    def inputs(self) -> Inputs | None:
        """The user's own files, when this pack was staged from ``--sql`` (zero-config) instead of written."""
        return Inputs.read(self.path) if (self.path / INPUTS_FILE).is_file() else None

    @property
    def label(self) -> str:
        """How messages name where the SQL came from: ``pack NAME``, or ``--sql`` for the user's files."""
        return "--sql" if self.inputs else f"pack {self.name}"

    @cached_property
    def dialects(self) -> list[str]:
        if self.inputs:
            return [self.inputs.dialect]
        return sorted(p.name for p in self.path.iterdir() if p.is_dir() and any(p.glob("*.sql")))

    def layers(self, folders: tuple[str, ...]) -> tuple[str, ...]:
        """The folders of an engine's ``folders`` (``spec.dialect_dirs``) this pack has, first first; the
        engine's SQL is their files overlaid (:meth:`files`).  None there: the first, whose absence
        :meth:`files` then reports."""
        return tuple(f for f in folders if f in self.dialects) or folders[:1]

    def files(self, dialect: str | tuple[str, ...]) -> list[Path]:
        """The ``.sql`` files of a folder, or of an engine's folders overlaid, in file name order.

        Overlaid (``("mariadb", "mysql")``), a file of an earlier folder replaces the same-named file of a
        later one: ``mariadb/02_rules.sql`` stands in for ``mysql/02_rules.sql`` and MariaDB reads the other
        files of ``mysql/`` as they are, so only the statements that really differ are written twice.
        """
        folders = (dialect,) if isinstance(dialect, str) else self.layers(dialect)
        chosen: dict[str, Path] = {}
        for folder in reversed(folders):
            chosen.update({p.name: p for p in self._folder_files(folder)})
        return [chosen[name] for name in sorted(chosen)]

    def _folder_files(self, dialect: str) -> list[Path]:
        folder = self.path / dialect
        if not folder.is_dir():
            have = ", ".join(self.dialects) or "none"
            raise PackError(f"pack {self.name}: no {dialect}/ folder in {self.path} (dialects present: {have}); "
                            f"add {folder}/01_schema.sql or run with --engines set to the engines the pack has")
        files = sorted(folder.glob("*.sql"))
        if not files:
            raise PackError(f"pack {self.name}: {folder} has no .sql files; add the {dialect} DDL as NN_name.sql")
        return files

    def session_statements(self, dialect: str | tuple[str, ...], purpose: str = "backfill") -> list[str]:
        """Statements dbintegrity's own sessions run for ``purpose`` (``session.yml``; none when absent).

        ``backfill`` is how a pack lets probes and the seeder write historical rows that its triggers refuse
        to applications (an appointment in the past); the pack's triggers decide who may use it.  For an
        engine's folders (``("mariadb", "mysql")``) the first one ``session.yml`` names is used, as for files.
        """
        path = self.path / SESSION_FILE
        if not path.is_file():
            return []
        data = read_yaml(path, PackError)
        section = data.get(purpose, {}) if isinstance(data, dict) else None
        if not isinstance(dialect, str):
            dialect = next((f for f in dialect if isinstance(section, dict) and f in section), dialect[0])
        statements = section.get(dialect, []) if isinstance(section, dict) else None
        if not isinstance(statements, list) or not all(isinstance(x, str) for x in statements):
            raise PackError(f"pack {self.name}: {path}: {purpose}.{dialect} must be a list of SQL statements "
                            "(strings), e.g. [\"SET @flag = 1\"]")
        return statements

    @cached_property
    def namespace(self) -> str | None:
        """The namespace the pack's tables live in (``session.yml`` ``namespace:``; None: the engine's default).

        On PostgreSQL it is a schema of the database, put first on every session's search path, so that the
        contract names the tables bare, as on MySQL, where the run's own database is the namespace."""
        path = self.path / SESSION_FILE
        data = read_yaml(path, PackError) if path.is_file() else None
        value = data.get("namespace") if isinstance(data, dict) else None
        if value is not None and (not isinstance(value, str) or not value.strip() or "." in value):
            raise PackError(f"pack {self.name}: {path}: namespace must be one schema name such as ChironaSchema, "
                            f"got {value!r}")
        return value

    def statements(self, dialect: str | tuple[str, ...]) -> list[Statement]:
        """All statements of the dialect folder (or of an engine's folders overlaid: :meth:`files`), files
        in name order; cached for the run.

        Each file is read as its client would (:mod:`dbintegrity.sqltext.inputs`: psql meta-commands, includes,
        ``COPY`` data); a staged ``--sql`` pack reads the user's own files, so errors name those.
        """
        key = (dialect,) if isinstance(dialect, str) else self.layers(dialect)
        if key not in self._cache:
            if self.inputs:
                if key[0] != self.inputs.dialect:
                    raise PackError(f"--sql was read as {self.inputs.dialect}, not {key[0]}")
                out = self.inputs.statements()
                if not out:
                    raise PackError(f"--sql {', '.join(map(str, self.inputs.paths))}: no SQL statements in it")
                self._cache[key] = out
                return out
            out = []
            for path in self.files(key):
                try:
                    out += read_inputs([path], dialect=key[0])
                except InputError as exc:
                    raise PackError(f"pack {self.name}: {exc}") from exc
            if not out:
                raise PackError(f"pack {self.name}: the {'/'.join(key)} files "
                                f"({', '.join(p.name for p in self.files(key))}) contain no SQL statements")
            self._cache[key] = out
        return self._cache[key]


def discover(packs_dir: Path) -> dict[str, Pack]:
    """Every pack in ``packs_dir``: a folder with at least one dialect folder of ``.sql`` files."""
    if not packs_dir.is_dir():
        raise PackError(f"packs folder {packs_dir} does not exist; set --packs / DBINTEGRITY_PACKS / "
                        "ini dbintegrity_packs to the folder that holds <pack>/<dialect>/*.sql")
    found = {}
    for entry in sorted(packs_dir.iterdir()):
        if entry.is_dir() and not entry.name.startswith((".", "_")):
            found[entry.name] = Pack(entry.name, entry)
    return found


def select(packs_dir: Path, names: tuple[str, ...] | list[str]) -> list[Pack]:
    """The named packs (all when ``names`` is empty), with a did-you-mean for typos."""
    available = discover(packs_dir)
    if not names:
        if not available:
            raise PackError(f"packs folder {packs_dir} holds no packs; add {packs_dir}/<pack>/<dialect>/01_schema.sql")
        return list(available.values())
    out = []
    for name in names:
        if name not in available:
            close = difflib.get_close_matches(name, available, n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; packs here: {', '.join(available) or 'none'}"
            raise PackError(f"pack {name!r} not found in {packs_dir}{hint}")
        out.append(available[name])
    return out
