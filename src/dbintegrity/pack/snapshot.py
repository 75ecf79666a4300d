"""``dbintegrity snapshot``: load a pack on a disposable engine and write its contract from what is there.

The result is meant to be *reviewed*: it states what the schema does today, and the gate then holds
every later change to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.pack import contract
from dbintegrity.pack.model import Schema
from dbintegrity.servers.runtime import Runtime


def snapshot(cfg: Config, *, pack: str, engine: str, out: Path | None) -> int:
    runtime = Runtime(cfg, log=lambda m: print(m, file=sys.stderr))
    try:
        live = runtime.live_schema(engine, pack)
    finally:
        runtime.close()
    path = runtime.pack(pack).contract_path
    if path.is_file():
        keep_exclusion_triggers(live, contract.load(path))
    text = contract.dump(live, pack, engine)
    if out is not None and str(out) == "-":
        sys.stdout.write(text)
        return 0
    target = out or runtime.pack(pack).contract_path
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({len(live.tables)} tables); review the diff before committing it", file=sys.stderr)
    return 0


def keep_exclusion_triggers(live: Schema, previous: Schema) -> None:
    """Carry the ``triggers:`` the reviewed contract names for each exclusion into the new snapshot.

    No engine says which triggers enforce an exclusion where it has no exclusion constraints (MySQL), so a
    snapshot keeps what the contract said: an exclusion the engine has gets its triggers back, and on an
    engine that has the triggers instead, they are folded back into the exclusion rather than listed as
    triggers of their own.  So both dialects snapshot to the same text."""
    for name, table in live.tables.items():
        before = previous.tables.get(name)
        for ex in before.exclusions if before else []:
            if not ex.triggers:
                continue
            if ex in table.exclusions:
                table.exclusions = [ex if have == ex else have for have in table.exclusions]
            elif all(any(tr.name == n for tr in table.triggers) for n in ex.triggers):
                table.triggers = [tr for tr in table.triggers if tr.name not in ex.triggers]
                table.exclusions.append(ex)
