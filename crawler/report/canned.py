"""The indicators as SQL over the archive: `zwgk serve`'s canned queries and dashboard charts.

The same definitions as indicators.py (docs/indicators.md), written for analysts to read and
adapt in Datasette; tests/test_report_serve.py checks that both give the same values on a
fixture archive. Every query takes `:site` (empty: every site). One difference: SQL's
date(…, '-6 months') normalises a month-end day past the end of a shorter month (31 August →
2 March) where indicators.py clamps it (→ 29 February).

The dashboard (datasette-dashboards, which bundles Vega-Lite: no network) draws the charts of
charts.py from these queries' rows.
"""

from __future__ import annotations

from crawler.report import charts
from crawler.report.indicators import LAG_BINS

SITE = "(:site = '' OR {col} = :site)"
# per site: when the archive last looked at it (the end of its latest run)
OBSERVED = """observed AS (
    SELECT s.id AS site_id, (SELECT coalesce(r.ended_at, r.started_at) FROM runs r
                             WHERE r.site_id = s.id ORDER BY r.id DESC LIMIT 1) AS at,
           (SELECT min(r.started_at) FROM runs r WHERE r.site_id = s.id) AS first_run
    FROM sites s)"""
GONE = """gone AS (
    SELECT e.document_id, min(e.at) AS at FROM events e JOIN documents d ON d.id = e.document_id
    WHERE d.status IN ('deleted', 'unlisted') AND e.event IN ('deleted', 'unlisted')
      AND e.at > coalesce((SELECT max(r.at) FROM events r
                           WHERE r.document_id = e.document_id AND r.event = 'restored'), '')
    GROUP BY e.document_id)"""
# each document with its current version's metadata, read once (the documents and versions
# tables: a join onto the latest_documents view would drag its texts along)
DOCS = f"""docs AS (
    SELECT d.id, d.site_id, d.url, d.status, d.first_seen, v.title, v.publish_date, v.written_date,
           v.publisher, v.index_no, v.doc_no, v.category
    FROM documents d JOIN versions v ON v.id = d.current_version_id
    WHERE {SITE.format(col="d.site_id")})"""
DAYS = "CAST(julianday(substr({b}, 1, 10)) - julianday(substr({a}, 1, 10)) AS INTEGER)"

VOLUME = f"""WITH {DOCS}
SELECT site_id, substr(first_seen, 1, 7) || '-01' AS month, 'first seen' AS series, count(*) AS documents
FROM docs GROUP BY site_id, 2
UNION ALL
SELECT site_id, substr(publish_date, 1, 7) || '-01', 'published', count(*)
FROM docs WHERE date(publish_date) IS NOT NULL GROUP BY site_id, 2
ORDER BY site_id, series, month"""

VOLUME_COLUMNS = f"""
SELECT c.site_id, coalesce(c.name, c.url) AS column_name, c.url AS column_url,
       substr(d.first_seen, 1, 7) AS month, count(DISTINCT d.id) AS documents
FROM columns c JOIN listings l ON l.column_id = c.id JOIN documents d ON d.url = l.url
WHERE {SITE.format(col="c.site_id")} GROUP BY c.id, month ORDER BY c.site_id, c.id, month"""

_CURVE = f"""WITH {OBSERVED}, {GONE},
obs AS (
    SELECT d.site_id, max(0, {DAYS.format(a="d.first_seen", b="CASE WHEN g.at IS NOT NULL THEN g.at ELSE o.at END")}) AS days,
           g.at IS NOT NULL AS event
    FROM documents d JOIN observed o ON o.site_id = d.site_id LEFT JOIN gone g ON g.document_id = d.id
    WHERE {SITE.format(col="d.site_id")}),
times AS (SELECT site_id, days, sum(event) AS gone, count(*) AS leaving FROM obs GROUP BY site_id, days),
risk AS (SELECT site_id, days, gone, sum(leaving) OVER (PARTITION BY site_id ORDER BY days DESC) AS at_risk,
                sum(leaving) OVER (PARTITION BY site_id) AS documents,
                max(days) OVER (PARTITION BY site_id) AS followup
         FROM times),
curve AS (
    SELECT site_id, days, at_risk, gone, documents, followup,
           CASE WHEN max(gone = at_risk) OVER w THEN 0.0
                ELSE round(exp(sum(CASE WHEN gone < at_risk THEN ln(1.0 - 1.0 * gone / at_risk) ELSE 0 END) OVER w), 6)
           END AS survival
    FROM risk WINDOW w AS (PARTITION BY site_id ORDER BY days))"""

