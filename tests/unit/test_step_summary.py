"""``dbintegrity check`` appends its summary as Markdown to $GITHUB_STEP_SUMMARY when that is set."""

from __future__ import annotations

from collections import Counter

from dbintegrity.runner.step_summary import STEP_SUMMARY_ENV, append_step_summary, markdown

COUNTS = {("postgres", "clinic"): Counter(passed=5, failed=1, skipped=2), ("mysql", "clinic"): Counter(passed=6)}


def test_markdown_table_failures_and_skips():
    text = markdown(COUNTS, ["gate/test_x.py::test_check[postgres-a|b]"], Counter({("check", "cannot probe: x"): 2}))
    assert text.startswith("### dbintegrity check: FAIL\n")
    assert "| mysql | clinic | 6 | 0 | 0 | 0 | ok |" in text
    assert "| postgres | clinic | 5 | 1 | 0 | 2 | FAIL |" in text
    assert "- `gate/test_x.py::test_check[postgres-a|b]`" in text
    assert "- 2 x check: cannot probe: x" in text


def test_appended_only_when_the_variable_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv(STEP_SUMMARY_ENV, raising=False)
    assert append_step_summary(COUNTS, [], Counter()) is None
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv(STEP_SUMMARY_ENV, str(target))
    assert append_step_summary(COUNTS, [], Counter()) == target
    text = target.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### dbintegrity check: FAIL")


def test_what_changed_since_leads_the_summary(tmp_path, monkeypatch):
    notes = ["pack clinic: changed since main (abc): vitals (contract.yml)", "  left out, unchanged since main: 9 column"]
    text = markdown(COUNTS, [], Counter(), notes)
    assert text.index("- pack clinic: changed since main (abc): vitals (contract.yml)") < text.index("| engine |")
    target = tmp_path / "summary.md"
    monkeypatch.setenv(STEP_SUMMARY_ENV, str(target))
    assert append_step_summary({}, [], Counter(), ["nothing the gate reads changed since main"]) == target
    assert target.read_text(encoding="utf-8") == ("### dbintegrity check: no verdict\n\n"
                                                  "- nothing the gate reads changed since main\n\n")
