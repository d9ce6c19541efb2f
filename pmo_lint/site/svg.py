"""Inline SVG charts: deterministic markup, no script, no external reference, text escaped.

Charts scale to the page width through ``viewBox``; every chart carries a ``<title>`` and an
``aria-label``, and every mark a ``<title>`` tooltip, so the numbers are readable without colour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pmo_lint.site.html import Html, esc, esc_attr, num

FONT = 'font-family="sans-serif" font-size="11"'
GRID = "#e0e0e0"
INK = "#424242"


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, label: str, body: list[str]) -> Html:
    head = (
        f'<svg class="pmo-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{esc_attr(label)}" style="max-width:100%;height:auto" {FONT}>'
    )
    return Html(head + f"<title>{esc(label)}</title>" + "".join(body) + "</svg>")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float((int(value / step) + 1) * step)


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: Sequence[float | None]
    dashed: bool = False
    points: bool = False  # markers only, no line


def line_chart(label: str, x_labels: Sequence[str], series: Sequence[Series], *, unit: str = "") -> Html:
    """Lines (or markers) over categorical x values, with a legend."""
    w, h, left, right, top, bottom = 720, 300, 70, 20, 20, 60
    n = max(len(x_labels), 1)
    peak = _nice_max(max((v for s in series for v in s.values if v is not None), default=0.0))
    pw, ph = w - left - right, h - top - bottom

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph - ph * v / peak

    body = []
    for k in range(5):
        v = peak * k / 4
        body.append(f'<line x1="{left}" x2="{w - right}" y1="{_f(y(v))}" y2="{_f(y(v))}" stroke="{GRID}"/>')
        body.append(f'<text x="{left - 6}" y="{_f(y(v) + 4)}" text-anchor="end" fill="{INK}">{esc(num(v, 0))}</text>')
    every = max(1, n // 12)
    for i, lab in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            body.append(
                f'<text x="{_f(x(i))}" y="{h - bottom + 16}" text-anchor="middle" fill="{INK}">{esc(lab)}</text>'
            )
    for s in series:
        pts = [(x(i), y(v), v, x_labels[i]) for i, v in enumerate(s.values) if v is not None and i < len(x_labels)]
        if not s.points and len(pts) > 1:
            dash = ' stroke-dasharray="6 4"' if s.dashed else ""
            path = " ".join(f"{_f(px)},{_f(py)}" for px, py, _, _ in pts)
            body.append(f'<polyline fill="none" stroke="{s.colour}" stroke-width="2"{dash} points="{path}"/>')
        for px, py, v, lab in pts:
            tip = f"{s.name} {lab}: {num(v)} {unit}".strip()
            body.append(
                f'<circle cx="{_f(px)}" cy="{_f(py)}" r="{4 if s.points else 2.5}" fill="{s.colour}">'
                f"<title>{esc(tip)}</title></circle>"
            )
    body.extend(_legend([(s.name, s.colour) for s in series], left, h - 18))
    return _svg(w, h, label, body)


def _legend(items: Sequence[tuple[str, str]], x0: int, y0: int) -> list[str]:
    out, x = [], x0
    for name, colour in items:
        out.append(f'<rect x="{x}" y="{y0 - 9}" width="12" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="{y0}" fill="{INK}">{esc(name)}</text>')
        x += 24 + 7 * len(name)
    return out


def hbar_chart(
    label: str,
    rows: Sequence[tuple[str, Sequence[float]]],
    names: Sequence[str],
    colours: Sequence[str],
    *,
    unit: str = "",
) -> Html:
    """Horizontal grouped bars, one group per row (e.g. budget and actual per project)."""
    w, left, right, bar = 720, 180, 60, 10
    group = bar * len(names) + 8
    h = 30 + group * len(rows) + 24
    peak = _nice_max(max((v for _, vals in rows for v in vals), default=0.0))
    pw = w - left - right
    body = []
    for k in range(5):
        gx = left + pw * k / 4
        body.append(f'<line x1="{_f(gx)}" x2="{_f(gx)}" y1="20" y2="{h - 24}" stroke="{GRID}"/>')
        body.append(f'<text x="{_f(gx)}" y="14" text-anchor="middle" fill="{INK}">{esc(num(peak * k / 4, 0))}</text>')
    for r, (name, vals) in enumerate(rows):
        y0 = 24 + r * group
        body.append(f'<text x="{left - 6}" y="{y0 + group / 2}" text-anchor="end" fill="{INK}">{esc(name[:28])}</text>')
        for s, v in enumerate(vals):
            bw = pw * v / peak
            tip = f"{name} {names[s]}: {num(v, 0)} {unit}".strip()
            body.append(
                f'<rect x="{left}" y="{y0 + s * bar}" width="{_f(bw)}" height="{bar - 1}" fill="{colours[s]}">'
                f"<title>{esc(tip)}</title></rect>"
            )
    body.extend(_legend(list(zip(names, colours, strict=True)), left, h - 6))
    return _svg(w, h, label, body)


@dataclass(frozen=True)
class GanttRow:
    label: str
    start: dt.date | None
    finish: dt.date | None
    baseline: tuple[dt.date, dt.date] | None = None
    milestones: tuple[tuple[dt.date, str, bool], ...] = ()  # date, title, done
    colour: str = "#1976d2"


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def gantt(label: str, rows: Sequence[GanttRow], as_of: dt.date) -> Html:
    """Bars from start to forecast finish, the baseline as a thin grey bar, milestones as diamonds."""
    dates = [d for r in rows for d in (r.start, r.finish) if d] + [d for r in rows if r.baseline for d in r.baseline]
    dates += [m[0] for r in rows for m in r.milestones] + [as_of]
    lo, hi = min(dates), max(dates)
    months = _months(lo, hi)
    span_lo = months[0]
    span_hi = dt.date(hi.year + (hi.month == 12), hi.month % 12 + 1, 1)
    total = max((span_hi - span_lo).days, 1)
    w, left, right, row_h, top = 960, 200, 10, 22, 30
    h = top + row_h * len(rows) + 10
    pw = w - left - right

    def x(d: dt.date) -> float:
        return left + pw * (d - span_lo).days / total

    body = []
    every = max(1, len(months) // 16)
    for i, m in enumerate(months):
        body.append(f'<line x1="{_f(x(m))}" x2="{_f(x(m))}" y1="{top - 4}" y2="{h}" stroke="{GRID}"/>')
        if i % every == 0:
            body.append(f'<text x="{_f(x(m) + 2)}" y="{top - 10}" fill="{INK}">{m:%Y-%m}</text>')
    for i, r in enumerate(rows):
        y0 = top + i * row_h
        body.append(f'<text x="{left - 6}" y="{y0 + 14}" text-anchor="end" fill="{INK}">{esc(r.label[:30])}</text>')
        if r.baseline:
            b0, b1 = r.baseline
            body.append(
                f'<rect x="{_f(x(b0))}" y="{y0 + 15}" width="{_f(max(x(b1) - x(b0), 1))}" height="4" fill="#9e9e9e">'
                f"<title>{esc(f'{r.label} baseline {b0} to {b1}')}</title></rect>"
            )
        if r.start and r.finish:
            body.append(
                f'<rect x="{_f(x(r.start))}" y="{y0 + 3}" width="{_f(max(x(r.finish) - x(r.start), 1))}" height="11" '
                f'rx="2" fill="{r.colour}"><title>{esc(f"{r.label} {r.start} to {r.finish}")}</title></rect>'
            )
        for when, title, done in r.milestones:
            cx, cy = x(when), y0 + 8
            fill = "#2e7d32" if done else "#212121"
            body.append(
                f'<path d="M{_f(cx)},{_f(cy - 6)} l6,6 l-6,6 l-6,-6 z" fill="{fill}" stroke="#fff">'
                f"<title>{esc(f'{title} {when}')}</title></path>"
            )
    ax = x(as_of)
    body.append(f'<line x1="{_f(ax)}" x2="{_f(ax)}" y1="{top - 4}" y2="{h}" stroke="#c62828" stroke-dasharray="4 3"/>')
    body.append(f'<text x="{_f(ax + 3)}" y="{h - 2}" fill="#c62828">as of {as_of}</text>')
    return _svg(w, h, label, body)


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    size: float  # relative bubble size, 0..1
    colour: str = "#1976d2"


def scatter(label: str, points: Sequence[Point], *, x_label: str, y_label: str, x_max: float, y_max: float) -> Html:
    """A bubble chart with quadrant lines at the middle of each axis."""
    w, h, left, right, top, bottom = 720, 420, 60, 20, 20, 50
    pw, ph = w - left - right, h - top - bottom
    x_max, y_max = max(x_max, 1e-9), max(y_max, 1e-9)

    def px(v: float) -> float:
        return left + pw * min(v, x_max) / x_max

    def py(v: float) -> float:
        return top + ph - ph * min(v, y_max) / y_max

    body = [
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="{GRID}"/>',
        f'<line x1="{_f(px(x_max / 2))}" x2="{_f(px(x_max / 2))}" y1="{top}" y2="{top + ph}" stroke="{GRID}"/>',
        f'<line x1="{left}" x2="{left + pw}" y1="{_f(py(y_max / 2))}" y2="{_f(py(y_max / 2))}" stroke="{GRID}"/>',
        f'<text x="{left + pw / 2}" y="{h - 10}" text-anchor="middle" fill="{INK}">{esc(x_label)}</text>',
        f'<text x="14" y="{top + ph / 2}" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 14 {top + ph / 2})">{esc(y_label)}</text>',
        f'<text x="{left}" y="{top + ph + 16}" fill="{INK}">0</text>',
        f'<text x="{left + pw}" y="{top + ph + 16}" text-anchor="end" fill="{INK}">{esc(num(x_max))}</text>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="{INK}">{esc(num(y_max))}</text>',
    ]
    for p in sorted(points, key=lambda p: -p.size):
        r = 4 + 14 * max(0.0, min(p.size, 1.0))
        tip = f"{p.label}: {x_label} {num(p.x)}, {y_label} {num(p.y)}"
        body.append(
            f'<circle cx="{_f(px(p.x))}" cy="{_f(py(p.y))}" r="{_f(r)}" fill="{p.colour}" fill-opacity="0.55" '
            f'stroke="{p.colour}"><title>{esc(tip)}</title></circle>'
        )
        if len(points) <= 40:
            body.append(
                f'<text x="{_f(px(p.x) + r + 2)}" y="{_f(py(p.y) + 4)}" fill="{INK}">{esc(p.label[:24])}</text>'
            )
    return _svg(w, h, label, body)