SURVIVAL = f"""{_CURVE}
SELECT site_id, 0 AS days, max(documents) AS at_risk, 0 AS gone, 1.0 AS survival FROM curve GROUP BY site_id
UNION ALL SELECT site_id, days, at_risk, gone, survival FROM curve WHERE gone > 0 OR days = followup
ORDER BY site_id, days, at_risk DESC"""

# S is non-increasing: S(365) is the smallest value at or before day 365
SURVIVAL_SHARES = f"""{_CURVE}
SELECT site_id, max(documents) AS documents, sum(gone) AS gone, max(followup) AS longest_followup_days,
       CASE WHEN max(followup) >= 365
            THEN round(1 - coalesce(min(CASE WHEN days <= 365 THEN survival END), 1.0), 6) END
            AS gone_within_1_year,
       CASE WHEN max(followup) >= 730
            THEN round(1 - coalesce(min(CASE WHEN days <= 730 THEN survival END), 1.0), 6) END
            AS gone_within_2_years
FROM curve GROUP BY site_id ORDER BY site_id"""

_BINS = ", ".join(f"('{label}', {i})" for i, (_, _, label) in enumerate(LAG_BINS))
_BIN = """CASE WHEN l.days < 0 THEN '<0' WHEN l.days = 0 THEN '0' WHEN l.days <= 3 THEN '1–3'
          WHEN l.days <= 7 THEN '4–7' WHEN l.days <= 30 THEN '8–30' WHEN l.days <= 90 THEN '31–90'
          WHEN l.days <= 365 THEN '91–365' ELSE '>365' END"""
TIMELINESS = f"""WITH {OBSERVED},
bins(label, position) AS (VALUES {_BINS}),
measures(measure, position) AS (VALUES ('{charts.WRITTEN_TO_PUBLISHED}', 0), ('{charts.PUBLISHED_TO_SEEN}', 1)),
{DOCS},
lags AS (
    SELECT site_id, '{charts.WRITTEN_TO_PUBLISHED}' AS measure,
           {DAYS.format(a="written_date", b="publish_date")} AS days
    FROM docs WHERE date(publish_date) IS NOT NULL AND date(written_date) IS NOT NULL
    UNION ALL
    SELECT d.site_id, '{charts.PUBLISHED_TO_SEEN}', {DAYS.format(a="d.publish_date", b="d.first_seen")}
    FROM docs d JOIN observed o ON o.site_id = d.site_id
    WHERE date(d.publish_date) >= date(o.first_run)),
judged AS (SELECT DISTINCT site_id FROM docs),
counted AS (SELECT site_id, measure, {_BIN} AS label, count(*) AS documents, min(days) AS shortest,
                   max(days) AS longest FROM lags l GROUP BY 1, 2, 3)
SELECT s.site_id, m.measure, b.label AS days, coalesce(c.documents, 0) AS documents, c.shortest,
       c.longest
FROM judged s CROSS JOIN measures m CROSS JOIN bins b
LEFT JOIN counted c ON c.site_id = s.site_id AND c.measure = m.measure AND c.label = b.label
ORDER BY s.site_id, m.position, b.position"""

_FIELDS = (("index_no", "索引号"), ("doc_no", "文号"), ("publisher", "发布机构"),
           ("written_date", "成文日期"), ("category", "主题分类"))  # fmt: skip
