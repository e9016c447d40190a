"""Percentiles and the table: pure arithmetic and text, no Django."""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    page: str
    students: int | None  # None for the baseline, which no cohort owns
    seconds: list[float]
    queries: int | None
    unexpected: int  # answers with another status than the page's own

    @property
    def p50(self) -> float:
        return percentile(self.seconds, 50)

    @property
    def p95(self) -> float:
        return percentile(self.seconds, 95)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p% of values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    return f"{seconds * 1000:,.1f}" if seconds < 0.1 else f"{seconds * 1000:,.0f}"


def ratio(value: float, baseline: float) -> str:
    if math.isnan(value) or math.isnan(baseline) or baseline == 0:
        return "-"
    return f"{value / baseline:,.0f}x" if value >= 10 * baseline else f"{value / baseline:.1f}x"


def table(rows: list[Row], baseline_p95: float) -> str:
    header = ("page", "students", "n", "p50 ms", "p95 ms", "ratio", "queries")
    lines = [
        (
            row.page,
            "-" if row.students is None else f"{row.students:,}",
            str(len(row.seconds)) + (f" ({row.unexpected} bad)" if row.unexpected else ""),
            ms(row.p50),
            ms(row.p95),
            ratio(row.p95, baseline_p95),
            "-" if row.queries is None else str(row.queries),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def aligned(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([aligned(header), rule, *(aligned(line) for line in lines)])
