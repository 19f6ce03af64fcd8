"""Stacked bar charts as inline SVG, drawn on the server.

No CDN is reachable and nothing may be fetched at run time, so the dashboard draws its charts
itself: a few rectangles from a few aggregate queries, readable without JavaScript, each bar
with a <title> tooltip. The geometry is computed here; templates/console/_bar_chart.html draws it.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

WIDTH = 640
HEIGHT = 190
PLOT_LEFT = 44  # room for the y-axis labels
PLOT_TOP = 10
PLOT_BOTTOM = 24  # room for the x-axis labels
GAP = 2

# Fixed colours per known series; anything else takes the next of the palette.
SERIES_COLOURS = {
    "delivered": "#16a34a",
    "pending": "#f59e0b",
    "failed": "#dc2626",
    "cancelled": "#9ca3af",
}
# Not green, amber or red: those say delivered, pending and failed on the same page.
PALETTE = ("#2563eb", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#ea580c", "#6b7280")


@dataclass(frozen=True)
class Window:
    """Equal time buckets ending at the bucket that holds `now`."""

    start: datetime
    width: timedelta
    count: int

    @classmethod
    def ending_now(cls, now: datetime, *, width: timedelta, count: int) -> "Window":
        seconds = int(width.total_seconds())
        epoch = int(now.timestamp())
        end = datetime.fromtimestamp(epoch - epoch % seconds + seconds, tz=now.tzinfo)
        return cls(start=end - width * count, width=width, count=count)

    @property
    def end(self) -> datetime:
        return self.start + self.width * self.count

    def index(self, moment: datetime) -> int | None:
        if moment < self.start or moment >= self.end:
            return None
        return int((moment - self.start) / self.width)

    def bucket_start(self, index: int) -> datetime:
        return self.start + self.width * index


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    series: str
    count: int
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass
class BarChart:
    title: str
    total: int
    rects: list[Rect] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    y_labels: list[Label] = field(default_factory=list)
    legend: list[tuple[str, str, int]] = field(default_factory=list)  # series, colour, total
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = PLOT_LEFT
    plot_bottom_y: int = HEIGHT - PLOT_BOTTOM


def colours_for(series: list[str]) -> dict[str, str]:
    """Known series keep their colour (failed is always red); others take the palette in turn."""
    result = {}
    unknown = 0
    for name in series:
        if name in SERIES_COLOURS:
            result[name] = SERIES_COLOURS[name]
        else:
            result[name] = PALETTE[unknown % len(PALETTE)]
            unknown += 1
    return result


def nice_max(value: int) -> int:
    """The smallest of 1, 2, 5 x 10^n at or above value: a y-axis top people read easily."""
    if value <= 0:
        return 1
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def stacked_bars(
    title: str,
    window: Window,
    counts: dict[str, list[int]],
    *,
    label_every: int,
    label_format: str,
) -> BarChart:
    """`counts` maps a series (a status, a type) to one count per bucket of `window`."""
    series = [name for name, values in counts.items() if sum(values) > 0]
    colours = colours_for(series)
    totals = [sum(counts[name][i] for name in series) for i in range(window.count)]
    top = nice_max(max(totals, default=0))
    plot_height = HEIGHT - PLOT_TOP - PLOT_BOTTOM
    slot = (WIDTH - PLOT_LEFT) / window.count
    chart = BarChart(title=title, total=sum(totals))
    for index in range(window.count):
        x = PLOT_LEFT + index * slot + GAP / 2
        y = HEIGHT - PLOT_BOTTOM
        begins = window.bucket_start(index)
        span = f"{begins:%H:%M}-{begins + window.width:%H:%M}"
        for name in series:
            count = counts[name][index]
            if not count:
                continue
            height = plot_height * count / top
            y -= height
            chart.rects.append(
                Rect(
                    x=round(x, 1),
                    y=round(y, 1),
                    width=round(slot - GAP, 1),
                    height=round(height, 1),
                    colour=colours[name],
                    series=name,
                    count=count,
                    title=f"{span} UTC · {name}: {count}",
                )
            )
        if index % label_every == 0:
            chart.x_labels.append(
                Label(
                    x=round(x + (slot - GAP) / 2, 1),
                    y=HEIGHT - 8,
                    text=format(begins, label_format),
                )
            )
    for fraction in (0, 0.5, 1):
        value = top * fraction
        text = f"{value:g}"
        chart.y_labels.append(
            Label(
                x=PLOT_LEFT - 6,
                y=round(HEIGHT - PLOT_BOTTOM - plot_height * fraction + 4, 1),
                text=text,
            )
        )
    chart.legend = [(name, colours[name], sum(counts[name])) for name in series]
    return chart
