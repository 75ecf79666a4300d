"""Read schema scripts the way people ship them: dumps, migration folders, include chains, placeholders.

``dbintegrity check --sql`` is pointed at files nobody wrote for it, so this module does what the
clients (psql, the mysql client, Flyway, OHDSI's SqlRender) would have done before the server saw
anything, and keeps every statement's own file and line so that an error names the user's file:

- psql meta-commands: ``\\restrict``/``\\unrestrict`` (current pg_dump) and the output-only ``\\echo``,
  ``\\qecho``, ``\\warn``, ``\\timing`` are skipped; ``\\set name value`` sets a variable that later
  ``:name``, ``:'name'`` and ``:"name"`` references are filled with, as psql does (``--define`` sets them
  too, like ``psql -v``; an unset one is left as it is, as psql leaves it); ``\\connect`` to the script's
  own database is followed (that database is the one being loaded; ``CREATE``/``DROP``/``ALTER DATABASE``
  of it are left out); ``\\i``/``\\include`` and ``\\ir``/``\\include_relative`` include a file; any other meta-command is
  refused by name.  ``COPY ... FROM stdin`` rows are kept with their statement and sent with the
  driver's COPY support.
- mysql client: ``source file.sql`` and ``\\. file.sql`` include a file.  What a dump writes for the
  server it came from is left out or taken out as the engine's :class:`SplitRules` declare
  (``dump_only_statements``, ``dropped_clauses``: for MySQL ``LOCK TABLES``, ``SET @@GLOBAL.GTID_PURGED``,
  ``DEFINER=user@host``), and a file the client reads (``LOAD DATA LOCAL INFILE``) is found like an
  include.  Versioned comments ``/*!50705 ... */`` go to the server as they are: it runs the ones its
  version covers.
- Includes resolve against the including file's folder, then against the folder of the file named on
  the command line (where the client would usually have been started; for psql's ``\\i``, which psql
  resolves against that directory, the other way round); a cycle or a missing file is an error naming
  the include line.
- Placeholders: ``${name}`` (Flyway) and ``@name`` (OHDSI) are filled from ``--define name=value``.  An
  unfilled ``${name}`` is an error; so is an unfilled ``@name`` in PostgreSQL scripts, where ``@`` before
  a name is not otherwise SQL.  In MySQL ``@name`` is a user variable, so only defined names are filled.
- Folders (see :func:`ordered_files`): Flyway names in version order, numbered names in natural order,
  other folders by the kind of DDL each file holds.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dbintegrity.errors import PackError
from dbintegrity.sqltext.split import ClientCommand, Scan, SplitError, SplitRules, Statement, scan_sql

INPUTS_FILE = "inputs.json"
"""In a staged pack folder: the user's files to read instead of ``<dialect>/*.sql`` (zero-config)."""

_DEFINE_NAME = re.compile(r"[A-Za-z_][\w.:-]*")
_PSQL_SKIP = frozenset({"\\restrict", "\\unrestrict", "\\echo", "\\qecho", "\\warn", "\\timing"})
_PSQL_SET = frozenset({"\\set", "\\unset"})
_PSQL_TEXT = re.compile(r"'(?:[^']|'')*'|\$(\w*)\$.*?\$\1\$|--[^\n]*|/\*.*?\*/"
                        r"|(?<![:\w]):(?:'([A-Za-z_]\w*)'|\"([A-Za-z_]\w*)\"|([A-Za-z_]\w*))", re.DOTALL)
"""psql's variable references ``:name``, ``:'name'``, ``:"name"``, and what it leaves alone: strings,
dollar-quoted bodies, comments (and ``::type`` casts, by the look-behind)."""
_PSQL_INCLUDE = {"\\i": False, "\\include": False, "\\ir": True, "\\include_relative": True}
"""Meta-command -> whether psql itself resolves it against the including file (``\\ir``)."""
_PSQL_CONNECT = frozenset({"\\c", "\\connect"})
_SOURCE_INCLUDE = frozenset({"source", "\\."})
_CREATE_OR_ALTER = re.compile(r"(?:/\*!\d*\s*)?(?:CREATE|ALTER)\b", re.IGNORECASE)
_VERSIONED_START = re.compile(r"^(?:/\*!\d*\s*)")
_DATABASE_DDL = re.compile(r"(?:CREATE|DROP|ALTER)\s+DATABASE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(\"(?:[^\"]|\"\")+\"|\w+)",
                           re.IGNORECASE)


