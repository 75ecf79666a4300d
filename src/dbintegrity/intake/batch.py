"""Read a folder of CSV files and judge every row against the pack's contract, before anything is written.

Each ``<table>.csv`` maps to the contract table of that name (letter case ignored).  A file-level problem
(not decodable in the declared encoding, empty, a header naming a column the table does not have, a
required column missing, a file for no table) is a :class:`FileError`: one line naming the file and line,
and nothing is loaded.  A bad row is a :class:`Problem` per offending field, shown as
``file:line: column: value: reason``; the row is then left out of the batch (and, without ``--rejects``,
the whole load is refused).

What is judged, in this order, per row: the number of fields; per field, NULL in a NOT NULL column, and the
column's type (:mod:`dbintegrity.intake.values`); then the table's CHECKs, evaluated in Python by
:mod:`dbintegrity.probes.evaluate` on the row as the engine will store it (defaults filled in); then primary and
unique keys, within the file and against the rows already in the database; then foreign keys, against the
good rows of the batch and the rows already in the database.  Tables are judged parents first, so a child
row whose parent row was refused is refused too, saying so.  A CHECK the evaluator cannot decide faithfully
is listed in :attr:`Batch.unchecked` and left to the engine while loading (a refusal there rolls the whole
load back).
"""

from __future__ import annotations

import csv
import graphlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dbintegrity.errors import DbIntegrityError
from dbintegrity.intake.values import BadValue, DateFormat, Parsed, parser_for
from dbintegrity.pack.model import Column, ForeignKey, Schema, Table
from dbintegrity.probes.evaluate import Expr, Unsupported, compile_expr
from dbintegrity.probes.synthesis import as_stored
from dbintegrity.seed.encode import NULL
from dbintegrity.sqltext.regex import RegexUnsupported

Key = tuple[object, ...]
Existing = Callable[[str, tuple[str, ...]], set[Key]]
"""``(table, columns) -> the value tuples already in the database`` (empty for a table that is not there)."""
_CACHE = 200_000


class FileError(DbIntegrityError):
    """A CSV file that cannot be read as a whole (one line naming the file and line)."""


@dataclass(frozen=True)
class Problem:
    """One bad field (or row) of one CSV file."""

    file: Path
    line: int
    column: str
    value: str
    reason: str
    record: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.value!r}: {self.reason}"


@dataclass
class TableBatch:
    """The rows of one CSV file: the load text of the good ones, the problems of the bad ones."""

    table: str
    path: Path
    columns: list[str]
    rows: int = 0
    """Records in the file (header excluded)."""
    good: list[str] = field(default_factory=list)
    """Load text of every good row (tab-separated, ``\\N`` for NULL), in file order."""
    problems: list[Problem] = field(default_factory=list)
    bad_lines: set[int] = field(default_factory=set)
    keys: dict[tuple[str, ...], dict[Key, int]] = field(default_factory=dict)
    """Per primary or unique key of the table: value tuple -> line, of the good rows."""
    refused_keys: dict[tuple[str, ...], dict[Key, int]] = field(default_factory=dict)
    """The same for rows refused after their fields were read (a CHECK, a key, a foreign key)."""

    @property
    def rejected(self) -> int:
        return len(self.bad_lines)


@dataclass
class Batch:
    """Every table's rows, parents first."""

    tables: list[TableBatch]
    unchecked: list[str] = field(default_factory=list)
    """CHECKs not evaluated in Python (why), left to the engine."""

    @property
    def problems(self) -> list[Problem]:
        return [p for t in self.tables for p in t.problems]

    @property
    def rejected(self) -> int:
        return sum(t.rejected for t in self.tables)

    @property
    def good_rows(self) -> int:
        return sum(len(t.good) for t in self.tables)


def discover(folder: Path, schema: Schema) -> dict[str, Path]:
    """Table -> its CSV file in ``folder``; a CSV for no table of the pack is a FileError."""
    if not folder.is_dir():
        raise FileError(f"--csv {folder}: not a folder")
    by_name = {t.lower(): t for t in schema.tables}
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv" or not path.is_file():
            continue
        table = by_name.get(path.stem.lower())
        if table is None:
            raise FileError(f"{path}: no table {path.stem!r} in the pack (tables: {', '.join(sorted(schema.tables))}); "
                            "name each file after its table")
        found[table] = path
    if not found:
        raise FileError(f"--csv {folder}: no .csv files (one per table, named after it: "
                        f"{', '.join(f'{t}.csv' for t in sorted(schema.tables))})")
    return found