_SHARES = ", ".join(
    f"round(avg(coalesce(trim({name}), '') != ''), 6) AS s{i}"
    for i, (name, _) in enumerate(_FIELDS)
)
COMPLETENESS = (
    f"WITH {DOCS},\nshares AS (SELECT site_id, count(*) AS documents, {_SHARES} FROM docs GROUP BY site_id)\n"
    + "\nUNION ALL\n".join(
        f"SELECT site_id, '{label}' AS field, {i} AS position, documents, s{i} AS share FROM shares"
        for i, (_, label) in enumerate(_FIELDS)
    )
    + "\nORDER BY site_id, position"
)

ANNUAL_REPORT = f"""WITH {OBSERVED}, {DOCS},
due AS (SELECT site_id, CAST(substr(at, 1, 4) AS INTEGER) - CASE WHEN substr(at, 6, 5) > '01-31'
                        THEN 1 ELSE 2 END AS year FROM observed WHERE at IS NOT NULL),
found AS (
    SELECT site_id, CAST(substr(title, instr(title, '年') - 4, 4) AS INTEGER) AS year,
           coalesce(date(publish_date), date(first_seen)) AS published, title, url
    FROM docs
    WHERE (title LIKE '%政府信息公开工作年度报告%' OR title LIKE '%政府信息公开年度报告%'
           OR title LIKE '%政府信息公开工作报告%' OR title LIKE '%政府信息公开报告%')
      AND substr(title, instr(title, '年') - 4, 4) GLOB '[12][0-9][0-9][0-9]'),
earliest AS (SELECT site_id, year, min(published) AS published FROM found GROUP BY site_id, year)
SELECT d.site_id, d.year, (d.year + 1) || '-01-31' AS deadline,
       CASE WHEN e.published IS NULL THEN 'missing'
            WHEN e.published <= (d.year + 1) || '-01-31' THEN 'on time' ELSE 'late' END AS status,
       e.published,
       (SELECT f.title FROM found f WHERE f.site_id = d.site_id AND f.year = d.year
        AND f.published = e.published ORDER BY f.url LIMIT 1) AS title,
       (SELECT f.url FROM found f WHERE f.site_id = d.site_id AND f.year = d.year
        AND f.published = e.published ORDER BY f.url LIMIT 1) AS url
FROM due d LEFT JOIN earliest e ON e.site_id = d.site_id AND e.year = d.year
WHERE {SITE.format(col="d.site_id")} ORDER BY d.site_id"""

_SILENT = f"""WITH {OBSERVED},
activity AS (
    SELECT c.id, c.site_id, coalesce(c.name, c.url) AS column_name, c.url,
           coalesce(max(date(v.publish_date)), max(date(l.first_seen))) AS last_activity
    FROM columns c LEFT JOIN listings l ON l.column_id = c.id
    LEFT JOIN documents d ON d.url = l.url LEFT JOIN versions v ON v.id = d.current_version_id
    WHERE {SITE.format(col="c.site_id")} GROUP BY c.id),
silent AS (
    SELECT a.* FROM activity a JOIN observed o ON o.site_id = a.site_id
    WHERE a.last_activity < date(o.at, '-6 months'))"""
SILENT_COLUMNS = f"""{_SILENT}
SELECT site_id, column_name, url, last_activity FROM silent ORDER BY site_id, id"""

HEALTH = f"""{_SILENT}
SELECT s.id AS site_id, count(r.id) AS runs,
       coalesce(sum(r.outcome != 'running' AND (r.outcome NOT IN ('finished', 'stopped_at_limit')
           OR (r.pages_fetched > 0 AND r.fetches_failed + r.fetches_blocked >= r.pages_fetched))), 0)
           AS runs_failed,
       coalesce(sum(r.fetches_blocked), 0) AS blocked_pages,
       (SELECT count(*) FROM silent x WHERE x.site_id = s.id) AS silent_columns,
       (SELECT count(*) FROM columns c WHERE c.site_id = s.id) AS columns
FROM sites s LEFT JOIN runs r ON r.site_id = s.id
WHERE {SITE.format(col="s.id")} GROUP BY s.id ORDER BY s.id"""