class InputError(PackError):
    """A problem with the user's own SQL input, named by file and line."""


@dataclass(frozen=True)
class Inputs:
    """What ``--sql`` (repeatable) and ``--define`` asked for, as staged for the gate's own process."""

    paths: tuple[Path, ...]
    dialect: str
    defines: Mapping[str, str] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        path = folder / INPUTS_FILE
        path.write_text(json.dumps({"paths": [str(p) for p in self.paths], "dialect": self.dialect,
                                    "defines": dict(self.defines)}, indent=1), encoding="utf-8")
        return path

    @classmethod
    def read(cls, folder: Path) -> Inputs:
        data = json.loads((folder / INPUTS_FILE).read_text(encoding="utf-8"))
        return cls(tuple(Path(p) for p in data["paths"]), str(data["dialect"]), dict(data["defines"]))

    def statements(self, log: Callable[[str], None] | None = None) -> list[Statement]:
        return read_inputs(self.paths, dialect=self.dialect, defines=self.defines, log=log)


def read_script(path: Path) -> str:
    """A script's text: UTF-8 (a byte-order mark is dropped), gzip-compressed when it ends in ``.gz``
    (``pg_dump | gzip``).  A pg_dump archive (custom or tar format) is not SQL: the error says how to get SQL."""
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{path}: not a gzip file ({exc})") from exc
    if data.startswith(b"PGDMP") or data[257:262] == b"ustar":
        raise InputError(f"{path} is a pg_dump archive, not SQL: turn it into SQL with `pg_restore -f out.sql {path}` "
                         "and pass out.sql")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text ({exc.reason})") from exc


def parse_defines(values: Iterable[str]) -> dict[str, str]:
    """``--define NAME=VALUE`` options as a mapping; a malformed one is one line saying so."""
    out: dict[str, str] = {}
    for value in values:
        name, eq, text = value.partition("=")
        if not eq or not _DEFINE_NAME.fullmatch(name.strip()):
            raise InputError(f"--define {value!r}: expected NAME=VALUE, e.g. --define cdmDatabaseSchema=public")
        if "\n" in text:
            raise InputError(f"--define {name}: the value holds a line break; placeholders take one-line values")
        out[name.strip()] = text
    return out


# -- folders ---------------------------------------------------------------------------------------

_FLYWAY = re.compile(r"(?P<prefix>[VUR])(?P<version>\d+(?:[._]\d+)*)?__(?P<description>.*)\.sql", re.IGNORECASE)
_FLYWAY_CALLBACK = re.compile(r"(?P<event>(?:before|after)[A-Z][A-Za-z]*)(?:__.*)?\.sql")
_NUMBERED = re.compile(r"(\D*?)(\d+)")
"""A numbered name: what comes before its first number (``01_x``: nothing, ``step_12_y``: ``step_``), and
that number."""
_RANKS: tuple[tuple[int, re.Pattern[str]], ...] = tuple((rank, re.compile(rx, re.IGNORECASE)) for rank, rx in (
    (5, r"(INSERT|COPY|UPDATE|DELETE|REPLACE|LOAD\s+DATA)\b"),
    (1, r"CREATE\s+UNIQUE\s+(CLUSTERED\s+|NONCLUSTERED\s+)?INDEX\b"),
    (1, r"ALTER\s+TABLE\s+(ONLY\s+|IF\s+EXISTS\s+)*\S+\s+ADD\s+(CONSTRAINT\s+\S+\s+)?(PRIMARY\s+KEY|UNIQUE)\b"),
    (2, r"ALTER\s+TABLE\b"),
    (3, r"(CREATE\s+(\w+\s+)?INDEX|CLUSTER)\b"),
    (0, r"(DROP|CREATE\s+(OR\s+REPLACE\s+)?(SCHEMA|DATABASE|EXTENSION|TYPE|DOMAIN|SEQUENCE|COLLATION)|"
        r"CREATE\s+((GLOBAL|LOCAL)\s+)?((TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE)\b"),
))
_SESSION = re.compile(r"(SET|USE|SELECT\s+pg_catalog\.set_config)\b", re.IGNORECASE)
KIND_NAMES = ("tables", "keys", "constraints", "indexes", "other DDL", "data")
"""What each rank of :func:`ddl_rank` stands for, for messages and documentation."""


