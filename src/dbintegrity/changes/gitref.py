"""A pack as it was at a git ref, copied out of the user's own repository into a scratch folder.

``--changed-since`` and ``dbintegrity diff`` compare a pack at a ref with the working tree.  Copying the
pack's files at the ref into a folder lets every existing reader (contract, statement splitter,
``views.yml``) work on it unchanged, so the comparison reads both sides the way the gate reads packs.
The packs folder may sit anywhere in any git repository: paths are taken relative to its top level.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from dbintegrity.errors import ConfigError

GIT_TIMEOUT_S = 60


@dataclass(frozen=True)
class Ref:
    """A ref resolved in the repository that holds the packs folder."""

    name: str
    """As the user wrote it (``main``, ``HEAD~1``, ``origin/main``)."""
    commit: str
    root: Path
    """Top level of the repository."""
    packs: str
    """The packs folder relative to ``root``, in git's form (``sql``, ``db/packs``; ``.`` at the top)."""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.commit[:10]})"

    def pack_names(self) -> list[str]:
        """Folders directly under the packs folder at the ref (where its packs were)."""
        prefix = "" if self.packs == "." else f"{self.packs}/"
        out = _git(self.root, "ls-tree", "-d", "--name-only", self.commit, prefix or ".", what=self.name)
        return sorted(p.removeprefix(prefix) for p in out.splitlines() if p.strip()
                      and not p.removeprefix(prefix).startswith((".", "_")))

    def copy_pack(self, pack: str, dest: Path) -> Path | None:
        """The pack's files at the ref written under ``dest/pack``; None when the pack is not at the ref."""
        where = pack if self.packs == "." else f"{self.packs}/{pack}"
        listing = _git(self.root, "ls-tree", "-r", "-z", "--name-only", self.commit, "--", f"{where}/",
                       what=self.name)
        files = [f for f in listing.split("\0") if f]
        if not files:
            return None
        target = dest / pack
        for name in files:
            out = target / name.removeprefix(f"{where}/")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(_git_bytes(self.root, "show", f"{self.commit}:{name}", what=self.name))
        return target


def resolve(packs_dir: Path, ref: str) -> Ref:
    """Find the repository of ``packs_dir`` and the commit ``ref`` names, or one line saying what is wrong."""
    folder = packs_dir.resolve()
    if not folder.is_dir():
        raise ConfigError(f"--changed-since/diff: packs folder {packs_dir} does not exist")
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True,
                              text=True, timeout=GIT_TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise ConfigError("git is not installed: comparing with a ref needs the git command") from None
    if done.returncode != 0:
        raise ConfigError(f"packs folder {packs_dir} is not inside a git repository, so there is no {ref!r} to "
                          "compare with (run `git init` there, or point --packs at a folder in one)")
    root = Path(done.stdout.strip()).resolve()
    if not ref.strip() or ref.startswith("-"):
        raise ConfigError(f"{ref!r} is not a git ref: give a branch, tag or commit (e.g. main, HEAD~1)")
    check = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                           capture_output=True, text=True, timeout=GIT_TIMEOUT_S, check=False)
    if check.returncode != 0:
        raise ConfigError(f"unknown git ref {ref!r} in {root}: no branch, tag or commit of that name "
                          "(`git branch -a` lists branches; in CI fetch the base branch first, e.g. "
                          "`git fetch origin main` and use origin/main)")
    rel = folder.relative_to(root).as_posix() if folder != root else "."
    return Ref(ref, check.stdout.strip(), root, rel)


def _git_bytes(root: Path, *args: str, what: str) -> bytes:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=GIT_TIMEOUT_S, check=False)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise ConfigError(f"git {' '.join(args[:2])} at {what} in {root} failed: "
                          f"{message[-1] if message else 'exit ' + str(done.returncode)}")
    return done.stdout


def _git(root: Path, *args: str, what: str) -> str:
    return _git_bytes(root, *args, what=what).decode("utf-8", errors="replace")