def parents_first(schema: Schema, tables: list[str]) -> list[str]:
    """The tables ordered so each comes after the tables it references (self-references aside)."""
    graph = {t: {fk.ref_table for fk in schema.tables[t].foreign_keys if fk.ref_table in tables and fk.ref_table != t}
             for t in sorted(tables)}
    try:
        return list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        raise FileError(f"the CSV files' tables reference each other in a cycle ({' -> '.join(exc.args[1])}): "
                        "load them in two runs") from None


def judge(schema: Schema, files: dict[str, Path], *, dates: DateFormat, column_dates: dict[str, DateFormat],
          existing: Existing, encoding: str = "utf-8", fold_case: bool = False) -> Batch:
    """Read and judge every file (see the module docstring).  ``column_dates``: ``table.column`` -> its format.
    ``fold_case``: the engine compares text keys without letter case (MySQL's default collation)."""
    batch = Batch([])
    done: dict[str, TableBatch] = {}
    for table in parents_first(schema, list(files)):
        tb = _Judge(schema.tables[table], files[table], dates, column_dates, existing, encoding, fold_case,
                    batch.unchecked).run(done)
        done[table] = tb
        batch.tables.append(tb)
    return batch


@dataclass(frozen=True)
class _Parents:
    """What a foreign key may point at: rows in the database, good and refused rows of the parent's file."""

    in_db: set[Key]
    in_batch: dict[Key, int]
    refused: dict[Key, int]
    file: str