def ordered_files(folder: Path, *, dialect: str | SplitRules, log: Callable[[str], None] | None = None) -> list[Path]:
    """The ``.sql`` files of ``folder`` in the order they must run.

    1. Every name, in the folder and its subfolders (Flyway scans its locations recursively), is a Flyway
       migration (``V1__x.sql``, ``V5_1__y.sql``, ``R__views.sql``) or callback (``afterMigrate.sql``):
       versioned ones in version order (``5_1`` is 5.1, before ``10``), then repeatable ones by
       description; ``beforeMigrate`` first and ``afterMigrate`` last; undo migrations (``U1__x.sql``) and
       other callbacks are not applied.
    2. Every name is numbered, after the same prefix if any (``2_x.sql``, ``10_y.sql``; ``step_01_x.sql``,
       ``step_02_y.sql``): natural order, numbers compared as numbers (``2_`` before ``10_``).  A number
       that every name shares (``CDM_5.4_ddl.sql``, ``CDM_5.4_constraints.sql``) is a version: no order.
    3. Otherwise the names carry no order, so the files go by what they hold (:func:`ddl_rank`): tables
       before keys before the constraints that need those keys before indexes, then other DDL (views,
       routines, triggers), then data; files of one kind in natural name order.  This is the order the
       server needs objects in, decided before anything runs, instead of retrying failures (which would
       hide real errors).  Files whose order it cannot know are given explicitly: ``--sql a --sql b``.
    """
    files = sorted((p for p in folder.iterdir() if p.is_file() and _is_script(p)), key=lambda p: natural_key(p.name))
    if not files:
        return []
    tree = sorted((p for p in folder.rglob("*") if p.is_file() and _is_script(p)), key=lambda p: natural_key(p.name))
    flyway = [(p, m) for p in tree if (m := _FLYWAY.fullmatch(p.name))]
    callbacks = [(p, m) for p in tree if (m := _FLYWAY_CALLBACK.fullmatch(p.name))]
    if flyway and len(flyway) + len(callbacks) == len(tree):
        return _flyway_order(flyway, callbacks, log)
    numbered = [_NUMBERED.match(p.name) for p in files]
    prefixes = {m.group(1).lower() if m else None for m in numbered}
    numbers = {int(m.group(2)) for m in numbered if m}
    # The same number in every name (``CDM_5.4_ddl.sql``, ``CDM_5.4_indices.sql``) is a version, not an order.
    if None not in prefixes and len(prefixes) == 1 and (len(files) == 1 or len(numbers) > 1):
        return files
    return sorted(files, key=lambda p: (ddl_rank(p, dialect=dialect), natural_key(p.name)))


def _is_script(path: Path) -> bool:
    return path.name.lower().endswith((".sql", ".sql.gz"))


def _flyway_order(files: Sequence[tuple[Path, re.Match[str]]], callbacks: Sequence[tuple[Path, re.Match[str]]],
                  log: Callable[[str], None] | None) -> list[Path]:
    before = [p for p, m in callbacks if m.group("event") == "beforeMigrate"]
    after = [p for p, m in callbacks if m.group("event") == "afterMigrate"]
    for path, m in callbacks:
        if m.group("event") not in ("beforeMigrate", "afterMigrate") and log:
            log(f"{path}: Flyway callback {m.group('event')}, not applied")
    versioned: dict[tuple[int, ...], Path] = {}
    repeatable: list[Path] = []
    for path, m in files:
        prefix = m.group("prefix").upper()
        if prefix == "R":
            repeatable.append(path)
            continue
        if m.group("version") is None:
            raise InputError(f"{path}: a Flyway {prefix} migration needs a version ({prefix}1__name.sql)")
        if prefix == "U":
            if log:
                log(f"{path}: undo migration, not applied")
            continue
        version = tuple(int(x) for x in re.split(r"[._]", m.group("version")))
        while len(version) > 1 and version[-1] == 0:
            version = version[:-1]
        if version in versioned:
            raise InputError(f"{path}: Flyway version {m.group('version')} is also {versioned[version].name}; "
                             "each version must be unique")
        versioned[version] = path
    return [*before, *(versioned[v] for v in sorted(versioned)),
            *sorted(repeatable, key=lambda p: natural_key(p.name[3:])), *after]


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key comparing runs of digits as numbers: ``2_b.sql`` before ``10_a.sql``."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower())
                 for part in re.split(r"(\d+)", name) if part)


