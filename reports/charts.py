"""Server-side SVG charts: the geometry is computed here, the markup is in
``templates/reports/_chart_*.html``. No JavaScript and no asset from elsewhere; every chart comes
with its numbers as a table, for screen readers and for reading exact values.
"""

from __future__ import annotations

from dataclasses import dataclass

# Colour-blind-safe palette (Okabe–Ito), dark enough against white for the bars.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8A6D00", "#555555"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float
    share: float

    @property
    def value_x(self) -> float:
        return 154 + self.width


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    kind: str  # bars | donut | columns
    rows: list[tuple[str, int]]
    total: int
    items: list
    height: int

    @property
    def empty(self) -> bool:
        return self.total == 0


BAR_ROW = 26
BAR_AREA = 230


def bars(key: str, title: str, rows: list[tuple[str, int]], *, limit: int = 12) -> Chart:
    rows = rows[:limit]
    top = max((v for _, v in rows), default=0)
    total = sum(v for _, v in rows)
    items = [
        Bar(label, value, i * BAR_ROW, (value / top * BAR_AREA) if top else 0, value / total if total else 0)
        for i, (label, value) in enumerate(rows)
    ]
    return Chart(key, title, "bars", rows, total, items, max(len(rows), 1) * BAR_ROW)


@dataclass(frozen=True)
class Segment:
    label: str
    value: int
    share: float
    dash: str
    offset: float
    colour: str


def donut(key: str, title: str, rows: list[tuple[str, int]]) -> Chart:
    """A ring whose circle has a circumference of 100, so a share in percent is its dash length."""
    total = sum(v for _, v in rows)
    items, start = [], 0.0
    for i, (label, value) in enumerate(rows):
        percent = value / total * 100 if total else 0
        items.append(
            Segment(label, value, percent / 100, f"{percent:.3f} {100 - percent:.3f}", 25 - start, PALETTE[i % 8])
        )
        start += percent
    return Chart(key, title, "donut", rows, total, items, 120)


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: float
    width: float
    height: float

    @property
    def y(self) -> float:
        return COLUMN_AREA - self.height


COLUMN_AREA = 140


def columns(key: str, title: str, rows: list[tuple[str, int]], *, limit: int = 24) -> Chart:
    rows = rows[-limit:]
    top = max((v for _, v in rows), default=0)
    slot = 400 / max(len(rows), 1)
    items = [
        Column(label, value, i * slot + slot * 0.15, slot * 0.7, (value / top * COLUMN_AREA) if top else 0)
        for i, (label, value) in enumerate(rows)
    ]
    return Chart(key, title, "columns", rows, sum(v for _, v in rows), items, COLUMN_AREA)
