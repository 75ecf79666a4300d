"""Charts of the report: bar charts (stacked by an optional series) from one SQL query each, as PNG.

The pack's expectations file says what to draw (e.g. appointments per department, by status); a pack
without charts gets rows per table, so every report shows at least one picture of the data it judged.
matplotlib is imported here only, with the Agg backend: no display, no GUI toolkit, same image anywhere.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dbintegrity.report.expectations_file import Chart

ROW_COUNTS = Chart("rows_per_table", "Rows per table", "", "table", "rows")
MAX_BARS = 30


def bars(rows: Sequence[Sequence[Any]]) -> tuple[list[str], dict[str, list[float]]]:
    """(labels, series -> values) from rows of (label, value) or (label, series, value); NULL is "(none)"."""
    labels: list[str] = []
    series: dict[str, dict[str, float]] = {}
    for row in rows:
        if len(row) == 2:
            label, name, value = row[0], "", row[1]
        elif len(row) == 3:
            label, name, value = row
        else:
            raise ValueError(f"a chart query returns (label, value) or (label, series, value), got {len(row)} columns")
        label = "(none)" if label is None else str(label)
        name = "(none)" if name is None else str(name)
        if label not in labels:
            labels.append(label)
        series.setdefault(name, {})[label] = series.get(name, {}).get(label, 0.0) + float(value or 0)
    # biggest bars first, so a long tail is cut, not the head
    totals = {lb: sum(s.get(lb, 0.0) for s in series.values()) for lb in labels}
    labels = sorted(labels, key=lambda lb: (-totals[lb], lb))[:MAX_BARS]
    return labels, {name: [vals.get(lb, 0.0) for lb in labels] for name, vals in sorted(series.items())}


def draw(chart: Chart, rows: Sequence[Sequence[Any]], path: Path, subtitle: str = "") -> Path:
    """Write ``chart`` as a PNG at ``path``; returns the path."""
    matplotlib = importlib.import_module("matplotlib")
    matplotlib.use("Agg", force=True)
    plt: Any = importlib.import_module("matplotlib.pyplot")
    labels, series = bars(rows)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.55 * len(labels) + 2.5), 5.0), dpi=110)
    try:
        bottom = [0.0] * len(labels)
        for name, values in series.items():
            ax.bar(labels, values, bottom=bottom, label=name or None)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        for x, total in enumerate(bottom):
            ax.annotate(f"{total:g}", (x, total), ha="center", va="bottom", fontsize=8)
        ax.set_title(chart.title + (f"\n{subtitle}" if subtitle else ""), fontsize=11)
        ax.set_xlabel(chart.xlabel)
        ax.set_ylabel(chart.ylabel)
        ax.tick_params(axis="x", labelrotation=35, labelsize=8)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
        if any(series):  # named series (stacked bars) get a legend; a single unnamed one does not
            ax.legend(fontsize=8, title_fontsize=8, loc="upper right", frameon=False)
        if not labels:
            ax.text(0.5, 0.5, "no rows", ha="center", va="center", transform=ax.transAxes)
        ax.margins(y=0.12)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path


def available() -> str | None:
    """None when matplotlib can be imported, else why not (the report then says so instead of failing)."""
    try:
        importlib.import_module("matplotlib")
    except ImportError as exc:
        return f"matplotlib is not installed ({exc}); pip install 'dbintegrity[quality]'"
    return None
