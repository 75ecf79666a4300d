"""No module outside ``engines/`` asks which engine it is talking to: engines describe themselves.

An AST scan of the package: a comparison (``==``, ``!=``, ``in``, ``not in``, ``match`` cases) with an
engine's name, one of its pack folders or its sqlglot dialect as a string literal, a literal dialect passed
to sqlglot (``read="postgres"``, ``dialect="mysql"``), or a hard-coded list of engine choices, fails here
with the file and line.  Adding an engine is then one folder plus its registry entry.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dbintegrity import engines

PACKAGE = Path(engines.__file__).resolve().parents[1]
ENGINES_DIR = PACKAGE / "engines"
NAMES = frozenset({s.name for s in engines.specs()} | {d for s in engines.specs() for d in s.dialect_dirs}
                  | {s.sqlglot_dialect for s in engines.specs()} | {"postgresql"})


def _literals(node: ast.AST) -> list[str]:
    """String constants at ``node`` itself or directly inside a tuple/list/set literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def leaks(source: str, path: str = "<test>") -> list[str]:
    """Every place in ``source`` that names an engine instead of asking it."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        named: list[str] = []
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                named += _literals(side)
        elif (isinstance(node, ast.keyword) and node.arg in ("read", "dialect", "write", "choices")) or \
                isinstance(node, ast.MatchValue):
            named += _literals(node.value)
        hits = sorted({n for n in named if n.lower() in NAMES})
        if hits:
            found.append(f"{path}:{getattr(node, 'lineno', '?')}: names engine {', '.join(hits)}")
    return found


def test_no_module_outside_engines_compares_an_engine_name():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ENGINES_DIR in path.parents:
            continue
        found += leaks(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))
    assert found == [], "ask the engine (its spec or capabilities) instead:\n" + "\n".join(found)


@pytest.mark.parametrize("source", [
    'if dialect == "mysql": pass',
    'x = "postgres" != engine.name',
    'if engine in ("mysql", "mariadb"): pass',
    'sqlglot.parse_one(text, read="postgres")',
    'p.add_argument("--engine", choices=("mysql", "postgres"))',
    'match name:\n    case "mariadb":\n        pass',
])
def test_the_scan_catches_each_form(source):
    assert leaks(source) != []


@pytest.mark.parametrize("source", [
    'if engine.capabilities.row_level_security: pass',
    'tree.sql(dialect=NEUTRAL)',
    'log("mysql: ready")',  # a message is not a comparison
])
def test_the_scan_leaves_engine_neutral_code_alone(source):
    assert leaks(source) == []
