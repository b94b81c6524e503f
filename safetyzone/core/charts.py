"""Charts with a table behind them.

A domain app turns what its selectors read into a ``Chart``: categories, and one or more
series of numbers with their (translated) names. The page includes
``core/_chart.html``, which draws the same numbers twice: as the data of an Apache
ECharts chart (passed with ``json_script``, read by ``static/js/charts.js``; the
Content-Security-Policy allows no inline script) and as an accessible ``<table>``, the
one that prints. Both come from this one object, so they cannot disagree.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Number = int | float | Decimal | None

# The scripts a page with charts loads, in this order.
CHART_SCRIPTS = ("vendor/echarts/echarts.min.js", "js/charts.js")


def _plain(value: Number) -> int | float | None:
    if isinstance(value, Decimal):
        return round(float(value), 1)
    return value


@dataclass(frozen=True)
class Series:
    """One row of numbers, one per category. ``axis`` 1 puts it on a second value axis
    (a rate beside counts); series with the same ``stack`` are stacked."""

    name: str
    data: list[Number]
    kind: Literal["bar", "line", "pie"] = "bar"
    axis: int = 0
    stack: str = ""
    suffix: str = ""

    def cells(self) -> list[str]:
        return ["—" if v is None else f"{_plain(v)}{self.suffix}" for v in self.data]


@dataclass(frozen=True)
class Chart:
    """A chart and its table. ``key`` names it on the page (ids, test ids);
    ``category_label`` heads the table's first column; ``axes`` names the value axes."""

    key: str
    title: str
    category_label: str
    categories: list[str]
    series: list[Series]
    axes: list[str] = field(default_factory=list)
    horizontal: bool = False

    @property
    def script_id(self) -> str:
        return f"chart-{self.key}-data"

    @property
    def empty(self) -> bool:
        return not self.categories or not any(
            v for series in self.series for v in series.data if v is not None
        )

    @property
    def height(self) -> int:
        """Pixels: a horizontal chart grows with its categories (one bar per unit)."""
        if self.horizontal:
            return max(220, 30 * len(self.categories) + 90)
        return 300

    def rows(self) -> list[tuple[str, list[str]]]:
        """The table's rows: a category and its cell in each series."""
        columns = [series.cells() for series in self.series]
        return [
            (category, [column[i] for column in columns])
            for i, category in enumerate(self.categories)
        ]

    def data(self) -> dict[str, Any]:
        """What the page's script draws, ready for ``json_script``."""
        return {
            "title": str(self.title),
            "categories": [str(c) for c in self.categories],
            "horizontal": self.horizontal,
            "axes": [str(a) for a in self.axes],
            "series": [
                {
                    "name": str(s.name),
                    "kind": s.kind,
                    "axis": s.axis,
                    "stack": s.stack,
                    "suffix": s.suffix,
                    "data": [_plain(v) for v in s.data],
                }
                for s in self.series
            ],
        }
