"""``dbintegrity snapshot``: load a pack on a disposable engine and write its contract from what is there.

The result is meant to be *reviewed*: it states what the schema does today, and the gate then holds
every later change to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dbintegrity import contract
from dbintegrity.config import Config
from dbintegrity.runtime import Runtime


def snapshot(cfg: Config, *, pack: str, engine: str, out: Path | None) -> int:
    runtime = Runtime(cfg, log=lambda m: print(m, file=sys.stderr))
    try:
        live = runtime.live_schema(engine, pack)
    finally:
        runtime.close()
    text = contract.dump(live, pack, engine)
    if out is not None and str(out) == "-":
        sys.stdout.write(text)
        return 0
    target = out or runtime.pack(pack).contract_path
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({len(live.tables)} tables); review the diff before committing it", file=sys.stderr)
    return 0