def ddl_rank(path: Path, *, dialect: str | SplitRules) -> int:
    """The kind of the file's first statement that is not a session setting (index into KIND_NAMES)."""
    try:
        scan = scan_sql(read_script(path), path, dialect=dialect)
    except (OSError, InputError, SplitError):
        return 4  # reading it for real reports the problem, with its line
    for item in scan.items:
        if isinstance(item, Statement):
            head = re.sub(r"/\*!\d*|\*/", " ", item.text).strip()
            if _SESSION.match(head):
                continue
            return next((rank for rank, rx in _RANKS if rx.match(head)), 4)
    return 4


# -- reading ---------------------------------------------------------------------------------------

def read_inputs(paths: Sequence[Path], *, dialect: str | SplitRules, defines: Mapping[str, str] | None = None,
                log: Callable[[str], None] | None = None) -> list[Statement]:
    """Every statement of ``paths`` (files, or folders in :func:`ordered_files` order), as given.

    ``dialect`` is the engine's :class:`SplitRules` or a pack dialect folder naming them (``postgres``).
    """
    rules = dialect if isinstance(dialect, SplitRules) else _rules_for(dialect)
    reader = _Reader(rules, dict(defines or {}), log or (lambda _m: None))
    for path in paths:
        if path.is_dir():
            files = ordered_files(path, dialect=rules, log=log)
            if not files:
                raise InputError(f"--sql {path}: the folder has no .sql files")
            included = _included(files, path, rules)
            for f in files:
                if f.resolve() in included:
                    reader.log(f"{f}: included by {included[f.resolve()]}, so not applied on its own")
                else:
                    reader.file(f, top=path, via=None)
        elif path.is_file():
            reader.file(path, top=path.parent, via=None)
        else:
            raise InputError(f"--sql {path}: no such file or folder")
    return reader.out


def _include_commands(rules: SplitRules) -> dict[str, bool]:
    """The client's include commands -> whether it resolves them against the including file first."""
    if rules.client_commands == "psql":
        return _PSQL_INCLUDE
    return dict.fromkeys(_SOURCE_INCLUDE, True) if rules.client_commands == "source" else {}


def _include_candidates(cmd: ClientCommand, top: Path, relative_first: bool) -> list[Path]:
    """Where the file an include names may be: beside the including file, or beside the top-level one."""
    target = Path(cmd.argument.strip().strip("'\""))
    if target.is_absolute():
        return [target]
    here, there = cmd.path.parent / target, top / target
    return [here, there] if relative_first else [there, here]


def _included(files: Sequence[Path], top: Path, rules: SplitRules) -> dict[Path, str]:
    """Files of a folder that another of its files includes: the including file is the entry point, so
    they run where it includes them and not a second time on their own."""
    commands = _include_commands(rules)
    out: dict[Path, str] = {}
    for f in files:
        try:
            items = scan_sql(read_script(f), f, dialect=rules).items
        except (OSError, InputError, SplitError):
            continue  # reading it for real reports the problem
        for cmd in items:
            if isinstance(cmd, ClientCommand) and cmd.name in commands and cmd.argument:
                for c in _include_candidates(cmd, top, commands[cmd.name]):
                    if c.is_file():
                        out.setdefault(c.resolve(), f.name)
                        break
    return out


