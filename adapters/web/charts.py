"""Charts as inline SVG, drawn on the server: they show without JavaScript, print, and
obey a Content-Security-Policy with no inline styles (colours come from CSS classes).

Each chart has a ``<title>`` and ``role="img"``; the page puts the same numbers in a
table beside it for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 40


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]
    css: str  # s1, s2, s3: a colour in web.css


def _nice_max(value: float) -> float:
    """A round axis top at or above ``value`` (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _frame(chart_id: str, title: str, top: float, labels: Sequence[str]) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_number(top * fraction)}</text>"
        )
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    # at most ~7 labels under the axis, counted back from the last so it is always shown
    every = max(1, -(-len(labels) // 7))
    for index, label in enumerate(labels):
        if (len(labels) - 1 - index) % every:
            continue
        x = LEFT + slot * (index + 0.5)
        parts.append(
            f'<text class="label" x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    return parts


def bar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Grouped vertical bars: one group per label, one bar per series."""
    top = _nice_max(max((v for s in series for v in s.values), default=0))
    parts = _frame(chart_id, title, top, labels)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    bar = slot * 0.8 / max(1, len(series))
    for index, label in enumerate(labels):
        for position, one in enumerate(series):
            value = one.values[index] if index < len(one.values) else 0
            h = plot_h * value / top
            x = LEFT + slot * index + slot * 0.1 + bar * position
            parts.append(
                f'<rect class="{one.css}" x="{x:.1f}" y="{TOP + plot_h - h:.1f}" '
                f'width="{max(bar - 1, 1):.1f}" height="{h:.1f}">'
                f"<title>{escape(label)}: {escape(one.label)} {_number(value)}</title></rect>"
            )
    parts.append(_legend(series))
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]
) -> Markup:
    """One line per series, a dot on each value."""
    top = _nice_max(max((v for s in series for v in s.values), default=0))
    parts = _frame(chart_id, title, top, labels)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    for one in series:
        points = [
            (LEFT + slot * (i + 0.5), TOP + plot_h * (1 - v / top))
            for i, v in enumerate(one.values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="line {one.css}" points="{path}"/>')
        for (x, y), label, value in zip(points, labels, one.values, strict=False):
            parts.append(
                f'<circle class="{one.css}" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
                f"<title>{escape(label)}: {_number(value)}</title></circle>"
            )
    parts.append(_legend(series))
    parts.append("</svg>")
    return Markup("".join(parts))


def hbar_chart(
    chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]
) -> Markup:
    """Horizontal bars, for categories with long names (kinds of activity, steps)."""
    label_w, row_gap, legend_h = 190, 10, 22 if len(series) > 1 else 0
    bar_h = 14
    row_h = bar_h * len(series) + row_gap
    height = TOP + row_h * len(labels) + legend_h + 8
    top = _nice_max(max((v for s in series for v in s.values), default=0))
    plot_w = WIDTH - label_w - RIGHT - 30
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for index, label in enumerate(labels):
        y = TOP + row_h * index
        parts.append(
            f'<text class="label" x="{label_w - 8}" y="{y + row_h / 2:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        for position, one in enumerate(series):
            value = one.values[index] if index < len(one.values) else 0
            w = plot_w * value / top
            by = y + bar_h * position
            parts.append(
                f'<rect class="{one.css}" x="{label_w}" y="{by:.1f}" width="{w:.1f}" '
                f'height="{bar_h - 2}"><title>{escape(label)}: {escape(one.label)} '
                f"{_number(value)}</title></rect>"
            )
            parts.append(
                f'<text class="tick" x="{label_w + w + 4:.1f}" y="{by + bar_h - 4:.1f}">'
                f"{_number(value)}</text>"
            )
    if legend_h:
        legend = _legend(series).replace(f'y="{HEIGHT - 14}"', f'y="{height - 16}"')
        parts.append(legend.replace(f'y="{HEIGHT - 5}"', f'y="{height - 7}"'))
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(series: Sequence[Series]) -> str:
    if len(series) < 2:
        return ""
    parts = []
    x = LEFT
    for one in series:
        parts.append(f'<rect class="{one.css}" x="{x}" y="{HEIGHT - 14}" width="10" height="10"/>')
        parts.append(
            f'<text class="legend" x="{x + 14}" y="{HEIGHT - 5}">{escape(one.label)}</text>'
        )
        x += 24 + 7 * len(one.label)
    return "".join(parts)
