"""The gate's summary as Markdown, appended to ``$GITHUB_STEP_SUMMARY`` when GitHub Actions sets it.

A pull request's reviewers read the job's summary page, not its log: the same per-engine, per-pack table
the console shows, the failing tests, and why tests were skipped.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
OUTCOMES = ("passed", "failed", "error", "skipped")
MAX_LISTED = 30
"""Failures and skip reasons listed before "... and N more" (a summary page is read, not searched)."""


def markdown(counts: dict[tuple[str, str], Counter[str]], failures: Iterable[str],
             skip_reasons: Counter[tuple[str, str]], notes: Iterable[str] = ()) -> str:
    """The summary: what was selected (``notes``: ``--changed-since``), a table of outcomes per engine and
    pack with its verdict, then failures, then skips."""
    failed = list(failures)
    total_bad = sum(c["failed"] + c["error"] for c in counts.values())
    head = "FAIL" if total_bad else "ok" if any(c["passed"] for c in counts.values()) else "no verdict"
    lines = [f"### dbintegrity check: {head}", ""]
    said = [_cell(n) for n in notes]
    if said:
        lines += [f"- {n}" for n in said] + [""]
    if not counts:
        return "\n".join(lines).rstrip("\n") + "\n"
    lines += ["| engine | pack | " + " | ".join(OUTCOMES) + " | verdict |",
              "|---|---|" + "---:|" * len(OUTCOMES) + "---|"]
    for (engine, pack), c in sorted(counts.items()):
        verdict = "FAIL" if c["failed"] + c["error"] else "ok" if c["passed"] else "none"
        lines.append(f"| {_cell(engine)} | {_cell(pack)} | " + " | ".join(str(c[o]) for o in OUTCOMES)
                     + f" | {verdict} |")
    if failed:
        lines += ["", f"**Failed ({len(failed)})**", ""]
        lines += [f"- `{_code(f)}`" for f in failed[:MAX_LISTED]]
        if len(failed) > MAX_LISTED:
            lines.append(f"- ... and {len(failed) - MAX_LISTED} more (see the job's log)")
    if skip_reasons:
        lines += ["", "<details><summary>Skipped, and why</summary>", ""]
        ranked = sorted(skip_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        lines += [f"- {n} x {_cell(kind)}: {_cell(reason)}" for (kind, reason), n in ranked[:MAX_LISTED]]
        if len(ranked) > MAX_LISTED:
            lines.append(f"- ... and {len(ranked) - MAX_LISTED} more reasons")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def append_step_summary(counts: dict[tuple[str, str], Counter[str]], failures: Iterable[str],
                        skip_reasons: Counter[tuple[str, str]], notes: Iterable[str] = ()) -> Path | None:
    """Append :func:`markdown` to the file ``$GITHUB_STEP_SUMMARY`` names; None when it is not set.

    A summary that cannot be written is said on stderr and does not change the gate's verdict.
    """
    target = os.environ.get(STEP_SUMMARY_ENV, "").strip()
    notes = list(notes)
    if not target or not (counts or notes):
        return None
    path = Path(target)
    try:
        with path.open("a", encoding="utf-8") as out:
            out.write(markdown(counts, failures, skip_reasons, notes) + "\n")
    except OSError as exc:
        import sys

        print(f"dbintegrity check: could not append the summary to {STEP_SUMMARY_ENV}={target}: {exc}",
              file=sys.stderr)
        return None
    return path


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell or list item (pipes and line breaks would break the table)."""
    return " ".join(text.replace("|", "\\|").split())


def _code(text: str) -> str:
    return text.replace("`", "'")
