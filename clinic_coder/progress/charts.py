"""Charts drawn as SVG on the server: no JavaScript library, no CDN.

Each chart comes with the numbers it draws, so a template can put an accessible table beside it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 480
HEIGHT = 180
MARGIN = 28


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Histogram:
    bars: tuple[Bar, ...]
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - MARGIN


def score_histogram(scores: Sequence[int]) -> Histogram:
    """Scores in ten bands: 0-9, 10-19, ... 90-100."""
    counts = [0] * 10
    for score in scores:
        counts[min(int(score) // 10, 9)] += 1
    tallest = max(counts) or 1
    plot_height = HEIGHT - 2 * MARGIN
    step = (WIDTH - 2 * MARGIN) / 10
    bars = []
    for band, count in enumerate(counts):
        height = plot_height * count / tallest
        label = "90-100" if band == 9 else f"{band * 10}-{band * 10 + 9}"
        bars.append(
            Bar(
                label=label,
                count=count,
                x=MARGIN + band * step + 2,
                y=HEIGHT - MARGIN - height,
                width=step - 4,
                height=height,
            )
        )
    return Histogram(bars=tuple(bars), total=len(scores))


@dataclass(frozen=True)
class Point:
    label: str
    value: int
    x: float
    y: float


@dataclass(frozen=True)
class LineChart:
    points: tuple[Point, ...]
    path: str
    width: int = WIDTH
    height: int = HEIGHT
    top: float = MARGIN
    bottom: float = HEIGHT - MARGIN


def percent_line(values: Sequence[tuple[str, int]]) -> LineChart:
    """A 0-100 line over labelled points in order (dates, attempt numbers...)."""
    plot_height = HEIGHT - 2 * MARGIN
    step = (WIDTH - 2 * MARGIN) / max(len(values) - 1, 1)
    points = tuple(
        Point(
            label=label,
            value=value,
            x=MARGIN + index * step,
            y=HEIGHT - MARGIN - plot_height * value / 100,
        )
        for index, (label, value) in enumerate(values)
    )
    path = " ".join(
        f"{'M' if index == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for index, p in enumerate(points)
    )
    return LineChart(points=points, path=path)