class _Reader:
    def __init__(self, rules: SplitRules, defines: dict[str, str], log: Callable[[str], None]) -> None:
        self.rules = rules
        self.psql = rules.client_commands == "psql"
        self.dump_only = [re.compile(rx, re.IGNORECASE) for rx in rules.dump_only_statements]
        self.dropped = [re.compile(rx, re.IGNORECASE) for rx in rules.dropped_clauses]
        self.client_file = re.compile(rules.client_side_files, re.IGNORECASE) if rules.client_side_files else None
        self.defines = defines
        self.log = log
        self.out: list[Statement] = []
        self.reading: list[Path] = []
        self.variables: dict[str, str] = dict(defines)
        """psql variables: ``--define`` (``psql -v``), then ``\\set`` as the script runs."""
        self.database: str | None = None
        """The database a psql script ``\\connect``-ed to first: the one being loaded stands in for it."""
        self.fill = [(re.compile(r"\$\{" + re.escape(name) + r"\}"), value) for name, value in defines.items()]
        self.fill += [(re.compile(r"(?<![\w@$])@" + re.escape(name) + r"(?![\w$])"), value)
                      for name, value in defines.items() if re.fullmatch(r"[A-Za-z_]\w*", name)]

    def file(self, path: Path, *, top: Path, via: ClientCommand | None) -> None:
        key = path.resolve()
        if key in self.reading:
            assert via is not None
            chain = " -> ".join(p.name for p in [*self.reading, key])
            raise InputError(f"{via.where}: `{via.head}` includes a file already being read ({chain})")
        try:
            text = read_script(path)
        except OSError as exc:
            where = f"{via.where}: `{via.head}`: " if via else ""
            raise InputError(f"{where}cannot read {path}: {exc.strerror or exc}") from exc
        try:
            scan = scan_sql(text, path, dialect=self.rules)
        except SplitError as exc:
            raise InputError(str(exc)) from exc
        self._check_placeholders(scan, path)
        self.reading.append(key)
        try:
            targets = self._connect_targets(scan)
            for item in scan.items:
                if isinstance(item, ClientCommand):
                    self._command(item, top)
                elif (stmt := self._statement(item, targets, top)) is not None:
                    self.out.append(stmt)
        finally:
            self.reading.pop()

    # -- placeholders --
    def _check_placeholders(self, scan: Scan, path: Path) -> None:
        missing: dict[str, int] = {}
        for p in scan.placeholders:
            if p.name in self.defines or (p.token.startswith("@") and self.rules.at_variables):
                continue
            missing.setdefault(p.token, p.line)
        if missing:
            token, line = next(iter(missing.items()))
            names = [t.strip("${}@") for t in missing]
            more = f" (and {', '.join(list(missing)[1:])})" if len(missing) > 1 else ""
            raise InputError(f"{path}:{line}: placeholder {token}{more} has no value: pass "
                             + " ".join(f"--define {n}=VALUE" for n in names))

    def _filled(self, text: str) -> str:
        for rx, value in self.fill:
            text = rx.sub(lambda _m, v=value: v, text)  # type: ignore[misc]
        return text

    # -- statements --
    def _statement(self, stmt: Statement, targets: set[str], top: Path) -> Statement | None:
        text = self._filled(stmt.text)
        if self.psql and ":" in text:
            text = _PSQL_TEXT.sub(self._psql_variable, text)
        bare = _VERSIONED_START.sub("", text)
        if any(rx.match(bare) for rx in self.dump_only):
            return None
        if self.dropped and _CREATE_OR_ALTER.match(text):
            for rx in self.dropped:
                text = rx.sub("", text)
        if self.client_file and (m := self.client_file.match(text)):
            text = text[:m.start(1)] + self._local_file(stmt, m.group(1), top) + text[m.end(1):]
        if self.psql and targets and (m := _DATABASE_DDL.match(text)) and _unquote(m.group(1)) in targets:
            self.log(f"{stmt.where}: `{stmt.head}` left out: the database being loaded stands in for it")
            return None
        if text == stmt.text:
            return stmt
        return Statement(text, stmt.path, stmt.line, stmt.data)

    def _psql_variable(self, m: re.Match[str]) -> str:
        literal, identifier, plain = m.group(2), m.group(3), m.group(4)
        name = literal or identifier or plain
        if name is None or name not in self.variables:
            return m.group(0)
        value = self.variables[name]
        if literal:
            return "'" + value.replace("'", "''") + "'"
        if identifier:
            return '"' + value.replace('"', '""') + '"'
        return value

    def _local_file(self, stmt: Statement, quoted: str, top: Path) -> str:
        """``LOAD DATA LOCAL INFILE 'x.csv'``: the client reads x.csv, so find it the way includes are found."""
        name = re.sub(r"\\(.)", r"\1", quoted[1:-1].replace("''", "'"))
        target = Path(name)
        candidates = [target] if target.is_absolute() else [stmt.path.parent / target, top / target]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            looked = " and ".join(dict.fromkeys(str(c.parent.resolve()) for c in candidates))
            raise InputError(f"{stmt.where}: `{stmt.head}`: no such file {name} (looked in {looked}): restore "
                             "it, or give --sql the files to apply without this statement")
        return "'" + str(found.resolve()).replace("\\", "\\\\").replace("'", "''") + "'"

    # -- client commands --
    def _connect_targets(self, scan: Scan) -> set[str]:
        return {t for item in scan.items if isinstance(item, ClientCommand) and item.name in _PSQL_CONNECT
                and (t := _connect_database(item.argument))}

    def _command(self, cmd: ClientCommand, top: Path) -> None:
        if not self.psql:
            if cmd.name in _SOURCE_INCLUDE:
                self._include(cmd, top, relative_first=True)
                return
            known = "source and \\."
        elif cmd.name in _PSQL_SKIP:
            return
        elif cmd.name in _PSQL_SET:
            words = _psql_words(cmd.argument)
            if words and cmd.name == "\\unset":
                self.variables.pop(words[0], None)
            elif words:
                self.variables[words[0]] = "".join(words[1:])
            return
        elif cmd.name in _PSQL_INCLUDE:
            self._include(cmd, top, relative_first=_PSQL_INCLUDE[cmd.name])
            return
        elif cmd.name in _PSQL_CONNECT:
            target = _connect_database(cmd.argument)
            if target is None:
                raise InputError(f"{cmd.where}: `{cmd.head}`: name the database to connect to")
            if self.database is None:
                self.database = target
            if target != self.database:
                raise InputError(f"{cmd.where}: `{cmd.head}` switches to another database than {self.database}; "
                                 "dbintegrity loads one database: give each database's script its own run")
            return
        else:
            known = ("\\i, \\ir, \\set, \\unset, \\connect to the script's own database, and skips "
                     + ", ".join(sorted(_PSQL_SKIP)))
        raise InputError(f"{cmd.where}: client command {cmd.name} is not supported (dbintegrity sends SQL to the "
                         f"server; of the client's commands it follows {known}): remove it, or load that part "
                         "yourself")

    def _include(self, cmd: ClientCommand, top: Path, *, relative_first: bool) -> None:
        if not cmd.argument.strip().strip("'\""):
            raise InputError(f"{cmd.where}: `{cmd.name}` names no file")
        candidates = _include_candidates(cmd, top, relative_first)
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            looked = " and ".join(dict.fromkeys(str(c.parent.resolve()) for c in candidates))
            raise InputError(f"{cmd.where}: `{cmd.head}`: no such file (looked in {looked})"
                             f"{_missing_siblings(cmd, top, self.rules)}: restore it, or give --sql the files "
                             "to apply without this one")
        self.file(found, top=top, via=cmd)


