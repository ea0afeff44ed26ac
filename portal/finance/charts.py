"""Charts as server-rendered SVG: no JavaScript, readable at 360 px, every figure also as text.

Colours come from classes in portal.css (the CSP forbids inline styles); each bar carries a
<title> with its exact amount, and every chart sits next to a table with the same numbers.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from portal.finance.parsing import yuan

WIDTH = 340


def _scale(top: int) -> tuple[int, str]:
    """A round axis maximum in fen and its label in 万元 or 元."""
    top = max(top, 100)
    step = 1
    while step * 10 <= top:
        step *= 10
    nice = next(m * step for m in (1, 2, 2.5, 5, 10) if m * step >= top)
    nice = int(nice)
    return nice, (_wan(nice))


def _wan(fen: int) -> str:
    yuan_ = fen / 100
    if yuan_ >= 10000:
        return f"{yuan_ / 10000:g}万"
    return f"{yuan_:g}"


def grouped_bars(rows: list[tuple[str, int, int]], title: str, labels: tuple[str, str]) -> Markup:
    """Income and expense side by side for each label (a month or a year)."""
    if not rows:
        return Markup("")
    height, left, bottom, top_pad = 200, 40, 28, 24
    plot_w, plot_h = WIDTH - left - 6, height - bottom - top_pad
    top, top_label = _scale(max(max(i, x) for _l, i, x in rows))
    slot = plot_w / len(rows)
    bar = max(min(slot * 0.38, 22), 2)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<g class="legend"><rect class="bar-income" x="{left}" y="4" width="10" height="10"/>'
             f'<text x="{left + 14}" y="13">{escape(labels[0])}</text>'
             f'<rect class="bar-expense" x="{left + 70}" y="4" width="10" height="10"/>'
             f'<text x="{left + 84}" y="13">{escape(labels[1])}</text></g>']
    for fraction in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - fraction)
        value = _wan(int(top * fraction)) if fraction else "0"
        parts.append(f'<line class="grid" x1="{left}" x2="{WIDTH - 6}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/><text class="axis" x="{left - 4}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{escape(value)}</text>')
    step = max(1, len(rows) // 8)  # at 360 px, at most about eight labels fit
    for n, (label, income, expense) in enumerate(rows):
        x0 = left + slot * n + (slot - 2 * bar) / 2
        for k, (value, cls, name) in enumerate(((income, "bar-income", labels[0]),
                                                 (expense, "bar-expense", labels[1]))):
            h = plot_h * value / top
            parts.append(
                f'<rect class="{cls}" x="{x0 + k * bar:.1f}" y="{top_pad + plot_h - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}"><title>{escape(label)} {escape(name)} '
                f'{yuan(value)} 元</title></rect>')
        if n % step == 0:
            parts.append(f'<text class="axis" x="{left + slot * n + slot / 2:.1f}" '
                         f'y="{height - 10}" text-anchor="middle">{escape(label)}</text>')
    parts.append(f'<text class="axis" x="2" y="{top_pad - 6}">{escape(top_label and "元")}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text in it went through escape())


def horizontal_bars(rows: list[tuple[str, int]], title: str) -> Markup:
    """One bar per label (expense by account), longest first, with the amount written out."""
    if not rows:
        return Markup("")
    row_h, label_w = 26, 118
    height = row_h * len(rows) + 8
    top = max(v for _l, v in rows) or 1
    plot_w = WIDTH - label_w - 86
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for n, (label, value) in enumerate(rows):
        y = 4 + n * row_h
        w = max(plot_w * value / top, 1)
        short = label if len(label) <= 8 else label[:7] + "…"
        parts.append(
            f'<text class="axis" x="{label_w - 4}" y="{y + 16}" text-anchor="end">'
            f'{escape(short)}</text>'
            f'<rect class="bar-expense" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="16">'
            f'<title>{escape(label)} {yuan(value)} 元</title></rect>'
            f'<text class="axis" x="{label_w + w + 4:.1f}" y="{y + 16}">{yuan(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text in it went through escape())
