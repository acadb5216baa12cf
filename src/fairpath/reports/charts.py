"""Charts as SVG text (matplotlib, no display, no network), deterministic byte for byte.

Determinism: a fixed `svg.hashsalt` (element ids), no creation date in the metadata
(`metadata={"Date": None}`), fonts kept as text so the PDF renders them with the report's own
fonts (`svg.fonttype = "none"`). Readable in print: a colour-blind-safe palette (Okabe–Ito) with
values written on the bars, so the chart reads in grey too; `layout="constrained"` so labels are
never clipped.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@cache
def _pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend, loaded on first use (it takes seconds to import,
    and every CLI command would otherwise wait for it)."""
    import matplotlib  # noqa: PLC0415 - see the docstring

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    return plt


def _rectangle(color: str) -> Any:
    from matplotlib.patches import Rectangle  # noqa: PLC0415 - see _pyplot

    return Rectangle((0, 0), 1, 1, color=color)


#: Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#009E73", "#E69F00", "#D55E00", "#CC79A7", "#56B4E9", "#0072B2")
SUPPRESSED = "#BBBBBB"
_RC: Any = {
    "svg.hashsalt": "fairpath-report",
    "svg.fonttype": "none",
    "font.family": ["Noto Sans", "DejaVu Sans", "sans-serif"],
    "font.size": 9,
}


def _svg(fig: Figure, name: str) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    _pyplot().close(fig)
    text = out.getvalue()
    text = text[text.index("<svg") :]  # drop the XML prolog and doctype: inlined in HTML
    # Several charts share one HTML document: prefix their element ids so none collide.
    for old, new in (
        ('id="', f'id="{name}-'),
        ('href="#', f'href="#{name}-'),
        ("url(#", f"url(#{name}-"),
    ):
        text = text.replace(old, new)
    return text


def stacked_shares(
    name: str,
    title: str,
    rows: Sequence[tuple[str, Mapping[str, int], str]],
    bands: Sequence[str],
    xlabel: str,
) -> str:
    """Horizontal bars, one per row, split into the share of workers in each band; the part
    hidden by suppression is one grey segment. `rows`: (label, band → workers or -1 hidden,
    note written at the bar's end)."""
    height = 1.2 + 0.42 * max(len(rows), 1)
    with _pyplot().rc_context(_RC):
        fig, ax = _pyplot().subplots(figsize=(7.0, height), layout="constrained")
        labels = [label for label, _, _ in rows]
        for y, (_, counts, note) in enumerate(rows):
            total = sum(v for v in counts.values() if v > 0)
            left = 0.0
            segments = [
                (b, counts.get(b, 0), PALETTE[i % len(PALETTE)]) for i, b in enumerate(bands)
            ]
            segments.append(("hidden", counts.get("hidden", 0), SUPPRESSED))
            for _band, value, colour in segments:
                if value <= 0 or total == 0:
                    continue
                share = 100.0 * value / total
                ax.barh(y, share, left=left, color=colour, edgecolor="white", height=0.7)
                if share >= 8:
                    ax.text(
                        left + share / 2, y, f"{share:.0f}%", ha="center", va="center", fontsize=7.5
                    )
                left += share
            ax.text(101, y, note, va="center", fontsize=7.5)
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(xlabel)
        ax.set_title(title, loc="left", fontsize=10)
        handles = [_rectangle(PALETTE[i % len(PALETTE)]) for i in range(len(bands))]
        names = [f"{b} months" for b in bands]
        if any(counts.get("hidden", 0) for _, counts, _ in rows):
            handles.append(_rectangle(SUPPRESSED))
            names.append("hidden (<5)")
        ax.legend(
            handles,
            names,
            ncols=min(len(names), 5),
            loc="upper center",
            bbox_to_anchor=(0.5, -0.18 if len(rows) > 2 else -0.35),
            frameon=False,
            fontsize=7.5,
        )
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig, name)


def bars(name: str, title: str, rows: Sequence[tuple[str, int | None]], xlabel: str) -> str:
    """Horizontal bars with their value written beside them; None draws no bar and writes
    "<5" (a suppressed count)."""
    height = 1.0 + 0.3 * max(len(rows), 1)
    with _pyplot().rc_context(_RC):
        fig, ax = _pyplot().subplots(figsize=(7.0, height), layout="constrained")
        top = max([v for _, v in rows if v] or [1])
        for y, (_, value) in enumerate(rows):
            shown = value or 0
            ax.barh(y, shown, color=PALETTE[5], height=0.65)
            ax.text(
                shown + top * 0.01,
                y,
                "<5" if value is None else f"{shown:,}",
                va="center",
                fontsize=7.5,
            )
        ax.set_yticks(range(len(rows)), [label for label, _ in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.12)
        ax.set_xlabel(xlabel)
        ax.set_title(title, loc="left", fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig, name)
