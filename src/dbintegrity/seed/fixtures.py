"""Realistic values: reference CSV files and seeded pools of Faker values, both from the ``fixtures/`` folder.

Calling Faker once per row is what limits naive seeders to a few thousand rows a second.  Here each Faker
method a profile names is called a fixed number of times per run (a *pool*, seeded by the run's seed and
the method's name, so adding a provider never changes another's values); rows then pick from pools with
numpy.  Reference data (ICD-10 and CPT codes, LOINC tests, medications, cities...) lives in
``fixtures/reference/<name>.csv``; a row draws one line of a file and takes several fields of it, so a
test's name, code, unit and reference range always belong together.

``fixtures/providers/*.py`` may add Faker providers: every ``Provider`` class there is added to the Faker
instance, under its ``__provider__`` name (``hospital.history_present_illness``).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from dbintegrity.seed.errors import ProfileError
from dbintegrity.seed.vec import Array, Vec, of

_INT = re.compile(r"-?(?:0|[1-9]\d*)")
_FLOAT = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def derive_seed(seed: int, *names: object) -> int:
    """A 64-bit seed for one named stream of the run: stable across processes (no ``hash()``)."""
    digest = hashlib.sha256(":".join(map(str, (seed, *names))).encode()).digest()
    return int.from_bytes(digest[:8], "little")


@dataclass(frozen=True)
class RefTable:
    """One reference file: typed columns, and the relative weight of each line (``weight`` column, else equal)."""

    name: str
    path: Path
    columns: dict[str, Vec]
    weights: Array

    @property
    def n(self) -> int:
        return len(self.weights)


def read_reference(name: str, path: Path) -> RefTable:
    """Read ``path``; lines starting with ``#`` are comments.  A column whose every value is a canonical
    integer is an int column (so ``021`` stays text), numbers are floats, anything else text; empty is NULL."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(line for line in fh if not line.lstrip().startswith("#") and line.strip()))
    if len(rows) < 2:
        raise ProfileError(f"{path}: a reference file needs a header line and at least one row")
    header, body = rows[0], rows[1:]
    for i, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ProfileError(f"{path}: data row {i - 1} has {len(row)} fields, the header has {len(header)}")
    columns: dict[str, Vec] = {}
    for j, col in enumerate(header):
        values = [row[j].strip() for row in body]
        columns[col.strip()] = _typed(values)
    weights = np.ones(len(body))
    if "weight" in columns:
        w = columns["weight"]
        if w.kind not in ("int", "float") or w.has_nulls() or (w.data < 0).any() or w.data.sum() <= 0:
            raise ProfileError(f"{path}: the weight column must hold non-negative numbers, not all zero")
        weights = w.data.astype(np.float64)
    return RefTable(name, path, columns, weights / weights.sum())


def _typed(values: list[str]) -> Vec:
    present = [v for v in values if v != ""]
    null = np.array([v == "" for v in values])
    if present and all(_INT.fullmatch(v) for v in present):
        return of("int", [int(v) if v else 0 for v in values], null)
    if present and all(_FLOAT.fullmatch(v) for v in present):
        return of("float", [float(v) if v else 0.0 for v in values], null)
    return of("str", np.array(values, dtype=object), null)


_POOLS: dict[tuple[str, str, int, str, int], Array] = {}
"""Pools already drawn in this process: the same (folder, locale, seed, method, size) gives the same values,
so later runs (tests, ``report`` after ``seed``) reuse them instead of calling Faker again."""
_FAKERS: dict[tuple[str, str], Any] = {}


class Fixtures:
    """The ``fixtures/`` folder of a run: reference tables (read once) and Faker pools (drawn once)."""

    def __init__(self, root: Path, *, locale: str, seed: int) -> None:
        self.root = root
        self.locale = locale
        self.seed = seed
        self._refs: dict[str, RefTable] = {}
        self._pools: dict[tuple[str, int], Array] = {}
        self.pool_seconds = 0.0

    @property
    def reference_dir(self) -> Path:
        return self.root / "reference"

    @cached_property
    def reference_names(self) -> list[str]:
        folder = self.reference_dir
        return sorted(p.stem for p in folder.glob("*.csv")) if folder.is_dir() else []

    def has_ref(self, name: str) -> bool:
        return name in self.reference_names

    def ref(self, name: str) -> RefTable:
        if name not in self._refs:
            if not self.has_ref(name):
                raise ProfileError(f"no reference file {self.reference_dir / (name + '.csv')} "
                                   f"(there: {', '.join(self.reference_names) or 'none'})")
            self._refs[name] = read_reference(name, self.reference_dir / f"{name}.csv")
        return self._refs[name]

    @cached_property
    def faker(self) -> Any:
        """A Faker for the profile's locale with the fixture providers added (not seeded: pools seed it)."""
        key = (str(self.root), self.locale)
        if key not in _FAKERS:
            _FAKERS[key] = self._new_faker()
        return _FAKERS[key]

    def _new_faker(self) -> Any:
        from faker import Faker

        fake = Faker(self.locale)
        folder = self.root / "providers"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            spec = importlib.util.spec_from_file_location(f"dbintegrity_fixture_providers_{path.stem}", path)
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except Exception as exc:
                raise ProfileError(f"{path}: cannot load the Faker provider: {type(exc).__name__}: {exc}") from None
            provider = getattr(module, "Provider", None)
            if provider is None:
                raise ProfileError(f"{path}: defines no class named Provider (a faker.providers.BaseProvider)")
            fake.add_provider(provider)
        return fake

    @cached_property
    def faker_providers(self) -> set[str]:
        """Names usable before the dot in ``faker: person.first_name``."""
        return {str(getattr(p, "__provider__", "")).rsplit(".", 1)[-1] for p in self.faker.providers}

    def check_faker(self, name: str) -> str | None:
        """Why ``provider.method`` is not a Faker method we can pool, or None when it is."""
        provider, _, method = name.rpartition(".")
        if not provider:
            return f"{name!r} has no provider part; write e.g. person.first_name"
        if provider not in self.faker_providers:
            return (f"Faker has no provider {provider!r} (known: {', '.join(sorted(self.faker_providers))}; "
                    f"add one in {self.root / 'providers'})")
        if not callable(getattr(self.faker, method, None)):
            return f"Faker provider {provider!r} has no method {method!r}"
        return None

    def pool(self, name: str, size: int) -> Array:
        """``size`` values of the Faker method ``name`` for this run's seed, as an object array of text."""
        key = (name, size)
        if key not in self._pools:
            shared = (str(self.root), self.locale, self.seed, name, size)
            if shared not in _POOLS:
                import time

                started = time.perf_counter()
                fake = self.faker
                fake.seed_instance(derive_seed(self.seed, "faker", name, size))
                method = getattr(fake, name.rpartition(".")[2])
                values = [method() for _ in range(size)]
                if len(_POOLS) > 512:
                    _POOLS.clear()
                _POOLS[shared] = np.array([v if isinstance(v, str) else str(v) for v in values], dtype=object)
                self.pool_seconds += time.perf_counter() - started
            self._pools[key] = _POOLS[shared]
        return self._pools[key]