DELETIONS = f"""
SELECT e.at, e.event, e.reason, e.evidence, d.site_id, d.status AS status_now, ld.title, d.url,
       ld.text AS archived_text
FROM events e JOIN documents d ON d.id = e.document_id
JOIN latest_documents ld ON ld.document_id = d.id
WHERE e.event IN ('deleted', 'unlisted') AND {SITE.format(col="d.site_id")}
ORDER BY e.at DESC, e.id DESC LIMIT 200"""

QUERIES = {
    "indicator_volume": ("Volume: documents first seen and published per month", VOLUME),
    "indicator_volume_columns": ("Volume per column: documents first seen per month", VOLUME_COLUMNS),
    "indicator_survival": ("Survival: Kaplan–Meier curve (share still available by days)", SURVIVAL),
    "indicator_survival_shares": ("Survival: share gone within 1 and 2 years", SURVIVAL_SHARES),
    "indicator_timeliness": ("Timeliness: days 成文日期→发布日期 and 发布日期→first seen", TIMELINESS),
    "indicator_completeness": ("Completeness: share carrying 索引号, 文号, 发布机构, 成文日期, 主题分类", COMPLETENESS),
    "indicator_annual_report": ("Annual report: 政府信息公开工作年度报告 published by 31 January?", ANNUAL_REPORT),
    "indicator_health": ("Health: failed runs, blocked pages, silent columns", HEALTH),
    "indicator_silent_columns": ("Health: columns silent for more than 6 months", SILENT_COLUMNS),
    "indicator_deletions": ("Recent deletions with evidence and the archived text", DELETIONS),
}  # fmt: skip


def canned_queries() -> dict[str, dict]:
    """Datasette canned queries, one per indicator; `site` empty means every site."""
    return {
        name: {"title": title, "sql": sql.strip(), "params": ["site"]}
        for name, (title, sql) in QUERIES.items()
    }


def _display(spec: dict, colour_by_site: bool = False) -> dict:
    """A chart spec for datasette-dashboards: it supplies the data and the width."""
    display = {k: v for k, v in spec.items() if k not in ("width", "height", "data")}
    if colour_by_site:
        display["encoding"] = {
            **display["encoding"],
            "color": {"field": "site_id", "type": "nominal"},
        }
    return display


def dashboard(db_name: str) -> dict:
    """The datasette-dashboards configuration: the report's charts over the canned queries."""

    def chart(title: str, query: str, spec: dict) -> dict:
        sql = query.strip().replace(":site = ''", "coalesce(:site, '') = ''")
        return {
            "title": title,
            "db": db_name,
            "query": sql,
            "library": "vega-lite",
            "display": spec,
        }

    return {
        "indicators": {
            "title": "政务公开 transparency indicators",
            "description": "The charts of `zwgk report`, live over the archive "
            "(definitions: docs/indicators.md). Choose a site above.",
            "layout": [["volume", "survival"], ["timeliness", "completeness"]],
            "filters": {
                "site": {
                    "name": "Site",
                    "type": "select",
                    "db": db_name,
                    "query": "SELECT id FROM sites ORDER BY id",
                }
            },
            "charts": {
                "volume": chart(
                    "Volume: documents per month", VOLUME, _display(charts.volume_spec())
                ),
                "survival": chart(
                    "Survival: share still available",
                    SURVIVAL,
                    _display(charts.survival_spec(), colour_by_site=True),
                ),
                "timeliness": chart(
                    "Timeliness: days", TIMELINESS, _display(charts.timeliness_spec())
                ),
                "completeness": chart(
                    "Completeness", COMPLETENESS, _display(charts.completeness_spec())
                ),
            },
        }
    }
