"""A scratch git repository holding the fixture pack ``changes_tiny``, for the --changed-since and diff tests.

Not collected (no ``test_`` prefix): the tests of ``changes`` and ``behaviour_diff`` import it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PACK = "changes_tiny"
SOURCE = Path(__file__).resolve().parents[2] / "fixtures" / "packs" / PACK


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
                          capture_output=True, text=True, check=True)
    return done.stdout


def make_repo(tmp_path: Path) -> Path:
    """``tmp_path/repo`` with the pack under ``db/packs/`` (not at the top: any layout works), committed;
    returns the packs folder."""
    root = tmp_path / "repo"
    packs = root / "db" / "packs"
    shutil.copytree(SOURCE, packs / PACK)
    git(root.parent, "init", "-q", str(root))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return packs


def edit(packs: Path, rel: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the pack's file ``rel`` (which must contain it)."""
    path = packs / PACK / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{rel} has no {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")