class _Judge:
    """One file, one table."""

    def __init__(self, table: Table, path: Path, dates: DateFormat, column_dates: dict[str, DateFormat],
                 existing: Existing, encoding: str, fold_case: bool, unchecked: list[str]) -> None:
        self.table, self.path, self.existing, self.fold = table, path, existing, fold_case
        self.dates = dates
        self.column_dates = column_dates
        self.encoding = encoding
        self.unchecked = unchecked

    def run(self, done: dict[str, TableBatch]) -> TableBatch:
        text = self._decode()
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise FileError(f"{self.path}:1: the header is not CSV: {exc}") from None
        if header is None or not any(h.strip() for h in header):
            raise FileError(f"{self.path}:1: empty file: the first line must name the columns of table "
                            f"{self.table.name} ({', '.join(self.table.columns)})")
        columns = self._columns(header)
        tb = TableBatch(self.table.name, self.path, columns)
        specs = [self.table.columns[c] for c in columns]
        parsers = [parser_for(c, self.column_dates.get(f"{self.table.name}.{c.name}", self.dates)) for c in specs]
        checks = self._checks()
        keys = self._keys(columns)
        tb.keys = {k: {} for k in keys}
        in_db = {k: {self._fold(v) for v in self.existing(self.table.name, k)} for k in keys}
        fks = [(fk, self._parent_keys(fk, done)) for fk in self.table.foreign_keys
               if all(c in columns for c in fk.columns) and fk.ref_table != self.table.name]
        self_fks = [fk for fk in self.table.foreign_keys if fk.ref_table == self.table.name
                    and all(c in columns for c in fk.columns)]
        deferred: list[tuple[int, tuple[str, ...], dict[str, object], str]] = []
        for line, record in self._records(reader, tb):
            tb.rows += 1
            row, texts = self._fields(line, record, columns, specs, parsers, tb)
            if row is None:
                continue
            if not (self._check_row(line, record, row, checks, tb) and self._keys_ok(line, record, row, keys, in_db, tb)
                    and self._fks_ok(line, record, row, fks, tb)):
                self._remember_refused(line, row, keys, tb)
                continue
            if self_fks:
                deferred.append((line, record, row, "\t".join(texts)))
                continue
            self._accept(line, row, keys, texts, tb)
        if self_fks:
            self._self_references(deferred, self_fks, keys, tb)
        return tb

    # -- the file ------------------------------------------------------------------------------
    def _decode(self) -> str:
        data = self.path.read_bytes()
        codec = "utf-8-sig" if self.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else self.encoding
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise FileError(f"{self.path}:{line}: byte {data[exc.start:exc.start + 1]!r} at offset {exc.start} is "
                            f"not {self.encoding}; convert the file or pass --encoding (e.g. cp1252, latin-1)") from None
        except LookupError:
            raise FileError(f"--encoding {self.encoding}: no such encoding") from None

    def _columns(self, header: list[str]) -> list[str]:
        by_name = {c.lower(): c for c in self.table.columns}
        out: list[str] = []
        for raw in header:
            name = raw.strip()
            col = by_name.get(name.lower())
            if col is None:
                raise FileError(f"{self.path}:1: column {name!r} is not a column of table {self.table.name} "
                                f"(columns: {', '.join(self.table.columns)}); remove it or rename it")
            if col in out:
                raise FileError(f"{self.path}:1: column {name!r} appears twice in the header")
            spec = self.table.columns[col]
            if not spec.writable:
                raise FileError(f"{self.path}:1: column {name!r} is computed by the database "
                                f"({'generated' if spec.generated else 'identity'}); remove it from the file")
            out.append(col)
        missing = [c.name for c in self.table.columns.values() if c.name not in out and not c.nullable
                   and c.default is None and not c.engine_filled and c.generated is None]
        if missing:
            raise FileError(f"{self.path}:1: missing column(s) {', '.join(missing)} of table {self.table.name} "
                            "(NOT NULL without a default): add them to the header")
        return out

    def _records(self, reader: Iterator[list[str]], tb: TableBatch) -> Iterator[tuple[int, tuple[str, ...]]]:
        line = 1
        while True:
            start = line + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileError(f"{self.path}:{start}: not CSV: {exc}") from None
            line = reader.line_num  # type: ignore[attr-defined]
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # a blank line
            yield start, tuple(record)

    # -- one row -------------------------------------------------------------------------------
    def _bad(self, tb: TableBatch, line: int, record: tuple[str, ...], column: str, value: str, reason: str) -> None:
        tb.problems.append(Problem(self.path, line, column, value, reason, record))
        tb.bad_lines.add(line)

    def _fields(self, line: int, record: tuple[str, ...], columns: list[str], specs: list[Column],
                parsers: list[Callable[[str], Parsed]], tb: TableBatch) -> tuple[dict[str, object] | None, list[str]]:
        if len(record) != len(columns):
            self._bad(tb, line, record, "-", ",".join(record)[:60],
                      f"{len(record)} fields, the header names {len(columns)}")
            return None, []
        row: dict[str, object] = {}
        texts: list[str] = []
        ok = True
        for value, col, parse in zip(record, specs, parsers, strict=True):
            if value == "":
                if not col.nullable and not col.engine_filled:
                    self._bad(tb, line, record, col.name, value, "empty, but the column is NOT NULL")
                    ok = False
                row[col.name] = None
                texts.append(NULL)
                continue
            try:
                typed, text = parse(value)
            except BadValue as exc:
                self._bad(tb, line, record, col.name, value, str(exc))
                ok = False
                continue
            row[col.name] = typed
            texts.append(text)
        return (row if ok else None), texts

    @property
    def _spelled(self) -> dict[str, str]:
        """The table's column names by their lower-case form, as the evaluator names them."""
        return {c.lower(): c for c in self.table.columns}

    def _checks(self) -> list[tuple[Expr, dict[Key, bool]]]:
        out: list[tuple[Expr, dict[Key, bool]]] = []
        for check in self.table.checks:
            try:
                out.append((compile_expr(check.expression), {}))
            except (Unsupported, RegexUnsupported) as exc:
                self.unchecked.append(f"{self.table.name}: CHECK ({check.expression}): {exc}")
        return out

    def _check_row(self, line: int, record: tuple[str, ...], row: dict[str, object],
                   checks: list[tuple[Expr, dict[Key, bool]]], tb: TableBatch) -> bool:
        if not checks:
            return True
        try:
            stored = as_stored(self.table, row)
        except (Unsupported, RegexUnsupported):
            stored = row
        ok = True
        by_lower = {str(k).lower(): v for k, v in stored.items()}  # the evaluator names columns in lower case
        for expr, cache in checks:
            args = tuple(by_lower.get(c) for c in expr.columns)
            verdict = cache.get(args)
            if verdict is None:
                try:
                    verdict = expr.check_passes(dict(zip(expr.columns, args, strict=True)))
                except (Unsupported, RegexUnsupported):
                    verdict = True  # the engine decides while loading
                if len(cache) >= _CACHE:
                    cache.clear()
                cache[args] = verdict
            if not verdict:
                shown = ", ".join("NULL" if a is None else str(a) for a in args)
                named = ",".join(self._spelled.get(c, c) for c in expr.columns)
                self._bad(tb, line, record, named, shown, f"breaks CHECK ({expr.text})")
                ok = False
        return ok

    def _keys(self, columns: list[str]) -> list[tuple[str, ...]]:
        keys = [tuple(self.table.primary_key)] if self.table.primary_key else []
        keys += [u for u in self.table.uniques if u not in keys]
        return [k for k in keys if all(c in columns for c in k)]

    def _fold(self, key: Key) -> Key:
        return tuple(v.lower() if isinstance(v, str) else v for v in key) if self.fold else key

    def _keys_ok(self, line: int, record: tuple[str, ...], row: dict[str, object], keys: list[tuple[str, ...]],
                 in_db: dict[tuple[str, ...], set[Key]], tb: TableBatch) -> bool:
        ok = True
        for key in keys:
            value = tuple(row[c] for c in key)
            if any(v is None for v in value):
                continue
            folded = self._fold(value)
            shown = ", ".join(map(str, value))
            if folded in tb.keys[key]:
                self._bad(tb, line, record, ",".join(key), shown,
                          f"duplicate key ({', '.join(key)}): also on line {tb.keys[key][folded]}")
                ok = False
            elif folded in in_db[key]:
                self._bad(tb, line, record, ",".join(key), shown,
                          f"duplicate key ({', '.join(key)}): already in table {self.table.name}")
                ok = False
        return ok

    def _parent_keys(self, fk: ForeignKey, done: dict[str, TableBatch]) -> _Parents:
        in_db = {self._fold(v) for v in self.existing(fk.ref_table, fk.ref_columns)}
        parent = done.get(fk.ref_table)
        in_batch: dict[Key, int] = {}
        if parent is not None:
            in_batch = dict(parent.keys.get(fk.ref_columns, {}))
            if not in_batch and fk.ref_columns not in parent.keys:
                raise FileError(f"{parent.path}:1: table {fk.ref_table} is referenced by {self.table.name} through "
                                f"({', '.join(fk.ref_columns)}), which the file does not have")
        refused = dict(parent.refused_keys.get(fk.ref_columns, {})) if parent is not None else {}
        return _Parents(in_db, in_batch, refused, parent.path.name if parent is not None else "")

    def _fks_ok(self, line: int, record: tuple[str, ...], row: dict[str, object],
                fks: list[tuple[ForeignKey, _Parents]], tb: TableBatch) -> bool:
        ok = True
        for fk, parents in fks:
            value = tuple(row[c] for c in fk.columns)
            if any(v is None for v in value):
                continue
            folded = self._fold(value)
            if folded in parents.in_db or folded in parents.in_batch:
                continue
            shown = ", ".join(map(str, value))
            where = f"the database or {parents.file}" if parents.file else "the database"
            refused = parents.refused.get(folded)
            reason = (f"its {fk.ref_table} row ({parents.file}:{refused}) was refused" if refused is not None else
                      f"no {fk.ref_table} row with ({', '.join(fk.ref_columns)}) = ({shown}) in {where}")
            self._bad(tb, line, record, ",".join(fk.columns), shown, reason)
            ok = False
        return ok

    def _remember_refused(self, line: int, row: dict[str, object], keys: list[tuple[str, ...]],
                          tb: TableBatch) -> None:
        for key in keys:
            value = tuple(row[c] for c in key)
            if all(v is not None for v in value):
                tb.refused_keys.setdefault(key, {}).setdefault(self._fold(value), line)

    def _accept(self, line: int, row: dict[str, object], keys: list[tuple[str, ...]], texts: list[str],
                tb: TableBatch) -> None:
        for key in keys:
            value = tuple(row[c] for c in key)
            if all(v is not None for v in value):
                tb.keys[key][self._fold(value)] = line
        tb.good.append("\t".join(texts))

    def _self_references(self, deferred: list[tuple[int, tuple[str, ...], dict[str, object], str]],
                         fks: list[ForeignKey], keys: list[tuple[str, ...]], tb: TableBatch) -> None:
        """Rows referencing their own table: judged once every row of the file is known."""
        candidates: dict[tuple[str, ...], set[Key]] = {}
        for fk in fks:
            known = {self._fold(v) for v in self.existing(self.table.name, fk.ref_columns)}
            known |= {self._fold(tuple(r[c] for c in fk.ref_columns)) for _l, _r, r, _t in deferred}
            candidates[fk.columns] = known
        for line, record, row, text in deferred:
            ok = True
            for fk in fks:
                value = tuple(row[c] for c in fk.columns)
                if any(v is None for v in value) or self._fold(value) in candidates[fk.columns]:
                    continue
                shown = ", ".join(map(str, value))
                self._bad(tb, line, record, ",".join(fk.columns), shown,
                          f"no {self.table.name} row with ({', '.join(fk.ref_columns)}) = ({shown})")
                ok = False
            if ok:
                self._accept(line, row, keys, text.split("\t"), tb)
