"""Every chart as a Vega-Lite specification (a plain dict), drawn as SVG by Vega in the browser.

Vega-Lite because one grammar serves both places the indicators are shown: the self-contained
report (page.py inlines the Vega bundle that vl-convert-python ships) and `zwgk serve`, whose
datasette-dashboards plugin bundles Vega-Lite too. Each `*_spec()` is the chart without data
(field names are the columns of the matching canned query in canned.py); `*_chart()` adds the
rows of one site.
"""

from __future__ import annotations

from crawler.report.indicators import (
    LAG_BINS,
    Completeness,
    Survival,
    Timeliness,
    Volume,
    lag_histogram,
)

WIDE, HIGH = 520, 180
LAG_ORDER = [label for _, _, label in LAG_BINS]
WRITTEN_TO_PUBLISHED = "成文日期→发布日期"
PUBLISHED_TO_SEEN = "发布日期→首次采集"


def with_data(spec: dict, rows: list[dict]) -> dict:
    return {"data": {"values": rows}, **spec}


def volume_spec() -> dict:
    """Documents per month: bars first captured, a line dated (发布日期) that month."""
    x = {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": None}
    y = {"field": "documents", "type": "quantitative", "title": "documents"}
    color = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": ["first seen", "published"], "range": ["#4c78a8", "#f58518"]},
    }
    return {
        "width": WIDE,
        "height": HIGH,
        "layer": [
            {
                "transform": [{"filter": "datum.series === 'first seen'"}],
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {"x": x, "y": y, "color": color},
            },
            {
                "transform": [{"filter": "datum.series === 'published'"}],
                "mark": {"type": "line", "point": True, "tooltip": True},
                "encoding": {"x": x, "y": y, "color": color},
            },
        ],
    }


def volume_rows(volume: Volume) -> list[dict]:
    return [
        {"month": f"{month}-01", "series": series, "documents": n}
        for series, counts in (("first seen", volume.first_seen), ("published", volume.published))
        for month, n in counts.items()
    ]


def volume_chart(volume: Volume) -> dict:
    return with_data(volume_spec(), volume_rows(volume))


def survival_spec() -> dict:
    """The Kaplan–Meier curve: share of documents still available, by days since first capture."""
    return {
        "width": WIDE,
        "height": HIGH,
        "mark": {"type": "line", "interpolate": "step-after", "point": True, "tooltip": True},
        "encoding": {
            "x": {"field": "days", "type": "quantitative", "title": "days since first captured"},
            "y": {
                "field": "survival",
                "type": "quantitative",
                "title": "still available",
                "scale": {"domain": [0, 1]},
                "axis": {"format": "%"},
            },
        },
    }


def survival_rows(survival: Survival) -> list[dict]:
    curve = survival.curve
    rows = [
        {"days": s.time, "survival": round(s.survival, 6), "at_risk": s.at_risk, "gone": s.events}
        for s in curve.steps
    ]
    if curve.followup > rows[-1]["days"]:  # the curve runs on, flat, to the longest follow-up
        rows.append({**rows[-1], "days": curve.followup, "gone": 0})
    return rows


def survival_chart(survival: Survival) -> dict:
    return with_data(survival_spec(), survival_rows(survival))


def timeliness_spec() -> dict:
    """Histogram of lags in days, one colour per measure."""
    return {
        "width": WIDE,
        "height": HIGH,
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "days", "type": "ordinal", "sort": LAG_ORDER, "title": "days"},
            "xOffset": {"field": "measure", "type": "nominal"},
            "y": {"field": "documents", "type": "quantitative", "title": "documents"},
            "color": {"field": "measure", "type": "nominal", "title": None},
        },
    }


def timeliness_rows(timeliness: Timeliness) -> list[dict]:
    return [
        {"measure": measure, "days": label, "documents": n}
        for measure, values in (
            (WRITTEN_TO_PUBLISHED, timeliness.written_to_published),
            (PUBLISHED_TO_SEEN, timeliness.published_to_seen),
        )
        for label, n in lag_histogram(values)
    ]


def timeliness_chart(timeliness: Timeliness) -> dict:
    return with_data(timeliness_spec(), timeliness_rows(timeliness))


def completeness_spec() -> dict:
    """One bar per 政务公开 field: the share of documents carrying it."""
    return {
        "width": WIDE,
        "height": 120,
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "field", "type": "nominal", "sort": None, "title": None},
            "x": {
                "field": "share",
                "type": "quantitative",
                "scale": {"domain": [0, 1]},
                "axis": {"format": "%"},
                "title": "share of documents",
            },
        },
    }


def completeness_rows(completeness: Completeness) -> list[dict]:
    return [{"field": f, "share": round(s, 6)} for f, s in completeness.shares.items()]


def completeness_chart(completeness: Completeness) -> dict:
    return with_data(completeness_spec(), completeness_rows(completeness))


def sparkline_chart(months: dict[str, int]) -> dict:
    """A 120×24 line without axes: documents published per month."""
    rows = [{"month": f"{m}-01", "documents": n} for m, n in months.items()]
    return with_data(
        {
            "width": 120,
            "height": 24,
            "padding": 0,
            "config": {"view": {"stroke": None}},
            "mark": {"type": "line", "interpolate": "monotone", "strokeWidth": 1.5},
            "encoding": {
                "x": {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "axis": None},
                "y": {"field": "documents", "type": "quantitative", "axis": None},
            },
        },
        rows,
    )