def _missing_siblings(cmd: ClientCommand, top: Path, rules: SplitRules) -> str:
    """How many other includes of the same file are missing too, so that a copy lacking many files is told
    so at once instead of one file per run (Open Hospital's chain includes a hundred step files)."""
    commands = _include_commands(rules)
    try:
        items = scan_sql(read_script(cmd.path), cmd.path, dialect=rules).items
    except (OSError, InputError, SplitError):
        return ""
    missing = [c.argument.strip().strip("'\"") for c in items
               if isinstance(c, ClientCommand) and c.name in commands and c.argument.strip() and c.line != cmd.line
               and not any(p.is_file() for p in _include_candidates(c, top, commands[c.name]))]
    if not missing:
        return ""
    shown = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
    return f"; {len(missing)} more of its includes are missing too ({shown})"


def _psql_words(argument: str) -> list[str]:
    """A meta-command's arguments as psql splits them: ``'quoted'`` words lose their quotes."""
    return [w[1:-1].replace("''", "'") if w.startswith("'") else w
            for w in re.findall(r"'(?:[^']|'')*'|\S+", argument)]


def _connect_database(argument: str) -> str | None:
    """The database of a ``\\connect`` line: ``clinic``, ``"Clinic"``, ``-reuse-previous=on "dbname='x'"``."""
    words = [w for w in re.findall(r'"(?:[^"]|"")*"|\'[^\']*\'|\S+', argument) if not w.startswith("-")]
    if not words or words[0] == "-":
        return None
    word = _unquote(words[0])
    m = re.search(r"dbname\s*=\s*'?([^' ]+)'?", word)
    return m.group(1) if m else word


def _rules_for(folder: str) -> SplitRules:
    from dbintegrity.engines import split_rules  # the registry imports the splitter, which we import

    return split_rules(folder)


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        return name[1:-1].replace(name[0] * 2, name[0])
    return name
