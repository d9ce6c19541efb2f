"""Inline SVG charts: deterministic markup, no script, no external reference, text escaped.

Charts scale to the page width through ``viewBox``; every chart carries a ``<title>`` and an
``aria-label``, and every mark a ``<title>`` tooltip, so the numbers are readable without colour.

Labels are laid out for the size they are drawn at: margins are as wide as the longest label, axis
labels are thinned until neighbours no longer touch, and a chart tells the site's stylesheet the width
below which it would shrink its labels under 10 px (``--pmo-min-width``): narrower, it scrolls. Axis,
row and legend labels carry the class ``pmo-label`` (the layout test checks they never overlap).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pmo_lint.site.html import Html, esc, esc_attr, num

FONT_SIZE = 13  # in the chart's units: a chart drawn at its own width has 13 px labels
FONT = f'font-family="sans-serif" font-size="{FONT_SIZE}"'
MIN_SCALE = 10 / FONT_SIZE  # never drawn smaller than this share of its width: labels stay >= 10 px
GAP = 10  # between two labels on an axis
LINE = 20  # between two lines of a legend
LABEL_CHARS = 36  # a longer row label is cut (the whole text is its tooltip)
GRID = "#e0e0e0"
INK = "#424242"
LABEL = f'class="pmo-label" fill="{INK}"'


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text_w(text: str) -> float:
    """About how wide a label is drawn: sans-serif letters and digits average under 0.62 of the size."""
    return 0.62 * FONT_SIZE * len(text)


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _every(count: int, spacing: float, widest: float) -> int:
    """Label every n-th of ``count`` marks ``spacing`` apart, so that labels ``widest`` wide do not touch."""
    if count <= 1 or spacing <= 0:
        return 1
    return max(1, math.ceil((widest + GAP) / spacing))


def _svg(width: float, height: float, label: str, body: list[str]) -> Html:
    w, h = math.ceil(width), math.ceil(height)
    head = (
        f'<svg class="pmo-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-label="{esc_attr(label)}" style="--pmo-min-width:{math.ceil(w * MIN_SCALE)}px;max-width:100%;'
        f'height:auto" {FONT}>'
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


def line_chart(
    label: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    links: Mapping[int, tuple[str, str]] | None = None,
) -> Html:
    """Lines (or markers) over categorical x values, with a legend. ``links`` makes the columns of some x
    values links: index -> (href, tooltip), marked on the x axis."""
    n = max(len(x_labels), 1)
    peak = _nice_max(max((v for s in series for v in s.values if v is not None), default=0.0))
    digits = 0 if peak >= 10 else 2  # a scale of 0 to 1 needs its decimals
    ticks = [(peak * k / 4, num(peak * k / 4, digits)) for k in range(5)]
    w, top, ph = 720, 20, 220
    # room for the y labels, and for half of the first and last x labels, which are centred on their mark
    left = max(
        16 + math.ceil(max(_text_w(t) for _, t in ticks)), math.ceil(_text_w(x_labels[0]) / 2) + 4 if x_labels else 0
    )
    right = max(24, math.ceil(_text_w(x_labels[-1]) / 2) + 4 if x_labels else 0)
    pw = w - left - right
    legend, legend_end = _legend([(s.name, s.colour) for s in series], left, w - right, top + ph + 50)
    h = legend_end + 10

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph - ph * v / peak

    body = []
    for v, text in ticks:
        body.append(f'<line x1="{left}" x2="{w - right}" y1="{_f(y(v))}" y2="{_f(y(v))}" stroke="{GRID}"/>')
        body.append(f'<text x="{left - 8}" y="{_f(y(v) + 4)}" text-anchor="end" {LABEL}>{esc(text)}</text>')
    widest = max((_text_w(lab) for lab in x_labels), default=0.0)
    every = _every(n, pw / (n - 1) if n > 1 else pw, widest)
    shown = [i for i in range(len(x_labels)) if i % every == 0]
    if shown and shown[-1] != n - 1 and (n - 1 - shown[-1]) * pw / max(n - 1, 1) >= widest + GAP:
        shown.append(n - 1)  # the latest value is the one a reader looks for
    for i in shown:
        body.append(f'<text x="{_f(x(i))}" y="{top + ph + 22}" text-anchor="middle" {LABEL}>{esc(x_labels[i])}</text>')
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
    for i, (href, tip) in sorted((links or {}).items()):
        if 0 <= i < n:
            # the whole column is the link, over the marks: a marker of a few pixels is too small a target
            half = min(pw / (n - 1) / 2 if n > 1 else pw / 2, 12)
            body.append(
                f'<a href="{esc_attr(href)}"><circle cx="{_f(x(i))}" cy="{top + ph}" r="4" fill="#fff" '
                f'stroke="{INK}"/><rect x="{_f(x(i) - half)}" y="{top}" width="{_f(2 * half)}" height="{ph + 4}" '
                f'fill="#000" fill-opacity="0"><title>{esc(tip)}</title></rect></a>'
            )
    body.extend(legend)
    return _svg(w, h, label, body)


def _legend(items: Sequence[tuple[str, str]], x0: float, x_max: float, y0: float) -> tuple[list[str], float]:
    """The legend's marks from ``x0`` on the baseline ``y0``, in as many lines as ``x_max`` leaves; and the
    baseline of its last line."""
    out, x, y = [], x0, y0
    for name, colour in items:
        shown = _cut(name, 40)
        width = 18 + _text_w(shown) + 16
        if x > x0 and x + width > x_max:
            x, y = x0, y + LINE
        out.append(f'<rect x="{_f(x)}" y="{_f(y - 10)}" width="12" height="11" fill="{colour}"/>')
        out.append(f'<text x="{_f(x + 18)}" y="{_f(y)}" {LABEL}>{esc(shown)}</text>')
        x += width
    return out, y


def hbar_chart(
    label: str,
    rows: Sequence[tuple[str, Sequence[float]]],
    names: Sequence[str],
    colours: Sequence[str],
    *,
    unit: str = "",
) -> Html:
    """Horizontal grouped bars, one group per row (e.g. budget and actual per project)."""
    w, right, bar, top = 720, 48, 12, 28
    shown = [_cut(name, 32) for name, _ in rows]
    left = 16 + math.ceil(max((_text_w(t) for t in shown), default=40.0))
    group = bar * len(names) + 10
    bottom = top + group * len(rows)
    peak = _nice_max(max((v for _, vals in rows for v in vals), default=0.0))
    pw = w - left - right
    ticks = [num(peak * k / 4, 0) for k in range(5)]
    every = _every(5, pw / 4, max(_text_w(t) for t in ticks))
    legend, legend_end = _legend(list(zip(names, colours, strict=True)), left, w - right, bottom + 24)
    h = legend_end + 10
    body = []
    for k, text in enumerate(ticks):
        gx = left + pw * k / 4
        body.append(f'<line x1="{_f(gx)}" x2="{_f(gx)}" y1="{top - 6}" y2="{bottom}" stroke="{GRID}"/>')
        if k % every == 0:
            body.append(f'<text x="{_f(gx)}" y="{top - 10}" text-anchor="middle" {LABEL}>{esc(text)}</text>')
    for r, (name, vals) in enumerate(rows):
        y0 = top + r * group
        tip = f"<title>{esc(name)}</title>" if shown[r] != name else ""
        body.append(
            f'<text x="{left - 8}" y="{_f(y0 + group / 2)}" text-anchor="end" {LABEL}>{esc(shown[r])}{tip}</text>'
        )
        for s, v in enumerate(vals):
            bw = pw * v / peak
            tip = f"{name} {names[s]}: {num(v, 0)} {unit}".strip()
            body.append(
                f'<rect x="{left}" y="{y0 + s * bar}" width="{_f(bw)}" height="{bar - 1}" fill="{colours[s]}">'
                f"<title>{esc(tip)}</title></rect>"
            )
    body.extend(legend)
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
    shown = [_cut(r.label) for r in rows]
    left = 16 + math.ceil(max((_text_w(t) for t in shown), default=40.0))
    # the time axis grows with the months shown (28 units a month), from 560 to 1,400 units
    pw, right, row_h, top = min(max(560, 28 * len(months)), 1400), 16, 24, 34
    w, plot_end = left + pw + right, top + row_h * len(rows)
    h = plot_end + 24

    def x(d: dt.date) -> float:
        return left + pw * (d - span_lo).days / total

    body = []
    # label every n-th month: n a divisor of a year (the same months each year), or whole years counted
    # from the first month shown
    need = _every(len(months), pw / len(months), _text_w("2025-06"))
    step = next((c for c in (1, 2, 3, 4, 6) if c >= need), 12 * math.ceil(need / 12))
    first = months[0].year * 12 + months[0].month - 1
    for m in months:
        month_no = m.year * 12 + m.month - 1
        labelled = month_no % step == 0 if step <= 12 else (month_no - first) % step == 0
        if not labelled and step > 1 and pw / len(months) < 8:
            continue  # a grid line per month would be a grey block
        body.append(f'<line x1="{_f(x(m))}" x2="{_f(x(m))}" y1="{top - 4}" y2="{plot_end}" stroke="{GRID}"/>')
        if labelled and x(m) + 3 + _text_w(f"{m:%Y-%m}") <= w:
            body.append(f'<text x="{_f(x(m) + 3)}" y="{top - 12}" {LABEL}>{m:%Y-%m}</text>')
    for i, r in enumerate(rows):
        y0 = top + i * row_h
        tip = f"<title>{esc(r.label)}</title>" if shown[i] != r.label else ""
        body.append(f'<text x="{left - 8}" y="{y0 + 15}" text-anchor="end" {LABEL}>{esc(shown[i])}{tip}</text>')
        if r.baseline:
            b0, b1 = r.baseline
            body.append(
                f'<rect x="{_f(x(b0))}" y="{y0 + 17}" width="{_f(max(x(b1) - x(b0), 1))}" height="4" fill="#9e9e9e">'
                f"<title>{esc(f'{r.label} baseline {b0} to {b1}')}</title></rect>"
            )
        if r.start and r.finish:
            body.append(
                f'<rect x="{_f(x(r.start))}" y="{y0 + 4}" width="{_f(max(x(r.finish) - x(r.start), 1))}" height="12" '
                f'rx="2" fill="{r.colour}"><title>{esc(f"{r.label} {r.start} to {r.finish}")}</title></rect>'
            )
        for when, title, done in r.milestones:
            cx, cy = x(when), y0 + 10
            fill = "#2e7d32" if done else "#212121"
            body.append(
                f'<path d="M{_f(cx)},{_f(cy - 6)} l6,6 l-6,6 l-6,-6 z" fill="{fill}" stroke="#fff">'
                f"<title>{esc(f'{title} {when}')}</title></path>"
            )
    ax, note = x(as_of), f"as of {as_of}"
    body.append(
        f'<line x1="{_f(ax)}" x2="{_f(ax)}" y1="{top - 4}" y2="{plot_end + 4}" stroke="#c62828" '
        'stroke-dasharray="4 3"/>'
    )
    anchor = "end" if ax + 3 + _text_w(note) > w else "start"  # near the right edge, the note goes left
    body.append(
        f'<text x="{_f(ax - 3 if anchor == "end" else ax + 3)}" y="{h - 6}" text-anchor="{anchor}" class="pmo-label" '
        f'fill="#c62828">{note}</text>'
    )
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
    x_max, y_max = max(x_max, 1e-9), max(y_max, 1e-9)
    w, h, right, top, bottom = 720, 420, 20, 20, 50
    left = max(60, 36 + math.ceil(_text_w(num(y_max))))  # the rotated axis title, then the top value
    pw, ph = w - left - right, h - top - bottom

    def px(v: float) -> float:
        return left + pw * min(v, x_max) / x_max

    def py(v: float) -> float:
        return top + ph - ph * min(v, y_max) / y_max

    body = [
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="{GRID}"/>',
        f'<line x1="{_f(px(x_max / 2))}" x2="{_f(px(x_max / 2))}" y1="{top}" y2="{top + ph}" stroke="{GRID}"/>',
        f'<line x1="{left}" x2="{left + pw}" y1="{_f(py(y_max / 2))}" y2="{_f(py(y_max / 2))}" stroke="{GRID}"/>',
        f'<text x="{_f(left + pw / 2)}" y="{h - 10}" text-anchor="middle" {LABEL}>{esc(x_label)}</text>',
        f'<text x="16" y="{top + ph / 2}" text-anchor="middle" {LABEL} '
        f'transform="rotate(-90 16 {top + ph / 2})">{esc(y_label)}</text>',
        f'<text x="{left}" y="{top + ph + 18}" {LABEL}>0</text>',
        f'<text x="{left + pw}" y="{top + ph + 18}" text-anchor="end" {LABEL}>{esc(num(x_max))}</text>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" {LABEL}>{esc(num(y_max))}</text>',
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
