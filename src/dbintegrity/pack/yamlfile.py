"""Reading the pack's YAML files (contract, privileges, session, seed profile, expectations, mutants) with one
kind of error: ``path:line: not valid YAML: what``, raised as the caller's own one-line error class."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dbintegrity.errors import DbIntegrityError


def yaml_error(path: Path, exc: yaml.YAMLError, error: type[DbIntegrityError]) -> DbIntegrityError:
    """The one-line error for a file the YAML parser refused, naming the line where it could."""
    mark = getattr(exc, "problem_mark", None)
    line = f":{mark.line + 1}" if mark is not None else ""
    return error(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}")


def read_yaml(path: Path, error: type[DbIntegrityError]) -> Any:
    """The file's data (``{}`` for an empty file); unreadable or invalid YAML raises ``error`` in one line."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise error(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc, error) from None
